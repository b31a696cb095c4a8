"""Forms for the consultant's screens: organisations and assessments."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assessment, Department, ModelVersion, Organisation


class CrispyMixin:
    submit_label = _("Opslaan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class OrganisationForm(CrispyMixin, forms.ModelForm):
    departments = forms.CharField(
        label=_("Afdelingen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eén afdeling per regel. Optioneel."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "type", "size_class"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["departments"].initial = "\n".join(
                self.instance.departments.values_list("name", flat=True)
            )

    def clean_departments(self):
        names = []
        for line in self.cleaned_data["departments"].splitlines():
            name = line.strip()
            if len(name) > 200:
                raise forms.ValidationError(_("Een afdelingsnaam is te lang (max. 200 tekens)."))
            if name and name not in names:
                names.append(name)
        return names

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        names = self.cleaned_data["departments"]
        # Departments named by an assessment stay; the others follow the list.
        organisation.departments.exclude(name__in=names).filter(assessments=None).delete()
        for name in names:
            Department.objects.get_or_create(organisation=organisation, name=name)
        return organisation


class AssessmentForm(CrispyMixin, forms.ModelForm):
    layers = forms.MultipleChoiceField(
        label=_("Lagen"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De lagen van de organisatie die de vragenlijst krijgen."),
    )

    class Meta:
        model = Assessment
        fields = [
            "name",
            "kind",
            "scope",
            "department",
            "model_version",
            "opens_on",
            "closes_on",
            "horizon",
            "min_group_size",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "horizon": _("Het aantal jaren van de routekaart (1 tot 10, meestal 4)."),
            "min_group_size": _(
                "Een laag of afdeling met minder respondenten wordt nooit apart getoond."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["department"].queryset = organisation.departments.all()
        self.fields["model_version"].queryset = ModelVersion.objects.all()
        self.fields["horizon"].min_value = 1
        self.fields["horizon"].max_value = 10
        self.fields["horizon"].widget.attrs.update(min=1, max=10)
        self.fields["min_group_size"].widget.attrs.update(min=2, max=50)
        if not self.instance.pk:
            self.fields["model_version"].initial = ModelVersion.objects.order_by("code").last()
        if self.instance.pk:
            # Layers and the model are fixed once the assessment exists.
            del self.fields["layers"]
            if self.instance.responses.exists():
                self.fields["model_version"].disabled = True
        else:
            version = self.data.get("model_version") or self.fields["model_version"].initial
            version = ModelVersion.objects.filter(pk=getattr(version, "pk", version)).first()
            choices = (
                [(layer.code, layer.name) for layer in version.layers.all()] if version else []
            )
            self.fields["layers"].choices = choices
            self.fields["layers"].initial = [code for code, _name in choices]

    def clean_horizon(self):
        horizon = self.cleaned_data["horizon"]
        if not 1 <= horizon <= 10:
            raise forms.ValidationError(_("Kies een horizon van 1 tot 10 jaar."))
        return horizon

    def clean_min_group_size(self):
        size = self.cleaned_data["min_group_size"]
        if not 2 <= size <= 50:
            raise forms.ValidationError(_("Kies een minimale groepsgrootte van 2 tot 50."))
        return size

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Assessment.objects.filter(organisation=self.organisation, name=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Deze organisatie heeft al een meting met die naam."))
        return name

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("De sluitdatum ligt voor de openingsdatum."))
        if cleaned.get("scope") == Assessment.Scope.DEPARTMENT and not cleaned.get("department"):
            self.add_error("department", _("Kies de afdeling van deze meting."))
        return cleaned

    def save(self, commit=True):
        assessment = super().save(commit=False)
        assessment.organisation = self.organisation
        if commit:
            assessment.save()
            if "layers" in self.fields:
                assessment.add_default_layers()
                assessment.layers.exclude(code__in=self.cleaned_data["layers"]).delete()
        return assessment
