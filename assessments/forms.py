"""Forms for the consultant's screens: organisations, assessments and access."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import collection, logo, wide
from .collection import (
    COMMENT_MAX_LENGTH,
    DEFAULT_INVITATION_TEXT,
    DEFAULT_REMINDER_TEXT,
    placeholder_problems,
)
from .imports import MAX_UPLOAD_BYTES
from .memberships import same_address
from .models import (
    Assessment,
    Department,
    Invitation,
    Membership,
    ModelVersion,
    Organisation,
    Question,
)
from .presentation import group_name


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

    logo_file = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG of SVG, maximaal 512 kB. Het logo komt op de poster. "
            "Scripts en verwijzingen naar andere bestanden zijn niet toegestaan."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Logo verwijderen"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "type", "size_class"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # The logo is added on the edit page, by the organisation's consultants.
            del self.fields["logo_file"], self.fields["remove_logo"]
        elif not self.instance.logo_type:
            del self.fields["remove_logo"]
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

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        try:
            return logo.clean_logo(upload)
        except logo.Refused as error:
            raise forms.ValidationError(error.messages) from error

    def save(self, commit=True):
        cleaned_logo = self.cleaned_data.get("logo_file")
        if cleaned_logo:
            self.instance.logo, self.instance.logo_type = cleaned_logo
        elif self.cleaned_data.get("remove_logo"):
            self.instance.logo, self.instance.logo_type = b"", ""
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
                "Een groep of afdeling met minder respondenten wordt nooit apart getoond. "
                "Respondenten krijgen dit getal in hun uitnodiging: zodra de meting open "
                "is, kan het alleen nog omhoog."
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
        # Respondents were promised k in their invitation: once open, never lower.
        self.promised_k = (
            self.instance.min_group_size
            if self.instance.pk and self.instance.status != Assessment.Status.DRAFT
            else None
        )
        if self.promised_k is not None:
            self.fields["min_group_size"].widget.attrs["min"] = self.promised_k
        if self.instance.pk and (
            self.instance.status == Assessment.Status.CLOSED
            or self.instance.released_responses is not None
        ):
            # Results of a closed assessment never change: another k would release other
            # figures beside the ones viewers saw, and the two versions together could
            # give a small group away (scoring.md, Privacy). That holds after a reopen
            # too: the version viewers keep was released with this k, and a department's
            # figure pooled without a group newly hidden by a larger k, set beside the
            # earlier one, would be that small cell's sum.
            self.fields["min_group_size"].disabled = True
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
        if self.promised_k is not None and size < self.promised_k:
            raise forms.ValidationError(
                _(
                    "De meting is al open: respondenten is beloofd dat groepen van minder "
                    "dan %(k)s mensen nooit apart getoond worden. Deze grens kan daarom "
                    "alleen omhoog, niet omlaag."
                )
                % {"k": self.promised_k}
            )
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


# --- Survey collection -----------------------------------------------------------------

DONT_KNOW = "x"
UPLOAD_HELP = _("CSV (UTF-8) of Excel (.xlsx), hoogstens 50 MB.")


class StartForm(forms.Form):
    """Layer and department, asked only on an open link."""

    layer = forms.ChoiceField(label=_("In welke laag van de organisatie werkt u?"))
    department = forms.ChoiceField(label=_("Bij welke afdeling werkt u?"), required=False)

    def __init__(self, *args, layers, departments, ask_layer, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_layer:
            self.fields["layer"].choices = [(layer.code, layer.label) for layer in layers]
            self.fields["layer"].widget = forms.RadioSelect(
                choices=self.fields["layer"].choices, attrs={"class": "form-check-input"}
            )
        else:
            del self.fields["layer"]
        if departments:
            self.fields["department"].choices = [("", _("Zeg ik liever niet"))] + [
                (name, name) for name in departments
            ]
            self.fields["department"].widget = forms.RadioSelect(
                choices=self.fields["department"].choices, attrs={"class": "form-check-input"}
            )
        else:
            del self.fields["department"]


class SurveyPageForm(forms.Form):
    """One track's questions: "nu" and "over N jaar" per question (0–5 or "weet ik
    niet"), and an optional comment per factor. Only this page's fields are accepted."""

    def __init__(self, *args, questions, require_all, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.require_all = require_all
        choices = [(str(level), str(level)) for level in range(6)] + [(DONT_KNOW, DONT_KNOW)]
        factors = []
        for question in questions:
            for part in ("current", "desired"):
                self.fields[f"q{question.pk}-{part}"] = forms.ChoiceField(
                    choices=choices, required=False, widget=forms.RadioSelect
                )
            if question.factor not in factors:
                factors.append(question.factor)
        self.factors = factors
        for factor in factors:
            self.fields[f"c{factor.pk}"] = forms.CharField(
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
            )

    def clean(self):
        cleaned = super().clean()
        strange = [
            key
            for key in self.data
            if key[:1] in ("q", "c") and key[1:2].isdigit() and key not in self.fields
        ]
        if strange:
            raise forms.ValidationError(
                _("Dit formulier hoort niet bij deze pagina. Laad de pagina opnieuw.")
            )
        if self.require_all:
            for name in self.fields:
                if name.startswith("q") and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Kies een antwoord, of 'weet ik niet'."))
        return cleaned

    def answers(self):
        """Question id → (current, desired) for the questions answered twice."""
        found = {}
        for question in self.questions:
            current = self.cleaned_data.get(f"q{question.pk}-current")
            desired = self.cleaned_data.get(f"q{question.pk}-desired")
            if current and desired:
                found[question.pk] = tuple(
                    None if value == DONT_KNOW else int(value) for value in (current, desired)
                )
        return found

    def comments(self):
        return {
            factor.pk: self.cleaned_data.get(f"c{factor.pk}", "").strip() for factor in self.factors
        }


SCALE_VALUES = frozenset([*(str(level) for level in range(6)), DONT_KNOW])


class SurveyDraft:
    """A draft of the whole survey as survey-flow.js sends it, checked like
    SurveyPageForm (values 0–5 or "weet ik niet", only the questions asked, comments
    of at most COMMENT_MAX_LENGTH characters) without building a form field per
    answer: the draft save is the survey's most frequent request.

    A draft holds what it holds: questions and comments not in it stay as they are
    saved (a radio once chosen cannot be unchosen in a browser). `touched` are the
    questions with a value on either side; of those, `answers` answered twice, `half`
    the fields of those answered on one side only."""

    def __init__(self, data, *, questions):
        fields = {}
        factors = set()
        for question in questions:
            fields[f"q{question.pk}-current"] = question
            fields[f"q{question.pk}-desired"] = question
            factors.add(question.factor_id)
        self.errors = []
        for key in data:
            if key[:1] in ("q", "c") and key[1:2].isdigit():
                known = (
                    key in fields
                    if key[0] == "q"
                    else key[1:].isdigit() and int(key[1:]) in factors
                )
                if not known:
                    self.errors.append(key)
        values = {}
        for name in fields:
            value = data.get(name, "")
            if value == "":
                continue
            if value in SCALE_VALUES:
                values[name] = value
            else:
                self.errors.append(name)
        self.comments = {}
        for factor_id in factors:
            text = data.get(f"c{factor_id}")
            if text is None:
                continue
            text = text.strip()
            if len(text) > COMMENT_MAX_LENGTH or "\x00" in text:
                self.errors.append(f"c{factor_id}")
            else:
                self.comments[factor_id] = text
        self.touched, self.answers, self.half = [], {}, {}
        for question in questions:
            current = values.get(f"q{question.pk}-current")
            desired = values.get(f"q{question.pk}-desired")
            if current is None and desired is None:
                continue
            self.touched.append(question)
            if current is not None and desired is not None:
                self.answers[question.pk] = tuple(
                    None if value == DONT_KNOW else int(value) for value in (current, desired)
                )
            elif current is not None:
                self.half[f"q{question.pk}-current"] = current
            else:
                self.half[f"q{question.pk}-desired"] = desired

    def is_valid(self):
        return not self.errors


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Bestand"), help_text=UPLOAD_HELP)
    create_departments = forms.BooleanField(
        label=_("Nieuwe afdelingen aanmaken"),
        required=False,
        help_text=_(
            "Zonder dit vinkje moet elke afdeling in het bestand al bij de organisatie "
            "bestaan; een onbekende afdeling wordt dan als fout gemeld."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) of Excel (.xlsx), hoogstens 50 MB, uitgepakt hoogstens %(mb)s MB "
            "en %(rows)s regels."
        ) % {
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "rows": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", "."),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is te groot (meer dan 50 MB)."))
        return upload


