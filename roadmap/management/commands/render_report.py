from roadmap.management.pdf_command import PdfCommand
from roadmap.pdf import render_report


class Command(PdfCommand):
    help = "Write the A4 results report of an assessment."
    document = "report"

    def render(self, assessment):
        return render_report(assessment)
