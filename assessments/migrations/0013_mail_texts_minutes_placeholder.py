"""Custom invitation and reminder texts saved while the default text promised "15
minuten" still say so, while the survey now takes {minuten}: the time its questions
take the invitee's layer (collection.survey_minutes). The literal "15 minuten" in a
saved text becomes "{minuten} minuten". Texts of closed assessments stay as they were
sent."""

from django.db import migrations

OLD = "15 minuten"
NEW = "{minuten} minuten"


def replace_fixed_minutes(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    for field in ("invitation_text", "reminder_text"):
        rows = (
            Assessment.objects.exclude(status="closed")
            .filter(**{f"{field}__contains": OLD})
            .only("pk", field)
        )
        for assessment in rows:
            setattr(assessment, field, getattr(assessment, field).replace(OLD, NEW))
            assessment.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_assessment_import_mapping"),
    ]

    operations = [
        migrations.RunPython(replace_fixed_minutes, migrations.RunPython.noop),
    ]
