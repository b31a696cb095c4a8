"""The application's URLs plus the floor: a bare view that inserts one row."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (at) VALUES (now())")
    return HttpResponse("ok")


urlpatterns = [path("floor/", floor), path("", include("datagedreven.urls"))]
