"""Adoption of strategy and roadmap (issue 15): concept → besproken met directie →
vastgesteld door (college, directie, bestuur, algemeen bestuur or another body).

Strategy and roadmap share one status: they are discussed and adopted together. Each
adoption keeps a frozen copy (RoadmapVersion.snapshot) of what was adopted; a change
after adoption starts the next version as a concept (`before_change`), and the adopted
copies stay readable on the history page.
"""

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import AdoptingBody, AdoptionStatus, RoadmapVersion
from .services import roadmap_activities


def _body(body, other):
    if body == AdoptingBody.OTHER:
        return other
    return str(AdoptingBody(body).label) if body in AdoptingBody.values else other


def status_line(status, body, body_other, when):
    """The line for a status with its details; None for a concept."""
    day = date_format(when, "j F Y") if when else None
    if status == AdoptionStatus.ADOPTED:
        name = _body(body, body_other)
        if day:
            return _("Vastgesteld door %(body)s op %(date)s") % {"body": name, "date": day}
        return _("Vastgesteld door %(body)s") % {"body": name}
    if status == AdoptionStatus.DISCUSSED:
        if day:
            return _("Besproken met de directie op %(date)s") % {"date": day}
        return _("Besproken met de directie")
    return None


def adoption_line(roadmap):
    """The roadmap's status as one line, e.g. "Vastgesteld door het college op 12 maart
    2027"; None while it is a concept (or there is no roadmap)."""
    if roadmap is None:
        return None
    return status_line(
        roadmap.adoption_status,
        roadmap.adopted_body,
        roadmap.adopted_body_other,
        roadmap.adoption_date,
    )


def snapshot(roadmap):
    """A frozen, JSON-ready copy of strategy and roadmap as they are now."""
    targets = roadmap.targets.select_related("factor").exclude(target_stage=None)
    return {
        "vision": roadmap.vision,
        "principles": list(roadmap.principles),
        "frameworks": roadmap.frameworks,
        "horizon": roadmap.horizon,
        "start_year": roadmap.start_year,
        "targets": [
            {
                "factor": t.factor.code,
                "label": t.factor.label,
                "current": t.current_stage,
                "target": t.target_stage,
            }
            for t in targets
        ],
        "activities": [
            {
                "code": a.code,
                "title": a.title,
                "factor": a.factor.code,
                "kind": a.kind,
                "year": a.year,
                "calendar_year": a.calendar_year,
                "quarter": a.quarter,
                "after_horizon": a.after_horizon,
                "status": a.status,
                "owner": a.owner,
                "data_project": a.data_project.subject if a.data_project_id else "",
            }
            for a in roadmap_activities(roadmap)
        ],
    }


@transaction.atomic
def set_status(*, roadmap, status, body="", body_other="", when=None, by=""):
    """Record a status. Adoption freezes a copy of this version (again, if the same
    version is adopted a second time, e.g. to correct the date)."""
    if status != AdoptionStatus.ADOPTED:
        body, body_other = "", ""
    elif body != AdoptingBody.OTHER:
        body_other = ""
    roadmap.adoption_status = status
    roadmap.adopted_body = body
    roadmap.adopted_body_other = body_other
    roadmap.adoption_date = when
    roadmap.adoption_by = by
    roadmap.save(
        update_fields=[
            "adoption_status",
            "adopted_body",
            "adopted_body_other",
            "adoption_date",
            "adoption_by",
        ]
    )
    if status == AdoptionStatus.ADOPTED:
        RoadmapVersion.objects.update_or_create(
            roadmap=roadmap,
            number=roadmap.version,
            defaults={
                "adoption_status": status,
                "adopted_body": body,
                "adopted_body_other": body_other,
                "adoption_date": when,
                "adoption_by": by,
                "snapshot": snapshot(roadmap),
            },
        )


def before_change(roadmap):
    """Call before changing strategy or roadmap: an adopted roadmap becomes the next
    version, a concept (its adopted copy is already frozen). True when that happened."""
    if roadmap is None or roadmap.adoption_status != AdoptionStatus.ADOPTED:
        return False
    roadmap.version += 1
    roadmap.adoption_status = AdoptionStatus.CONCEPT
    roadmap.adopted_body = roadmap.adopted_body_other = roadmap.adoption_by = ""
    roadmap.adoption_date = None
    roadmap.save(
        update_fields=[
            "version",
            "adoption_status",
            "adopted_body",
            "adopted_body_other",
            "adoption_date",
            "adoption_by",
        ]
    )
    return True


def version_line(version):
    return status_line(
        version.adoption_status,
        version.adopted_body,
        version.adopted_body_other,
        version.adoption_date,
    )
