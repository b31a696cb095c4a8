from django.core.management.base import BaseCommand

from assessments.imports import export_answers
from assessments.management.common import assessment_or_error, write_output


class Command(BaseCommand):
    help = "Write the raw-answers CSV of an assessment (pseudonymous respondent ids)."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--output")

    def handle(self, *args, **options):
        assessment = assessment_or_error(options["assessment_id"])
        text = export_answers(assessment)
        if options["output"]:
            write_output(options["output"], text)
        else:
            self.stdout.write(text, ending="")
