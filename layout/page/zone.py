"""The module zone around booked blocks (stage 3): the search when the zone is not a rectangle.

Input: a ``Problem`` whose ``booked`` areas (ads, in grid units of the zone) are
fixed. Output: an ``Arrangement`` with every unit in the free part of the zone,
the rules between the free rectangles and the booked blocks, and the booked
areas; ``NoArrangement`` when none exists.

The free part is cut into rectangles by guillotine cuts along the booked
blocks' edges, every way that keeps each block whole (``layouts``), read top to
bottom and left to right. Units keep reading order across the rectangles: each
rectangle holds a run of units; the last one, the open area of a short page.
For each rectangle one ``arrange.RectSearch`` over its width and height finds,
from each first unit, the best way to fill it for every last unit (its parts
are shared between first units); a small dynamic programme over the rectangles
picks the runs. Without booked blocks this is ``arrange.search`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from layout.page.arrange import (
    GAP_ROWS,
    MAX_WORK,
    Area,
    Arrangement,
    Pins,
    Placement,
    Problem,
    RectSearch,
    Rule,
    Score,
)
from layout.page.arrange import (
    search as search_rectangle,
)

MAX_LAYOUTS = 8  # ways of cutting the free part into rectangles tried, at most
UNREACHABLE = 10_000  # a pin translated out of a rectangle: a column or row no part of it has


@dataclass(frozen=True)
class Layout:
    """One way of cutting the zone around its booked blocks: the free rectangles in
    reading order and the rules along the cuts."""

    frees: tuple[Area, ...]
    rules: tuple[Rule, ...]


def search(problem: Problem) -> Arrangement:
    """The best arrangement of ``problem``, around its booked blocks if it has any."""
    if not problem.booked:
        return search_rectangle(problem)
    cuts = layouts(Area(0, 0, problem.columns, problem.rows), problem.booked, problem.open_min_rows)
    if not cuts:
        raise ValueError(f"booked blocks that no guillotine cut separates: {problem.booked}")  # booking.py prevents

    rects = _Rects(problem)
    incumbent: list[int] = []  # the best cost found for any lead width: only a better one is taken

    def solve(p: Problem, lead_width: int | None) -> tuple[Arrangement | None, int, bool]:
        best: Arrangement | None = None
        work, short = 0, False
        for layout in cuts:
            bound = min([*incumbent, *([best.score.cost] if best is not None else [])], default=None)
            found = _solve_layout(p, layout, lead_width, rects, bound)
            work, short = work + found.work, short or found.cut_short
            if found.plan is not None and (best is None or found.plan.score.cost < best.score.cost):
                best = found.plan
        if best is not None:
            incumbent[:] = [min([*incumbent, best.score.cost])]
        return best, work, short

    return search_rectangle(problem, solve)


def layouts(zone: Area, booked: tuple[Area, ...], min_rows: int = 1) -> list[Layout]:
    """The ways (up to MAX_LAYOUTS: those with the fewest cells in slivers no module can
    take, then with the fewest free rectangles, which leave the search more freedom) of
    cutting ``zone`` across and down along the booked blocks' edges until each part is a
    booked block or free of them."""
    found = _layouts(zone, tuple(sorted(booked, key=lambda a: (a.row, a.column))))
    return sorted(found, key=lambda layout: (_slivers(layout, min_rows), len(layout.frees)))[:MAX_LAYOUTS]


def _slivers(layout: Layout, min_rows: int) -> int:
    """Cells of a layout's free rectangles too thin to hold a module (one column, or fewer
    rows than a legible leg): white whatever the search does."""
    return sum(a.cells for a in layout.frees if a.columns < 2 or a.rows < min_rows)


@lru_cache(maxsize=256)
def _layouts(area: Area, booked: tuple[Area, ...]) -> tuple[Layout, ...]:
    inside = tuple(b for b in booked if _overlaps(b, area))
    if not inside:
        return (Layout((area,), ()),)
    if inside == (area,):
        return (Layout((), ()),)
    out: dict[Layout, None] = {}
    for first, second, rule in _cuts(area, inside):
        for a in _layouts(first, inside):
            for b in _layouts(second, inside):
                out[Layout(a.frees + b.frees, a.rules + (rule,) + b.rules)] = None
    return tuple(out)


def _cuts(area: Area, inside: tuple[Area, ...]) -> list[tuple[Area, Area, Rule]]:
    """Cuts of ``area`` along a booked block's edge that cross no block: (first part,
    second part, the rule between). Across, a grid row holds the rule; down, the gutter."""
    top, bottom = area.row, area.row + area.rows
    left, right = area.column, area.column + area.columns
    out = []
    rows = {b.row - GAP_ROWS for b in inside} | {b.row + b.rows for b in inside}
    for r in sorted(rows):  # the rule row r: the first part above it, the second below
        if top < r and r + GAP_ROWS < bottom and all(_above(b, r) or b.row >= r + GAP_ROWS for b in inside):
            upper = Area(left, top, area.columns, r - top)
            lower = Area(left, r + GAP_ROWS, area.columns, bottom - r - GAP_ROWS)
            out.append((upper, lower, Rule(True, left, r, area.columns)))
    columns = {b.column for b in inside} | {b.column + b.columns for b in inside}
    for c in sorted(columns):
        if left < c < right and all(b.column + b.columns <= c or b.column >= c for b in inside):
            first = Area(left, top, c - left, area.rows)
            second = Area(c, top, right - c, area.rows)
            out.append((first, second, Rule(False, c, top, area.rows)))
    return out


def _above(b: Area, row: int) -> bool:
    return b.row + b.rows <= row


def _overlaps(a: Area, b: Area) -> bool:
    return (
        a.column < b.column + b.columns
        and b.column < a.column + a.columns
        and a.row < b.row + b.rows
        and b.row < a.row + a.rows
    )


@dataclass(frozen=True)
class _Found:
    plan: Arrangement | None
    work: int
    cut_short: bool


@dataclass(frozen=True)
class _Run:
    """Units start…end-1 in one free rectangle: its cost and how to set it."""

    start: int
    end: int
    cost: int
    bands: tuple = ()  # the rectangle's bands (part key, height), for RectSearch.assemble
    foot: int = 0  # rows left under its last band


class _Rects:
    """The searches of one problem's free rectangles, shared by its layouts and lead widths
    (a rectangle at one place is searched the same way in every layout that has it).

    A shared search does the work of every layout that asked it, so it is not stopped by
    the work bound; while that total stays under ``MAX_WORK`` no layout's own search would
    have been stopped either, and the shared parts are exactly its parts. A rectangle whose
    total passes it is searched anew for each layout, bound as before (``fresh``)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.shared: dict[tuple, RectSearch] = {}
        self.spent: set[tuple] = set()  # rectangles searched past the work bound: no longer shared

    def key(self, area: Area, lead_width: int | None, after: int) -> tuple:
        return (area, lead_width, after)

    def search(self, area: Area, lead_width: int | None, after: int, *, fresh: bool = False) -> RectSearch:
        """The search of ``area`` (``after``: the cells of the free rectangles after it)."""
        key = self.key(area, lead_width, after)
        if fresh or key in self.spent:
            return self._new(area, lead_width, after)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = self._new(area, lead_width, after)
            found.bounded = False
        return found

    def _new(self, area: Area, lead_width: int | None, after: int) -> RectSearch:
        p = self.problem
        return RectSearch(
            _within(p, area),
            lead_width,
            at_top=area.row == 0,
            on_foot=_on_foot(p, area),
            room_after=after,
            widest=p.columns,
        )

    def overrun(self, layout: Layout, lead_width: int | None) -> bool:
        """Has a rectangle of ``layout`` done more work than one search may? (then it is
        no longer shared, and the layout is searched again as before)."""
        over = False
        for k, area in enumerate(layout.frees):
            key = self.key(area, lead_width if k == 0 else None, _after(layout, k))
            s = self.shared.get(key)
            if key not in self.spent and s is not None and s.work > MAX_WORK:
                self.spent.add(key)
                del self.shared[key]
                over = True
        return over