class AnswersUploadForm(UploadForm):
    dry_run = forms.BooleanField(
        label=_("Alleen proefimport"),
        required=False,
        help_text=_(
            "Laat zien hoe elke kolom is begrepen en wat er zou worden ingelezen; "
            "er wordt niets opgeslagen."
        ),
    )


class ImportMappingForm(forms.Form):
    """The assessment's saved column mapping for answer files with other headers: one
    line "kolomkop = doel" each (wide.py)."""

    mapping = forms.CharField(
        label=_("Kolomkoppeling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Eén regel per kolom: kolomkop = doel. Doel is laag, afdeling, respondent, "
            "negeren, of een vraagcode met nu of gewenst (bijvoorbeeld: "
            "Wat is uw functie? = laag, Vraag 1a = LC1.1 nu)."
        ),
    )

    def __init__(self, *args, assessment, **kwargs):
        self.assessment = assessment
        self.questions = wide.Questions(
            Question.objects.filter(version_id=assessment.model_version_id).values_list(
                "code", "text", "text_en"
            )
        )
        kwargs.setdefault("initial", {"mapping": wide.mapping_text(assessment.import_mapping)})
        super().__init__(*args, **kwargs)

    def clean_mapping(self):
        try:
            return wide.parse_mapping(self.cleaned_data["mapping"], self.questions)
        except ValueError as error:
            raise forms.ValidationError(
                _("Deze regels zijn niet te begrijpen: %(lines)s. Schrijf kolomkop = doel.")
                % {"lines": ", ".join(str(line) for line in error.args[0])}
            ) from None

    def save(self):
        self.assessment.import_mapping = self.cleaned_data["mapping"]
        self.assessment.save(update_fields=["import_mapping"])


