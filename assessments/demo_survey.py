"""The demo's open assessment: a few invitations and responses, so the response
monitor and a survey link can be tried (part of `load_demo`, idempotent)."""

from datetime import date

from .collection import invitation_rotate, link_path, open_link_create, unusable_token_hash
from .models import Answer, Assessment, Invitation, Response

DEMO_OPEN_NAME = "Herhaalmeting 2027"
DEMO_OPEN_LAYER_COUNTS = {"directie": 2, "management": 3, "beleid": 4}
# The demo's open link: the shop floor, a large layer (bestuur and directie take part
# only with a personal invitation).
DEMO_LINK_LAYER = "uitvoering"
DEMO_LINK_HEADCOUNT = 250
DEMO_INVITED = [
    ("a.jansen@voorbeeldstad.example", "management", "Ruimte"),
    ("b.de.vries@voorbeeldstad.example", "beleid", "Sociaal Domein"),
    ("c.bakker@voorbeeldstad.example", "uitvoering", "Dienstverlening"),
]


def load_demo_survey(organisation, version, *, generate_answers, departments):
    """Create the open assessment once; returns it and the path of a working open
    link (its token is renewed on every run: only the token's hash is stored)."""
    assessment, created = Assessment.objects.get_or_create(
        organisation=organisation,
        name=DEMO_OPEN_NAME,
        defaults={
            "model_version": version,
            "kind": Assessment.Kind.HERHAALMETING,
            "status": Assessment.Status.OPEN,
            "opens_on": date(2027, 2, 1),
            "closes_on": date(2027, 3, 12),
        },
    )
    if created:
        assessment.add_default_layers()
        layers = {layer.code: layer for layer in assessment.layers.all()}
        generate_answers(
            assessment, DEMO_OPEN_LAYER_COUNTS, seed=2027, shift=0.4, departments=departments
        )
        for email, layer, department in DEMO_INVITED:
            Invitation.objects.create(
                assessment=assessment,
                kind=Invitation.Kind.PERSONAL,
                email=email,
                layer=layers[layer],
                department=department,
                token_hash=unusable_token_hash(),
            )
        # One invited respondent is halfway: a draft with the first page answered.
        invitation = Invitation.objects.get(assessment=assessment, email=DEMO_INVITED[0][0])
        draft = Response.objects.create(
            assessment=assessment,
            invitation=invitation,
            respondent="demo-2027-draft",
            layer=invitation.layer,
            department=invitation.department,
            current_page=2,
        )
        first_track = version.tracks.order_by("order").first()
        Answer.objects.bulk_create(
            Answer(response=draft, question=question, current=2, desired=4)
            for question in version.questions.filter(factor__track=first_track)
            if question.is_asked_of(invitation.layer.code)
        )
    # Demos loaded before open links had a group and a maximum hold a link without
    # them, which starts nothing: those get a new one beside it.
    link = (
        Invitation.objects.filter(
            assessment=assessment, kind=Invitation.Kind.OPEN, headcount__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if link is None:
        _link, token = open_link_create(
            assessment=assessment, layers=[DEMO_LINK_LAYER], headcount=DEMO_LINK_HEADCOUNT
        )
    else:
        token = invitation_rotate(invitation=link)
    return assessment, link_path(token)
