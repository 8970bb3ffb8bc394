from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ombud.workdays import selectors
from ombud.workdays.services import load_arrangement, packaged_arrangement, save_arrangement


class Command(BaseCommand):
    help = "The working-day calendar: load a year's official holiday arrangement, or show a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load one year from a date,kind,name CSV or a JSON file")
        load.add_argument("file")
        load.add_argument("--source", help="where the arrangement comes from (CSV; JSON has its own)")
        load.add_argument("--unofficial", action="store_true",
                          help="not yet the official notice: use it, but keep deadlines provisional")
        copy = sub.add_parser("copy", help="copy a year from the chinese-calendar package into the table "
                                           "(so an administrator can correct single days)")
        copy.add_argument("year", type=int)
        show = sub.add_parser("show", help="print a year's holidays and adjusted working days")
        show.add_argument("year", type=int)

    def handle(self, *args, action, **opts):
        getattr(self, f"_{action}")(**opts)

    def _load(self, file, source=None, unofficial=False, **_):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
            arrangement = load_arrangement(text, source=source or path.name, official=not unofficial)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: nothing loaded:\n{exc}") from exc
        self.stdout.write(f"loaded {arrangement.year}: {len(arrangement.holidays)} holidays, "
                          f"{len(arrangement.workdays)} adjusted working days"
                          + (" (unofficial)" if unofficial else "")
                          + ". Other processes pick it up within a minute.")

    def _copy(self, year, **_):
        try:
            with transaction.atomic():
                arrangement = save_arrangement(packaged_arrangement(year))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"copied {year} from {arrangement.source} into the calendar table")

    def _show(self, year, **_):
        cal = selectors.year_calendar(year)
        origin = {"table": "calendar table", "package": "chinese-calendar package",
                  "provisional": "NOT LOADED: provisional (weekends and fixed-date holidays only)"}[cal.origin]
        self.stdout.write(f"{year}: {origin}" + (" — provisional" if cal.provisional and cal.origin == "table" else ""))
        for title, days in (("holidays", cal.holidays), ("adjusted working days", cal.workdays)):
            self.stdout.write(f"{title} ({len(days)}):")
            for day in sorted(days):
                self.stdout.write(f"  {day} {day:%a}  {days[day]}")