def _solve_layout(
    problem: Problem, layout: Layout, lead_width: int | None, rects: _Rects | None = None, bound: int | None = None
) -> _Found:
    """The best arrangement of the units over one layout's free rectangles, in order.
    ``bound``: a cost already found; a layout that cannot do better than it returns no plan
    (and what it could not beat is not searched: branch and bound)."""
    rects = rects or _Rects(problem)
    found = _solve_runs(problem, layout, lead_width, rects, bound, fresh=False)
    if rects.overrun(layout, lead_width):  # the shared searches passed the work bound: as before
        found = _solve_runs(problem, layout, lead_width, rects, bound, fresh=True)
    return found


def _solve_runs(
    problem: Problem, layout: Layout, lead_width: int | None, rects: _Rects, bound: int | None, *, fresh: bool
) -> _Found:
    n = len(problem.pins)
    searches = [
        rects.search(area, lead_width if k == 0 else None, _after(layout, k), fresh=fresh)
        for k, area in enumerate(layout.frees)
    ]
    runs: dict[int, tuple[int, tuple[_Run, ...]]] = {0: (0, ())}  # units placed → (cost, runs so far)
    for k, (area, s) in enumerate(zip(layout.frees, searches)):
        last = k == len(layout.frees) - 1
        if bound is not None and all(cost >= bound for cost, _ in runs.values()):
            runs = {}  # every way on costs at least the bound already (costs only add up)
            break
        after: dict[int, tuple[int, tuple[_Run, ...]]] = {}
        for start, (cost, done) in runs.items():
            if lead_width is not None and start == 0 and k > 0:
                continue  # the lead unit opens the first rectangle
            if last and _beaten(cost, bound, after.get(n)):
                continue  # the last rectangle: one result (all the units), which this start cannot better
            for run in _runs(s, area, start, n, last):
                total = cost + run.cost
                old = after.get(run.end)
                if old is None or total < old[0]:
                    after[run.end] = (total, (*done, run))
        runs = after
    work = sum(s.work for s in searches)
    short = any(s.cut_short for s in searches)
    if n not in runs:
        return _Found(None, work, short)
    return _Found(_assemble(problem, layout, searches, runs[n][1]), work, short)


