"""Kept scores carry the desired factor scores too (issue 15, the benchmark of
ambitions): filled in from the kept full results, which always held them. Scores kept
from now on get them from scoring.current_scores()."""

from django.db import migrations

BATCH = 500


def add_desired(apps, schema_editor):
    ResultSnapshot = apps.get_model("assessments", "ResultSnapshot")
    changed = []
    for snapshot in ResultSnapshot.objects.filter(department="").iterator(chunk_size=BATCH):
        scores, data = snapshot.scores, snapshot.data
        if not isinstance(scores, dict) or "desired" in scores:
            continue
        factors = (data or {}).get("scoring", {}).get("factors")
        if not isinstance(factors, dict):
            continue  # an older format: made again on its next read (results.py)
        scores["desired"] = {code: factor.get("desired") for code, factor in factors.items()}
        changed.append(snapshot)
        if len(changed) >= BATCH:
            ResultSnapshot.objects.bulk_update(changed, ["scores"])
            changed = []
    ResultSnapshot.objects.bulk_update(changed, ["scores"])


def drop_desired(apps, schema_editor):
    ResultSnapshot = apps.get_model("assessments", "ResultSnapshot")
    changed = []
    for snapshot in ResultSnapshot.objects.filter(department="").iterator(chunk_size=BATCH):
        if isinstance(snapshot.scores, dict) and snapshot.scores.pop("desired", None) is not None:
            changed.append(snapshot)
    ResultSnapshot.objects.bulk_update(changed, ["scores"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0014_organisation_logo")]

    operations = [migrations.RunPython(add_desired, drop_desired)]
