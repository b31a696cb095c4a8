"""The application's URLs plus the floor of the submit benchmark (spec/quality.md):
a bare Django view that inserts one row, served by the same gunicorn."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", [request.body[:200]])
    return HttpResponse("ok")


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("datagedreven.urls")),
]
