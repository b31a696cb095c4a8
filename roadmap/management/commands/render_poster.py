from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from roadmap.pdf import render_poster


class Command(BaseCommand):
    help = "Write the A0 poster of an assessment's roadmap (planned first if there is none)."

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
        has_roadmap = hasattr(assessment, "roadmap")
        if not has_roadmap and not assessment.is_closed:
            raise CommandError(
                f"assessment {assessment_id} has no roadmap and is not closed; close it first"
            )
        Path(output).write_bytes(render_poster(assessment))
        self.stdout.write(f"poster={output}")
