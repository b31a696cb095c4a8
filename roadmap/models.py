"""The activity library, an assessment's strategy session and roadmap, and the data
projects register (spec/roadmap.md, spec/domain.md "From results to roadmap").

Kept plain on purpose: the poster and the report read these models directly.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Bilingual, KeyFactor, ModelVersion, Organisation
from assessments.stages import MAX_LEVEL, MIN_LEVEL

from . import planner
from .reasons import reason_text


class CodedTitle(Bilingual):
    """A coded item with a bilingual title and description: shown as "code title", and
    its title and description in the active language."""

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def label(self):
        return self.localised("title")

    @property
    def description_label(self):
        return self.localised("description")


class Kind(models.TextChoices):
    DATA_PROJECT = planner.DATA_PROJECT, _("Dataproject")
    PRECONDITION = planner.PRECONDITION, _("Randvoorwaarde")


class Effort(models.TextChoices):
    S = "S", _("S (klein)")
    M = "M", _("M (middel)")
    L = "L", _("L (groot)")


class LibraryActivity(CodedTitle, models.Model):
    """An activity that helps move a factor from stage `from_level` to the next."""

    version = models.ForeignKey(
        ModelVersion, models.CASCADE, related_name="activities", verbose_name=_("modelversie")
    )
    code = models.CharField(_("code"), max_length=16)
    factor = models.ForeignKey(
        KeyFactor, models.CASCADE, related_name="activities", verbose_name=_("sleutelfactor")
    )
    from_level = models.PositiveSmallIntegerField(
        _("van niveau"), help_text=_("De activiteit helpt van dit niveau naar het volgende.")
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    effort = models.CharField(_("inspanning"), max_length=1, choices=Effort.choices)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="needed_by",
        verbose_name=_("voorwaarden"),
    )

    class Meta:
        ordering = ["version", "factor__order", "from_level", "code"]
        verbose_name = _("bibliotheekactiviteit")
        verbose_name_plural = _("activiteitenbibliotheek")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_library_code"),
            models.CheckConstraint(
                condition=Q(from_level__gte=MIN_LEVEL, from_level__lt=MAX_LEVEL),
                name="library_from_level_0_4",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="library_kind_valid"),
            models.CheckConstraint(
                condition=Q(effort__in=Effort.values), name="library_effort_valid"
            ),
        ]


class DataProject(models.Model):
    """An entry of the organisation's data projects register (the hybrid approach): a
    use case on its way from idea to product in use (issue 15, the use-case pipeline)."""

    class Status(models.TextChoices):
        IDEA = "idee", _("Idee")
        SELECTION = "selectie", _("Selectie")
        EXPLORATION = "verkenning", _("Verkenning")
        DEVELOPMENT = "in_ontwikkeling", _("In ontwikkeling")
        IN_USE = "in_gebruik", _("In gebruik")
        STOPPED = "gestopt", _("Gestopt")

    class Source(models.TextChoices):
        SURVEY_COMMENT = "toelichting", _("Toelichting in de vragenlijst")
        SESSION = "sessie", _("Sessie")
        STAFF = "medewerker", _("Medewerker")
        CATALOGUE = "catalogus", _("Voorbeeldcatalogus")

    class Benefit(models.TextChoices):
        OBJECTIVITY = "objectiviteit", _("Objectiviteit")
        SATISFACTION = "tevredenheid", _("Tevredenheid")
        EFFICIENCY = "efficiency", _("Efficiency")
        EFFECTIVENESS = "effectiviteit", _("Effectiviteit")
        QUALITY = "kwaliteit", _("Kwaliteit")
        LEAD_TIME = "doorlooptijd", _("Doorlooptijd")

    # Without an action the information is "nice to know": the project stays an idea
    # (or is selected, or stopped) until someone says what will be done with it.
    NEEDS_NO_ACTION = (Status.IDEA, Status.SELECTION, Status.STOPPED)

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="data_projects", verbose_name=_("organisatie")
    )
    subject = models.CharField(_("onderwerp"), max_length=200)
    source = models.CharField(
        _("bron"), max_length=16, choices=Source.choices, blank=True, default=""
    )
    problem_owner = models.CharField(
        _("probleemeigenaar"),
        max_length=200,
        blank=True,
        help_text=_("Wie het probleem heeft en de energie om het op te lossen."),
    )
    sponsor = models.CharField(
        _("sponsor"),
        max_length=200,
        blank=True,
        help_text=_("De opdrachtgever die tijd en geld vrijmaakt."),
    )
    domain = models.CharField(
        _("domein"), max_length=100, blank=True, help_text=_("Bijvoorbeeld Sociaal Domein.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IDEA
    )
    description = models.TextField(_("omschrijving"), blank=True)
    information_question = models.TextField(
        _("informatievraag"), blank=True, help_text=_("Welke vraag moet de data beantwoorden?")
    )
    action = models.TextField(
        _("actie"),
        blank=True,
        help_text=_(
            "Wat doet iemand anders met het antwoord? Zonder actie is het ‘nice to know’: "
            "dan blijft het project een idee."
        ),
    )
    # The four preconditions. Before issue 15 one free-text field held all four; the
    # migration kept that text in `pre_people`.
    pre_people = models.TextField(
        _("mensen"), blank=True, help_text=_("Wie doet het werk, met welke kennis?")
    )
    pre_tooling = models.TextField(_("tooling"), blank=True)
    pre_allowed = models.TextField(
        _("wat mag"), blank=True, help_text=_("Wettelijke grondslag, privacy, ethiek.")
    )
    dpia_needed = models.BooleanField(_("DPIA nodig"), default=False)
    iama_needed = models.BooleanField(_("IAMA nodig"), default=False)
    pre_maintenance = models.TextField(
        _("beheer"), blank=True, help_text=_("Wie beheert het product als het af is?")
    )
    benefits = models.JSONField(_("opbrengst"), default=list, blank=True)
    result = models.CharField(
        _("resultaat"), max_length=200, blank=True, help_text=_("In één regel.")
    )
    link = models.URLField(
        _("link"), blank=True, help_text=_("Waar medewerkers het product vinden (in gebruik).")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation", "subject"]
        verbose_name = _("dataproject")
        verbose_name_plural = _("dataprojecten")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "subject"], name="unique_data_project_subject"
            ),
            models.CheckConstraint(
                condition=~Q(status="in_gebruik") | ~Q(link=""),
                name="data_project_in_use_has_link",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "idee",
                        "selectie",
                        "verkenning",
                        "in_ontwikkeling",
                        "in_gebruik",
                        "gestopt",
                    ]
                ),
                name="data_project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["", "toelichting", "sessie", "medewerker", "catalogus"]),
                name="data_project_source_valid",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def lacks_action(self):
        """True when the project is past selection without an action (the "nice to know"
        test; rows from before the test may be)."""
        return self.status not in self.NEEDS_NO_ACTION and not self.action.strip()

    @property
    def benefit_labels(self):
        names = dict(self.Benefit.choices)
        return [names[code] for code in self.benefits if code in names]


class AdoptionStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    DISCUSSED = "besproken", _("Besproken met directie")
    ADOPTED = "vastgesteld", _("Vastgesteld")


class AdoptingBody(models.TextChoices):
    COLLEGE = "college", _("het college")
    DIRECTIE = "directie", _("de directie")
    BESTUUR = "bestuur", _("het bestuur")
    GENERAL_BOARD = "algemeen_bestuur", _("het algemeen bestuur")
    OTHER = "anders", _("anders")


class Roadmap(models.Model):
    """The strategy session and the roadmap of one assessment."""

    assessment = models.OneToOneField(
        Assessment, models.CASCADE, related_name="roadmap", verbose_name=_("meting")
    )
    vision = models.TextField(_("visie"), blank=True)
    # The strategic principles ("strategische uitgangspunten") in their order.
    principles = models.JSONField(_("strategische uitgangspunten"), default=list, blank=True)
    frameworks = models.TextField(_("randvoorwaarden en kaders"), blank=True)
    horizon = models.PositiveSmallIntegerField(_("horizon (jaren)"), default=4)
    start_year = models.PositiveSmallIntegerField(_("startjaar"))
    capacity = models.PositiveSmallIntegerField(
        _("capaciteit per jaar"), default=planner.DEFAULT_CAPACITY
    )
    # Codes of generated activities the consultant removed: regenerating keeps them out.
    removed_codes = models.JSONField(default=list, blank=True, editable=False)
    generated_at = models.DateTimeField(_("gegenereerd op"), null=True, blank=True)
    # The roadmap of the organisation's previous measurement that this one continues
    # (issue 15, continuity): its done activities are this route's history, its open
    # ones were carried over. Set when the roadmap is first generated.
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("vorige routekaart"),
    )
    # Adoption of strategy and roadmap (issue 15): one status for both, as they are
    # discussed and adopted together. See roadmap/adoption.py.
    adoption_status = models.CharField(
        _("status"), max_length=16, choices=AdoptionStatus.choices, default=AdoptionStatus.CONCEPT
    )
    adopted_body = models.CharField(
        _("vastgesteld door"), max_length=20, choices=AdoptingBody.choices, blank=True
    )
    adopted_body_other = models.CharField(_("ander orgaan"), max_length=100, blank=True)
    adoption_date = models.DateField(_("datum"), null=True, blank=True)
    adoption_by = models.CharField(
        _("door wie"), max_length=200, blank=True, help_text=_("Naam of rol.")
    )
    # 1 for the first version; every change after an adoption starts the next one.
    version = models.PositiveIntegerField(_("versie"), default=1)

    class Meta:
        verbose_name = _("routekaart")
        verbose_name_plural = _("routekaarten")
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon__gte=1, horizon__lte=10), name="roadmap_horizon_1_10"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=200), name="roadmap_capacity_1_200"
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=2000, start_year__lte=2100),
                name="roadmap_start_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(adoption_status__in=["concept", "besproken", "vastgesteld"]),
                name="roadmap_adoption_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(adoption_status="vastgesteld")
                | (~Q(adopted_body="") & Q(adoption_date__isnull=False)),
                name="roadmap_adopted_has_body_and_date",
            ),
        ]

    def __str__(self):
        return str(self.assessment)

    @property
    def is_adopted(self):
        return self.adoption_status == AdoptionStatus.ADOPTED

    @property
    def next_version(self):
        return self.version + 1

    @property
    def years(self):
        """(year number, calendar year) for every year of the horizon."""
        return [(year, self.start_year + year - 1) for year in range(1, self.horizon + 1)]

    @property
    def end_year(self):
        return self.start_year + self.horizon - 1


class FactorTarget(models.Model):
    """The strategy session's target per factor and the stages the last plan used."""

    roadmap = models.ForeignKey(Roadmap, models.CASCADE, related_name="targets")
    factor = models.ForeignKey(KeyFactor, models.CASCADE, related_name="+")
    # The consultant's choice; empty means the stage of the desired score.
    chosen = models.PositiveSmallIntegerField(_("gekozen doel"), null=True, blank=True)
    # As used by the last generated plan (the bounded target of spec/roadmap.md).
    current_stage = models.PositiveSmallIntegerField(_("huidige fase"), null=True, blank=True)
    target_stage = models.PositiveSmallIntegerField(_("doelfase"), null=True, blank=True)

    class Meta:
        ordering = ["roadmap", "factor__order"]
        verbose_name = _("doel per sleutelfactor")
        verbose_name_plural = _("doelen per sleutelfactor")
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "factor"], name="unique_factor_target"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": MIN_LEVEL, f"{name}__lte": MAX_LEVEL}),
                    name=f"factor_target_{name}_0_5",
                )
                for name in ("chosen", "current_stage", "target_stage")
            ),
        ]

    def __str__(self):
        return f"{self.factor.code}: {self.target_stage}"


