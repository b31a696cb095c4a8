from django.urls import path

from .views import collection, consultant, invitees, results, survey

urlpatterns = [
    path("", consultant.home, name="home"),
    path("organisaties/nieuw/", consultant.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/", consultant.organisation_detail, name="organisation"),
    path("organisaties/<int:pk>/bewerken/", consultant.organisation_edit, name="organisation_edit"),
    path("organisaties/<int:pk>/toegang/", consultant.membership_add, name="membership_add"),
    path(
        "organisaties/<int:pk>/toegang/<int:membership>/rol/",
        consultant.membership_role,
        name="membership_role",
    ),
    path(
        "organisaties/<int:pk>/toegang/<int:membership>/intrekken/",
        consultant.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisaties/<int:pk>/metingen/nieuw/",
        consultant.assessment_create,
        name="assessment_create",
    ),
    path("metingen/<int:pk>/", consultant.assessment_detail, name="assessment"),
    path("metingen/<int:pk>/bewerken/", consultant.assessment_edit, name="assessment_edit"),
    path("metingen/<int:pk>/groepen/", consultant.reporting_groups_edit, name="reporting_groups"),
    path("metingen/<int:pk>/resultaten/", results.results_page, name="results"),
    path(
        "metingen/<int:pk>/resultaten/download.<str:file_format>",
        results.results_download,
        name="results_download",
    ),
    path(
        "metingen/<int:pk>/heropenen/", consultant.assessment_reopen_view, name="assessment_reopen"
    ),
    path("metingen/<int:pk>/status/", collection.assessment_status, name="assessment_status"),
    path("metingen/<int:pk>/respons/", collection.response_monitor, name="response_monitor"),
    path("metingen/<int:pk>/uitnodigingen/", collection.invitations, name="invitations"),
    path("metingen/<int:pk>/genodigden/", invitees.invitee_list, name="invitees"),
    path(
        "metingen/<int:pk>/genodigden/<int:invitation>/",
        invitees.invitee_edit,
        name="invitee_edit",
    ),
    path(
        "metingen/<int:pk>/uitnodigingen/verzending/",
        collection.outbox_status,
        name="outbox_status",
    ),
    path(
        "metingen/<int:pk>/links/<int:link>/vernieuwen/",
        collection.open_link_renew,
        name="open_link_renew",
    ),
    path("metingen/<int:pk>/antwoorden/import/", collection.answers_upload, name="answers_upload"),
    path("metingen/<int:pk>/antwoorden.csv", collection.answers_download, name="answers_download"),
    # The respondent's survey: the token only on the first request, then a clean URL.
    path("v/<str:token>/", survey.survey_link, name="survey_link"),
    path("vragenlijst/", survey.survey_home, name="survey"),
    path("vragenlijst/opslaan/", survey.survey_save_all, name="survey_save_all"),
    path("vragenlijst/versturen/", survey.survey_submit, name="survey_submit"),
    path("vragenlijst/deel/<int:number>/", survey.survey_page, name="survey_page"),
    path("vragenlijst/deel/<int:number>/opslaan/", survey.survey_save, name="survey_save"),
    path("vragenlijst/controleren/", survey.survey_review, name="survey_review"),
    path("vragenlijst/bedankt/", survey.survey_thanks, name="survey_thanks"),
]
