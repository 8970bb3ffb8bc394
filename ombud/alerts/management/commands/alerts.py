import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ombud.alerts import detection
from ombud.alerts.models import Level


class Command(BaseCommand):
    help = "Early-warning alerts: run detection by hand for one day (the worker runs it daily at 06:30)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        detect = sub.add_parser("detect", help="check every series for one day and raise alerts")
        detect.add_argument("--day", help="the local date to check, YYYY-MM-DD (default: yesterday)")
        detect.add_argument("--level", action="append", choices=Level.values,
                            help="only this level (may be repeated)")

    def handle(self, *args, action, day=None, level=None, **opts):
        if day:
            try:
                day = dt.date.fromisoformat(day)
            except ValueError as exc:
                raise CommandError(f"--day: {exc}") from exc
        summary = detection.detect(day=day, levels=level)
        if summary.behind:
            as_of = summary.as_of.isoformat() if summary.as_of else "never"
            self.stderr.write(f"warning: the analytical store is not complete for {summary.day} (as of {as_of}); "
                              "run it again after the store has refreshed")
        for failure in summary.failed:
            self.stderr.write(f"rule not run: {failure}")
        for lvl in summary.checked:
            self.stdout.write(f"{lvl}: {summary.checked[lvl]} series checked, {summary.raised.get(lvl, 0)} alerts raised")
        self.stdout.write(f"{summary.day}: {summary.series} series checked, {summary.alerts} alerts raised")
