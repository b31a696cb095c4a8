"""The demo's strategy session, roadmap and data projects register (used by load_demo).

Idempotent: the vision is written once, the roadmap is generated once, and register
entries are matched by subject. The earlier measurement (2024) gets a route of its own,
generated and worked on once (done, under way, dropped and open activities), which the
current roadmap continues (issue 15).
"""

from datetime import date

from .adoption import set_status
from .agreed import agreed_levels_save
from .models import (
    AdoptingBody,
    AdoptionStatus,
    DataProject,
    Kind,
    PlannedActivity,
    VisionSession,
)
from .services import roadmap_for, roadmap_generate, suggest_data_projects

DEMO_VISION = (
    "Voorbeeldstad gebruikt data om inwoners sneller en beter te helpen: in het sociaal "
    "domein, in de openbare ruimte en aan de balie. We beginnen klein met experimenten "
    "die direct waarde hebben, en bouwen tegelijk aan de basis: eigenaarschap, kennis, "
    "een veilig platform en zorgvuldig omgaan met gegevens van inwoners."
)
DEMO_PRINCIPLES = [
    "De maatschappelijke opgave staat voorop, niet de techniek.",
    "We leren door te doen: elk jaar dataprojecten met een probleemeigenaar uit het werk.",
    "Data is van de hele organisatie: vastgelegd eigenaarschap, één keer vastleggen, "
    "vaak gebruiken.",
    "Privacy en ethiek zijn vanaf het begin geregeld, niet achteraf.",
    "We maken open en uitlegbaar hoe data en algoritmes besluiten ondersteunen.",
]
DEMO_FRAMEWORKS = (
    "Binnen het bestaande I-budget en de I-visie 2025–2028; AVG, BIO en de Woo; "
    "samenwerking met de regiogemeenten in de keten sociaal domein."
)
# The inspiration-and-vision session held before the nulmeting (roles and counts only).
DEMO_SESSION = {
    # After the survey closed (13 March 2026), before the college adopted (12 May 2026).
    "held_on": date(2026, 4, 14),
    "participants": {"bestuur": 2, "directie": 3, "management": 6, "beleid": 5, "specialist": 3},
    "notes": (
        "Begrippen doorgenomen (datagedreven werken, DPIA, IAMA, algoritmeregister). "
        "Voorbeelden uit het sociaal domein en de openbare ruimte spraken het meest aan; "
        "vroegsignalering schulden gaat als idee het register in."
    ),
}
DEMO_DATA_PROJECTS = [
    {
        "subject": "Dashboard Wmo-aanvragen",
        "problem_owner": "Teamleider Wmo",
        "domain": "Sociaal Domein",
        "status": DataProject.Status.IN_USE,
        "description": "Doorlooptijden en aantallen Wmo-aanvragen per wijk.",
        "source": DataProject.Source.STAFF,
        "sponsor": "Directeur Sociaal Domein",
        "information_question": "Waar lopen Wmo-aanvragen vertraging op?",
        "action": "De teamleider verdeelt het werk elke week opnieuw over de wijkteams.",
        "pre_tooling": "Koppeling met het zaaksysteem.",
        "pre_maintenance": "Het datateam.",
        "benefits": ["doorlooptijd", "efficiency"],
        "result": "Doorlooptijd van 8 naar 6 weken.",
        "link": "https://intranet.voorbeeldstad.example/dashboards/wmo",
    },
    {
        "subject": "Kaart meldingen openbare ruimte",
        "problem_owner": "Manager Beheer Openbare Ruimte",
        "domain": "Ruimte",
        "status": DataProject.Status.IN_USE,
        "description": "Alle meldingen openbare ruimte op de kaart, per week bijgewerkt.",
        "source": DataProject.Source.STAFF,
        "information_question": "Waar komen de meeste meldingen vandaan?",
        "action": "Ploegen plannen hun rondes op de kaart.",
        "pre_tooling": "Geo-viewer.",
        "pre_maintenance": "Team Geo-informatie.",
        "benefits": ["efficiency", "tevredenheid"],
        "link": "https://intranet.voorbeeldstad.example/kaarten/meldingen",
    },
    {
        "subject": "Vroegsignalering schulden",
        "problem_owner": "Manager Werk en Inkomen",
        "domain": "Sociaal Domein",
        "status": DataProject.Status.EXPLORATION,
        "description": "Verkennen of signalen van betaalachterstanden eerder hulp mogelijk maken.",
        "source": DataProject.Source.SESSION,
        "sponsor": "Wethouder Werk en Inkomen",
        "information_question": "Welke huishoudens krijgen binnenkort betalingsproblemen?",
        "action": "Een schuldhulpverlener neemt binnen twee weken contact op.",
        "pre_people": "Een data-analist.",
        "pre_allowed": "Grondslag; afspraken met woningcorporaties.",
        "dpia_needed": True,
        "iama_needed": True,
        "link": "",
    },
]