class PlannedActivity(CodedTitle, models.Model):
    """An activity on a roadmap: generated from the library or added by the consultant."""

    class Status(models.TextChoices):
        PLANNED = "gepland", _("Gepland")
        ONGOING = "lopend", _("Lopend")
        DONE = "gereed", _("Gereed")
        LAPSED = "vervallen", _("Vervallen")

    roadmap = models.ForeignKey(Roadmap, models.CASCADE, related_name="activities")
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    factor = models.ForeignKey(
        KeyFactor, models.PROTECT, related_name="+", verbose_name=_("sleutelfactor")
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    from_level = models.PositiveSmallIntegerField(_("van niveau"), null=True, blank=True)
    # year 1 … horizon and quarter 1–4; both empty when the activity is after the horizon.
    year = models.PositiveSmallIntegerField(_("jaar"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("kwartaal"), null=True, blank=True)
    after_horizon = models.BooleanField(_("na de horizon"), default=False)
    effort = models.CharField(_("inspanning"), max_length=1, choices=Effort.choices)
    owner = models.CharField(_("eigenaar"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    # Why the activity is there, as data (roadmap.planner.Reason.as_dict(): kind
    # transition/prerequisite/data_project_year1/custom, factor, from, to,
    # prerequisite_of, text); worded by roadmap/reasons.py.
    reason = models.JSONField(_("waarom"), default=dict, blank=True)
    custom = models.BooleanField(_("eigen activiteit"), default=False)
    prerequisites = models.JSONField(_("voorwaarden"), default=list, blank=True)
    # Year and quarter were set by hand: regenerating keeps them.
    moved = models.BooleanField(_("handmatig verplaatst"), default=False)
    data_project = models.ForeignKey(
        DataProject,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("dataproject uit het register"),
    )
    # The open activity of the previous roadmap this one continues ("uit de vorige
    # routekaart"); that one stays on its own roadmap, untouched.
    carried_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("uit de vorige routekaart"),
    )

    class Meta:
        ordering = ["roadmap", "year", "quarter", "factor__order", "from_level", "code"]
        verbose_name = _("geplande activiteit")
        verbose_name_plural = _("geplande activiteiten")
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "code"], name="unique_planned_code"),
            models.UniqueConstraint(
                fields=["roadmap", "carried_from"], name="unique_carried_per_roadmap"
            ),
            models.CheckConstraint(
                condition=(
                    Q(after_horizon=False, year__gte=1, quarter__gte=1, quarter__lte=4)
                    | Q(after_horizon=True, year__isnull=True, quarter__isnull=True)
                ),
                name="planned_year_quarter_or_after_horizon",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="planned_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["gepland", "lopend", "gereed", "vervallen"]),
                name="planned_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(from_level__isnull=True)
                | Q(from_level__gte=MIN_LEVEL, from_level__lt=MAX_LEVEL),
                name="planned_from_level_0_4",
            ),
        ]

    @property
    def reason_label(self):
        """The reason in the active language (roadmap/reasons.py)."""
        return reason_text(self.reason)

    @property
    def is_data_project(self):
        return self.kind == Kind.DATA_PROJECT

    @property
    def calendar_year(self):
        return None if self.year is None else self.roadmap.start_year + self.year - 1


