from pathlib import Path

from django.core.management.base import BaseCommand

from assessments.imports import FileRejected, import_respondents
from assessments.management.common import (
    add_limit_arguments,
    assessment_or_error,
    file_rejected,
    limits_of,
    open_input,
)


class Command(BaseCommand):
    help = (
        "Personal invitations from a CSV or XLSX list with columns email,layer[,department]. "
        "A department must exist in the organisation unless --create-departments."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("file")
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="add departments the organisation does not have yet (else they are errors)",
        )
        add_limit_arguments(parser)

    def handle(self, *args, **options):
        assessment = assessment_or_error(options["assessment_id"])
        path = Path(options["file"])
        with open_input(path) as file:
            try:
                outcome = import_respondents(
                    assessment=assessment,
                    data=file,
                    name=path.name,
                    create_departments=options["create_departments"],
                    limits=limits_of(options),
                )
            except FileRejected as rejected:
                raise file_rejected(self, rejected, path.name) from None
        self.stdout.write(
            f"invited {outcome.created}, already invited {outcome.skipped} "
            f"(assessment={assessment.pk})"
        )
