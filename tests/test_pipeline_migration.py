"""The issue-15 migration keeps the register's old free-text preconditions (in the
first of the four fields, people) and the old statuses."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Organisation

BEFORE = [("roadmap", "0004_planned_activity_reason_as_data")]
AFTER = [("roadmap", "0005_data_project_pipeline_adoption_agreed_levels")]


@pytest.mark.django_db(transaction=True)
def test_the_old_preconditions_text_lands_in_people():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Only the roadmap app went back: the organisation is today's model.
    organisation = Organisation.objects.create(name="Gemeente Oud", type="gemeente")
    old.get_model("roadmap", "DataProject").objects.create(
        organisation_id=organisation.pk,
        subject="Dashboard",
        status="verkenning",
        preconditions="DPIA gedaan; beheer door het datateam.",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    project = new.get_model("roadmap", "DataProject").objects.get()
    assert project.pre_people == "DPIA gedaan; beheer door het datateam."
    assert (project.pre_tooling, project.pre_allowed, project.pre_maintenance) == ("", "", "")
    assert project.status == "verkenning"
    assert project.benefits == [] and project.source == ""
    # Back to the latest state for the other tests.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
