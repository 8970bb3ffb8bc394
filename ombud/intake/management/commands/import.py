from django.core.management.base import BaseCommand, CommandError

from ombud.intake.importers import BATCH, ImportError_, import_file


class Command(BaseCommand):
    help = ("Import cases from a file: Ombud CSV/JSONL or a US CFPB complaint export (any known header). "
            "Bad rows go to a reject file; the command exits 0 even with rejects.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--authority", help="intake authority code (default: the national authority)")
        parser.add_argument("--rejects", help="reject file (default: FILE.rejects.csv next to FILE)")
        parser.add_argument("--source", help="source label kept with external ids (default: cfpb or ombud)")
        parser.add_argument("--batch-size", type=int, default=BATCH)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, file, authority=None, rejects=None, source=None, batch_size=BATCH, no_progress=False,
               **opts):
        try:
            stats = import_file(file, authority_code=authority, rejects=rejects, source=source,
                                batch_size=max(1, batch_size), progress=not no_progress, stderr=self.stderr._out)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout.write
        out(f"format: {stats.fmt}")
        out(f"rows read: {stats.rows}")
        out(f"imported: {stats.imported}")
        out(f"rejected: {stats.rejected}" + (f" (see {stats.reject_path})" if stats.rejected else ""))
        out(f"duplicates: {stats.duplicates}")
        out(f"new businesses: {stats.businesses_created}")
        out(f"seconds: {stats.seconds:.2f}")
        out(f"rows/s: {stats.rate:,.0f}")
