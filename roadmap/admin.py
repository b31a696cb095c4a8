"""Admin: the activity library (editable; checked like the fixture), roadmaps and the
data projects register."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import planner
from .models import DataProject, FactorTarget, LibraryActivity, PlannedActivity, Roadmap


class LibraryActivityForm(forms.ModelForm):
    class Meta:
        model = LibraryActivity
        fields = [
            "version",
            "code",
            "factor",
            "from_level",
            "kind",
            "effort",
            "title",
            "title_en",
            "description",
            "description_en",
            "prerequisites",
        ]

    def clean(self):
        """The library must stay plannable: no foreign prerequisites, no cycles."""
        cleaned = super().clean()
        version, factor = cleaned.get("version"), cleaned.get("factor")
        prerequisites = cleaned.get("prerequisites")
        if version is None or factor is None or prerequisites is None:
            return cleaned
        if factor.version_id != version.pk:
            self.add_error("factor", _("Kies een sleutelfactor van deze modelversie."))
            return cleaned
        if any(p.version_id != version.pk for p in prerequisites):
            self.add_error("prerequisites", _("Kies voorwaarden uit dezelfde modelversie."))
            return cleaned
        code = cleaned.get("code") or self.instance.code
        records = [
            planner.LibraryActivity(
                a.code,
                a.factor.code,
                a.from_level,
                a.kind,
                a.effort,
                tuple(p.code for p in a.prerequisites.all()),
            )
            for a in LibraryActivity.objects.filter(version=version)
            .exclude(pk=self.instance.pk)
            .select_related("factor")
            .prefetch_related("prerequisites")
        ]
        records.append(
            planner.LibraryActivity(
                code,
                factor.code,
                cleaned.get("from_level", 0),
                cleaned.get("kind", planner.PRECONDITION),
                cleaned.get("effort", "M"),
                tuple(p.code for p in prerequisites),
            )
        )
        try:
            planner.check_library(records, set(version.factors.values_list("code", flat=True)))
        except planner.LibraryError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(LibraryActivity)
class LibraryActivityAdmin(admin.ModelAdmin):
    form = LibraryActivityForm
    list_display = ["code", "title", "factor", "from_level", "kind", "effort"]
    list_filter = ["version", "kind", "effort", "factor__track__code", "from_level"]
    search_fields = ["code", "title", "title_en"]
    filter_horizontal = ["prerequisites"]
    ordering = ["version", "factor__order", "from_level", "code"]
    list_select_related = ["factor"]


class FactorTargetInline(admin.TabularInline):
    model = FactorTarget
    extra = 0
    readonly_fields = ["factor", "current_stage", "target_stage"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ["assessment", "start_year", "horizon", "capacity", "generated_at"]
    list_select_related = ["assessment__organisation"]
    readonly_fields = ["assessment", "generated_at"]
    inlines = [FactorTargetInline]


@admin.register(PlannedActivity)
class PlannedActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "roadmap", "year", "quarter", "kind", "status", "custom"]
    list_filter = ["status", "kind", "custom", "after_horizon"]
    search_fields = ["code", "title", "roadmap__assessment__name"]
    list_select_related = ["roadmap__assessment__organisation"]
    raw_id_fields = ["roadmap", "data_project"]


@admin.register(DataProject)
class DataProjectAdmin(admin.ModelAdmin):
    list_display = ["subject", "organisation", "domain", "problem_owner", "status"]
    list_filter = ["status"]
    search_fields = ["subject", "domain", "organisation__name"]
    autocomplete_fields = ["organisation"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
