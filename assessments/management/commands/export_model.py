import json

from django.core.management.base import BaseCommand, CommandError

from assessments.model_content import export_model
from assessments.models import ModelVersion


class Command(BaseCommand):
    help = "Write a maturity model version as JSON (the newest when no version is given)."

    def add_arguments(self, parser):
        parser.add_argument("version", nargs="?")

    def handle(self, *args, version=None, **options):
        versions = ModelVersion.objects.all()
        model = versions.filter(code=version).first() if version else versions.last()
        if model is None:
            raise CommandError(f"model version {version or ''} not found; run load_model".strip())
        self.stdout.write(json.dumps(export_model(model), ensure_ascii=False, indent=2))
