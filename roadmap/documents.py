"""What goes into the printed documents: the A0 poster and the A4 results report.

`poster_data()` and `report_data()` gather everything a document shows as plain data
(strings, numbers, lists, dicts), already rounded and worded for display. Plain data
can be hashed: roadmap/pdf.py keeps a rendered PDF by the hash of its data, so the
same data is rendered once. Nothing here renders; nothing in pdf.py reads the database.

Privacy (spec/scoring.md): only what assessments/results.py marks as shown is used.
A hidden layer appears by name only ("te weinig respondenten"), never with a score or
a count of its own; with fewer than k respondents in all, no scores appear at all.
"""

import functools
import math
from pathlib import Path

import pyphen
from django.conf import settings
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from PIL import ImageFont

from assessments.models import Invitation, LevelDescriptor, Response
from assessments.presentation import (
    bar_row,
    benchmark_table,
    display,
    display_change,
    group_labels,
    group_rows,
    group_table,
    highlight_rows,
    model_labels,
    risk_rows,
    rounded,
    score_row,
    stage_figure,
    track_labels,
    trend_table,
)
from assessments.results import assessment_results
from assessments.stages import stage_label

from . import adoption, charts, report_parts
from .continuity import continuity_display
from .models import PlannedActivity, Roadmap, VisionSession
from .services import prerequisite_warnings, roadmap_activities, share_done

# --- Poster geometry (mm), shared with static/css/print-poster.css ---------------------
PAGE_WIDTH, PAGE_HEIGHT = 1189, 841
MARGIN = 20  # left and right
BOTTOM = 10  # below the footer
SIDEBAR = 400  # the story column; narrower (SIDEBARS) when the cards need the room
SIDEBARS = (400, 340, 300)
GAP = 14
HEADER = 110  # the title band, full width at the top
FOOTER = 30  # legend and colophon
YEAR_HEAD = 20
TRACK_HEAD = 62  # width of the track name column
CELL_GAP = 4  # border-spacing of the plan table
CELL_PAD = 1  # top and bottom within a year cell
CARD_GAP = 3  # border-spacing of the cards table in a cell
CARD_PAD = 2  # within a card; plus a 3 mm stripe on its left
PLAN_ROWS_EXTRA = 1  # the spacing below the plan's last row (the one above is in the margin)
SAFETY = 2  # mm kept free for rounding
PT = 0.3528  # mm per point
FONTS = Path(settings.BASE_DIR) / "static" / "fonts" / "lato"

MIN_CARD_WIDTH = 50  # mm; at 24 pt and up a card is CARD_EM title ems wide


def _date(value):
    return formats.date_format(value, "j F Y") if value else ""


# --- Shared pieces --------------------------------------------------------------------


def response_figures(assessment):
    """Submitted and started surveys, and the response rate of personal invitations
    (the share of them that led to a submitted survey); None without personal ones."""
    counts = Response.objects.filter(assessment=assessment).aggregate(
        started=Count("pk"),
        submitted=Count("pk", filter=Q(status=Response.Status.SUBMITTED)),
        personal=Count(
            "pk",
            filter=Q(status=Response.Status.SUBMITTED, invitation__kind=Invitation.Kind.PERSONAL),
        ),
    )
    invited = Invitation.objects.filter(
        assessment=assessment, kind=Invitation.Kind.PERSONAL
    ).count()
    rate = round(100 * counts["personal"] / invited) if invited else None
    return {
        "started": counts["started"],
        "submitted": counts["submitted"],
        "invited": invited,
        "rate": rate,
    }


def layer_figures(results, names):
    """Shown reporting groups with their respondents; hidden groups by name only (the
    group rows of the results page, presentation.group_rows, without a hidden group's
    count). A group of k or more is only hidden so a smaller one cannot be worked out
    (complementary suppression): `protective` says so, rather than "too few respondents"."""
    rows = group_rows(results.groups, names, results.scoring.min_group_size)
    shown, hidden = [], []
    for group, row in zip(results.groups, rows, strict=True):
        if group.shown:
            shown.append({key: row[key] for key in ("code", "label", "respondents")})
        elif group.respondents:
            hidden.append({key: row[key] for key in ("code", "label", "protective")})
    return shown, hidden


def _series_names():
    return {
        "current": _("Huidige situatie"),
        "desired": _("Gewenste situatie"),
        "target": _("Doel routekaart"),
    }


def _radar(results, names, targets, *, font_size, title, **options):
    rows = charts.radar_data(results, names, targets)
    return charts.radar_svg(
        rows, series_names=_series_names(), font_size=font_size, title=title, **options
    ), charts.radar_legend(_series_names()) if rows else []


