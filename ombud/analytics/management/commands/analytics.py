from django.core.management.base import BaseCommand

from ombud.analytics import store


class Command(BaseCommand):
    help = "The analytical store: `refresh` brings it up to the case tables (`--full` rebuilds it); `status` says how fresh it is."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="refresh from the events after the watermark")
        refresh.add_argument("--full", action="store_true", help="rebuild every month from the case tables")
        sub.add_parser("status", help="where the store is, its watermark, as_of and size")

    def handle(self, *args, action, **opts):
        if action == "refresh":
            result = store.refresh(full=opts["full"], progress=lambda text: self.stderr.write(text))
            self.stdout.write(self.style.SUCCESS(
                f"{result['cases']} cases extracted, {len(result['months'])} months written, watermark "
                f"{result['watermark']}, in {result['seconds']:.1f} s"))
            return
        m = store.manifest()
        if not m:
            self.stdout.write(f"no store yet at {store.root()}; run `ombud analytics refresh`")
            return
        size = sum(p.stat().st_size for p in store.root().rglob("*.parquet"))
        self.stdout.write(f"store: {store.root()}\nwatermark: event {m['watermark']}\nas of: {m['as_of']} "
                          f"({store.lag_seconds():.0f} s ago)\nmonths: {len(m['months'])} "
                          f"({m['months'][0] if m['months'] else '—'} … {m['months'][-1] if m['months'] else '—'})\n"
                          f"size: {size / 1e6:.1f} MB")
