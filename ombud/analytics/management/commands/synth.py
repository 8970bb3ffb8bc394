import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ombud.analytics import calibration, synth


class Command(BaseCommand):
    help = ("Generate a synthetic, calibrated year of cases (with their events and clocks) straight into the "
            "database; deterministic for a seed, resumable after a stop.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--cases", type=int, help="cases in the year (default: the published total × --scale)")
        parser.add_argument("--scale", type=float, default=1.0, help="e.g. 0.001 for a 1:1000 year")
        parser.add_argument("--seed", type=int, default=12315)
        parser.add_argument("--as-of", help="the snapshot moment (ISO 8601); default: 1 April of the next year, "
                                            "or now if earlier")
        parser.add_argument("--defer-indexes", action="store_true",
                            help="PostgreSQL: drop the case tables' non-unique indexes for the load, rebuild after")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, year, cases, scale, seed, as_of, no_progress, defer_indexes, **opts):
        published = calibration.YEARS.get(year, calibration.YEARS[2023])
        if cases is None:
            if not 0 < scale <= 1:
                raise CommandError("--scale must be in (0, 1]")
            cases = round(published["total"] * scale)
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        moment = None
        if as_of:
            try:
                moment = dt.datetime.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of: {exc}") from exc
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=synth.CST)
        bar = None
        if not no_progress:
            from tqdm import tqdm

            bar = tqdm(total=366, unit="day", desc=f"synth {year}", file=self.stderr._out)

        def progress(done, days, written, seconds):
            bar.total = days
            bar.n = done
            bar.set_postfix(cases=written.get("cases", 0), events=written.get("events", 0),
                            rate=f"{written.get('cases', 0) / max(seconds, 1e-9):,.0f}/s", refresh=False)
            bar.refresh()

        try:
            run = synth.run(year=year, cases=cases, seed=seed, as_of=moment, progress=progress if bar else None,
                            defer_indexes=defer_indexes, say=lambda text: self.stderr.write(text))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        w = run.written
        state = "finished" if run.finished_at else f"stopped after day {run.days_done} of {run.days}"
        self.stdout.write(self.style.SUCCESS(
            f"{year}: {w.get('cases', 0):,} cases, {w.get('events', 0):,} events, {w.get('clocks', 0):,} clocks, "
            f"{w.get('businesses', 0):,} businesses; {state}; {run.seconds:.1f} s in all"
            + (f" (of which {w['index_seconds']} s building indexes)" if "index_seconds" in w else "")))