class RenderedPdf(models.Model):
    """A rendered poster or report, kept by the digest of the data that went into it
    (see roadmap/pdf.py): the same data is served again without rendering."""

    class Kind(models.TextChoices):
        POSTER = "poster", _("Poster")
        REPORT = "report", _("Rapport")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    language = models.CharField(max_length=8)
    digest = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gemaakte pdf")
        verbose_name_plural = _("gemaakte pdf's")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "language"], name="unique_rendered_pdf"
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} {self.kind} {self.language}"


class RoadmapVersion(models.Model):
    """A frozen copy of an adopted strategy and roadmap: what the college (or whoever)
    adopted stays readable after the roadmap changes (roadmap/adoption.py)."""

    roadmap = models.ForeignKey(Roadmap, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    adoption_status = models.CharField(_("status"), max_length=16, choices=AdoptionStatus.choices)
    adopted_body = models.CharField(
        _("vastgesteld door"), max_length=20, choices=AdoptingBody.choices, blank=True
    )
    adopted_body_other = models.CharField(_("ander orgaan"), max_length=100, blank=True)
    adoption_date = models.DateField(_("datum"), null=True, blank=True)
    adoption_by = models.CharField(_("door wie"), max_length=200, blank=True)
    snapshot = models.JSONField(_("inhoud"), default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["roadmap", "-number"]
        verbose_name = _("vastgestelde versie")
        verbose_name_plural = _("vastgestelde versies")
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="unique_roadmap_version")
        ]

    def __str__(self):
        return f"{self.roadmap_id} v{self.number}"


