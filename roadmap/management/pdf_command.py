"""What `render_poster` and `render_report` share: find the assessment, write the PDF."""

from django.core.management.base import BaseCommand, CommandError

from assessments.management.common import assessment_or_error, write_output


class PdfCommand(BaseCommand):
    """Subclasses set `document` (the word printed before the file name) and `render`."""

    document = ""

    def render(self, assessment):
        raise NotImplementedError

    def refuse(self, assessment):
        """A reason not to render this assessment's document, or None."""
        return None

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, assessment_id, output, **options):
        assessment = assessment_or_error(assessment_id)
        reason = self.refuse(assessment)
        if reason:
            raise CommandError(reason)
        write_output(output, self.render(assessment))
        self.stdout.write(f"{self.document}={output}")
