from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ombud.analytics import report
from ombud.documents.pdf import FontMissing


class Command(BaseCommand):
    help = ("Write the periodic statistical report for a region and a period (a year, a quarter or a month) as "
            "report-<region>-<period>.pdf and .xlsx, compared with the previous year, quarter or month.")

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2023 (a year), 2023-Q1 (a quarter) or 2023-03 (a month)")
        parser.add_argument("--region", default=report.NATION,
                            help=f"6-digit division code (GB/T 2260); {report.NATION} for the nation (the default)")
        parser.add_argument("--language", default="zh-hans", choices=[code for code, _ in settings.LANGUAGES],
                            help="the report's language (default zh-hans)")
        parser.add_argument("--out", default=".", help="the folder to write into (default: the current one)")

    def handle(self, *args, period, region, language, out, **options):
        try:
            result = report.build(region=region, period=period, language=language)
        except FontMissing as exc:
            raise CommandError(f"cannot write the PDF: {exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            paths = []
            for suffix, data in (("pdf", result.pdf), ("xlsx", result.xlsx)):
                path = folder / f"{result.filename_stem}.{suffix}"
                path.write_bytes(data)
                paths.append(path)
        except OSError as exc:
            raise CommandError(f"cannot write into {folder}: {exc}") from exc
        for path in paths:
            self.stdout.write(str(path))
