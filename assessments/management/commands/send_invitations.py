from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments import collection, outbox
from assessments.management.common import assessment_or_error


class Command(BaseCommand):
    help = (
        "Queue the invitation mail for the personal invitations not mailed yet (or, with "
        "--reminders, a reminder for those who have not submitted); the worker "
        "(manage.py db_worker) sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument(
            "--reminders", action="store_true", help="remind those who have not submitted"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only say how many would be mailed"
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="the site's address for the links (default: SITE_URL, %(default)s)",
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="send in this process as well, instead of leaving it to the worker",
        )

    def handle(self, *args, **options):
        base_url = options["base_url"]
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url must start with http:// or https://: {base_url!r}")
        assessment = assessment_or_error(options["assessment_id"])
        if not assessment.is_open:
            raise CommandError(f"assessment {assessment.pk} is not open: open it first")
        what = "reminders" if options["reminders"] else "invitations"
        if options["reminders"]:
            invitations = collection.invitations_to_remind(assessment=assessment)
        else:
            invitations = collection.invitations_to_mail(assessment=assessment)
        kind = outbox.Kind.REMINDER if options["reminders"] else outbox.Kind.INVITATION
        if options["dry_run"]:
            count = outbox.would_queue(invitations, kind)
            self.stdout.write(
                f"would queue {count} {what} (assessment={assessment.pk}); nothing queued"
            )
            return
        queued = outbox.queue(assessment, invitations, kind, base_url)
        self.stdout.write(f"queued {queued} {what} (assessment={assessment.pk})")
        if options["now"]:
            done = outbox.drain()
            self.stdout.write(
                f"sent {done['sent']}, failed {done['failed']}, to retry later {done['retry']}"
            )
