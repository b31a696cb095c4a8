"""Why an activity is on the roadmap, worded for the reader (spec/roadmap.md P7).

The planner records a reason as data (roadmap.planner.Reason; stored as a dict on
PlannedActivity.reason); this module is the one place that turns it into words, in the
active language, for the roadmap page, the PDFs and the exports alike. Nothing parses a
worded reason back.
"""

from django.utils.translation import gettext as _

from . import planner


def reason_of(data):
    """A planner.Reason from its stored form; a missing or unknown one is None."""
    if not isinstance(data, dict) or data.get("kind") not in planner.REASON_KINDS:
        return None
    return planner.Reason.from_dict(data)


def reason_text(data):
    """The stored reason `data` (a dict or a planner.Reason) in the active language."""
    reason = data if isinstance(data, planner.Reason) else reason_of(data)
    if reason is None:
        return ""
    if reason.kind == planner.PREREQUISITE:
        return _("voorwaarde voor %(code)s") % {"code": reason.prerequisite_of}
    if reason.kind == planner.CUSTOM:
        return reason.text or ""
    # A transition needs no words: "LC1 2→3" (as the Roadmap JSON of interfaces.md).
    step = f"{reason.factor} {reason.from_level}→{reason.to_level}"
    if reason.kind == planner.DATA_PROJECT_YEAR1:
        return _("%(step)s · dataproject vanaf het eerste jaar") % {"step": step}
    if reason.kind == planner.CARRIED:
        return _("%(step)s · uit de vorige routekaart") % {"step": step}
    return step


def custom_reason(text):
    """The stored form of the consultant's own words for a custom activity."""
    return planner.Reason(planner.CUSTOM, text=text).as_dict()


def _moment(activity, start_year):
    if activity.after_horizon or activity.year is None:
        return _("na de horizon")
    return _("%(year)s K%(quarter)s") % {
        "year": start_year + activity.year - 1,
        "quarter": activity.quarter,
    }


def prerequisite_warning(activity, other, *, waits, start_year, short=False):
    """The warning on `activity`'s card: it `waits` for its prerequisite `other`,
    planned later, or (not `waits`) `other` needs it and is planned earlier. `short`:
    without the moment, for the poster's small cards."""
    values = {"code": other.code, "when": _moment(other, start_year)}
    if short:
        if waits:
            return _("Let op: vóór voorwaarde %(code)s") % values
        return _("Let op: eerst nodig voor %(code)s") % values
    if waits:
        return _("Let op: staat vóór zijn voorwaarde %(code)s (%(when)s)") % values
    return _("Let op: %(code)s (%(when)s) heeft dit eerst nodig") % values
