from pathlib import Path

from django.core.management.base import BaseCommand

from assessments.imports import FileRejected, import_answers_file
from assessments.management.common import file_rejected, read_file


class Command(BaseCommand):
    help = (
        "Import submitted responses from a raw-answers CSV into an organisation's assessment "
        "(created when missing). All or nothing: any bad row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--type", required=True)
        parser.add_argument("--assessment", required=True)
        parser.add_argument("--model")
        parser.add_argument("--close", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_file(path)
        try:
            outcome = import_answers_file(
                data=data,
                name=path.name,
                organisation=options["organisation"],
                type=options["type"],
                assessment=options["assessment"],
                model=options["model"],
                close=options["close"],
            )
        except FileRejected as rejected:
            raise file_rejected(self, rejected, path.name) from None
        self.stdout.write(
            f"imported {outcome.created} respondents, {outcome.details['answers']} answers"
        )
        self.stdout.write(f"assessment={outcome.details['assessment'].pk}")
