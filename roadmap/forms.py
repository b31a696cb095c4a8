"""Plain forms for the strategy session, the roadmap and the data projects register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms import CrispyMixin
from assessments.stages import MAX_LEVEL, stage_label

from .models import DataProject, Effort, Kind, PlannedActivity

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

    class Meta:
        model = DataProject
        fields = [
            "subject",
            "problem_owner",
            "domain",
            "status",
            "description",
            "preconditions",
            "link",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "preconditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        clash = DataProject.objects.filter(organisation=self.organisation, subject=subject)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Het register heeft al een dataproject met dit onderwerp.")
            )
        return subject

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == DataProject.Status.IN_USE and not cleaned.get("link"):
            self.add_error(
                "link", _("Een product in gebruik heeft een link, zodat medewerkers het vinden.")
            )
        return cleaned

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        return super().save(commit=commit)