def _card(activity, track_codes):
    return {
        "code": activity.code,
        "title": activity.label,
        "factor": activity.factor.code,
        # The poster names the factor (not its code) and the register's project.
        "factor_label": activity.factor.label,
        "project": activity.data_project.subject if activity.data_project_id else "",
        "track": track_codes[activity.factor.track_id],
        "kind": activity.kind,
        "kind_label": str(activity.get_kind_display()),
        "quarter": activity.quarter,
        "status": activity.status,
        "status_label": str(activity.get_status_display()),
        "reason": activity.reason_label,
        "warnings": list(activity.warnings),
        "short_warnings": list(activity.short_warnings),
    }


def _roadmap_parts(roadmap, tracks):
    activities = roadmap_activities(roadmap)
    prerequisite_warnings(activities, start_year=roadmap.start_year)
    track_codes = {track.pk: track.code for track in tracks}
    cards = [(activity, _card(activity, track_codes)) for activity in activities]
    targets = {
        target.factor.code: {"current": target.current_stage, "target": target.target_stage}
        for target in roadmap.targets.select_related("factor").exclude(target_stage=None)
    }
    return activities, cards, targets


# --- Poster -----------------------------------------------------------------------------
#
# Type is set for reading at a distance (an A0 on a wall, looked at from two metres):
# the title at 92 pt, card titles never under 24 pt and nothing under 18 pt. The
# plan's cards get the largest size at which every track row fits the page's height,
# so a poster with few activities fills its grid with large cards.

TITLE_PT = 92  # the organisation's name in the title band
TITLE_WIDTH = {False: 590, True: 460}  # mm for it, without and with a logo beside it
TITLE_MIN_PT = 24  # a card title
TEXT_MIN_PT = 18  # anything else on the poster
# Card type sizes (pt), largest first: the title and the lines under it.
DENSITIES = tuple(
    (f"d{title}", title, max(TEXT_MIN_PT, round(title * 0.72)), True)
    for title in (44, 40, 36, 33, 30, 28, 26, 24)
)
# Only when the cards do not fit one page at the minimums (about 50 activities with
# titles of the library's usual length, fewer when they crowd into a few cells): one
# page with every title beats the minimum sizes, so the cards alone get smaller
# (`crowded` in the density; the rest of the poster keeps its sizes). Last of all
# the cards leave out their factor's name (the track row still says where they are).
CROWDED = (
    ("c22", 22, 17, True),
    ("c20", 20, 16, True),
    ("c18", 18, 15, True),
    ("c16", 16, 14, True),
    ("c14", 14, 13, True),
    ("c16-short", 16, 14, False),
    ("c14-short", 14, 13, False),
)
CARD_EM = 7.5  # a card is at least this many title ems wide (about 64 mm at 24 pt)
TRACK_COLOURS = ("#007BC7", "#39870C", "#E17000", "#A90061", "#42145F", "#CA005D")


@functools.cache
def _font(bold):
    """Lato as the poster uses it, at 100 px, to measure words (Pillow's metrics)."""
    name = "Lato-Bold.ttf" if bold else "Lato-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), 100)


@functools.lru_cache(maxsize=4096)
def _width(word, bold):
    """A word's width at 100 px (one em = 100)."""
    return _font(bold).getlength(word)


def _word_mm(word, size_pt, *, bold):
    return _width(word, bold) * size_pt * PT / 100


def _lines(text, width_mm, size_pt, *, bold):
    """Lines `text` takes in a box `width_mm` wide at `size_pt`, wrapped at spaces as
    the renderer does; a word wider than the line is hyphenated (see _hyphenated), and
    counted as if its pieces filled only 85% of a line, so never fewer than it takes."""
    scale = size_pt * PT / 100
    space = _width(" ", bold) * scale
    lines, used = 1, 0.0
    for word in text.split():
        width = _width(word, bold) * scale
        if used and used + space + width > width_mm:
            lines += 1
            used = 0.0
        if width > width_mm:  # a word longer than the line is broken
            extra = math.ceil(width / (0.85 * width_mm)) - 1
            lines += extra
            width = min(width - extra * 0.85 * width_mm, width_mm)
        used += (space if used else 0) + width
    return lines


@functools.cache
def _hyphenator(language):
    return pyphen.Pyphen(lang="en_GB" if (language or "nl").startswith("en") else "nl_NL")