def _after(layout: Layout, k: int) -> int:
    """Cells of the layout's free rectangles after the k-th."""
    return sum(a.cells for a in layout.frees[k + 1 :])


def _beaten(cost: int, bound: int | None, best: tuple[int, tuple] | None) -> bool:
    """Can units placed at ``cost`` no longer beat ``bound`` (found elsewhere) or the best
    way found so far to end in the last rectangle? Costs only add up, and the first of
    equal costs is kept, so such a start is not searched on: the result is the same."""
    return (bound is not None and cost >= bound) or (best is not None and cost >= best[0])


def _runs(s: RectSearch, area: Area, start: int, n: int, last: bool) -> list[_Run]:
    """The ways one rectangle can take units from ``start`` on: left open (no unit),
    or filled by a run of them (the last rectangle: all the rest, with any open area)."""
    empty = _empty(s, area, last).cost
    if last:
        if start == n:
            return [_Run(start, n, empty)]
        found = s.best(start)
        if found is None:
            return []
        bands, foot = found
        return [_Run(start, n, s.assemble(bands, foot).score.cost, tuple(bands), foot)]
    out = [_Run(start, start, empty)]
    for end, (cost, key, foot) in s.filled(start).items():
        out.append(_Run(start, end, cost, tuple(s.trace(s.bands(start), end, key)), foot))
    return out


def _empty(s: RectSearch, area: Area, last: bool) -> Score:
    """A free rectangle with no unit: open (in place in the last rectangle or on the foot,
    else out of place), or, too shallow to hold anything, white."""
    if area.rows < s.p.open_min_rows:
        return Score(blank=area.cells)
    return Score(open=area.cells, open_parts=0 if last or s.on_foot else 1)


def _on_foot(problem: Problem, area: Area) -> bool:
    """Does the rectangle stand on the zone's foot, or on a booked block (under a rule row)?
    Open space there lies on the foot of the copy, where a short page's open area belongs."""
    bottom = area.row + area.rows
    if bottom == problem.rows:
        return True
    return any(
        b.row == bottom + GAP_ROWS and b.column < area.column + area.columns and area.column < b.column + b.columns
        for b in problem.booked
    )


def _within(problem: Problem, area: Area) -> Problem:
    """The problem restricted to one free rectangle: its size, the pins in its terms (a
    pin it cannot honour points where no part of it is)."""
    return replace(
        problem,
        columns=area.columns,
        rows=area.rows,
        pins=tuple(_pin_within(p, area, problem.rows) for p in problem.pins),
        booked=(),
    )


def _pin_within(pin: Pins, area: Area, zone_rows: int) -> Pins:
    column = pin.column
    if column:
        column = column - area.column if area.column < column <= area.column + area.columns else UNREACHABLE
    row = pin.row
    if row and ((row > 0 and area.row > 0) or (row == -1 and area.row + area.rows < zone_rows)):
        row = UNREACHABLE
    return replace(pin, column=column, row=row)


def _assemble(problem: Problem, layout: Layout, searches: list[RectSearch], runs: tuple[_Run, ...]) -> Arrangement:
    """The whole zone from the runs chosen for its rectangles, in zone grid units."""
    placements: list[Placement] = []
    rules = list(layout.rules)
    opens: list[Area] = []
    white = 0
    score = Score()
    for k, (area, s, run) in enumerate(zip(layout.frees, searches, runs)):
        last = k == len(runs) - 1
        if run.end == run.start and (not last or run.start == len(problem.pins)):
            score += _empty(s, area, last)
            if area.rows >= problem.open_min_rows:
                opens.append(area)
            else:
                white += area.cells
            continue
        part = s.assemble(list(run.bands), run.foot, last=last)
        placements += [replace(pl, column=pl.column + area.column, row=pl.row + area.row) for pl in part.placements]
        rules += [replace(r, column=r.column + area.column, row=r.row + area.row) for r in part.rules]
        opens += [replace(a, column=a.column + area.column, row=a.row + area.row) for a in part.opens]
        white += part.white
        score += part.score
    placements.sort(key=lambda pl: pl.unit)
    opens.sort(key=lambda a: (-a.cells, a.row, a.column))
    return Arrangement(tuple(placements), tuple(rules), tuple(opens), score, white, booked=problem.booked)
