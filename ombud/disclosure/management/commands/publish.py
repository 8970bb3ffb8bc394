"""`ombud publish`: one pass of the open complaint database by hand, with a progress bar."""
from django.core.management.base import BaseCommand

from ombud.disclosure import services


class Command(BaseCommand):
    help = "Publish the complaints that became due, refresh changed ones, take down expired ones (one pass)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, no_progress=False, **options):
        bar = None

        def progress(done, total):
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="complaints", file=self.stderr._out)
            bar.n = done
            bar.refresh()

        run = services.publish_due(progress=progress)
        if bar is not None:
            bar.close()
        if run.rule_version is None:
            self.stdout.write("No publication rule is active: nothing is published.")
        self.stdout.write(f"added {run.added}, updated {run.updated}, taken down {run.removed}; "
                          f"{run.total} complaints published (rule version {run.rule_version}); counted per value in "
                          f"{run.counting_seconds or 0:.1f} s")
