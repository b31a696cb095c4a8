"""The operator's admin (superusers only): model content with inlines, organisations,
assessments.

A frozen model version (one that an assessment uses) is shown read-only; the action
"copy as new version" is how the operator edits it.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .model_content import copy_model_version
from .models import (
    Assessment,
    AssessmentLayer,
    Department,
    KeyFactor,
    LevelDescriptor,
    Membership,
    ModelLayer,
    ModelVersion,
    Organisation,
    Question,
    Track,
)


class FrozenVersionMixin:
    """Read-only once the object's model version is frozen."""

    def version_of(self, obj):
        return obj.version if obj is not None else None

    def _frozen(self, obj):
        version = self.version_of(obj)
        return version is not None and version.is_frozen

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and self._frozen(obj):
            return False
        return super().has_add_permission(request, *([obj] if obj is not None else []))


class FrozenInline(FrozenVersionMixin, admin.TabularInline):
    extra = 0

    def version_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, ModelVersion) else obj.version

    def has_add_permission(self, request, obj=None):
        return admin.TabularInline.has_add_permission(self, request, obj) and not self._frozen(obj)


class ModelLayerInline(FrozenInline):
    model = ModelLayer


class TrackInline(FrozenInline):
    model = Track


class LevelInline(FrozenInline):
    model = LevelDescriptor
    max_num = 6


class QuestionInline(FrozenInline):
    model = Question
    # The version follows from the factor; KeyFactorAdmin.save_formset sets it.
    fields = ["code", "text", "text_en", "layers", "order"]


@admin.register(ModelVersion)
class ModelVersionAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ["code", "name", "frozen"]
    inlines = [ModelLayerInline, TrackInline]
    actions = ["copy_version"]

    def version_of(self, obj):
        return obj

    @admin.display(boolean=True, description=_("bevroren"))
    def frozen(self, obj):
        return obj.is_frozen

    @admin.action(description=_("Kopieer als nieuwe versie"))
    def copy_version(self, request, queryset):
        for version in queryset:
            copy = copy_model_version(version)
            self.message_user(
                request,
                _("Nieuwe versie %(code)s gemaakt.") % {"code": copy.code},
                messages.SUCCESS,
            )


@admin.register(KeyFactor)
class KeyFactorAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ["code", "name", "track", "version"]
    list_filter = ["version", "track__code"]
    inlines = [LevelInline, QuestionInline]
    ordering = ["version", "order"]

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for instance in instances:
                if isinstance(instance, Question):
                    instance.version = form.instance.version
                instance.save()
            for obj in formset.deleted_objects:
                obj.delete()


@admin.register(Question)
class QuestionAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ["code", "factor", "version"]
    list_filter = ["version"]
    search_fields = ["code", "text"]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "size_class", "takes_part_in_benchmark"]
    list_filter = ["type", ("benchmark_agreed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    inlines = [DepartmentInline, MembershipInline]

    # Who takes part in the benchmark decides who is compared with whom: only the
    # operator switches it, after the organisation agreed (spec/scoring.md, Benchmark).
    BENCHMARK_FIELDS = ["benchmark_agreed_at", "benchmark_agreed_by"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.BENCHMARK_FIELDS
        return fields

    @admin.display(boolean=True, description=_("doet mee aan de benchmark"))
    def takes_part_in_benchmark(self, obj):
        return obj.takes_part_in_benchmark


class AssessmentLayerInline(admin.TabularInline):
    model = AssessmentLayer
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "model_version", "kind", "status"]
    list_filter = ["status", "kind", "model_version"]
    search_fields = ["name", "organisation__name"]
    inlines = [AssessmentLayerInline]
    autocomplete_fields = ["organisation", "partner_organisations"]
