from django.db import migrations


def freeze_every_layer_its_own_group(apps, schema_editor):
    """Assessments closed before reporting groups existed were scored with every layer
    its own group; that grouping is now frozen into them (scoring.md: with every layer
    its own group, version 2 gives the numbers of version 1).

    The default grouping would merge their small layers instead: other numbers for a
    closed assessment, whose results never change, and a second version beside the one
    viewers saw. The two together give a small layer away (version 1's score of a
    shown directie and version 2's of bestuur & directie give bestuur's sum)."""
    Assessment = apps.get_model("assessments", "Assessment")
    AssessmentLayer = apps.get_model("assessments", "AssessmentLayer")
    closed = Assessment.objects.filter(status="closed", reporting_groups__isnull=True)
    layers = {}
    for assessment_id, code in (
        AssessmentLayer.objects.filter(assessment__in=closed)
        .order_by("assessment_id", "order", "pk")
        .values_list("assessment_id", "code")
    ):
        layers.setdefault(assessment_id, []).append(code)
    for assessment in closed.only("pk"):
        groups = [{"name": "", "layers": [code]} for code in layers.get(assessment.pk, [])]
        # An UPDATE: no signal, so kept results of this format stay.
        Assessment.objects.filter(pk=assessment.pk).update(reporting_groups=groups)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_drop_earlier_snapshots"),
    ]

    operations = [
        migrations.RunPython(freeze_every_layer_its_own_group, migrations.RunPython.noop),
    ]
