"""The maturity model, organisations, assessments and the answers they collect.

The maturity model is versioned: once an assessment uses a version, that version is
frozen so repeat measurements and benchmarks stay comparable (spec/domain.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .stages import MAX_LEVEL, MIN_LEVEL, stage_name


class Bilingual:
    """Picks the English variant of a text field when the active language is English."""

    def localised(self, field):
        if (get_language() or "nl").startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)

    @property
    def label(self):
        return self.localised("name")


class ModelVersion(models.Model):
    code = models.CharField(_("versie"), max_length=32, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("modelversie")
        verbose_name_plural = _("modelversies")

    def __str__(self):
        return self.code

    @property
    def is_frozen(self):
        """A version that an assessment uses may no longer change."""
        return self.assessments.exists()


class ModelLayer(Bilingual, models.Model):
    """The default layer set that a new assessment on this version starts with."""

    version = models.ForeignKey(ModelVersion, models.CASCADE, related_name="layers")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("laag")
        verbose_name_plural = _("lagen")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_model_layer_code")
        ]

    def __str__(self):
        return self.name


class Track(Bilingual, models.Model):
    version = models.ForeignKey(ModelVersion, models.CASCADE, related_name="tracks")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("ontwikkelspoor")
        verbose_name_plural = _("ontwikkelsporen")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_track_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class KeyFactor(Bilingual, models.Model):
    # The version is stored beside the track so the database can keep factor codes
    # unique within a version.
    version = models.ForeignKey(ModelVersion, models.CASCADE, related_name="factors")
    track = models.ForeignKey(Track, models.CASCADE, related_name="factors")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("sleutelfactor")
        verbose_name_plural = _("sleutelfactoren")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_factor_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class LevelDescriptor(Bilingual, models.Model):
    factor = models.ForeignKey(KeyFactor, models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("niveau"))
    text = models.TextField(_("tekst"))
    text_en = models.TextField(_("tekst (Engels)"), blank=True)

    class Meta:
        ordering = ["factor", "level"]
        verbose_name = _("niveaubeschrijving")
        verbose_name_plural = _("niveaubeschrijvingen")
        constraints = [
            models.UniqueConstraint(fields=["factor", "level"], name="unique_factor_level"),
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL),
                name="level_descriptor_level_0_5",
            ),
        ]

    def __str__(self):
        return f"{self.factor.code} {self.level} {stage_name(self.level)}"


class Question(Bilingual, models.Model):
    version = models.ForeignKey(ModelVersion, models.CASCADE, related_name="questions")
    factor = models.ForeignKey(KeyFactor, models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=16)
    text = models.TextField(_("vraag"))
    text_en = models.TextField(_("vraag (Engels)"), blank=True)
    # Layer codes that are asked this question; empty means every layer.
    layers = models.JSONField(_("lagen"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_question_code")
        ]

    def __str__(self):
        return self.code

    def is_asked_of(self, layer_code):
        return not self.layers or layer_code in self.layers


class Organisation(models.Model):
    class Type(models.TextChoices):
        GEMEENTE = "gemeente", _("Gemeente")
        PROVINCIE = "provincie", _("Provincie")
        WATERSCHAP = "waterschap", _("Waterschap")
        MINISTERIE = "ministerie", _("Ministerie")
        UITVOERINGSORGANISATIE = "uitvoeringsorganisatie", _("Uitvoeringsorganisatie")
        INSPECTIE = "inspectie", _("Inspectie / toezichthouder")
        OVERIG = "overig", _("Overig")

    class SizeClass(models.TextChoices):
        XS = "xs", _("tot 100 medewerkers")
        S = "s", _("100 – 500 medewerkers")
        M = "m", _("500 – 1.000 medewerkers")
        L = "l", _("1.000 – 5.000 medewerkers")
        XL = "xl", _("meer dan 5.000 medewerkers")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    size_class = models.CharField(
        _("omvang"), max_length=4, choices=SizeClass.choices, default=SizeClass.M
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Taking part in the benchmark (spec/scoring.md, Benchmark): off until the
    # organisation agrees, switched on only by the operator, who records when and who
    # agreed on the organisation's behalf, so no one can stage peers.
    benchmark_agreed_at = models.DateTimeField(
        _("doet mee aan de benchmark sinds"),
        null=True,
        blank=True,
        help_text=_("Leeg: de organisatie doet niet mee. Alleen de beheerder vult dit in."),
    )
    benchmark_agreed_by = models.CharField(
        _("ingestemd door"),
        max_length=200,
        blank=True,
        help_text=_(
            "Wie namens de organisatie instemde, met functie en besluit, "
            "bijvoorbeeld: J. Jansen, CIO, besluit 12-3-2026."
        ),
    )
    # The logo as assessments/logo.py made it safe (a re-encoded PNG or a rebuilt SVG),
    # kept in the database like the rendered PDFs, so every server has it.
    logo = models.BinaryField(_("logo"), blank=True, default=b"")
    logo_type = models.CharField(
        _("soort logo"), max_length=3, blank=True, choices=[("png", "PNG"), ("svg", "SVG")]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            # Taking part always records who agreed; not taking part records no one.
            models.CheckConstraint(
                condition=Q(benchmark_agreed_at__isnull=True, benchmark_agreed_by="")
                | (Q(benchmark_agreed_at__isnull=False) & ~Q(benchmark_agreed_by="")),
                name="organisation_benchmark_agreement_complete",
                violation_error_message=_(
                    "Vul bij deelname aan de benchmark zowel de datum als de persoon in "
                    "die instemde, of laat beide leeg."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def takes_part_in_benchmark(self):
        return self.benchmark_agreed_at is not None


class Department(models.Model):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="departments")
    name = models.CharField(_("naam"), max_length=200)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_department")
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """Who may see an organisation: its assigned consultants and its read-only viewers."""

    class Role(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant")
        VIEWER = "viewer", _("Meekijker (alleen lezen)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("toegang")
        verbose_name_plural = _("toegang")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Assessment(models.Model):
    class Kind(models.TextChoices):
        NULMETING = "nulmeting", _("Nulmeting")
        HERHAALMETING = "herhaalmeting", _("Herhaalmeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Gesloten")

    class Scope(models.TextChoices):
        DEPARTMENT = "afdeling", _("Eén afdeling")
        ORGANISATION = "organisatie", _("De hele organisatie")
        CHAIN = "keten", _("Een keten van organisaties")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assessments", verbose_name=_("organisatie")
    )
    partner_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="chain_assessments",
        verbose_name=_("ketenpartners"),
    )
    scope = models.CharField(
        _("reikwijdte"), max_length=16, choices=Scope.choices, default=Scope.ORGANISATION
    )
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("afdeling"),
    )
    model_version = models.ForeignKey(
        ModelVersion, models.PROTECT, related_name="assessments", verbose_name=_("modelversie")
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.NULMETING)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    opens_on = models.DateField(_("open vanaf"), null=True, blank=True)
    closes_on = models.DateField(_("sluit op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    horizon = models.PositiveSmallIntegerField(_("horizon (jaren)"), default=4)
    min_group_size = models.PositiveSmallIntegerField(_("minimale groepsgrootte"), default=5)
    # Reporting groups set by the consultant: [{"name": …, "layers": [layer codes]}];
    # None follows the default (scoring.default_groups). Written when the assessment
    # closes, so a closed assessment's grouping never changes.
    reporting_groups = models.JSONField(_("rapportagegroepen"), null=True, blank=True)
    # After a reopen: the ids of the submitted responses of the version viewers see
    # (scoring.md, Versions). Empty (None) while viewers see the current results.
    released_responses = models.JSONField(null=True, blank=True, editable=False)
    invitation_text = models.TextField(_("uitnodigingstekst"), blank=True)
    reminder_text = models.TextField(_("herinneringstekst"), blank=True)
    # How the answers import reads headers it does not know by itself (a survey tool's
    # export in the wide shape): {header in words: target}, see assessments/wide.py.
    import_mapping = models.JSONField(_("kolomkoppeling voor import"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation", "-created_at"]
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_assessment_name"),
            models.CheckConstraint(
                condition=Q(horizon__gte=1, horizon__lte=10), name="assessment_horizon_1_10"
            ),
            models.CheckConstraint(
                condition=Q(min_group_size__gte=1), name="assessment_min_group_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="assessment_closes_after_opens",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.name}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def add_default_layers(self):
        """Copy the model version's default layer set onto this assessment."""
        AssessmentLayer.objects.bulk_create(
            AssessmentLayer(
                assessment=self,
                code=layer.code,
                name=layer.name,
                name_en=layer.name_en,
                order=layer.order,
            )
            for layer in self.model_version.layers.all()
        )


