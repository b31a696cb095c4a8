import os

from django.core.management.base import BaseCommand

from assessments.retention import assessment_anonymise, assessments_due, needs_anonymising


class Command(BaseCommand):
    help = (
        "Anonymise respondent data of assessments closed at least --months months ago "
        "(AVG retention). Run it daily, e.g. from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=int(os.environ.get("ANONYMISE_AFTER_MONTHS", "12")),
            help="months after closing (default: ANONYMISE_AFTER_MONTHS or 12)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only list what is due")

    def handle(self, *args, months, dry_run, **options):
        if months < 0:
            self.stderr.write("--months must be 0 or more")
            raise SystemExit(2)
        due = [a for a in assessments_due(months=months) if needs_anonymising(a)]
        for assessment in due:
            if dry_run:
                self.stdout.write(f"due: assessment={assessment.pk} {assessment}")
                continue
            counts = assessment_anonymise(assessment=assessment)
            summary = " ".join(f"{name}={count}" for name, count in counts.items())
            self.stdout.write(f"anonymised: assessment={assessment.pk} {summary}")
        if not due:
            self.stdout.write("nothing to anonymise")
