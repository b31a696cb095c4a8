"""Poster speed: the 80-activity A0 poster against WeasyPrint's own floor.

poster_vs_floor_ratio  rendering the poster (data gathered, laid out, written; no
                       cache) / WeasyPrint rendering the same 80 titles as plain
                       paragraphs on one A0 page with the same fonts
"""

from common import best_of, make_assessment, report, setup_django

# The poster's four faces of Lato (regular, italic, bold, black), each used by a
# quarter of the titles, so the floor loads, lays out and embeds the same font files.
FLOOR_HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "DG Lato"; src: url("fonts/lato/Lato-Regular.ttf"); font-weight: 400; }}
@font-face {{ font-family: "DG Lato"; src: url("fonts/lato/Lato-Italic.ttf"); font-weight: 400;
  font-style: italic; }}
@font-face {{ font-family: "DG Lato"; src: url("fonts/lato/Lato-Bold.ttf"); font-weight: 700; }}
@font-face {{ font-family: "DG Lato"; src: url("fonts/lato/Lato-Black.ttf"); font-weight: 900; }}
@page {{ size: 1189mm 841mm; margin: 20mm; }}
body {{ font-family: "DG Lato", sans-serif; font-size: 16pt; }}
p {{ margin: 0; }}
.f1 {{ font-style: italic; }} .f2 {{ font-weight: 700; }} .f3 {{ font-weight: 900; }}
</style></head><body>{paragraphs}</body></html>"""


def main():
    setup_django()
    from django.utils import timezone, translation
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from roadmap import pdf
    from roadmap.models import PlannedActivity
    from roadmap.services import roadmap_for

    translation.activate("nl")
    assessment = make_assessment("Bench poster", respondents=200, status="closed")
    assessment.closed_at = timezone.now()
    roadmap = roadmap_for(assessment)
    factors = list(assessment.model_version.factors.order_by("track__order", "order"))
    titles = sorted(assessment.model_version.activities.values_list("title", flat=True))
    PlannedActivity.objects.bulk_create(
        PlannedActivity(
            roadmap=roadmap,
            code=f"B-{n:02d}",
            title=f"{n:02d} {titles[n % len(titles)]}",
            factor=factors[n % len(factors)],
            kind="dataproject" if n % 3 == 0 else "randvoorwaarde",
            year=None if n >= 74 else n % roadmap.horizon + 1,
            quarter=None if n >= 74 else n % 4 + 1,
            after_horizon=n >= 74,
            effort="M",
            reason={"kind": "custom", "text": "bench"},
        )
        for n in range(80)
    )
    activity_titles = list(roadmap.activities.values_list("title", flat=True))
    floor_html = FLOOR_HTML.format(
        paragraphs="".join(f'<p class="f{n % 4}">{t}</p>' for n, t in enumerate(activity_titles))
    )

    def floor():
        fonts = FontConfiguration()
        document = HTML(string=floor_html, base_url=pdf.STATIC_ROOT.as_uri() + "/").render(
            font_config=fonts
        )
        assert len(document.pages) == 1
        document.write_pdf()

    def poster():
        data = pdf.gather(assessment, pdf.POSTER, roadmap=roadmap)
        document = pdf.layout(pdf.POSTER, data)
        assert len(document.pages) == 1
        document.write_pdf()

    poster()  # warm up: fonts, templates, the kept results
    floor_seconds = best_of(floor, runs=9)
    poster_seconds = best_of(poster, runs=5)
    report("poster_floor_seconds", floor_seconds, "s")
    report("poster_80_seconds", poster_seconds, "s")
    report("poster_vs_floor_ratio", poster_seconds / floor_seconds, "ratio")


if __name__ == "__main__":
    main()