def load_demo_roadmap(assessment):
    """Give the demo's closed assessment a strategy session, a roadmap and a register."""
    organisation = assessment.organisation
    for project in DEMO_DATA_PROJECTS:
        DataProject.objects.get_or_create(
            organisation=organisation, subject=project["subject"], defaults=project
        )
    VisionSession.objects.get_or_create(assessment=assessment, defaults=DEMO_SESSION)
    roadmap = roadmap_for(assessment)
    if not roadmap.vision:
        roadmap.vision = DEMO_VISION
        roadmap.principles = DEMO_PRINCIPLES
        roadmap.frameworks = DEMO_FRAMEWORKS
        roadmap.save(update_fields=["vision", "principles", "frameworks"])
    if roadmap.generated_at is None and assessment.is_closed:
        roadmap_generate(roadmap=roadmap)
        _link_register(roadmap)
        _agree_and_adopt(assessment, roadmap)
    return roadmap


# The results session's outcome (issue 15): where the organisation recognised the
# survey's picture but agreed on another level, with the reason.
DEMO_AGREED = {
    "OG1": (1, 3, "We herkennen het beeld, maar er is nog geen bemand datateam: eerder een 1."),
    "PEB1": (2, 4, "Met de nieuwe functionaris gegevensbescherming zijn we verder dan gedacht."),
    "IT2": (None, 3, "Eens met de stand; de ambitie is lager dan de vragenlijst zegt."),
}


def _agree_and_adopt(assessment, roadmap):
    """The demo walks the whole route: results agreed in the results session, strategy
    and roadmap adopted by the college (first time only, like the roadmap itself)."""
    factors = {
        factor.code: factor
        for factor in assessment.model_version.factors.filter(code__in=DEMO_AGREED)
    }
    agreed_levels_save(
        assessment=assessment,
        rows={factors[code]: levels for code, levels in DEMO_AGREED.items() if code in factors},
    )
    set_status(
        roadmap=roadmap,
        status=AdoptionStatus.ADOPTED,
        body=AdoptingBody.COLLEGE,
        when=date(2026, 5, 12),
        by="Gemeentesecretaris",
    )


# Who owned the earlier route's work, per track.
DEMO_OWNERS = {
    "LC": "Directie",
    "OG": "CIO-office",
    "ML": "HR en opleidingen",
    "IT": "Team informatievoorziening",
    "PEB": "Privacy officer",
}


def load_demo_previous_route(assessment):
    """The earlier measurement's roadmap, as the organisation worked on it: year 1
    done (its last activity still under way), year 2's first quarter under way, one
    activity of year 2 dropped, the rest open. Only when it is first generated."""
    roadmap = roadmap_for(assessment)
    if roadmap.generated_at is not None or not assessment.is_closed:
        return roadmap
    roadmap.vision = DEMO_VISION
    roadmap.principles = DEMO_PRINCIPLES[:3]
    roadmap.save(update_fields=["vision", "principles"])
    roadmap_generate(roadmap=roadmap)
    activities = list(
        roadmap.activities.select_related("factor__track").order_by(
            "year", "quarter", "factor__order", "code"
        )
    )
    year_one = [a for a in activities if a.year == 1]
    year_two = [a for a in activities if a.year == 2]
    for activity in activities:
        activity.owner = DEMO_OWNERS.get(activity.factor.track.code, "")
        if activity in year_one:
            activity.status = PlannedActivity.Status.DONE
        elif activity.year == 2 and activity.quarter == 1:
            activity.status = PlannedActivity.Status.ONGOING
        else:
            activity.owner = ""
    if year_one:
        year_one[-1].status = PlannedActivity.Status.ONGOING
    if year_two:
        year_two[-1].status = PlannedActivity.Status.LAPSED
    PlannedActivity.objects.bulk_update(activities, ["owner", "status"])
    return roadmap


def _link_register(roadmap):
    """Link each register project to the data-project card that looks most like it
    (issue 15: "Vroegsignalering schulden" on the card about debt in the Sociaal
    Domein), as a consultant would after the strategy session."""
    projects = list(roadmap.assessment.organisation.data_projects.all())
    linked = set()
    for activity in roadmap.activities.filter(kind=Kind.DATA_PROJECT).order_by("year", "code"):
        for project in suggest_data_projects(activity, projects):
            if project.pk not in linked:
                activity.data_project = project
                activity.save(update_fields=["data_project"])
                linked.add(project.pk)
                break
