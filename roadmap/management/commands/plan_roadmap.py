import json

from django.core.management.base import BaseCommand, CommandError

from assessments.management.common import assessment_or_error
from roadmap.services import roadmap_for, roadmap_generate, roadmap_json


class Command(BaseCommand):
    help = (
        "Generate the roadmap of a closed assessment (keeping manual edits unless --reset) "
        "and print it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument(
            "--reset", action="store_true", help="start over: drop the manual edits"
        )

    def handle(self, *args, assessment_id, reset=False, **options):
        assessment = assessment_or_error(assessment_id)
        if not assessment.is_closed:
            raise CommandError(f"assessment {assessment_id} is not closed; close it first")
        roadmap = roadmap_for(assessment)
        roadmap_generate(roadmap=roadmap, reset=reset)
        self.stdout.write(json.dumps(roadmap_json(roadmap), ensure_ascii=False, indent=2))