class Reopening(models.Model):
    """A closed assessment opened again: who and when, and what its next close did for
    viewers (`held_back`: None until it closed again; [] when the new version replaced
    the old one; else the reasons viewers keep the earlier version)."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name as it was, should the account go.
    reopened_by_name = models.CharField(max_length=150, blank=True)
    reopened_at = models.DateTimeField(default=timezone.now)
    closed_again_at = models.DateTimeField(null=True, blank=True)
    held_back = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("heropening")
        verbose_name_plural = _("heropeningen")
        ordering = ["reopened_at", "pk"]

    def __str__(self):
        return f"{self.assessment} {self.reopened_at:%Y-%m-%d %H:%M}"


class AssessmentLayer(Bilingual, models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="layers")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["assessment", "order"]
        verbose_name = _("laag")
        verbose_name_plural = _("lagen")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"], name="unique_assessment_layer_code"
            )
        ]

    def __str__(self):
        return self.name


class Invitation(models.Model):
    """A personal invitation or an open (per-layer) link. Only the token's hash is stored."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Persoonlijk")
        OPEN = "open", _("Open link")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="invitations")
    kind = models.CharField(_("soort"), max_length=8, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("e-mailadres"), blank=True)
    # A personal invitation's layer. (Open links made before open links were bound to
    # a group may hold one too, or none for "any layer".)
    layer = models.ForeignKey(
        AssessmentLayer, models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    # An open link's layer codes: one layer, or the layers of one reporting group among
    # which the respondent chooses (scoring.md, Privacy: open links).
    layers = models.JSONField(_("lagen"), default=list, blank=True)
    # An open link's maximum of responses (started or submitted): the number of people
    # in its group, entered by the consultant. Empty only on open links made before
    # there was a maximum; those start no new responses.
    headcount = models.PositiveIntegerField(_("aantal mensen"), null=True, blank=True)
    department = models.CharField(_("afdeling"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "email"],
                condition=~Q(email=""),
                name="unique_invitation_email",
            ),
            models.CheckConstraint(
                condition=Q(kind="open") | (~Q(email="") & Q(layer__isnull=False)),
                name="personal_invitation_has_email_and_layer",
            ),
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(kind="open", headcount__gte=1),
                name="open_link_headcount_positive",
            ),
        ]

    def __str__(self):
        layers = " + ".join(self.layers) or self.layer or ""
        return self.email or f"{self.get_kind_display()} {layers}".strip()


