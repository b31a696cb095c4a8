"""Helpers to build invitations and answer pages in tests."""

from assessments.collection import page_questions, survey_tracks, token_hash, token_new
from assessments.models import Invitation


def open_assessment(assessment):
    assessment.status = "open"
    assessment.save()
    return assessment


def invite(assessment, email="piet@aadorp.nl", layer="beleid", department=""):
    token = token_new()
    invitation = Invitation.objects.create(
        assessment=assessment,
        kind=Invitation.Kind.PERSONAL,
        email=email,
        layer=assessment.layers.get(code=layer),
        department=department,
        token_hash=token_hash(token),
    )
    return invitation, token


# The layers an open link may offer (bestuur and directie: personal invitations only).
OPEN_LAYERS = ["management", "beleid", "specialist", "uitvoering"]


def open_link(assessment, layer=None, *, layers=None, headcount=50):
    """An open link for one layer, or letting the respondent choose among `layers`
    (default: every layer an open link may have), with a maximum of `headcount`."""
    token = token_new()
    invitation = Invitation.objects.create(
        assessment=assessment,
        kind=Invitation.Kind.OPEN,
        layers=[layer] if layer else list(layers or OPEN_LAYERS),
        headcount=headcount,
        token_hash=token_hash(token),
    )
    return invitation, token


def questions_of(assessment, number, layer="beleid"):
    track = survey_tracks(assessment)[number - 1]
    return page_questions(assessment=assessment, track=track, layer_code=layer)


def page_data(questions, current="2", desired="4", action="next", **extra):
    data = {"action": action}
    for question in questions:
        data[f"q{question.pk}-current"] = current
        data[f"q{question.pk}-desired"] = desired
    data.update(extra)
    return data


def fill_all(client, assessment, layer="beleid", pages=5):
    for number in range(1, pages + 1):
        client.post(
            f"/vragenlijst/deel/{number}/", page_data(questions_of(assessment, number, layer))
        )


def shown_step(html):
    """The step of the survey document shown without the script: "0" (the welcome), a
    part's number or "review"; None when the page is no survey document."""
    import re

    steps = re.findall(r'<section data-step="(\w+)"( hidden)?', html)
    shown = [step for step, hidden in steps if not hidden]
    assert len(shown) <= 1, shown
    return shown[0] if shown else None
