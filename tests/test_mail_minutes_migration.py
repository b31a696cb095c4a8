"""The data migration that turns a saved "15 minuten" into the {minuten} placeholder."""

import importlib

import pytest
from django.apps import apps

from assessments.models import Assessment

pytestmark = pytest.mark.django_db

migration = importlib.import_module("assessments.migrations.0013_mail_texts_minutes_placeholder")


def test_a_saved_15_minutes_becomes_the_placeholder_except_in_closed_assessments(people):
    assessment = people.assessment
    assessment.invitation_text = "Beste collega,\n\nHet duurt ongeveer 15 minuten.\n\n{link}"
    assessment.reminder_text = "Nog 15 minuten van uw tijd? {link}"
    assessment.status = "open"
    assessment.save()
    closed = Assessment.objects.get(pk=assessment.pk)
    closed.pk = None
    closed.name = "Gesloten meting"
    closed.status = "closed"
    closed.save()

    migration.replace_fixed_minutes(apps, None)

    assessment.refresh_from_db()
    closed.refresh_from_db()
    assert assessment.invitation_text == (
        "Beste collega,\n\nHet duurt ongeveer {minuten} minuten.\n\n{link}"
    )
    assert assessment.reminder_text == "Nog {minuten} minuten van uw tijd? {link}"
    assert "15 minuten" in closed.invitation_text and "15 minuten" in closed.reminder_text
