"""Plain forms for the strategy session, the roadmap and the data projects register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms import CrispyMixin
from assessments.stages import MAX_LEVEL, stage_label

from .models import AdoptingBody, AdoptionStatus, DataProject, Effort, Kind, PlannedActivity

AFTER_HORIZON = "na"
MAX_PRINCIPLES = 10


def when_choices(roadmap):
    """ "<year>-<quarter>" for every quarter of the horizon, then "na de horizon"."""
    choices = [
        (
            f"{year}-{quarter}",
            _("%(calendar)s · K%(quarter)s (jaar %(year)s)")
            % {"calendar": calendar, "quarter": quarter, "year": year},
        )
        for year, calendar in roadmap.years
        for quarter in range(1, 5)
    ]
    return [*choices, (AFTER_HORIZON, _("Na de horizon"))]


def when_value(activity):
    if activity.after_horizon or activity.year is None:
        return AFTER_HORIZON
    return f"{activity.year}-{activity.quarter}"


def parse_when(value):
    """(year, quarter) of a when_choices value; (None, None) after the horizon."""
    if value == AFTER_HORIZON:
        return None, None
    year, quarter = value.split("-")
    return int(year), int(quarter)


class WhenField(forms.ChoiceField):
    def __init__(self, *, roadmap, **kwargs):
        super().__init__(choices=when_choices(roadmap), **kwargs)

    def clean(self, value):
        return parse_when(super().clean(value))


class StrategyForm(CrispyMixin, forms.Form):
    vision = forms.CharField(
        label=_("Visie"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarom wil de organisatie datagedreven werken, en voor welke opgaven?"),
    )
    principles = forms.CharField(
        label=_("Strategische uitgangspunten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Eén uitgangspunt per regel, in de volgorde die u wilt tonen (hoogstens 10)."),
    )
    frameworks = forms.CharField(
        label=_("Randvoorwaarden en kaders"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld budget, wetgeving, de I-visie of afspraken in de keten."),
    )
    horizon = forms.IntegerField(
        label=_("Horizon (jaren)"), min_value=1, max_value=10, help_text=_("Meestal 4 jaar.")
    )
    start_year = forms.IntegerField(label=_("Startjaar"), min_value=2000, max_value=2100)
    capacity = forms.IntegerField(
        label=_("Capaciteit per jaar"),
        min_value=1,
        max_value=200,
        help_text=_("Hoeveel activiteiten de organisatie per jaar aankan (standaard 15)."),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        self.targets = targets
        for row in targets:
            name = self.target_field(row["factor"])
            self.fields[name] = forms.TypedChoiceField(
                label=row["factor"].label,
                coerce=int,
                choices=[
                    (level, f"{level} {stage_label(level)}")
                    for level in range(row["current_stage"], MAX_LEVEL + 1)
                ],
                initial=row["chosen"] if row["chosen"] is not None else row["default"],
            )
            row["field"] = name

    @staticmethod
    def target_field(factor):
        return f"target_{factor.code}"

    def target_fields(self):
        return [(row, self[row["field"]]) for row in self.targets]

    def clean_principles(self):
        lines = [line.strip() for line in self.cleaned_data["principles"].splitlines()]
        principles = [line for line in lines if line]
        if len(principles) > MAX_PRINCIPLES:
            raise forms.ValidationError(
                _("Kies hoogstens %(count)s uitgangspunten.") % {"count": MAX_PRINCIPLES}
            )
        if any(len(line) > 300 for line in principles):
            raise forms.ValidationError(_("Een uitgangspunt is te lang (hoogstens 300 tekens)."))
        return principles

    def clean(self):
        cleaned = super().clean()
        horizon = cleaned.get("horizon")
        if horizon is None:
            return cleaned
        for row in self.targets:
            target = cleaned.get(row["field"])
            highest = min(MAX_LEVEL, row["current_stage"] + horizon)
            if target is not None and target > highest:
                self.add_error(
                    row["field"],
                    _(
                        "Hoogstens één fase per jaar: binnen %(years)s jaar kan dit doel "
                        "hoogstens %(level)s (%(name)s) zijn."
                    )
                    % {"years": horizon, "level": highest, "name": stage_label(highest)},
                )
        return cleaned

    def chosen_targets(self):
        return {row["factor"]: self.cleaned_data[row["field"]] for row in self.targets}


def level_choices():
    """0–5 with the stage names of the active language, and an empty choice."""
    return [
        ("", "–"),
        *((level, f"{level} {stage_label(level)}") for level in range(MAX_LEVEL + 1)),
    ]


class AgreedLevelsForm(forms.Form):
    """Per factor of the assessment's model: agreed current and desired level, and why."""

    def __init__(self, *args, factors, agreed, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = factors
        choices = level_choices()
        for factor in factors:
            level = agreed.get(factor.code)
            for name, label in (("current", _("Nu")), ("desired", _("Gewenst"))):
                self.fields[f"{name}_{factor.code}"] = forms.TypedChoiceField(
                    label=_("%(factor)s: %(which)s") % {"factor": factor.code, "which": label},
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=getattr(level, name, None),
                )
            self.fields[f"note_{factor.code}"] = forms.CharField(
                label=_("%(factor)s: toelichting") % {"factor": factor.code},
                max_length=1000,
                required=False,
                initial=level.note if level else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [
            (
                factor,
                self[f"current_{factor.code}"],
                self[f"desired_{factor.code}"],
                self[f"note_{factor.code}"],
            )
            for factor in self.factors
        ]

    def clean(self):
        cleaned = super().clean()
        for factor in self.factors:
            current = cleaned.get(f"current_{factor.code}")
            desired = cleaned.get(f"desired_{factor.code}")
            if current is not None and desired is not None and desired < current:
                self.add_error(
                    f"desired_{factor.code}",
                    _("Het gewenste niveau ligt niet onder het huidige."),
                )
        return cleaned

    def levels(self):
        data = self.cleaned_data
        return {
            factor: (
                data[f"current_{factor.code}"],
                data[f"desired_{factor.code}"],
                data[f"note_{factor.code}"].strip(),
            )
            for factor in self.factors
        }


class AdoptionForm(CrispyMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AdoptionStatus.choices)
    body = forms.ChoiceField(
        label=_("Vastgesteld door"), choices=[("", "–"), *AdoptingBody.choices], required=False
    )
    body_other = forms.CharField(
        label=_("Ander orgaan"),
        max_length=100,
        required=False,
        help_text=_("Alleen bij ‘anders’, bijvoorbeeld ‘de gemeenteraad’."),
    )
    adopted_on = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    adopted_by = forms.CharField(
        label=_("Door wie"),
        max_length=200,
        required=False,
        help_text=_("Naam of rol, bijvoorbeeld ‘burgemeester en wethouders’."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        when = cleaned.get("adopted_on")
        if when is not None and not 2000 <= when.year <= 2100:
            self.add_error("adopted_on", _("Kies een datum tussen 2000 en 2100."))
        if status == AdoptionStatus.ADOPTED:
            if not cleaned.get("body"):
                self.add_error("body", _("Kies wie de routekaart heeft vastgesteld."))
            elif (
                cleaned["body"] == AdoptingBody.OTHER and not cleaned.get("body_other", "").strip()
            ):
                self.add_error("body_other", _("Noem het orgaan dat heeft vastgesteld."))
            if when is None and "adopted_on" not in self.errors:
                self.add_error("adopted_on", _("Vul de datum van vaststelling in."))
        return cleaned


class GenerateForm(forms.Form):
    reset = forms.BooleanField(
        label=_("Opnieuw beginnen: handmatige wijzigingen vervallen"), required=False
    )


def _text_fields():
    """The texts of a custom activity, in Dutch and (optionally) English: an English
    title and description are shown in the English interface, as a library activity's
    are; without them the Dutch ones are."""
    return {
        "title": forms.CharField(label=_("Titel"), max_length=200),
        "title_en": forms.CharField(
            label=_("Titel (Engels)"),
            max_length=200,
            required=False,
            help_text=_("Leeg: de Nederlandse titel, ook in het Engels."),
        ),
        "description": forms.CharField(
            label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
        "description_en": forms.CharField(
            label=_("Omschrijving (Engels)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    }


TEXT_FIELDS = ("title", "title_en", "description", "description_en")


class ActivityForm(forms.Form):
    owner = forms.CharField(label=_("Eigenaar"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlannedActivity.Status.choices)
    data_project = forms.ModelChoiceField(
        label=_("Dataproject uit het register"),
        queryset=DataProject.objects.none(),
        required=False,
    )

    def __init__(self, *args, roadmap, organisation, custom=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"] = WhenField(roadmap=roadmap, label=_("Wanneer"))
        self.fields["data_project"].queryset = organisation.data_projects.all()
        self.fields["data_project"].label_from_instance = lambda project: (
            f"{project.subject} ({project.get_status_display()})"
        )
        self.fields["data_project"].help_text = _(
            "Welk project uit het register deze activiteit uitvoert. Het staat dan op de "
            "routekaart, de poster en in het rapport."
        )
        # A custom activity's texts are the consultant's own, so they can be edited
        # (a library activity's come from the library).
        if custom:
            self.fields.update(_text_fields())
        self.order_fields([*(TEXT_FIELDS if custom else ()), "when"])


class CustomActivityForm(forms.Form):
    factor = forms.ModelChoiceField(label=_("Sleutelfactor"), queryset=None)
    kind = forms.ChoiceField(label=_("Soort"), choices=Kind.choices)
    effort = forms.ChoiceField(label=_("Inspanning"), choices=Effort.choices, initial=Effort.M)
    owner = forms.CharField(label=_("Eigenaar"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Waarom"), max_length=200, initial=_("Eigen activiteit van de organisatie")
    )

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = roadmap.assessment.model_version.factors.order_by("order")
        self.fields["factor"].label_from_instance = lambda factor: f"{factor.code} {factor.label}"
        self.fields["when"] = WhenField(roadmap=roadmap, label=_("Wanneer"), initial="1-1")
        self.fields.update(_text_fields())
        self.order_fields([*TEXT_FIELDS, "factor", "kind", "effort", "when"])


class DataProjectForm(CrispyMixin, forms.ModelForm):
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=DataProject._meta.get_field("link").help_text,
    )
    benefits = forms.MultipleChoiceField(
        label=_("Opbrengst"),
        choices=DataProject.Benefit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wat heeft het opgeleverd? Kies alles wat past."),
    )

    class Meta:
        model = DataProject
        fields = [
            "subject",
            "source",
            "status",
            "problem_owner",
            "sponsor",
            "domain",
            "description",
            "information_question",
            "action",
            "pre_people",
            "pre_tooling",
            "pre_allowed",
            "dpia_needed",
            "iama_needed",
            "pre_maintenance",
            "benefits",
            "result",
            "link",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "description",
                "information_question",
                "action",
                "pre_people",
                "pre_tooling",
                "pre_allowed",
                "pre_maintenance",
            )
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for name in ("pre_people", "pre_tooling", "pre_allowed", "pre_maintenance"):
            self.fields[name].label = _("Randvoorwaarde: %(name)s") % {
                "name": self.fields[name].label
            }

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        clash = DataProject.objects.filter(organisation=self.organisation, subject=subject)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Het register heeft al een dataproject met dit onderwerp.")
            )
        return subject

    def clean_benefits(self):
        # In the order of the choices, each once.
        chosen = set(self.cleaned_data["benefits"])
        return [code for code in DataProject.Benefit.values if code in chosen]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == DataProject.Status.IN_USE and not cleaned.get("link"):
            self.add_error(
                "link", _("Een product in gebruik heeft een link, zodat medewerkers het vinden.")
            )
        if (
            status
            and status not in DataProject.NEEDS_NO_ACTION
            and not (cleaned.get("action") or "").strip()
        ):
            self.add_error(
                "action",
                _(
                    "Zonder actie is het ‘nice to know’: beschrijf wat er met de informatie "
                    "gebeurt, anders blijft het project een idee of in selectie."
                ),
            )
        return cleaned

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        return super().save(commit=commit)


class VisionSessionForm(CrispyMixin, forms.Form):
    """The inspiration-and-vision session: when, who (roles and counts only), notes."""

    held_on = forms.DateField(
        label=_("Datum van de sessie"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Opbrengst en aantekeningen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat viel op, welke voorbeelden spraken aan, welke vragen bleven open?"),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        self.roles = roles
        for code, label in roles:
            self.fields[f"role_{code}"] = forms.IntegerField(
                label=label, min_value=0, max_value=999, required=False
            )

    def role_fields(self):
        return [self[f"role_{code}"] for code, _label in self.roles]

    def participants(self):
        return {
            code: self.cleaned_data[f"role_{code}"]
            for code, _label in self.roles
            if self.cleaned_data.get(f"role_{code}")
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.participants():
            raise forms.ValidationError(_("Vul bij minstens één rol in hoeveel mensen er waren."))
        return cleaned
