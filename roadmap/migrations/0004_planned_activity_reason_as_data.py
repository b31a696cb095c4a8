"""Planned activities keep their reason as data instead of Dutch text.

The text the planner stored ("LC1 2→3", "voorwaarde voor X") becomes a dict of
roadmap.planner.Reason; a custom activity's own words become kind "custom".
"""

import re

from django.db import migrations, models

TRANSITION = re.compile(r"^(?P<factor>[A-Z]+\d+) (?P<low>\d)→(?P<high>\d)$")
PREREQUISITE = "voorwaarde voor "


def reason_from_text(text, *, custom):
    """The data behind a reason stored as text: "LC1 2→3", "voorwaarde voor X", or
    (custom activities, and anything else) the consultant's own words."""
    match = TRANSITION.match(text)
    if not custom and match:
        return {
            "kind": "transition",
            "factor": match["factor"],
            "from": int(match["low"]),
            "to": int(match["high"]),
        }
    if not custom and text.startswith(PREREQUISITE):
        return {"kind": "prerequisite", "prerequisite_of": text.removeprefix(PREREQUISITE)}
    return {"kind": "custom", "text": text}


def data_as_text(data):
    """The Dutch text the planner stored before (for migrating back)."""
    kind = data.get("kind")
    if kind in ("transition", "data_project_year1"):
        return f"{data['factor']} {data['from']}→{data['to']}"
    if kind == "prerequisite":
        return PREREQUISITE + data["prerequisite_of"]
    return data.get("text", "")


def text_to_data(apps, schema_editor):
    PlannedActivity = apps.get_model("roadmap", "PlannedActivity")
    changed = []
    for activity in PlannedActivity.objects.only("pk", "reason", "custom").iterator():
        activity.reason_data = reason_from_text(activity.reason, custom=activity.custom)
        changed.append(activity)
    PlannedActivity.objects.bulk_update(changed, ["reason_data"], batch_size=500)


def data_to_text(apps, schema_editor):
    PlannedActivity = apps.get_model("roadmap", "PlannedActivity")
    changed = []
    for activity in PlannedActivity.objects.only("pk", "reason_data").iterator():
        activity.reason = data_as_text(activity.reason_data)[:200]
        changed.append(activity)
    PlannedActivity.objects.bulk_update(changed, ["reason"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0003_planned_activity_description_en")]

    operations = [
        migrations.AddField(
            model_name="plannedactivity",
            name="reason_data",
            field=models.JSONField(blank=True, default=dict, verbose_name="waarom"),
        ),
        migrations.AlterField(
            model_name="plannedactivity",
            name="reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="waarom"),
        ),
        migrations.RunPython(text_to_data, data_to_text),
        migrations.RemoveField(model_name="plannedactivity", name="reason"),
        migrations.RenameField(
            model_name="plannedactivity", old_name="reason_data", new_name="reason"
        ),
    ]