class Response(models.Model):
    """One respondent's answers. Only submitted responses count in the scores."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bezig")
        SUBMITTED = "submitted", _("Ingediend")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="responses")
    # A personal invitation has at most one response; an open link has many.
    invitation = models.OneToOneField(
        Invitation, models.SET_NULL, null=True, blank=True, related_name="response"
    )
    open_link = models.ForeignKey(
        Invitation, models.SET_NULL, null=True, blank=True, related_name="link_responses"
    )
    # Pseudonymous id, the only respondent id that leaves the application.
    respondent = models.CharField(max_length=64)
    layer = models.ForeignKey(AssessmentLayer, models.RESTRICT, related_name="responses")
    department = models.CharField(_("afdeling"), max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    current_page = models.PositiveSmallIntegerField(default=0)
    # Questions of a draft answered on one side only ("nu" without "over N jaar" or the
    # other way round), by form field name ("q12-current": "3", "x" = weet ik niet):
    # kept so that a draft saved halfway comes back as it was given. Never scored.
    half_answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("respons")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="unique_respondent_per_assessment"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_response_has_time",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "status"])]

    def __str__(self):
        return self.respondent

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


def _level_or_null(field):
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": MIN_LEVEL, f"{field}__lte": MAX_LEVEL}
    )


class Answer(models.Model):
    """Current and desired level for one question; empty means "weet ik niet"."""

    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    current = models.PositiveSmallIntegerField(null=True, blank=True)
    desired = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="unique_answer"),
            models.CheckConstraint(condition=_level_or_null("current"), name="answer_current_0_5"),
            models.CheckConstraint(condition=_level_or_null("desired"), name="answer_desired_0_5"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.current}/{self.desired}"


class FactorSum(models.Model):
    """Step 1 of scoring kept for one submitted response and one factor.

    The sums and counts of the response's non-empty current and desired answers on the
    factor's questions, so r(f) = sum / count (scoring.md rule 1) without reading the
    answers again. A submitted response never changes, so these are written once, in
    the same transaction that submits or imports it (results_sql.keep_factor_sums), one
    row for every factor of the model version (counts 0 where nothing was answered):
    a submitted response without rows has not been kept and is scored from its answers.
    """

    response = models.ForeignKey(Response, models.CASCADE, related_name="factor_sums")
    factor = models.ForeignKey(KeyFactor, models.PROTECT, related_name="+")
    current_sum = models.PositiveIntegerField()
    current_count = models.PositiveSmallIntegerField()
    desired_sum = models.PositiveIntegerField()
    desired_count = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("factorsom")
        verbose_name_plural = _("factorsommen")
        constraints = [
            models.UniqueConstraint(fields=["response", "factor"], name="unique_factor_sum")
        ]

    def __str__(self):
        return f"{self.response_id} {self.factor_id}"


class FactorComment(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="comments")
    factor = models.ForeignKey(KeyFactor, models.PROTECT, related_name="comments")
    text = models.TextField(_("toelichting"))

    class Meta:
        verbose_name = _("toelichting")
        verbose_name_plural = _("toelichtingen")
        constraints = [
            models.UniqueConstraint(fields=["response", "factor"], name="unique_factor_comment")
        ]

    def __str__(self):
        return self.text[:50]


class ResultSnapshot(models.Model):
    """The computed results of a closed assessment (or of one of its departments).

    A closed assessment's results do not change, so they are computed once and kept
    here; the results page, exports, benchmark and trend read them instead of the
    answers. Written on the first computation after closing; cleared whenever the
    assessment or one of its responses is saved (assessments/results.py).
    """

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="result_snapshots")
    # Empty for the whole organisation, else the department's name.
    department = models.CharField(max_length=200, blank=True)
    # The full results (scoring.ScoringResult.to_dict() and the departments).
    data = models.JSONField()
    # Only the current scores of tracks and factors: what a benchmark or trend needs.
    scores = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("berekende uitslag")
        verbose_name_plural = _("berekende uitslagen")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "department"], name="unique_result_snapshot"
            )
        ]

    def __str__(self):
        return f"{self.assessment} {self.department}".strip()


class OutboxMessage(models.Model):
    """One mail to one invitee (an invitation or a reminder), sent by the worker.

    The life of a row (assessments/outbox.py): queued → sending (claimed by one worker)
    → sent, or → failed with the SMTP reason; a failure the server calls temporary goes
    back to queued with a later `next_attempt_at` (backoff). `handed_at` is stamped
    just before the mail is handed to SMTP: a row found in "sending" without it can
    not have been sent."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Uitnodiging")
        REMINDER = "reminder", _("Herinnering")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="outbox")
    invitation = models.ForeignKey(Invitation, models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # The site's address the link is built on (the request's, or the command's).
    base_url = models.CharField(max_length=200)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    # Which worker run holds the row while it is "sending".
    claim = models.CharField(max_length=32, blank=True)
    # When a person (or the command) last put it in the queue: a round of sending.
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_ready"),
            models.Index(fields=["assessment", "status"], name="outbox_assessment_status"),
        ]
        constraints = [
            # One unfinished mail of a kind per invitee: clicking "send" twice, or two
            # consultants at once, queues nothing twice.
            models.UniqueConstraint(
                fields=["invitation", "kind"],
                condition=Q(status__in=["queued", "sending", "failed"]),
                name="one_open_outbox_message",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.invitation_id} ({self.status})"
