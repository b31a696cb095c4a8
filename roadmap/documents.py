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

from django.conf import settings
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import ImageFont

from assessments.models import Invitation, LevelDescriptor, Response, Track
from assessments.results import (
    RISK_TITLES,
    assessment_results,
    display,
    display_change,
    group_labels,
    labels,
    risk_reason,
)
from assessments.stages import stage, stage_name

from . import charts
from .models import PlannedActivity, Roadmap, VisionSession
from .services import roadmap_activities, share_done

# --- Poster geometry (mm), shared with static/css/print-poster.css ---------------------
PAGE_WIDTH, PAGE_HEIGHT = 1189, 841
MARGIN = 20  # left and right
BOTTOM = 10  # below the footer
SIDEBAR = 340
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

# Card type sizes (pt): title and the line under it. The first one that fits is used,
# so a poster with few activities gets large cards and one with 80 gets compact ones;
# 14 pt stays readable at 1.5 m on A0.
DENSITIES = (
    ("d1", 24, 17),
    ("d2", 21, 16),
    ("d3", 18, 15),
    ("d4", 16, 14),
    ("d5", 14, 13),
    ("d6", 12, 11),
)
MIN_CARD_WIDTH = 50  # mm


def _date(value):
    return formats.date_format(value, "j F Y") if value else ""


def _stage(value):
    if value is None:
        return None
    level = stage(value)
    return {"level": level, "name": stage_name(level)}


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
    """Shown reporting groups with their respondents; hidden groups by name only."""
    shown, hidden = [], []
    for layer in results.groups:
        label = names.get(layer.code, layer.code)
        if layer.shown:
            shown.append({"code": layer.code, "label": label, "respondents": layer.respondents})
        elif layer.respondents:
            # A layer of k or more is only hidden so a smaller one cannot be worked out
            # (complementary suppression): say so, rather than "too few respondents".
            protective = layer.respondents >= results.scoring.min_group_size
            hidden.append({"code": layer.code, "label": label, "protective": protective})
    return shown, hidden


def _series_names():
    return {
        "current": _("Huidige situatie"),
        "desired": _("Gewenste situatie"),
        "target": _("Doel routekaart"),
    }


def _radar(results, names, targets, *, font_size, title):
    rows = charts.radar_data(results, names, targets)
    return charts.radar_svg(
        rows, series_names=_series_names(), font_size=font_size, title=title
    ), charts.radar_legend(_series_names()) if rows else []


def _card(activity, track_codes):
    return {
        "code": activity.code,
        "title": activity.label,
        "factor": activity.factor.code,
        "track": track_codes[activity.factor.track_id],
        "kind": activity.kind,
        "kind_label": str(activity.get_kind_display()),
        "quarter": activity.quarter,
        "status": activity.status,
        "status_label": str(activity.get_status_display()),
    }


def _roadmap_parts(roadmap, tracks):
    activities = roadmap_activities(roadmap)
    track_codes = {track.pk: track.code for track in tracks}
    cards = [(activity, _card(activity, track_codes)) for activity in activities]
    targets = {
        target.factor.code: {"current": target.current_stage, "target": target.target_stage}
        for target in roadmap.targets.select_related("factor").exclude(target_stage=None)
    }
    return activities, cards, targets


# --- Poster -----------------------------------------------------------------------------


@functools.cache
def _font(bold):
    """Lato as the poster uses it, at 100 px, to measure words (Pillow's metrics)."""
    name = "Lato-Bold.ttf" if bold else "Lato-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), 100)


@functools.lru_cache(maxsize=4096)
def _width(word, bold):
    """A word's width at 100 px (one em = 100)."""
    return _font(bold).getlength(word)


def _lines(text, width_mm, size_pt, *, bold):
    """Lines `text` takes in a box `width_mm` wide at `size_pt`, wrapped at spaces as
    the renderer does (without hyphenation, so never fewer than it really takes)."""
    scale = size_pt * PT / 100
    space = _width(" ", bold) * scale
    lines, used = 1, 0.0
    for word in text.split():
        width = _width(word, bold) * scale
        if used and used + space + width > width_mm:
            lines += 1
            used = 0.0
        if width > width_mm:  # a word longer than the line is broken
            extra = math.ceil(width / width_mm) - 1
            lines += extra
            width -= extra * width_mm
        used += (space if used else 0) + width
    return lines