def _hyphenated(text, width_mm, size_pt, *, bold):
    """`text` with soft hyphens in the words that do not fit on a line of `width_mm`
    and nowhere else: the poster prints with `hyphens: manual`, so "klantcontact"
    stays whole in a column it fits in, and only a word wider than the column breaks."""
    words = text.split(" ")
    language = get_language()
    for index, word in enumerate(words):
        if _word_mm(word, size_pt, bold=bold) > width_mm:
            words[index] = _hyphenator(language).inserted(word, hyphen="\u00ad")
    return " ".join(words)


def _meta_text(card, factor=True):
    """The line under a card's title as printed (the marks measured as "MM")."""
    parts = [f"MM {card.get('factor_label', '')}" if factor else "MM"]
    if card.get("quarter"):
        parts.append(f"K{card['quarter']}")
    if card.get("status", PlannedActivity.Status.PLANNED) != PlannedActivity.Status.PLANNED:
        parts.append(f"MM {card['status_label']}")
    return " · ".join(parts)


def _card_inner(width):
    return width - 2 * CARD_PAD - 1 - 3  # padding, the stripe and the border


def _card_height(card, width, title_pt, meta_pt, factor=True):
    inner = _card_inner(width)
    title = _lines(card["title"], inner, title_pt, bold=True) * title_pt * PT * 1.18
    meta = _lines(_meta_text(card, factor), inner, meta_pt, bold=False) * meta_pt * PT * 1.25
    if card.get("project"):
        meta += 1 + _lines(f"MM {card['project']}", inner, meta_pt, bold=True) * meta_pt * PT * 1.25
    warnings = sum(
        1.5 + 1 + _lines("MMM " + warning, inner - 2, meta_pt, bold=True) * meta_pt * PT * 1.25
        for warning in card.get("short_warnings", ())  # margin, padding, mark and text
    )
    return 2 * CARD_PAD + title + 1.5 + meta + warnings + 1


def _stack_height(cards, columns, width, title_pt, meta_pt, factor=True):
    """Height of a year cell: its cards in a table of `columns` (a row as high as its
    tallest card), with the table's spacing and the cell's padding."""
    if not cards:
        return meta_pt * PT * 1.4 + 2 * CELL_PAD
    card_width = (width - (columns + 1) * CARD_GAP) / columns
    heights = [_card_height(card, card_width, title_pt, meta_pt, factor) for card in cards]
    rows = [heights[i : i + columns] for i in range(0, len(heights), columns)]
    return sum(max(row) for row in rows) + CARD_GAP * (len(rows) + 1) + 2 * CELL_PAD


