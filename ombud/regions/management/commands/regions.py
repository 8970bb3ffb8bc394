from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ombud.regions.address import reset_cache
from ombud.regions.services import load_divisions, load_packaged_divisions


class Command(BaseCommand):
    help = "Load or update the GB/T 2260 division tree (and one authority per region)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a CSV with code,name columns; no FILE: the packaged edition")
        load.add_argument("file", nargs="?")
        load.add_argument("--edition", help="edition name, e.g. 'GB/T 2260 2026-06'")
        load.add_argument("--as-of", help="date the edition is current as of (YYYY-MM-DD)")

    def handle(self, *args, action, file=None, edition=None, as_of=None, **opts):
        try:
            if file:
                path = Path(file)
                text = path.read_text(encoding="utf-8-sig")
                result = load_divisions(text=text, edition_name=edition or path.name, source=str(path),
                                        as_of=as_of)
            else:
                result = load_packaged_divisions()
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        reset_cache()
        self.stdout.write(f"loaded {result.regions} divisions as edition “{result.name}”. "
                          "Restart web and worker processes to pick up the new tree at once "
                          "(they refresh within a minute by themselves).")
