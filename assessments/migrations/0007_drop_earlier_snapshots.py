from django.db import migrations

# The format results.py writes its kept results in (results.SNAPSHOT_FORMAT when this
# migration was written); snapshots without it were written by scoring version 1.
SNAPSHOT_FORMAT = 2


def drop_earlier_snapshots(apps, schema_editor):
    """Kept results of an earlier format are made again on their next read. Benchmark
    and trend read a snapshot's `scores` without its `data`: left in place, they would
    compare scores of the earlier rules with those of the present ones."""
    ResultSnapshot = apps.get_model("assessments", "ResultSnapshot")
    earlier = [
        pk
        for pk, version in ResultSnapshot.objects.values_list("pk", "data__format")
        if version != SNAPSHOT_FORMAT
    ]
    for start in range(0, len(earlier), 500):  # SQLite's limit on query parameters
        ResultSnapshot.objects.filter(pk__in=earlier[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_open_link_limits"),
    ]

    operations = [
        migrations.RunPython(drop_earlier_snapshots, migrations.RunPython.noop),
    ]
