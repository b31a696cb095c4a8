from django.core.management.base import BaseCommand, CommandError

from assessments.demo import load_demo
from assessments.models import ModelVersion


class Command(BaseCommand):
    help = "Add the demo organisation, users and a closed, answered assessment (idempotent)."

    def handle(self, *args, **options):
        try:
            demo = load_demo()
        except ModelVersion.DoesNotExist as error:
            raise CommandError("load the maturity model first: manage.py load_model") from error
        self.stdout.write(f"demo: {demo['organisation']} · assessment={demo['assessment'].pk}")
        self.stdout.write(
            f"open survey: assessment={demo['open_assessment'].pk} · link {demo['survey_link']}"
        )
        for username, password in demo["logins"]:
            self.stdout.write(f"login: {username} / {password}")
