"""Background tasks (Django's task framework, django-tasks backport). A worker runs them:
`python manage.py db_worker` (settings.TASKS: the database backend)."""

from django_tasks import task

from . import outbox


@task()
def send_outbox():
    """Send the queued mails whose time has come (assessments/outbox.py)."""
    return outbox.drain()
