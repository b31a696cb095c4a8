"""The results page with 40 departments side by side against the same page without
departments (spec/quality.md).

departments_ratio  results page with / without 40 departments (5,000 respondents)

Both assessments are open, so every page load scores them anew: the ratio includes
the departments' figures and the disclosure check (assessments/disclosure.py: the
minimum cut of every factor's release graph), not kept results.
"""

import os

from common import best_of, make_assessment, report, setup_django

RESPONDENTS = int(os.environ.get("BENCH_DEPARTMENT_RESPONDENTS", "5000"))
DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "40"))


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    with_departments = make_assessment(
        "Bench afdelingen", respondents=RESPONDENTS, departments=DEPARTMENTS
    )
    without = make_assessment("Bench zonder afdelingen", respondents=RESPONDENTS, departments=0)
    user = get_user_model().objects.create_superuser("bench", password="bench-password-123")
    client = Client()
    client.force_login(user)

    def page(assessment):
        def load():
            response = client.get(f"/metingen/{assessment.pk}/resultaten/")
            assert response.status_code == 200, response.status_code
            return response

        return load

    shown = page(with_departments)().content.decode().count('href="?afdeling=')
    assert shown, "no department shown: the bench would not measure them"
    floor = best_of(page(without), runs=7)
    measured = best_of(page(with_departments), runs=7)
    report("departments_shown", shown, "count")
    report("departments_page_seconds", measured, "s")
    report("departments_floor_seconds", floor, "s")
    report("departments_ratio", measured / floor, "ratio")


if __name__ == "__main__":
    main()