def _max_columns(width, title_pt):
    card = max(MIN_CARD_WIDTH, CARD_EM * title_pt * PT)
    return max(1, int((width - CARD_GAP) // (card + CARD_GAP)))


def poster_density(cells_per_track, later, horizon, *, sidebars=SIDEBARS):
    """The largest card size (and columns per year cell) at which every track row and
    the "na de horizon" row fit in the height of the poster's plan, and the height of
    each row (mm), the space left over shared evenly so the plan fills the poster.

    Sizes go below TITLE_MIN_PT and TEXT_MIN_PT only when nothing else fits (see
    CROWDED; `crowded` is then true); when even the smallest does not fit, the
    smallest with the most columns is used and `fits` is False.

    `cells_per_track`: for each track, a list per year of its cards. The plan is a
    table with fixed column widths (fast to lay out, unlike a grid that measures every
    card's content first).
    """
    spacing = (len(cells_per_track) + (1 if later else 0) + PLAN_ROWS_EXTRA) * CELL_GAP
    available = PAGE_HEIGHT - HEADER - GAP - YEAR_HEAD - spacing - GAP - FOOTER - BOTTOM - SAFETY
    choice = None
    options = [(density, sidebar) for density in DENSITIES + CROWDED for sidebar in sidebars]
    for (name, title_pt, meta_pt, factor), sidebar in options:
        grid_width = PAGE_WIDTH - 2 * MARGIN - sidebar - GAP
        cell_width = (grid_width - TRACK_HEAD - (horizon + 2) * CELL_GAP) / horizon
        later_width = grid_width - TRACK_HEAD - 3 * CELL_GAP
        max_columns = _max_columns(cell_width, title_pt)
        # The cards after the horizon share the row's width (wide cards are short).
        later_columns = max(1, min(len(later), _max_columns(later_width, title_pt) - 1))
        for columns in range(1, max_columns + 1):
            rows = [
                max(
                    _stack_height(cards, columns, cell_width, title_pt, meta_pt, factor)
                    for cards in row
                )
                for row in cells_per_track
            ]
            later_row = (
                _stack_height(later, later_columns, later_width, title_pt, meta_pt, factor)
                if later
                else 0
            )
            height = sum(rows) + later_row
            choice = {
                "name": name,
                "sidebar": sidebar,
                "plan_width": grid_width + 2 * CELL_GAP,
                "plan_left": sidebar + GAP + CELL_GAP,
                "title_pt": title_pt,
                "meta_pt": meta_pt,
                "factor": factor,
                "columns": columns,
                "later_columns": later_columns,
                "card_width": round((cell_width - (columns + 1) * CARD_GAP) / columns, 1),
                "later_card_width": round(
                    (later_width - (later_columns + 1) * CARD_GAP) / later_columns, 1
                ),
                "rows": rows,
                "later_row": later_row,
                "slack": available - height,
                "fits": height <= available,
                "crowded": title_pt < TITLE_MIN_PT,
            }
            if choice["fits"]:
                break
        else:
            continue
        break
    slack = max(0, choice["slack"]) / max(1, len(choice["rows"]))
    choice["rows"] = [round(row + slack, 1) for row in choice["rows"]]
    choice["later_row"] = round(choice["later_row"], 1)
    choice["slack"] = round(choice["slack"], 1)
    return choice


def _print_cards(cells, width, density, colours):
    """The cards as printed: soft hyphens only in words wider than the card, and
    the track's colour (an index into TRACK_COLOURS, a class: a plain class selector
    keeps WeasyPrint's style matching fast, unlike one rule per track)."""
    inner = _card_inner(width)
    printed = []
    for card in cells:
        printed.append(
            {
                **card,
                "colour": colours[card["track"]],
                "title_print": _hyphenated(card["title"], inner, density["title_pt"], bold=True),
                "factor_print": _hyphenated(
                    card["factor_label"], inner - 8, density["meta_pt"], bold=False
                ),
                "show_status": card["status"] != PlannedActivity.Status.PLANNED,
                "show_factor": density["factor"],
            }
        )
    return printed


# The sidebar: the story of the measurement and the plan, at the largest body size
# (pt) at which it fits between the title band and the footer; headings, the radar's
# labels and the smallest body size stay at or above TEXT_MIN_PT.
SIDE_SIZES = (30, 28, 26, 24, 22, 20, 19, 18)
SIDE_PAD = 6  # the sidebar's padding on the right (mm)
SIDE_HEADING = 16  # a sidebar heading with its rule and margins (mm)
SIDE_SECTION = 7  # space below a section (mm)
RADAR_WIDTH = 280  # mm; the chart's labels are set so they print at TEXT_MIN_PT or more
RADAR = RADAR_WIDTH / 1.4 + 2 * 11  # the chart, its legend and its scale line (mm)
VISION_LIMIT = 1200  # characters; a longer vision is shortened on the poster
PRINCIPLES_LIMIT = 10
# What is cut, in this order, when the story does not fit at the smallest size.
SIDE_CUTS = ((800, 10), (500, 8), (350, 6), (250, 5), (200, 4))


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _text_height(text, size_pt, *, width, leading=1.3, bold=False):
    return _lines(text, width, size_pt, bold=bold) * size_pt * PT * leading


def _story_height(story, size, text):
    """Height (mm) of the story's sections (see _story) at body size `size` in a
    column `text` mm wide."""
    height = 0.0
    section = SIDE_HEADING + SIDE_SECTION
    if story.get("change"):
        height += section + _text_height(story["change"]["lead"], size, width=text) + 1.5
        height += _text_height(story["change"]["factors_text"], size, width=text)
    if story.get("strengths") or story.get("attention"):
        column = text * 0.48 - 1
        height += section + max(
            size * PT * 1.3
            + sum(_text_height(f"MM {row['text']}", size, width=column) + 1.5 for row in rows)
            for rows in (story["strengths"], story["attention"])
        )
    if story.get("benchmark"):
        height += section + _text_height(story["benchmark"]["text"], size, width=text)
    if story.get("frameworks"):
        height += section + _text_height(story["frameworks"], size, width=text)
    if story.get("session"):
        height += SIDE_SECTION + _text_height(story["session"], size, width=text)
    return height


def sidebar_text(
    vision, principles, layer_lines, *, story=None, radar=True, width=SIDEBAR, largest=None
):
    """The vision, principles and story as the sidebar (`width` mm) prints them, and
    their type size: the largest at which the whole sidebar fits between the title
    band and the footer. When even TEXT_MIN_PT does not fit, a long vision and the
    last principles are shortened step by step (never cut off by the page).
    `layer_lines`: the text of "Wie deden mee" (a paragraph), or its number of lines.
    `largest`: the largest size to use (the cards' title size: the story is never
    set larger than the plan it goes with)."""
    story = story or {}
    text = width - SIDE_PAD
    full_vision = _shorten(vision, VISION_LIMIT)
    full_principles = [_shorten(p, 300) for p in principles[:PRINCIPLES_LIMIT]]
    available = PAGE_HEIGHT - HEADER - 2 * GAP - FOOTER - BOTTOM - SAFETY
    for vision_limit, principle_limit in ((VISION_LIMIT, PRINCIPLES_LIMIT), *SIDE_CUTS):
        vision_text = _shorten(full_vision, vision_limit)
        principle_texts = full_principles[:principle_limit]
        sizes = [size for size in SIDE_SIZES if largest is None or size <= largest]
        for size in sizes or SIDE_SIZES[-1:]:
            height = (RADAR + SIDE_HEADING + SIDE_SECTION) if radar else 0
            if isinstance(layer_lines, str):
                height += SIDE_HEADING + _text_height(layer_lines, size, width=text)
            else:
                height += SIDE_HEADING + layer_lines * size * PT * 1.4
            height += SIDE_SECTION
            if vision_text:
                height += SIDE_HEADING + SIDE_SECTION
                height += _text_height(vision_text, size, width=text, leading=1.35)
            if principle_texts:
                height += SIDE_HEADING + SIDE_SECTION
                height += sum(_text_height(p, size, width=text - 14) + 2 for p in principle_texts)
            height += _story_height(story, size, text)
            if height <= available:
                break
        else:
            continue
        break
    return {
        "vision": vision_text,
        "principles": principle_texts,
        "vision_pt": size,
        "principle_pt": size,
        "body_pt": size,
        "width": width,
        "fits": height <= available,
    }


STORY_CHANGES = 3  # the largest factor changes named in the story
BENCHMARK_LINES = 6


def _story(results, names, roadmap, tracks):
    """The sidebar's story: change since the previous measurement, strengths and
    attention points, the benchmark position and the strategy's frameworks. Only
    what the results page shows (scores shown, k-safe), as text lines."""
    story = {"change": None}
    story["frameworks"] = _shorten(roadmap.frameworks.strip(), 400)
    if not results.scores_shown:
        story.update(strengths=[], attention=[], benchmark=None)
        return story
    trend = results.trend
    if len(trend) >= 2 and trend[-1].overall.change is not None:
        last, previous = trend[-1], trend[-2]
        changes = sorted(
            (
                (code, value.change)
                for code, value in last.factors.items()
                if value.change is not None and rounded(value.change) != 0
            ),
            key=lambda item: -abs(item[1]),
        )[:STORY_CHANGES]
        story["change"] = {
            "overall": display_change(last.overall.change),
            "previous": previous.name,
            "before": display(previous.overall.current),
            "now": display(last.overall.current),
            "factors": [
                {"label": names.get(code, code), "change": display_change(change)}
                for code, change in changes
            ],
        }
        story["change"]["lead"] = _(
            "Gemiddeld %(change)s: van %(before)s (%(previous)s) naar %(now)s"
        ) % {
            "change": story["change"]["overall"],
            "before": story["change"]["before"],
            "previous": story["change"]["previous"],
            "now": story["change"]["now"],
        }
        story["change"]["factors_text"] = " · ".join(
            f"{row['label']} {row['change']}" for row in story["change"]["factors"]
        )

    def highlight(codes):
        return [
            {
                "label": row["label"],
                "stage": row["stage"]["name"],
                "score": row["current"],
                "text": f"{row['label']}: {row['stage']['name']} ({row['current']})",
            }
            for row in highlight_rows(codes, results, names)
            if row["stage"] is not None  # a factor without a current score
        ]

    highlights = results.highlights
    story["strengths"] = highlight(highlights.strengths)
    story["attention"] = highlight(highlights.attention)
    benchmark = results.benchmark
    story["benchmark"] = None
    if benchmark is not None:
        rows = [
            {"label": row["label"], "percentile": row["percentile"]}
            for row in benchmark_table(benchmark, track_labels(tracks))["tracks"]
            if row["percentile"] is not None
        ]
        if rows:
            intro = ngettext(
                "Positie tussen %(count)s vergelijkbare organisatie (0 = laagste, 100 = hoogste):",
                "Positie tussen %(count)s vergelijkbare organisaties (0 = laagste, 100 = hoogste):",
                benchmark.peers,
            ) % {"count": benchmark.peers}
            story["benchmark"] = {
                "peers": benchmark.peers,
                "intro": intro,
                "rows": rows,
                "text": " ".join(
                    [intro, " · ".join(f"{row['label']} {row['percentile']}" for row in rows)]
                ),
            }
    return story


def _card_rows(cards, columns):
    """Cards in rows of `columns`, the last row padded with None."""
    rows = [cards[i : i + columns] for i in range(0, len(cards), columns)]
    if rows:
        rows[-1] = rows[-1] + [None] * (columns - len(rows[-1]))
    return rows


def _logo(organisation):
    from assessments.logo import data_uri

    return data_uri(organisation.logo, organisation.logo_type)


def _layer_line(shown, hidden, k):
    """ "Wie deden mee" as one line of text, as the poster prints it."""
    parts = [f"{layer['label']} {layer['respondents']}" for layer in shown]
    parts += [
        f"{layer['label']}: " + _("verborgen om een kleinere laag te beschermen")
        if layer["protective"]
        else f"{layer['label']}: " + _("te weinig respondenten (< %(k)s)") % {"k": k}
        for layer in hidden
    ]
    return " · ".join(parts)


def poster_data(assessment, roadmap=None):
    """Everything the A0 poster shows, as plain data. `roadmap` defaults to the
    assessment's own (there must be one)."""
    roadmap = roadmap or Roadmap.objects.get(assessment=assessment)
    results = assessment_results(assessment)
    names, tracks = model_labels(assessment)
    names = group_labels(results, names)
    activities, cards, targets = _roadmap_parts(roadmap, tracks)
    years = roadmap.years

    grid = {(track.code, year): [] for track in tracks for year, _calendar in years}
    later = []
    for activity, card in cards:
        if activity.after_horizon:
            later.append(card)
        else:
            grid.setdefault((card["track"], activity.year), []).append(card)
    cells = [[grid[track.code, year] for year, _calendar in years] for track in tracks]
    density = poster_density(cells, later, roadmap.horizon)

    within = [a for a in activities if not a.after_horizon]
    shown, hidden = layer_figures(results, names)
    overall = results.overall if results.scores_shown else None
    # The chart is RADAR_WIDTH mm wide for 1400 units: its labels and scale numbers
    # are sized so they print at TEXT_MIN_PT or more.
    unit_pt = RADAR_WIDTH / 1400 / PT
    svg, legend = _radar(
        results,
        names,
        {code: t["target"] for code, t in targets.items()},
        font_size=math.ceil((TEXT_MIN_PT + 1) / unit_pt),
        title=_("Volwassenheid per sleutelfactor: huidig, gewenst en doel"),
        scale_font_size=math.ceil((TEXT_MIN_PT + 0.5) / unit_pt),
        wrap=18,
    )
    progress = share_done(within)
    story = _story(results, names, roadmap, tracks)
    story["session"] = session_line(vision_session_data(assessment))
    layer_line = _layer_line(shown, hidden, assessment.min_group_size)
    adopted_line = adoption.adoption_line(roadmap)
    logo = _logo(assessment.organisation)
    # The name at 92 pt in the title band (Lato Black, about 5% wider than Bold): on
    # two lines the years move up into the kicker so the band still holds it all.
    title_lines = _lines(
        assessment.organisation.name, TITLE_WIDTH[bool(logo)] / 1.05, TITLE_PT, bold=True
    )
    colours = {track.code: index % len(TRACK_COLOURS) for index, track in enumerate(tracks)}
    return {
        "kind": "poster",
        "language": get_language(),
        "organisation": assessment.organisation.name,
        "logo": logo,
        "title_lines": title_lines,
        "assessment": assessment.name,
        "closed_on": _date(assessment.closed_at),
        "model_version": assessment.model_version.code,
        "printed_on": _date(timezone.localdate()),
        "start_year": roadmap.start_year,
        "end_year": roadmap.end_year,
        "horizon": roadmap.horizon,
        "adoption": adopted_line,
        # "Concept" until the college (or another body) adopted it: a roadmap only
        # discussed with the directie still carries the mark, beside that line.
        "concept": roadmap is None or not roadmap.is_adopted,
        "years": [{"year": year, "calendar": calendar} for year, calendar in years],
        "side": sidebar_text(
            roadmap.vision,
            list(roadmap.principles),
            layer_line,
            story=story,
            radar=bool(svg),
            width=density["sidebar"],
            largest=max(TEXT_MIN_PT, density["title_pt"]),
        ),
        "story": story,
        "layer_line": layer_line,
        "scores_shown": results.scores_shown,
        "min_group_size": assessment.min_group_size,
        "figures": {
            "respondents": results.respondents,
            "response": response_figures(assessment),
            "overall": None
            if overall is None
            else {
                "current": display(overall.current),
                "desired": display(overall.desired),
                "stage": stage_figure(overall.current),
                "desired_stage": stage_figure(overall.desired),
            },
            "activities": len(within),
            "data_projects": sum(1 for a in within if a.is_data_project),
            # Progress only once anything is done: a plan put up for adoption is
            # not greeted by "0% gereed".
            "done_percent": progress["percent"] if progress["done"] else None,
            "later": len(later),
        },
        "layers": shown,
        "hidden_layers": hidden,
        "tracks": [
            {
                "code": track.code,
                "label": track.label,
                "colour": colours[track.code],
                "count": sum(len(cell) for cell in row),
                "height": height,
                "cells": [
                    {
                        "year": year,
                        "calendar": calendar,
                        "rows": _card_rows(
                            _print_cards(cell, density["card_width"], density, colours),
                            density["columns"],
                        ),
                    }
                    for (year, calendar), cell in zip(years, row, strict=True)
                ],
            }
            for track, row, height in zip(tracks, cells, density["rows"], strict=True)
        ],
        "later": later,
        "later_rows": _card_rows(
            _print_cards(later, density["later_card_width"], density, colours),
            density["later_columns"],
        ),
        "density": density,
        "radar_svg": svg,
        "radar_legend": legend,
        # Cards print a status only once it is not "gepland" any more.
        "statuses": [
            {"code": value, "label": str(label)}
            for value, label in PlannedActivity.Status.choices
            if value != PlannedActivity.Status.PLANNED
        ],
    }


# --- Report -----------------------------------------------------------------------------


def _report_trend(table):
    """The trend table (presentation.trend_table) as the report prints it: the total and
    the tracks (the factors' trend is for the results page)."""
    if table is None:
        return None
    return {**table, "rows": [row for row in table["rows"] if not row["is_factor"]]}


def vision_session_data(assessment):
    """The inspiration-and-vision session as the report prints it (roles and counts)."""
    session = VisionSession.objects.filter(assessment=assessment).first()
    if session is None:
        return None
    return {
        "held_on": _date(session.held_on),
        "participants": [
            {"role": str(role), "count": count} for role, count in session.participant_rows
        ],
        "total": session.participant_total,
        "notes": session.notes,
    }


def session_line(session):
    """Where the vision and principles come from, for the poster: the session's date and
    its participants by role (`session`: vision_session_data), or None without one."""
    if session is None:
        return None
    roles = ", ".join(f"{row['role']} {row['count']}" for row in session["participants"])
    line = ngettext(
        "Opgesteld in de strategiesessie van %(date)s met %(count)s deelnemer",
        "Opgesteld in de strategiesessie van %(date)s met %(count)s deelnemers",
        session["total"],
    ) % {"date": session["held_on"], "count": session["total"]}
    return f"{line} ({roles})." if roles else f"{line}."


def report_data(assessment):
    """Everything the A4 results report shows, as plain data."""
    results = assessment_results(assessment)
    names, tracks = model_labels(assessment)
    names = group_labels(results, names)
    names.update(track_labels(tracks))
    shown_scores = results.scores_shown
    roadmap = Roadmap.objects.filter(assessment=assessment).first()
    activities, cards, targets = _roadmap_parts(roadmap, tracks) if roadmap else ([], [], {})
    shown, hidden = layer_figures(results, names)
    descriptors = {
        (descriptor.factor.code, descriptor.level): descriptor.localised("text")
        for descriptor in LevelDescriptor.objects.filter(
            factor__version_id=assessment.model_version_id
        ).select_related("factor")
    }

    factor_rows = []
    for code, factor in results.factors.items() if shown_scores else []:
        row = bar_row(code, names.get(code, code), factor)
        row.update(
            track=factor.track,
            layer_gap=display(factor.layer_gap),
            respondents=factor.respondents,
            level_text=descriptors.get((code, row["stage"]["level"])) if row["stage"] else None,
            target=targets.get(code, {}).get("target"),
        )
        factor_rows.append(row)

    track_pages = []
    for track in tracks:
        score = results.tracks.get(track.code)
        page = {"code": track.code, "label": track.label}
        if shown_scores and score is not None:
            page.update(score_row(track.code, track.label, score))
        page["factors"] = [row for row in factor_rows if row["track"] == track.code]
        page["activities"] = [card for activity, card in cards if card["track"] == track.code]
        track_pages.append(page)

    # The results page's group × factor table (presentation.group_table).
    layer_table = group_table(results, names) if shown_scores and shown else []

    highlights = results.highlights
    benchmark = results.benchmark if shown_scores else None
    trend = [point for point in results.trend] if shown_scores else []
    overall = results.overall
    svg, legend = _radar(
        results,
        names,
        {code: t["target"] for code, t in targets.items()},
        font_size=26,
        title=_("Volwassenheid per sleutelfactor"),
    )
    years = roadmap.years if roadmap else []
    # Issue 15: plan versus effect, peers' movement, the benchmark of ambitions.
    continuity = (
        continuity_display(assessment, results, names)
        if shown_scores
        else {"plan_effect": None, "movement": None, "ambitions": None}
    )
    # The results session's agreed levels beside the survey's (issue 15); the survey
    # figures only where the report shows scores at all.
    survey = results.factors if shown_scores else {}
    agreed_rows = [
        {
            "code": level.factor.code,
            "label": names.get(level.factor.code, level.factor.label),
            "survey_current": display(survey[level.factor.code].current)
            if level.factor.code in survey
            else "–",
            "survey_desired": display(survey[level.factor.code].desired)
            if level.factor.code in survey
            else "–",
            "current": level.current,
            "desired": level.desired,
            "note": level.note,
        }
        for level in assessment.agreed_levels.select_related("factor").order_by("factor__order")
    ]
    doc = {
        "continuity": continuity,
        "agreed": agreed_rows,
        "adoption": None
        if roadmap is None
        else {
            "line": adoption.adoption_line(roadmap),
            "adopted": roadmap.is_adopted,
            "version": roadmap.version,
            "by": roadmap.adoption_by,
        },
        "kind": "report",
        "language": get_language(),
        "organisation": assessment.organisation.name,
        # Offered to the report's template (a data: URI of the made-safe logo, or "").
        "logo": _logo(assessment.organisation),
        "assessment": assessment.name,
        "assessment_kind": str(assessment.get_kind_display()),
        "status": str(assessment.get_status_display()),
        "closed_on": _date(assessment.closed_at),
        "opens_on": _date(assessment.opens_on),
        "closes_on": _date(assessment.closes_on),
        "model_version": assessment.model_version.code,
        "printed_on": _date(timezone.localdate()),
        "min_group_size": assessment.min_group_size,
        "scores_shown": shown_scores,
        "respondents": results.respondents,
        "response": response_figures(assessment),
        "overall": score_row("", "", overall) if shown_scores else None,
        "tracks": [
            score_row(code, names.get(code, code), score)
            for code, score in (results.tracks.items() if shown_scores else [])
        ],
        "factors": factor_rows,
        "track_pages": track_pages,
        "layers": shown,
        "hidden_layers": hidden,
        "layer_table": layer_table,
        "strengths": highlight_rows(highlights.strengths, results, names) if shown_scores else [],
        "attention": highlight_rows(highlights.attention, results, names) if shown_scores else [],
        "ambitions": highlight_rows(highlights.ambitions, results, names) if shown_scores else [],
        "risks": risk_rows(highlights.risks, names, names) if shown_scores else [],
        "benchmark": benchmark_table(benchmark, names),
        "trend": _report_trend(trend_table(trend, names)),
        "radar_svg": svg,
        "radar_legend": legend,
        "vision_session": vision_session_data(assessment),
        "roadmap": None
        if roadmap is None
        else {
            "start_year": roadmap.start_year,
            "end_year": roadmap.end_year,
            "vision": roadmap.vision,
            "principles": list(roadmap.principles),
            "frameworks": roadmap.frameworks,
            "activities": len([a for a in activities if not a.after_horizon]),
            "data_projects": sum(
                1 for a in activities if a.is_data_project and not a.after_horizon
            ),
            "years": [
                {
                    "year": year,
                    "calendar": calendar,
                    "cards": [
                        {
                            **card,
                            "track_label": names.get(card["track"], card["track"]),
                            # The register's project this activity carries out (issue 15).
                            "project": activity.data_project.subject
                            if activity.data_project_id
                            else "",
                        }
                        for activity, card in cards
                        if activity.year == year and not activity.after_horizon
                    ],
                }
                for year, calendar in years
            ],
            "later": [card for activity, card in cards if activity.after_horizon],
            "targets": [
                {
                    "code": code,
                    "label": names.get(code, code),
                    "current": value["current"],
                    "current_name": stage_label(value["current"])
                    if value["current"] is not None
                    else "",
                    "target": value["target"],
                    "target_name": stage_label(value["target"]),
                }
                for code, value in targets.items()
            ],
        },
    }
    # The method, departments, comments and per-track advice chapters (report_parts.py).
    return report_parts.add_parts(
        doc,
        assessment=assessment,
        results=results,
        tracks=tracks,
        names=names,
        cards=cards,
        descriptors=descriptors,
    )
