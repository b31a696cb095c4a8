from django.urls import path

from . import views, views_session

urlpatterns = [
    path("metingen/<int:pk>/strategie/", views.strategy, name="strategy"),
    path("metingen/<int:pk>/routekaart/", views.roadmap_detail, name="roadmap"),
    path("metingen/<int:pk>/routekaart/status/", views.roadmap_adoption, name="roadmap_adoption"),
    path("metingen/<int:pk>/routekaart/versies/", views.roadmap_versions, name="roadmap_versions"),
    path(
        "metingen/<int:pk>/routekaart/versies/<int:number>/",
        views.roadmap_versions,
        name="roadmap_version",
    ),
    path("metingen/<int:pk>/resultatensessie/", views.agreed_levels_page, name="agreed_levels"),
    path(
        "metingen/<int:pk>/routekaart/genereren/",
        views.roadmap_generate,
        name="roadmap_generate",
    ),
    path(
        "metingen/<int:pk>/routekaart/activiteiten/nieuw/",
        views.activity_add,
        name="activity_add",
    ),
    path("metingen/<int:pk>/routekaart/poster.pdf", views.poster_pdf, name="poster_pdf"),
    path("metingen/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("routekaart/activiteiten/<int:pk>/", views.activity_edit, name="activity_edit"),
    path(
        "routekaart/activiteiten/<int:pk>/verwijderen/",
        views.activity_remove,
        name="activity_remove",
    ),
    path("organisaties/<int:pk>/dataprojecten/", views.data_projects, name="data_projects"),
    path(
        "organisaties/<int:pk>/dataprojecten/nieuw/",
        views.data_project_create,
        name="data_project_create",
    ),
    path("dataprojecten/<int:pk>/bewerken/", views.data_project_edit, name="data_project_edit"),
    path(
        "dataprojecten/<int:pk>/verwijderen/",
        views.data_project_delete,
        name="data_project_delete",
    ),
    path(
        "metingen/<int:pk>/toelichting-als-idee/",
        views.comment_to_idea,
        name="comment_to_idea",
    ),
    path("organisaties/<int:pk>/dataportaal/", views.data_portal, name="data_portal"),
    # The inspiration-and-vision session (issue 15).
    path(
        "metingen/<int:pk>/inspiratie/begrippen/",
        views_session.glossary,
        name="inspiration_glossary",
    ),
    path(
        "metingen/<int:pk>/inspiratie/voorbeelden/",
        views_session.catalogue,
        name="inspiration_catalogue",
    ),
    path(
        "metingen/<int:pk>/inspiratie/voorbeelden/<str:code>/register/",
        views_session.catalogue_add,
        name="inspiration_catalogue_add",
    ),
    path(
        "metingen/<int:pk>/strategie/sessie/", views_session.vision_session, name="vision_session"
    ),
    path("metingen/<int:pk>/presentatie/", views_session.presentation, name="presentation"),
    path(
        "metingen/<int:pk>/presentatie/<int:slide>/",
        views_session.presentation,
        name="presentation_slide",
    ),
]
