"""The operator's admin site at /beheer/: superusers only.

Consultants are staff accounts (that is what makes a consultant in assessments/access.py),
but nothing in the admin is scoped to an organisation's memberships, so a staff account
in the admin would see and change every organisation. The admin therefore refuses every
account that is not a superuser, whatever permissions or groups it has; consultants
manage their organisations, and who may see them, in the app.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _


class OperatorLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Vul de %(username)s en het wachtwoord van een beheerdersaccount in (let op "
            "hoofdletters). Beheer is alleen voor de beheerder van de installatie."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Datagedreven · beheer")
    site_title = _("Datagedreven beheer")
    index_title = _("Beheer van de installatie")
    login_form = OperatorLoginForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        """Every admin view: a signed-in account that is not the operator gets 403 (not
        the admin's login page, which would only invite it to try again)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def operator_only(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                response = render(request, "errors/operator_only.html", status=403)
                add_never_cache_headers(response)
                return response
            return inner(request, *args, **kwargs)

        return operator_only
