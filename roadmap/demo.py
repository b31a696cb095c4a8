"""The demo's strategy session, roadmap and data projects register (used by load_demo).

Idempotent: the vision is written once, the roadmap is generated once, and register
entries are matched by subject.
"""

from datetime import date

from .models import DataProject, VisionSession
from .services import roadmap_for, roadmap_generate

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
    "held_on": date(2026, 1, 20),
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
        "preconditions": "Koppeling met het zaaksysteem; beheer door het datateam.",
        "link": "https://intranet.voorbeeldstad.example/dashboards/wmo",
    },
    {
        "subject": "Kaart meldingen openbare ruimte",
        "problem_owner": "Manager Beheer Openbare Ruimte",
        "domain": "Ruimte",
        "status": DataProject.Status.IN_USE,
        "description": "Alle meldingen openbare ruimte op de kaart, per week bijgewerkt.",
        "preconditions": "Geo-viewer; beheer door team Geo-informatie.",
        "link": "https://intranet.voorbeeldstad.example/kaarten/meldingen",
    },
    {
        "subject": "Vroegsignalering schulden",
        "problem_owner": "Manager Werk en Inkomen",
        "domain": "Sociaal Domein",
        "status": DataProject.Status.EXPLORATION,
        "description": "Verkennen of signalen van betaalachterstanden eerder hulp mogelijk maken.",
        "preconditions": "DPIA, grondslag, data-analist, afspraken met woningcorporaties.",
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
    return roadmap