def _card_height(card, width, title_pt, meta_pt):
    inner = width - 2 * CARD_PAD - 1 - 3  # padding, the stripe and the border
    title = _lines(card["title"], inner, title_pt, bold=True) * title_pt * PT * 1.18
    meta = _lines("MM PEB2 · K4 · MM Vervallen", inner, meta_pt, bold=False)  # MM: the marks
    return 2 * CARD_PAD + title + 1.5 + meta * meta_pt * PT * 1.25 + 1


def _stack_height(cards, columns, width, title_pt, meta_pt):
    """Height of a year cell: its cards in a table of `columns` (a row as high as its
    tallest card), with the table's spacing and the cell's padding."""
    if not cards:
        return meta_pt * PT * 1.4 + 2 * CELL_PAD
    card_width = (width - (columns + 1) * CARD_GAP) / columns
    heights = [_card_height(card, card_width, title_pt, meta_pt) for card in cards]
    rows = [heights[i : i + columns] for i in range(0, len(heights), columns)]
    return sum(max(row) for row in rows) + CARD_GAP * (len(rows) + 1) + 2 * CELL_PAD


def poster_density(cells_per_track, later, horizon):
    """The largest card size (and columns per year cell) at which every track row and
    the "na de horizon" row fit in the height of the poster's plan, and the height of
    each row (mm), the space left over shared evenly so the plan fills the poster.

    `cells_per_track`: for each track, a list per year of its cards. The plan is a
    table with fixed column widths (fast to lay out, unlike a grid that measures every
    card's content first).
    """
    grid_width = PAGE_WIDTH - 2 * MARGIN - SIDEBAR - GAP
    cell_width = (grid_width - TRACK_HEAD - (horizon + 2) * CELL_GAP) / horizon
    later_width = grid_width - TRACK_HEAD - 3 * CELL_GAP
    spacing = (len(cells_per_track) + (1 if later else 0) + PLAN_ROWS_EXTRA) * CELL_GAP
    available = PAGE_HEIGHT - HEADER - GAP - YEAR_HEAD - spacing - GAP - FOOTER - BOTTOM - SAFETY
    max_columns = max(1, int((cell_width - CARD_GAP) // (MIN_CARD_WIDTH + CARD_GAP)))
    later_columns = max(1, int((later_width - CARD_GAP) // (MIN_CARD_WIDTH + 20 + CARD_GAP)))
    choice = None
    for name, title_pt, meta_pt in DENSITIES:
        for columns in range(1, max_columns + 1):
            rows = [
                max(_stack_height(cards, columns, cell_width, title_pt, meta_pt) for cards in row)
                for row in cells_per_track
            ]
            later_row = (
                _stack_height(later, later_columns, later_width, title_pt, meta_pt) if later else 0
            )
            height = sum(rows) + later_row
            choice = {
                "name": name,
                "title_pt": title_pt,
                "meta_pt": meta_pt,
                "columns": columns,
                "later_columns": later_columns,
                "rows": rows,
                "later_row": later_row,
                "slack": available - height,
            }
            if height <= available:
                break
        else:
            continue
        break
    slack = max(0, choice["slack"]) / max(1, len(choice["rows"]))
    choice["rows"] = [round(row + slack, 1) for row in choice["rows"]]
    choice["later_row"] = round(choice["later_row"], 1)
    choice["slack"] = round(choice["slack"], 1)
    return choice


# Sidebar type sizes (pt) for the vision and the principles: the largest that fits.
SIDE_SIZES = ((26, 21), (23, 19), (20, 17), (17, 15), (15, 13))
SIDE_TEXT = SIDEBAR - 6  # the sidebar's text width (mm)
SIDE_HEADING = 18  # a sidebar heading with its rule and margins (mm)
SIDE_SECTION = 9  # space below a section (mm)
RADAR = 238.6 + 16  # the chart, its legend and its scale line (mm)
LAYER_LINE = 11  # one line of "Wie deden mee" (mm)
VISION_LIMIT = 1200  # characters; a longer vision is shortened on the poster
PRINCIPLES_LIMIT = 10


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def sidebar_text(vision, principles, layer_lines):
    """The vision and principles as the sidebar prints them, and their type sizes:
    the largest at which the whole sidebar fits between the title band and the footer
    (a very long vision is shortened, never cut off by the page)."""
    vision = _shorten(vision, VISION_LIMIT)
    principles = [_shorten(p, 300) for p in principles[:PRINCIPLES_LIMIT]]
    available = PAGE_HEIGHT - HEADER - 2 * GAP - FOOTER - BOTTOM - SAFETY
    fixed = SIDE_HEADING + RADAR + SIDE_SECTION + SIDE_HEADING + layer_lines * LAYER_LINE
    for vision_pt, principle_pt in SIDE_SIZES:
        height = fixed
        if vision:
            lines = _lines(vision, SIDE_TEXT, vision_pt, bold=False)
            height += SIDE_HEADING + lines * vision_pt * PT * 1.35 + SIDE_SECTION
        if principles:
            height += SIDE_HEADING + SIDE_SECTION
            height += sum(
                _lines(p, SIDE_TEXT - 14, principle_pt, bold=False) * principle_pt * PT * 1.3 + 2.5
                for p in principles
            )
        if height <= available:
            break
    return {
        "vision": vision,
        "principles": principles,
        "vision_pt": vision_pt,
        "principle_pt": principle_pt,
    }


def _card_rows(cards, columns):
    """Cards in rows of `columns`, the last row padded with None."""
    rows = [cards[i : i + columns] for i in range(0, len(cards), columns)]
    if rows:
        rows[-1] = rows[-1] + [None] * (columns - len(rows[-1]))
    return rows


def poster_data(assessment, roadmap=None):
    """Everything the A0 poster shows, as plain data. `roadmap` defaults to the
    assessment's own (there must be one)."""
    roadmap = roadmap or Roadmap.objects.get(assessment=assessment)
    results = assessment_results(assessment)
    names = group_labels(results, labels(assessment))
    tracks = list(Track.objects.filter(version_id=assessment.model_version_id))
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
    svg, legend = _radar(
        results,
        names,
        {code: t["target"] for code, t in targets.items()},
        font_size=30,
        title=_("Volwassenheid per sleutelfactor: huidig, gewenst en doel"),
    )
    progress = share_done(within)
    return {
        "kind": "poster",
        "language": get_language(),
        "organisation": assessment.organisation.name,
        "assessment": assessment.name,
        "closed_on": _date(assessment.closed_at),
        "model_version": assessment.model_version.code,
        "printed_on": _date(timezone.localdate()),
        "start_year": roadmap.start_year,
        "end_year": roadmap.end_year,
        "horizon": roadmap.horizon,
        "years": [{"year": year, "calendar": calendar} for year, calendar in years],
        "side": sidebar_text(roadmap.vision, list(roadmap.principles), len(shown) + len(hidden)),
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
                "stage": _stage(overall.current),
                "desired_stage": _stage(overall.desired),
            },
            "activities": len(within),
            "data_projects": sum(1 for a in within if a.is_data_project),
            "done_percent": progress["percent"],
            "later": len(later),
        },
        "layers": shown,
        "hidden_layers": hidden,
        "tracks": [
            {
                "code": track.code,
                "label": track.label,
                "count": sum(len(cell) for cell in row),
                "height": height,
                "cells": [
                    {
                        "year": year,
                        "calendar": calendar,
                        "rows": _card_rows(cell, density["columns"]),
                    }
                    for (year, calendar), cell in zip(years, row, strict=True)
                ],
            }
            for track, row, height in zip(tracks, cells, density["rows"], strict=True)
        ],
        "later": later,
        "later_rows": _card_rows(later, density["later_columns"]),
        "density": density,
        "radar_svg": svg,
        "radar_legend": legend,
        "statuses": [
            {"code": value, "label": str(label)} for value, label in PlannedActivity.Status.choices
        ],
    }


# --- Report -----------------------------------------------------------------------------


def _score_row(code, label, score):
    return {
        "code": code,
        "label": label,
        "current": display(score.current),
        "desired": display(score.desired),
        "gap": display(score.gap),
        "stage": _stage(score.current),
    }


def _percent(value):
    """A score as a share of the 0–5 scale, for a bar's width."""
    return 0 if value is None else round(100 * min(5, max(0, value)) / 5, 1)


def _highlight(codes, results, names):
    return [
        {
            **_score_row(code, names.get(code, code), results.factors[code]),
        }
        for code in codes
        if code in results.factors
    ]


def _benchmark_rows(rows, names):
    return [
        {
            "code": row.code,
            "label": names.get(row.code, row.code),
            "score": display(row.score),
            "mean": display(row.mean),
            "q1": display(row.q1),
            "q3": display(row.q3),
            "percentile": None if row.percentile is None else round(row.percentile),
            "peers": row.peers,
        }
        for row in rows
    ]


def _trend_rows(points, key, codes, names):
    return [
        {
            "code": code,
            "label": names.get(code, code),
            "values": [
                {
                    "current": display(getattr(point, key)[code].current),
                    "change": display_change(getattr(point, key)[code].change),
                }
                for point in points
            ],
        }
        for code in codes
    ]


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


def report_data(assessment):
    """Everything the A4 results report shows, as plain data."""
    results = assessment_results(assessment)
    names = group_labels(results, labels(assessment))
    tracks = list(Track.objects.filter(version_id=assessment.model_version_id))
    names.update((track.code, track.label) for track in tracks)
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
        row = _score_row(code, names.get(code, code), factor)
        row.update(
            track=factor.track,
            spread=display(factor.spread),
            layer_gap=display(factor.layer_gap),
            respondents=factor.respondents,
            level_text=descriptors.get((code, row["stage"]["level"])) if row["stage"] else None,
            target=targets.get(code, {}).get("target"),
            current_pct=_percent(factor.current),
            desired_pct=_percent(factor.desired),
        )
        factor_rows.append(row)

    track_pages = []
    for track in tracks:
        score = results.tracks.get(track.code)
        page = {"code": track.code, "label": track.label}
        if shown_scores and score is not None:
            page.update(_score_row(track.code, track.label, score))
        page["factors"] = [row for row in factor_rows if row["track"] == track.code]
        page["activities"] = [card for activity, card in cards if card["track"] == track.code]
        track_pages.append(page)

    layer_table = []
    if shown_scores and shown:
        by_code = {group.code: group for group in results.groups if group.shown}
        for code in results.factors:
            layer_table.append(
                {
                    "code": code,
                    "label": names.get(code, code),
                    "values": [
                        display(by_code[layer["code"]].factors.get(code).current)
                        if by_code[layer["code"]].factors.get(code)
                        else "–"
                        for layer in shown
                    ],
                }
            )

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
    return {
        "kind": "report",
        "language": get_language(),
        "organisation": assessment.organisation.name,
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
        "overall": _score_row("", "", overall) if shown_scores else None,
        "tracks": [
            _score_row(code, names.get(code, code), score)
            for code, score in (results.tracks.items() if shown_scores else [])
        ],
        "factors": factor_rows,
        "track_pages": track_pages,
        "layers": shown,
        "hidden_layers": hidden,
        "layer_table": layer_table,
        "strengths": _highlight(highlights.strengths, results, names) if shown_scores else [],
        "attention": _highlight(highlights.attention, results, names) if shown_scores else [],
        "ambitions": _highlight(highlights.ambitions, results, names) if shown_scores else [],
        "risks": [
            {
                "rule": str(RISK_TITLES[risk.rule]),
                "factor": names.get(risk.factor, risk.factor) if risk.factor else "",
                "code": risk.factor or risk.track or "",
                "reason": risk_reason(risk, names),
            }
            for risk in (highlights.risks if shown_scores else [])
        ],
        "benchmark": None
        if benchmark is None
        else {
            "peers": benchmark.peers,
            "quartiles": benchmark.has_quartiles,
            "tracks": _benchmark_rows(benchmark.tracks, names),
            "factors": _benchmark_rows(benchmark.factors, names),
        },
        "trend": None
        if not trend
        else {
            "points": [{"name": p.name, "date": p.closed_at or ""} for p in trend],
            "overall": [
                {
                    "current": display(p.overall.current),
                    "change": display_change(p.overall.change),
                }
                for p in trend
            ],
            "tracks": _trend_rows(trend, "tracks", list(results.tracks), names),
        },
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
                        {**card, "track_label": names.get(card["track"], card["track"])}
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
                    "current_name": stage_name(value["current"])
                    if value["current"] is not None
                    else "",
                    "target": value["target"],
                    "target_name": stage_name(value["target"]),
                }
                for code, value in targets.items()
            ],
        },
    }
