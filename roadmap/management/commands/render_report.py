from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from roadmap.pdf import render_report


class Command(BaseCommand):
    help = "Write the A4 results report of an assessment."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, assessment_id, output, **options):
        assessment = (
            Assessment.objects.select_related("organisation", "model_version")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            raise CommandError(f"assessment {assessment_id} not found")
        Path(output).write_bytes(render_report(assessment))
        self.stdout.write(f"report={output}")
