"""Disclosure control: which figures of an assessment may be released (scoring.md, Privacy).

The promise to respondents is "we only show groups of at least k people". It must hold
against a viewer who combines every released figure with every other, counts known:

    Guarantee: no linear combination of the released figures of an assessment
    determines a sum or mean over fewer than k respondents, for any factor and part.

Every figure is a mean of r(f) over a set of respondents, so every released figure is a
linear combination of the sums of r(f) over (reporting group, department) cells. This
module decides, from the counts alone, which of those figures are released:

- `shown_groups`: reporting groups of at least k respondents, with complementary
  suppression so that the hidden groups together hold 0 or at least k respondents.
- `released_groups`: per factor and part, the shown groups whose group score G(f, g)
  is given (at least k respondents with r(f) defined), again with complementary
  suppression: the factor score S(f) includes every group, so the groups whose G(f, g)
  is not given must together hold 0 or at least k such respondents.
- `shown_departments`: the minimum-cut rule. Per factor and part a graph with a node
  per released group, a node per shown department and one node for the hidden
  departments and the respondents without one; an edge per non-empty cell, weighted by
  its respondents. The group and department figures are the node sums of that graph,
  and a set of edges has a sum determined by them exactly when it is a cut, so the
  release is safe iff every cut weighs at least k. While one does not, the shown
  department with the fewest respondents on the lighter side of the minimum cut is
  hidden (ties: name; when the lighter side holds no shown department, the other side),
  for every factor.

Pure: counts in, decisions out; nothing here reads the database or a request.
"""

from dataclasses import dataclass

import networkx as nx

# The node of the hidden departments and of the respondents without a department.
HIDDEN = ("hidden",)


def shown_groups(counts, *, min_group_size):
    """Which groups may be shown on their own, from their numbers of respondents.

    `counts` maps each group's code to its number of submitted respondents, in order.
    - A group with fewer than k respondents is never shown on its own.
    - Complementary suppression: while the hidden groups hold fewer than k respondents
      together, the shown group with the fewest respondents is hidden too (ties: the
      one that comes first in the order). Afterwards either no group is hidden, or
      the hidden ones hold at least k respondents together.
    Groups without respondents have no score to give away: they are not shown and do
    not count as hidden.
    """
    k = min_group_size
    populated = [(code, n) for code, n in counts.items() if n > 0]
    shown = [(code, n) for code, n in populated if n >= k]
    hidden_total = sum(n for _code, n in populated if n < k)
    hidden_any = len(shown) < len(populated)
    while hidden_any and hidden_total < k and shown:
        smallest = min(shown, key=lambda item: item[1])  # min keeps the first of equals
        shown.remove(smallest)
        hidden_total += smallest[1]
    return [code for code, _n in shown]


def released_groups(defined, shown, *, min_group_size):
    """The groups whose G(f, g) is released for one factor and part.

    `defined` maps every group (in order) to its respondents with r(f) defined; `shown`
    are the groups shown on their own. A shown group is released with at least k
    defined respondents; the unreleased groups with any (the hidden groups among them)
    must hold 0 or at least k together, since S(f) and the released G(f, g) give their
    weighted sum. While they do not, the released group with the fewest is withheld
    (ties: first in order). Nothing is released below k defined respondents in all.
    """
    k = min_group_size
    if sum(defined.values()) < k:
        return []
    released = [(g, defined[g]) for g in defined if g in shown and defined[g] >= k]
    withheld = sum(defined.values()) - sum(n for _g, n in released)
    while 0 < withheld < k and released:
        smallest = min(released, key=lambda item: item[1])
        released.remove(smallest)
        withheld += smallest[1]
    return [g for g, _n in released]


@dataclass(frozen=True)
class Cut:
    """A cut of a release graph lighter than k: its weight and its two sides."""

    weight: int
    light: frozenset
    heavy: frozenset


