from django.core.management.base import BaseCommand, CommandError

from roadmap.inspiration import InspirationFileError, inspiration_files, load_inspiration_file


class Command(BaseCommand):
    help = (
        "Load the glossary and the use-case catalogue from fixtures/inspiration/*.json "
        "(idempotent; run load_model first)."
    )

    def handle(self, *args, **options):
        files = inspiration_files()
        if not files:
            raise CommandError("no fixtures/inspiration/*.json found")
        for path in files:
            try:
                result = load_inspiration_file(path)
            except InspirationFileError as error:
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(
                f"{result.version.code}: {result.outcome} "
                f"({result.terms} terms, {result.use_cases} use cases)"
            )