class AgreedLevel(models.Model):
    """The results session (validation): per factor the level the organisation agreed on,
    now and desired, with the reason. Shown beside the survey's, never instead of it."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="agreed_levels")
    factor = models.ForeignKey(KeyFactor, models.CASCADE, related_name="+")
    current = models.PositiveSmallIntegerField(_("afgesproken niveau nu"), null=True, blank=True)
    desired = models.PositiveSmallIntegerField(
        _("afgesproken gewenst niveau"), null=True, blank=True
    )
    note = models.TextField(_("toelichting"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment", "factor__order"]
        verbose_name = _("afgesproken niveau")
        verbose_name_plural = _("afgesproken niveaus")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="unique_agreed_level"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": MIN_LEVEL, f"{name}__lte": MAX_LEVEL}),
                    name=f"agreed_level_{name}_0_5",
                )
                for name in ("current", "desired")
            ),
        ]

    def __str__(self):
        return f"{self.factor_id}: {self.current} → {self.desired}"


# --- Knowledge and inspiration (issue 15) ----------------------------------------------


class InspirationVersion(models.Model):
    """One shipped version of the glossary and the use-case catalogue
    (fixtures/inspiration/*.json, loaded by `load_inspiration`)."""

    code = models.CharField(_("versie"), max_length=32, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    loaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("versie kennis en inspiratie")
        verbose_name_plural = _("versies kennis en inspiratie")

    def __str__(self):
        return self.code


class GlossaryTerm(Bilingual, models.Model):
    version = models.ForeignKey(InspirationVersion, models.CASCADE, related_name="terms")
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    term = models.CharField(_("begrip"), max_length=120)
    term_en = models.CharField(_("begrip (Engels)"), max_length=120)
    definition = models.TextField(_("uitleg"))
    definition_en = models.TextField(_("uitleg (Engels)"))
    # A key term: shown on the knowledge slide of the presentation.
    key = models.BooleanField(_("kernbegrip"), default=False)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("begrip")
        verbose_name_plural = _("begrippenlijst")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_glossary_code")
        ]

    def __str__(self):
        return self.term

    @property
    def label(self):
        return self.localised("term")

    @property
    def definition_label(self):
        return self.localised("definition")


class UseCaseDomain(models.TextChoices):
    SOCIAL = "sociaal", _("Sociaal domein")
    SPATIAL = "ruimte_wonen", _("Ruimte & wonen")
    PUBLIC_SPACE = "openbare_ruimte", _("Openbare ruimte")
    SERVICE = "dienstverlening", _("Dienstverlening")
    OPERATIONS = "bedrijfsvoering", _("Bedrijfsvoering")
    SAFETY = "veiligheid", _("Veiligheid")
    SUPERVISION = "toezicht", _("Toezicht")


class UseCaseLevel(models.TextChoices):
    SIMPLE = "eenvoudig", _("Eenvoudig")
    ADVANCED = "gevorderd", _("Gevorderd")
    SOPHISTICATED = "geavanceerd", _("Geavanceerd")


class UseCase(CodedTitle, models.Model):
    """An example use case of a Dutch government, from the shipped catalogue."""

    Domain = UseCaseDomain
    Level = UseCaseLevel

    PRIVACY_CHECKS = {"dpia": "DPIA", "iama": "IAMA"}

    version = models.ForeignKey(InspirationVersion, models.CASCADE, related_name="use_cases")
    code = models.CharField(_("code"), max_length=16)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200)
    description = models.TextField(_("omschrijving"))
    description_en = models.TextField(_("omschrijving (Engels)"))
    domain = models.CharField(_("domein"), max_length=20, choices=Domain.choices)
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    # Codes of the maturity model's key factors the use case needs (e.g. ["IT2", "PEB1"]).
    factors = models.JSONField(_("sleutelfactoren"), default=list)
    question = models.TextField(_("informatievraag"))
    question_en = models.TextField(_("informatievraag (Engels)"))
    action = models.TextField(_("actie"))
    action_en = models.TextField(_("actie (Engels)"))
    # The privacy checks it will likely need: "dpia", "iama".
    privacy = models.JSONField(_("privacytoetsen"), default=list, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("voorbeeld-use-case")
        verbose_name_plural = _("voorbeeld-use-cases")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_use_case_code"),
            models.CheckConstraint(
                condition=Q(domain__in=UseCaseDomain.values),
                name="use_case_domain_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=UseCaseLevel.values),
                name="use_case_level_valid",
            ),
        ]

    @property
    def question_label(self):
        return self.localised("question")

    @property
    def action_label(self):
        return self.localised("action")

    @property
    def privacy_labels(self):
        return [self.PRIVACY_CHECKS[code] for code in self.privacy if code in self.PRIVACY_CHECKS]


class VisionSession(models.Model):
    """The outcome of an assessment's inspiration and vision session, recorded once.

    Vision, principles and frameworks stay on Roadmap (the strategy page edits them);
    this keeps when the session was held, who took part (roles and counts only: no
    names, so nothing here identifies a participant) and the notes."""

    ROLES = [
        ("bestuur", _("Bestuur")),
        ("directie", _("Directie")),
        ("management", _("Management")),
        ("beleid", _("Beleid & advies")),
        ("specialist", _("Specialist")),
        ("uitvoering", _("Uitvoering")),
        ("overig", _("Overig")),
    ]

    assessment = models.OneToOneField(
        Assessment, models.CASCADE, related_name="vision_session", verbose_name=_("meting")
    )
    held_on = models.DateField(_("datum"))
    # {role code: number of participants}, only roles with at least one.
    participants = models.JSONField(_("deelnemers per rol"), default=dict, blank=True)
    notes = models.TextField(_("opbrengst en aantekeningen"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sessie visie en inspiratie")
        verbose_name_plural = _("sessies visie en inspiratie")

    def __str__(self):
        return f"{self.assessment} {self.held_on}"

    @property
    def participant_rows(self):
        """(role label, count) in role order, roles with nobody left out."""
        return [
            (label, self.participants[code])
            for code, label in self.ROLES
            if self.participants.get(code)
        ]

    @property
    def participant_total(self):
        return sum(self.participants.values())
