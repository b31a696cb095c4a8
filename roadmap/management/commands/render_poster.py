from roadmap.management.pdf_command import PdfCommand
from roadmap.pdf import render_poster


class Command(PdfCommand):
    help = "Write the A0 poster of an assessment's roadmap (planned first if there is none)."
    document = "poster"

    def refuse(self, assessment):
        if not hasattr(assessment, "roadmap") and not assessment.is_closed:
            return f"assessment {assessment.pk} has no roadmap and is not closed; close it first"
        return None

    def render(self, assessment):
        return render_poster(assessment)
