from pathlib import Path

from django.core.management.base import BaseCommand

from assessments.imports import FileRejected, import_respondents
from assessments.management.common import assessment_or_error, file_rejected, read_file


class Command(BaseCommand):
    help = "Personal invitations from a CSV or XLSX list with columns email,layer[,department]."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("file")

    def handle(self, *args, **options):
        assessment = assessment_or_error(options["assessment_id"])
        path = Path(options["file"])
        data = read_file(path)
        try:
            outcome = import_respondents(assessment=assessment, data=data, name=path.name)
        except FileRejected as rejected:
            raise file_rejected(self, rejected, path.name) from None
        self.stdout.write(
            f"invited {outcome.created}, already invited {outcome.skipped} "
            f"(assessment={assessment.pk})"
        )
