"""The results page with a benchmark among 300 peer organisations, against the same
page without a benchmark.

benchmark_300_ratio  results page with / without the 300-peer benchmark

300 municipalities each have a closed assessment of 500 respondents (150,000
respondents, about 5 million answers). Their results are kept once computed (a closed
assessment's results do not change), so the benchmark reads 300 small rows; the first,
untimed request computes them.
"""

from common import best_of, make_assessment, report, setup_django

PEERS = 300
RESPONDENTS = 500


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Membership

    for n in range(PEERS):
        make_assessment(
            f"Bench peer {n:03d}", respondents=RESPONDENTS, status="closed", seed=n / PEERS
        )
    own = make_assessment("Bench gemeente eigen", respondents=RESPONDENTS, status="closed")
    user = get_user_model().objects.create_user("bench-consultant", password="bench-pass-123")
    Membership.objects.create(
        user=user, organisation=own.organisation, role=Membership.Role.CONSULTANT
    )
    client = Client()
    client.force_login(user)
    url = reverse("results", args=[own.pk])

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    assert "Vergeleken met" in page().content.decode()  # warm: peers' results kept
    with_benchmark = best_of(page, runs=7)
    organisation = own.organisation
    organisation.type = "provincie"  # no peers of this type: the same page, no benchmark
    organisation.save()
    assert "Vergeleken met" not in page().content.decode()
    without_benchmark = best_of(page, runs=7)
    report("benchmark_300_with_seconds", with_benchmark, "s")
    report("benchmark_300_without_seconds", without_benchmark, "s")
    report("benchmark_300_ratio", with_benchmark / without_benchmark, "ratio")


if __name__ == "__main__":
    main()