class OpenLinkForm(forms.Form):
    """An open link for one layer, or for one reporting group as it stands (the
    respondent then chooses the layer), with the group's headcount as its maximum."""

    group = forms.CharField(label=_("Voor wie is de link?"), widget=forms.Select)
    headcount = forms.IntegerField(
        label=_("Aantal mensen in deze laag of groep"),
        min_value=1,
        max_value=collection.MAX_HEADCOUNT,
        help_text=_(
            "Zo vaak kan de link gebruikt worden (begonnen of ingevuld). Daarna start de "
            "link niets nieuws meer, zodat niemand de groep kan aanvullen met extra antwoorden."
        ),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        layers = list(assessment.layers.order_by("order", "pk"))
        names = {layer.code: layer.label for layer in layers}
        self.groups = collection.open_link_groups(assessment)
        # What each value stands for: a layer code, or a group's code (codes joined by '+').
        self.layers_of = {layer.code: [layer.code] for layer in layers}
        self.layers_of.update(
            {group.code: list(group.layers) for group in self.groups if len(group.layers) > 1}
        )

        def offered(codes):
            return not any(code in collection.PERSONAL_ONLY_LAYERS for code in codes)

        single = [(layer.code, layer.label) for layer in layers if offered([layer.code])]
        several = [
            (group.code, group_name(group, names))
            for group in self.groups
            if len(group.layers) > 1 and offered(group.layers)
        ]
        choices = [("", "---------"), (_("Eén laag"), single)]
        if several:
            choices.append((_("Een rapportagegroep: de respondent kiest de laag"), several))
        self.fields["group"].widget.choices = choices
        self.fields["group"].help_text = _(
            "Bestuur en directie doen alleen met een persoonlijke uitnodiging mee. Een groep "
            "van meer lagen is een rapportagegroep zoals die nu is; de respondent kiest dan "
            "zelf een van die lagen. Dat kan alleen bij minstens %(minimum)s mensen."
        ) % {"minimum": collection.choice_minimum(assessment)}

    def clean(self):
        cleaned = super().clean()
        if "group" not in cleaned:
            return cleaned
        layers = self.layers_of.get(cleaned["group"])
        if layers is None:
            self.add_error("group", collection.UNKNOWN_LAYER_MESSAGE)
            return cleaned
        problem = collection.open_link_problem(
            assessment=self.assessment,
            layers=layers,
            headcount=cleaned.get("headcount"),
            groups=self.groups,
        )
        # A missing or bad headcount has its own message at its field.
        if problem and problem is not collection.HEADCOUNT_MESSAGE:
            self.add_error("group", problem)
        cleaned["layers"] = layers
        return cleaned


class MailTextForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["invitation_text", "reminder_text"]
        widgets = {
            "invitation_text": forms.Textarea(attrs={"rows": 12}),
            "reminder_text": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        help_text = _(
            "U kunt deze woorden tussen accolades gebruiken: {link}, {organisatie}, "
            "{meting}, {sluitdatum}, {groepsgrootte}, {minuten} (hoe lang het invullen "
            "ongeveer duurt voor de laag van de ontvanger). {link} is verplicht: daar komt "
            "de persoonlijke link."
        )
        for name, default in (
            ("invitation_text", DEFAULT_INVITATION_TEXT),
            ("reminder_text", DEFAULT_REMINDER_TEXT),
        ):
            self.fields[name].help_text = help_text
            if not getattr(self.instance, name):
                self.initial[name] = str(default)

    def clean(self):
        cleaned = super().clean()
        for name in ("invitation_text", "reminder_text"):
            text = cleaned.get(name) or ""
            if len(text) > 5000:
                self.add_error(name, _("De tekst is te lang (max. 5.000 tekens)."))
            # An empty text means the default one, which is right as it is.
            for problem in placeholder_problems(text) if text.strip() else []:
                self.add_error(name, problem)
        return cleaned


class MailPreviewForm(forms.Form):
    """Which invitee's mail to preview, and which mail (GET on the invitations page)."""

    invitee = forms.CharField(label=_("E-mailadres van de ontvanger"), max_length=254)
    kind = forms.ChoiceField(
        label=_("E-mail"),
        choices=[("invitation", _("Uitnodiging")), ("reminder", _("Herinnering"))],
        initial="invitation",
        required=False,
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment

    def clean_invitee(self):
        email = self.cleaned_data["invitee"].strip()
        invitation = (
            Invitation.objects.filter(
                assessment=self.assessment, kind=Invitation.Kind.PERSONAL, email__iexact=email
            )
            .select_related("layer", "assessment__organisation")
            .first()
        )
        if invitation is None:
            raise forms.ValidationError(_("Niemand met dit e-mailadres is uitgenodigd."))
        return invitation

    def clean_kind(self):
        return self.cleaned_data["kind"] or "invitation"


class MemberAddForm(CrispyMixin, forms.Form):
    submit_label = _("Toegang geven")

    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=150,
        help_text=_(
            "Heeft deze persoon al een account met dit e-mailadres, dan krijgt dat account "
            "toegang. Zo niet, dan maken we een account aan en krijgt de persoon een e-mail "
            "om een wachtwoord in te stellen."
        ),
    )
    role = forms.ChoiceField(
        label=_("Rol"), choices=Membership.Role.choices, initial=Membership.Role.VIEWER
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The page comes back with the errors: scrolled to this form.
        self.helper.form_action = (
            reverse("membership_add", args=[organisation.pk]) + "#toegang-geven"
        )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's "forgot password", also for an account that has no password yet: someone
    given access whose set-password link expired asks for a new one here."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if same_address(email, user.email))


class ReportingGroupsForm(forms.Form):
    """The reporting groups of an assessment: a group name per layer; layers with the
    same name form one group. Empty names and "default" follow the standard rule
    (a layer under k goes with the next one)."""

    default = forms.BooleanField(
        label=_("Standaardindeling gebruiken"),
        required=False,
        help_text=_(
            "Elke laag een eigen groep, behalve dat een laag met te weinig respondenten "
            "samen telt met de volgende laag. Vink dit uit om de namen hieronder te "
            "gebruiken."
        ),
    )

    def __init__(self, *args, layers, groups, default, **kwargs):
        """`groups`: the groups as they stand ([{"name", "layers"}], names as shown);
        `default`: whether they follow the standard rule."""
        super().__init__(*args, **kwargs)
        self.layers = list(layers)
        name_of = {}
        for number, group in enumerate(groups, start=1):
            for code in group["layers"]:
                name_of[code] = group.get("name") or _("Groep %(n)s") % {"n": number}
        self.fields["default"].initial = default
        for layer in self.layers:
            self.fields[f"group_{layer.code}"] = forms.CharField(
                label=layer.label,
                required=False,
                max_length=100,
                initial=name_of.get(layer.code, ""),
            )

    def layer_fields(self):
        return [self[f"group_{layer.code}"] for layer in self.layers]

    def grouping(self):
        """[{"name", "layers"}] in layer order, or None for the default."""
        if self.cleaned_data["default"]:
            return None
        groups = {}
        for layer in self.layers:
            name = " ".join(self.cleaned_data[f"group_{layer.code}"].split())
            key = name.casefold() or f"\0{layer.code}"
            groups.setdefault(key, {"name": name, "layers": []})["layers"].append(layer.code)
        return list(groups.values())