def light_cut(cells, hidden_departments, *, min_group_size):
    """A cut lighter than k of one factor and part's release graph, or None if safe.

    `cells` maps (group, department) to the respondents with r(f) defined in that cell,
    for the released groups only; department "" is no department. Departments in
    `hidden_departments` (and "") are one node, HIDDEN. Per connected part the global
    minimum cut (Stoer–Wagner); a single node with a light edge total is found first.
    """
    k = min_group_size
    graph = _graph(cells, hidden_departments)
    degrees = dict(graph.degree(weight="weight"))
    for part in nx.connected_components(graph):
        if len(part) < 2:
            continue
        # The lightest single node is a cut of its part (cheap, and the usual failure).
        node = min(part, key=lambda item: (degrees[item], str(item)))
        if degrees[node] < k:
            return Cut(
                weight=degrees[node], light=frozenset([node]), heavy=frozenset(part - {node})
            )
        weight, (one, other) = nx.stoer_wagner(graph.subgraph(part))
        if weight < k:
            one, other = frozenset(one), frozenset(other)
            if _side_weight(graph, other) < _side_weight(graph, one):
                one, other = other, one
            return Cut(weight=weight, light=one, heavy=other)
    return None


def _graph(cells, hidden_departments):
    graph = nx.Graph()
    for (group, department), n in cells.items():
        if n <= 0:
            continue
        node = HIDDEN if not department or department in hidden_departments else department
        source = ("group", group)
        if graph.has_edge(source, node):
            graph[source][node]["weight"] += n
        else:
            graph.add_edge(source, node, weight=n)
    return graph


def _all_safe(graphs, hidden_departments, k):
    """True when one check proves every graph safe: the graph of the smallest weight of
    each cell over all of them (0 where a graph lacks it). When its connected parts are
    those of the graph of every cell any of them has, every graph has those parts too
    and weighs at least as much on every edge; so when each part's minimum cut weighs
    k or more, every cut of every graph does. False says nothing."""
    if not graphs:
        return True
    keys = set().union(*graphs.values())
    smallest = _graph(
        {cell: min(g.get(cell, 0) for g in graphs.values()) for cell in keys}, hidden_departments
    )
    union = _graph({cell: 1 for cell in keys}, hidden_departments)
    parts = {frozenset(part) for part in nx.connected_components(smallest)}
    if smallest.number_of_nodes() != union.number_of_nodes() or parts != {
        frozenset(part) for part in nx.connected_components(union)
    }:
        return False
    degrees = dict(smallest.degree(weight="weight"))
    for part in parts:
        if len(part) < 2:
            continue
        if min(degrees[node] for node in part) < k:
            return False
        if nx.stoer_wagner(smallest.subgraph(part))[0] < k:
            return False
    return True


def _side_weight(graph, side):
    """The respondents in the cells that touch a side, each cell once."""
    return sum(w for _a, _b, w in graph.edges(side, data="weight"))


def shown_departments(cells_by_figure, counted, *, min_group_size):
    """The departments that may be shown, side by side and one at a time.

    `cells_by_figure` maps each (factor, part) to its cells as light_cut takes them
    (released groups only); `counted` maps each department to its respondents in shown
    groups. A department with fewer than k counted respondents is hidden first; then the
    minimum-cut rule runs until every figure's graph is safe. Graphs with the same cells
    are checked once.
    """
    k = min_group_size
    hidden = {name for name, n in counted.items() if n < k}
    graphs = {}
    for cells in cells_by_figure.values():
        key = frozenset((cell, n) for cell, n in cells.items() if n > 0)
        graphs.setdefault(key, cells)
    safe = set()
    while True:
        if _all_safe(graphs, hidden, k):
            break
        for key, cells in graphs.items():
            if key in safe:
                continue
            cut = light_cut(cells, hidden, min_group_size=k)
            if cut is None:
                safe.add(key)
                continue
            # Hiding a department merges its node into HIDDEN: every cut of the merged
            # graph is a cut of the graph before, so a safe graph stays safe.
            hidden.add(_department_to_hide(cut, counted, hidden))
            break
        else:
            break
    return sorted(name for name in counted if name not in hidden)


def _department_to_hide(cut, counted, hidden):
    for side in (cut.light, cut.heavy):
        names = [node for node in side if node != HIDDEN and isinstance(node, str)]
        names = [name for name in names if name not in hidden]
        if names:
            return min(names, key=lambda name: (counted[name], name))
    # Unreachable: a cut lighter than k always has a shown department on a side (a
    # graph of released groups, each of k or more, around HIDDEN alone is safe).
    raise AssertionError("a light cut without a shown department")
