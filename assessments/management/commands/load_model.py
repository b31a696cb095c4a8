from django.core.management.base import BaseCommand, CommandError

from assessments.model_content import ModelFileError, load_model_file, model_files
from roadmap.library import LIBRARY_FILE, LibraryFileError, load_library_file


class Command(BaseCommand):
    help = (
        "Load the shipped maturity model(s) and the activity library from fixtures/ "
        "(idempotent; frozen versions stay)."
    )

    def handle(self, *args, **options):
        files = model_files()
        if not files:
            raise CommandError("no fixtures/model-*.json found")
        for path in files:
            try:
                result = load_model_file(path)
            except ModelFileError as error:
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(f"{result.version.code}: {result.outcome}")
        try:
            library = load_library_file()
        except LibraryFileError as error:
            raise CommandError(f"{LIBRARY_FILE.name}: {error}") from error
        if library is None:
            self.stdout.write(f"no {LIBRARY_FILE.name}: the activity library is empty")
        else:
            self.stdout.write(
                f"activities {library.version.code}: {library.outcome} ({library.count})"
            )
