"""The application's URLs plus the floors of the survey benchmarks (spec/quality.md):
a bare Django view that inserts one row, and a one-page survey (every question of the
layer on one page, stored in one POST), served by the same gunicorn."""

from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from assessments import collection
from assessments.forms import SurveyPageForm
from assessments.models import Response
from assessments.views import survey as survey_views


@csrf_exempt
@require_POST
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", [request.body[:200]])
    return HttpResponse("ok")


def one_page(request, token):
    """The comparison of survey_completed_per_s: the same values, one GET and one POST
    (the application's form, page template, validation, page_save and submit)."""
    invitation = collection.invitation_for_token(token)
    if invitation is None:
        raise Http404
    assessment = invitation.assessment
    response, _created = Response.objects.select_related("layer").get_or_create(
        invitation=invitation,
        defaults={
            "assessment": assessment,
            "respondent": f"one-{invitation.pk}",
            "layer": invitation.layer,
            "current_page": 1,
        },
    )
    # The model's generation, read once for the request as the survey's views do.
    generation = survey_views._model_generation(request)
    questions = collection.asked_questions(
        assessment=assessment, layer_code=invitation.layer.code, generation=generation
    )
    form = SurveyPageForm(
        request.POST if request.method == "POST" else None, questions=questions, require_all=True
    )
    if request.method == "POST" and form.is_valid():
        response.assessment = assessment
        collection.page_save(
            response=response,
            answers=form.answers(),
            comments=form.comments(),
            questions=questions,
            next_page=2,
        )
        collection.response_submit(response=response)
        return redirect("/bench/one-page/done/")
    tracks = collection.survey_tracks(assessment, generation=generation)
    descriptors = survey_views._descriptors(assessment, generation)
    blocks = survey_views._page_blocks(form, questions, descriptors)
    return render(
        request,
        "survey/page.html",
        {
            "assessment": assessment,
            "track": tracks[0],
            "number": 1,
            "pages": 1,
            "percent": 0,
            "form": form,
            "blocks": blocks,
            "error_links": [],
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/one-page/<str:token>/", one_page),
    path("", include("datagedreven.urls")),
]
