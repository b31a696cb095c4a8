"""The admin app with the operator's site (datagedreven/admin_site.py) as admin.site,
so every `@admin.register` and django.contrib.auth's own admin use it."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "datagedreven.admin_site.OperatorAdminSite"
