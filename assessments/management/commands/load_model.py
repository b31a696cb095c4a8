from django.core.management.base import BaseCommand, CommandError

from assessments import hooks
from assessments.model_content import ModelFileError, load_model_file, model_files


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
        # Other apps' steps after the model (roadmap: the activity library), see hooks.py.
        hooks.model_loaded.run(self.stdout.write)
