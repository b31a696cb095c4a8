"""Chart data, computed once, and the radar chart as vector SVG for print.

`radar_data()` gives the numbers of the 12-factor radar (current, desired and the
roadmap's target per factor). The web chart and the printed chart both draw these
numbers, so the poster shows what the screen shows: scores rounded as displayed
(one decimal, half up) and the target as a stage 0–5.

`radar_svg()` draws them as a plain SVG string (no browser, no network), which
WeasyPrint embeds as vector graphics with searchable labels.
"""

import math
import textwrap
from xml.sax.saxutils import escape

from assessments.presentation import rounded

MAX_SCORE = 5
BOLD = ' font-weight="bold"'

# Series styles: colour AND line style AND marker shape, so no colour-only information.
SERIES = (
    # key, stroke, fill, dash, marker
    ("current", "#154273", "rgba(21,66,115,0.22)", "", "circle"),
    ("desired", "#B35F00", "none", "14 8", "square"),
    ("target", "#39870C", "none", "3 6", "diamond"),
)


def _number(value):
    return None if value is None else float(rounded(value))


def radar_data(results, names, targets=None):
    """One row per factor in model order: code, label, current, desired, target.

    `results`: assessments.results.Results; `names`: assessments.presentation.labels();
    `targets`: {factor code: target stage} of the roadmap, or None. Scores are None
    when the assessment shows no scores (too few respondents): then there is no chart.
    """
    if not results.scores_shown:
        return []
    targets = targets or {}
    return [
        {
            "code": code,
            "label": names.get(code, code),
            "current": _number(factor.current),
            "desired": _number(factor.desired),
            "target": targets.get(code),
        }
        for code, factor in results.factors.items()
    ]


def _point(cx, cy, radius, index, count, value):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = radius * value / MAX_SCORE
    return cx + distance * math.cos(angle), cy + distance * math.sin(angle)


def _marker(kind, x, y, size, colour):
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'
    if kind == "square":
        s = size * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="#fff" stroke="{colour}" stroke-width="{size * 0.5:.1f}"/>'
        )
    s = size * 1.25
    return (
        f'<polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} '
        f'{x - s:.1f},{y:.1f}" fill="{colour}"/>'
    )


def _label_anchor(x, cx):
    if abs(x - cx) < 1:
        return "middle"
    return "start" if x > cx else "end"


def radar_svg(
    rows, *, size=1000, series_names=None, font_size=26, title="", scale_font_size=None, wrap=22
):
    """The radar of `rows` (see radar_data) as an SVG string, `size` units high.

    Every series is a closed polygon with markers on the axes; a series without any
    value (no roadmap yet: no targets) is left out. Labels are the factor code and
    name (wrapped at `wrap` characters). `series_names` maps current/desired/target to
    the legend's words; `scale_font_size` sizes the ring numbers (default 0.8 × font).
    """
    count = len(rows)
    if count < 3:
        return ""
    series_names = series_names or {}
    width, height = size * 1.4, size
    cx, cy = width / 2, height / 2
    radius = size * 0.34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" class="radar" font-family="DG Lato, sans-serif">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    # Rings 1–5 and the scale numbers along the first axis.
    for level in range(1, MAX_SCORE + 1):
        ring = " ".join(
            "{:.1f},{:.1f}".format(*_point(cx, cy, radius, i, count, level)) for i in range(count)
        )
        parts.append(
            f'<polygon points="{ring}" fill="none" stroke="#9FB3C8" '
            f'stroke-width="{1.2 if level < MAX_SCORE else 2:.1f}"/>'
        )
        x, y = _point(cx, cy, radius, 0, count, level)
        parts.append(
            f'<text x="{x + 8:.1f}" y="{y + font_size * 0.35:.1f}" '
            f'font-size="{scale_font_size or font_size * 0.8:.0f}" fill="#4A5A6A">{level}</text>'
        )
    for index in range(count):
        x, y = _point(cx, cy, radius, index, count, MAX_SCORE)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="#C5D2DF" stroke-width="1.2"/>'
        )
    marker = size / 140
    for key, stroke, fill, dash, shape in SERIES:
        values = [row[key] for row in rows]
        if all(value is None for value in values):
            continue
        points = [_point(cx, cy, radius, i, count, value or 0) for i, value in enumerate(values)]
        outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polygon points="{outline}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{size / 220:.1f}"{dash_attr} stroke-linejoin="round">'
            f"<title>{escape(series_names.get(key, key))}</title></polygon>"
        )
        parts.extend(
            _marker(shape, x, y, marker, stroke)
            for (x, y), value in zip(points, values, strict=True)
            if value is not None
        )
    # Labels outside the outer ring: the code in bold, the name below it (wrapped).
    line = font_size * 1.15
    for index, row in enumerate(rows):
        x, y = _point(cx, cy, radius * 1.08, index, count, MAX_SCORE)
        anchor = _label_anchor(x, cx)
        lines = [row["code"], *textwrap.wrap(row["label"], wrap, break_long_words=False)]
        if y < cy - radius * 0.5:
            y -= line * (len(lines) - 1)  # above the chart: grow upwards
        elif abs(y - cy) <= radius * 0.5:
            y -= line * (len(lines) - 1) / 2  # beside it: centred on the axis
        y += font_size * 0.35
        tspans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if n == 0 else line:.1f}"{BOLD if n == 0 else ""}>'
            f"{escape(text)}</tspan>"
            for n, text in enumerate(lines)
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{font_size}" '
            f'fill="#0B2540">{tspans}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def radar_legend(series_names):
    """(key, name, stroke, dash, marker) of the series, for a legend beside the chart."""
    return [
        {"key": key, "name": series_names.get(key, key), "stroke": stroke, "dash": dash}
        for key, stroke, _fill, dash, _marker in SERIES
    ]
