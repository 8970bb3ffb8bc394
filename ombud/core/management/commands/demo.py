from django.core.management.base import BaseCommand, CommandError

from ombud.core import demo


class Command(BaseCommand):
    help = "Load a realistic Chinese-language demo dataset (businesses, staff accounts, cases). Skips if loaded."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="how many cases to submit (default 3000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for a reproducible dataset")
        parser.add_argument("--generated", type=int, help="cases in the generated history behind the dashboards, "
                            "last year and this year to date (default 10 × --cases; 0: none)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, cases, seed, no_progress, generated=None, **opts):
        if cases < 0:
            raise CommandError("--cases must be 0 or more")
        if demo.is_loaded():
            self.stdout.write(f"Demo data is already loaded (user {demo.MARKER_USERNAME!r} exists); nothing to do.")
            return
        result = demo.load(cases=cases, seed=seed, progress=not no_progress, out=self.stderr._out)
        if not result.loaded:
            self.stdout.write("Demo data is already loaded; nothing to do.")
            return
        generated = 10 * cases if generated is None else generated
        if generated > 0:
            history = demo.generated_history(generated, seed=seed, progress=not no_progress, out=self.stderr._out)
            self.stdout.write(f"Generated history for the dashboards: {history}")
        c = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded in {result.seconds:.1f} s: {c['businesses']} businesses; "
            f"{c['complaint']} complaints, {c['report']} reports, {c['consultation']} consultations, "
            f"plus {c['linked_reports']} reports split off complaints; {c['incomplete']} flagged incomplete."))
        self.stdout.write("")
        self.stdout.write(f"Sign in with the shared demo password: {demo.DEMO_PASSWORD}")
        rows = [("username", "role", "authority / business", "password"), *result.accounts]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write("Integrator API key (shown once; send as 'Authorization: Bearer <key>'):")
        self.stdout.write(result.token)


def _width(text):
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _pad(text, width):
    return str(text) + " " * (width - _width(text))
