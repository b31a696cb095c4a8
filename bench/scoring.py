"""Scoring speed: 10,000 respondents against a raw SQL GROUP BY, and growth from 1,000.

scoring_vs_sql_ratio  scoring 10k respondents / the raw GROUP BY (layer, factor) floor
scoring_growth_10x    time at 10k / time at 1k respondents

Submitting (or importing) a response keeps step 1 of scoring, its sums per factor
(FactorSum), so scoring reads 120,000 sums instead of 330,000 answers. For comparison,
not a bar: the same scoring with nothing kept, from the answers
(scoring_from_answers_vs_sql_ratio).
"""

from common import best_of, make_assessment, report, setup_django


def main():
    setup_django()
    from django.db import connection

    from assessments.models import Answer, FactorSum
    from assessments.results import assessment_results

    small = make_assessment("Bench gemeente 1k", respondents=1_000)
    large = make_assessment("Bench gemeente 10k", respondents=10_000)
    answers = Answer.objects.filter(response__assessment=large).count()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT r.layer_id, q.factor_id, avg(a.current), avg(a.desired)
                FROM assessments_answer a
                JOIN assessments_response r ON r.id = a.response_id
                JOIN assessments_question q ON q.id = a.question_id
                WHERE r.assessment_id = %s AND r.status = 'submitted'
                GROUP BY r.layer_id, q.factor_id
                """,
                [large.pk],
            )
            cursor.fetchall()

    # Open assessments: nothing is kept, every call scores from the answers.
    floor_seconds = best_of(floor)
    large_seconds = best_of(lambda: assessment_results(large))
    small_seconds = best_of(lambda: assessment_results(small))
    FactorSum.objects.filter(response__assessment=large).delete()
    answers_seconds = best_of(lambda: assessment_results(large))
    report("scoring_answers_10k", answers, "count")
    report("scoring_floor_seconds", floor_seconds, "s")
    report("scoring_10k_seconds", large_seconds, "s")
    report("scoring_1k_seconds", small_seconds, "s")
    report("scoring_vs_sql_ratio", large_seconds / floor_seconds, "ratio")
    report("scoring_growth_10x", large_seconds / small_seconds, "ratio")
    report("scoring_from_answers_10k_seconds", answers_seconds, "s")
    report("scoring_from_answers_vs_sql_ratio", answers_seconds / floor_seconds, "ratio")


if __name__ == "__main__":
    main()
