from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.imports import FileRejected, describe, import_respondents
from assessments.models import Assessment


class Command(BaseCommand):
    help = "Personal invitations from a CSV or XLSX list with columns email,layer[,department]."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("file")

    def handle(self, *args, **options):
        assessment = Assessment.objects.filter(pk=options["assessment_id"]).first()
        if assessment is None:
            raise CommandError(f"no assessment with id {options['assessment_id']}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        try:
            outcome = import_respondents(assessment=assessment, data=data, name=path.name)
        except FileRejected as rejected:
            for line, reason in rejected.errors:
                self.stderr.write(describe(line, reason))
            raise CommandError(
                f"nothing imported: {len(rejected.errors)} error(s) in {path.name}", returncode=1
            ) from None
        self.stdout.write(
            f"invited {outcome.created}, already invited {outcome.skipped} "
            f"(assessment={assessment.pk})"
        )
