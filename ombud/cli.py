"""The `ombud` console script: Django's manage.py under the project's own name."""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ombud", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
