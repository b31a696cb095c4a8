from django.urls import path

from .views import consultant, results

urlpatterns = [
    path("", consultant.home, name="home"),
    path("organisaties/nieuw/", consultant.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/", consultant.organisation_detail, name="organisation"),
    path("organisaties/<int:pk>/bewerken/", consultant.organisation_edit, name="organisation_edit"),
    path(
        "organisaties/<int:pk>/metingen/nieuw/",
        consultant.assessment_create,
        name="assessment_create",
    ),
    path("metingen/<int:pk>/", consultant.assessment_detail, name="assessment"),
    path("metingen/<int:pk>/bewerken/", consultant.assessment_edit, name="assessment_edit"),
    path("metingen/<int:pk>/resultaten/", results.results_page, name="results"),
    path(
        "metingen/<int:pk>/resultaten/download.<str:file_format>",
        results.results_download,
        name="results_download",
    ),
]
