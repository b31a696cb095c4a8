"""An independent check of scoring.md's guarantee on a release of results.

    No linear combination of the released figures of an assessment determines a sum or
    mean over fewer than k respondents, for any factor and part.

`check_release` takes what a viewer can obtain, in the shape of the results JSON
(spec/interfaces.md): the organisation's results and every department's one at a time.
It rebuilds every released number as a linear function of the unknown sums of r(f)
over (factor, part, layer, department) cells, from the rules of scoring.md and the
counts alone, checks that each number is indeed that function of the data (so the
system is the real one), and then that no vector of the system's row space lies on
cells of fewer than k respondents together. All respondents of one cell have the same
coefficient in every figure, so such a vector exists exactly when the sums over some
union of cells holding fewer than k respondents can be told apart: checked by the rank
of the null space's rows on those cells.

It knows nothing of assessments/disclosure.py: it only reads what is released.
"""

from itertools import combinations

import numpy as np

PARTS = ("current", "desired")


class Leak(AssertionError):
    pass


def _cells(people):
    """{(factor, part, layer, department): (count, sum)} of the defined r(f)."""
    cells = {}
    for person in people:
        for factor, values in person["r"].items():
            for part, value in zip(PARTS, values, strict=True):
                if value is None:
                    continue
                key = (factor, part, person["layer"], person["department"] or "")
                count, total = cells.get(key, (0, 0.0))
                cells[key] = (count + 1, total + value)
    return cells


class _System:
    def __init__(self, people):
        self.cells = _cells(people)
        self.columns = {key: i for i, key in enumerate(sorted(self.cells))}
        self.rows = []

    def mean_over(self, factor, part, keep):
        """(row, value) of the mean of r(f) over the cells that `keep` accepts, or None."""
        chosen = [
            key
            for key in self.cells
            if key[0] == factor and key[1] == part and keep(key[2], key[3])
        ]
        count = sum(self.cells[key][0] for key in chosen)
        if not count:
            return None
        row = np.zeros(len(self.columns))
        for key in chosen:
            row[self.columns[key]] = 1 / count
        return row, sum(self.cells[key][1] for key in chosen) / count

    def add(self, figure, released, what):
        """A released number and the (row, value) it must be."""
        if released is None:
            return
        if figure is None:
            raise AssertionError(f"{what} is released but undefined by the rules")
        row, value = figure
        assert abs(value - released) < 1e-6, f"{what}: released {released}, rules {value}"
        self.rows.append(row)


def _mean(figures):
    figures = [f for f in figures if f is not None]
    if not figures:
        return None
    return sum(f[0] for f in figures) / len(figures), sum(f[1] for f in figures) / len(figures)


def _scores(system, data, factor_figure):
    """Rows of factors, tracks and the overall score of one results JSON; a track over
    the factors whose score is released, the overall over the released tracks."""
    tracks = {}
    for item in data["factors"]:
        for part in PARTS:
            figure = factor_figure(item["code"], part)
            if item[part] is None:
                figure = None
            else:
                system.add(figure, item[part], f"{item['code']} {part}")
            tracks.setdefault((item["track"], part), []).append(figure)
    by_code = {item["code"]: item for item in data["tracks"]}
    overall = {part: [] for part in PARTS}
    for (track, part), figures in tracks.items():
        figure = _mean(figures)
        released = by_code[track][part]
        if released is None:
            figure = None
        system.add(figure, released, f"track {track} {part}")
        overall[part].append(figure)
    for part in PARTS:
        system.add(
            _mean(overall[part]) if data["overall"][part] is not None else None,
            data["overall"][part],
            f"overall {part}",
        )


def check_release(people, organisation, departments, *, min_group_size):
    """Raise Leak if the release gives away a sum over fewer than k respondents.

    `people`: [{"layer", "department", "r": {factor: (current, desired)}}] with None for
    an undefined r(f); `organisation`: the results JSON; `departments`: {name: results
    JSON of that department} for every department whose results can be obtained.
    """
    check_releases(people, [(organisation, departments)], min_group_size=min_group_size)


def check_releases(people, releases, *, min_group_size):
    """check_release over several releases of the same respondents taken together
    (every version a viewer could have seen): `releases` are (organisation,
    departments) pairs as check_release takes them, each rebuilt by its own groups."""
    system = _System(people)
    for organisation, departments in releases:
        _add_release(system, organisation, departments)
    _check(system, min_group_size)


def _add_release(system, organisation, departments):
    groups = organisation.get("groups", [])
    layer_group = {layer: g["code"] for g in groups for layer in g["layers"]}

    def group_figure(factor, part, group):
        return system.mean_over(factor, part, lambda layer, _d: layer_group[layer] == group)

    def organisation_figure(factor, part):
        # Rule 3: the mean over the groups of G(f, g), hidden groups included.
        return _mean([group_figure(factor, part, g["code"]) for g in groups])

    released_groups = {}
    for group in groups:
        for factor, values in group.get("factors", {}).items():
            for part in PARTS:
                if values[part] is not None:
                    released_groups.setdefault((factor, part), set()).add(group["code"])
                system.add(
                    group_figure(factor, part, group["code"]) if values[part] is not None else None,
                    values[part],
                    f"group {group['code']} {factor} {part}",
                )

    def department_figure(name):
        def figure(factor, part):
            pool = released_groups.get((factor, part), set())
            return system.mean_over(
                factor, part, lambda layer, d: d == name and layer_group[layer] in pool
            )

        return figure

    _scores(system, organisation, organisation_figure)
    for department in organisation.get("departments", []):
        figure = department_figure(department["name"])
        for factor, values in department.get("factors", {}).items():
            for part in PARTS:
                system.add(
                    figure(factor, part) if values[part] is not None else None,
                    values[part],
                    f"department {department['name']} {factor} {part}",
                )
    for name, data in departments.items():
        _scores(system, data, department_figure(name))


def _check(system, k):
    if not system.rows:
        return
    matrix = np.array(system.rows)
    # The null space: a vector on cells A lies in the row space iff it is orthogonal to
    # it, so one exists iff the null space's rows on A are linearly dependent.
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(1.0, singular.max())).sum())
    null = vt[rank:].T  # columns × nullity
    by_figure = {}
    for key, column in system.columns.items():
        by_figure.setdefault(key[:2], []).append((column, system.cells[key][0], key))
    for (factor, part), cells in by_figure.items():
        cells = [cell for cell in cells if cell[1] < k]
        for size in range(1, k):
            for chosen in combinations(cells, size):
                if sum(count for _c, count, _k in chosen) >= k:
                    continue
                rows = null[[column for column, _n, _k in chosen], :]
                if rows.shape[1] == 0 or np.linalg.matrix_rank(rows, tol=1e-9) < size:
                    raise Leak(
                        f"{factor} {part}: the sum over cells "
                        f"{[key[2:] for _c, _n, key in chosen]} "
                        f"({sum(n for _c, n, _k in chosen)} respondents) is determined"
                    )
