"""Arranging modules into rows on the page (stage 3).

Input: the profiles (through a ``Module`` factory), the number of grid
columns and the grid rows available. Output: an ``Arrangement``: for each
profile its column, span, photo width, first row and height; deterministic.

The search: profiles stay in content order and are grouped into rows of
modules; each row divides the columns among its modules (evenly, or in
proportion to their text); every module of a row has the row's height, so
each is a clean rectangle. For a candidate, each row starts at the height
its longest module needs; the rows left over (or missing) are then given
(or taken) one at a time where they fill the most (or overset the least)
empty cells, measured exactly with ``Module.fit``. Each module takes the
photo width that fills its rectangle best. Candidates are scored by overset
lines, then empty cells, then photo area (more is better), then variety.
Later work (issue 4) widens this search; the contract stays the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from layout.page.module import Fit, Module, photo_spans

MAX_CANDIDATES = 800
MAX_STEPS = 200_000  # bounds the walk over cuts on hostile pages (thousands of profiles)
MAX_SPLITS = 12  # rows with more ways to divide the columns try only the even and the weighted split
GAP_ROWS = 1  # a grid row between module rows holds the rule

ModuleFactory = Callable[..., Module]  # (position, span, photo_span, compact=False) → Module


class NoArrangement(Exception):
    """No arrangement exists (too many profiles, or modules too tall, for the zone)."""


@dataclass(frozen=True)
class Pins:
    """An editor's wishes for one profile (None: free)."""

    span: int | None = None
    photo_span: int | None = None
    lead: bool = False
    row: int | None = None  # row of modules, 1 at the top; -1 the last row
    column: int | None = None  # first column, 1 at the left

    @property
    def any(self) -> bool:
        return bool(self.span or self.photo_span or self.lead or self.row or self.column)

    def describe(self) -> str:
        parts = [
            f"span {self.span}" if self.span else "",
            f"photo span {self.photo_span}" if self.photo_span else "",
            "lead" if self.lead else "",
            ("row last" if self.row == -1 else f"row {self.row}") if self.row else "",
            f"column {self.column}" if self.column else "",
        ]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Placement:
    profile: int
    column: int
    span: int
    row: int  # first grid row within the module zone
    rows: int
    photo_span: int  # columns the photo box spans (0: no photo)
    compact: bool = False  # copyfitted: headline on one line, quote at its minimum size


@dataclass(frozen=True)
class Arrangement:
    placements: tuple[Placement, ...]
    overset_lines: int
    hole_cells: int  # empty cells, in modules and in the spare band
    spare_rows: int = 0  # an empty band across the zone's foot (a short page: nothing left to fill it)
    excess_cells: int = 0  # when overset: cells the content lacks even if packed perfectly (a lower bound)
    jumping: frozenset[int] = frozenset()  # profiles (by position) whose overflow continues on another page
    pins_overset: bool = False  # overset only because of the editor's pins: the page fits without them


def _compositions(
    n: int,
    largest: int,
    least_rows: Callable[[int, int], int] | None = None,
    zone_rows: int = 0,
    rows: list[int | None] | None = None,
) -> Iterator[tuple[int, ...]]:
    """Ways to cut n profiles, in order, into rows of at most ``largest`` modules;
    with ``least_rows(first, m)`` (the least height of a row of m modules from profile
    ``first``), cuts whose rows cannot fit ``zone_rows`` even at their least are skipped;
    ``rows`` pins profiles to a row of modules (1 at the top, -1 the last)."""

    def row_kept(first: int, m: int, index: int, last: bool) -> bool:
        pinned = (rows[i] for i in range(first, first + m)) if rows else ()
        return all(r is None or r == index + 1 or (r == -1 and last) for r in pinned)

    # rest[i]: the least height profiles i… can take, rows at their least (pins aside): a
    # prefix that leaves too little room for the rest is cut at once, so the search only
    # walks cuts that can fit, however many profiles there are
    rest = [0] * (n + 1)
    if least_rows is not None:
        for i in range(n - 1, -1, -1):
            rest[i] = min(
                least_rows(i, m) + (GAP_ROWS if i + m < n else 0) + rest[i + m]
                for m in range(1, min(largest, n - i) + 1)
            )
    steps = [0]

    def rec(left: int, prefix: tuple[int, ...], used: int) -> Iterator[tuple[int, ...]]:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            return
        if left == 0:
            yield prefix
            return
        first = n - left
        for m in range(min(largest, left), 0, -1):
            if not row_kept(first, m, len(prefix), m == left):
                continue
            height = used + (GAP_ROWS if prefix else 0)
            if least_rows is not None:
                height += least_rows(first, m)
                after = rest[first + m] + (GAP_ROWS if first + m < n else 0)
                if height + after > zone_rows:
                    continue
            yield from rec(left - m, (*prefix, m), height)

    if least_rows is not None and rest[0] > zone_rows:
        return  # not even every row at its least fits
    for count, c in enumerate(rec(n, (), 0)):
        if count >= MAX_CANDIDATES:
            return
        yield c


def _splits(columns: int, m: int, min_span: int) -> list[tuple[int, ...]]:
    """Every way to write ``columns`` as m spans of at least ``min_span``, in order."""
    if m == 1:
        return [(columns,)] if columns >= min_span else []
    return [
        (first, *rest)
        for first in range(min_span, columns - min_span * (m - 1) + 1)
        for rest in _splits(columns - first, m - 1, min_span)
    ]


def _even_spans(m: int, columns: int) -> tuple[int, ...]:
    base, extra = divmod(columns, m)
    return tuple(base + (1 if i < extra else 0) for i in range(m))


def _weighted_spans(weights: list[int], columns: int, min_span: int) -> tuple[int, ...]:
    m = len(weights)
    spans = [min_span] * m
    left = columns - min_span * m
    total = sum(weights) or 1
    shares = [w / total * left for w in weights]
    for i in range(m):
        spans[i] += int(shares[i])
    rest = columns - sum(spans)
    order = sorted(range(m), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:rest]:
        spans[i] += 1
    return tuple(spans)


JUMP_LINES_PER_COLUMN = 5  # a profile that jumps shows at least this many lines per column first


class _Search:
    def __init__(
        self,
        columns: int,
        min_span: int,
        module: ModuleFactory,
        pins: list[Pins],
        compact: bool = False,
        jumping: frozenset[int] = frozenset(),
        photos_jump: bool = False,
    ) -> None:
        self.compact = compact  # also try copyfitted modules
        # profiles whose text may continue on another page: their overflow is not overset,
        # as long as they show their photo and JUMP_LINES_PER_COLUMN lines a column here
        self.jumping = jumping
        self.photos_jump = photos_jump  # their photo may go with the continued text
        self.columns = columns
        self.min_span = min_span
        self.module = module
        self.pins = pins
        self.best_fit: dict[tuple[int, int, int], tuple[Fit, Module]] = {}
        self.scores: dict[tuple[int, tuple[int, ...], int], tuple[int, int, int]] = {}
        self.mins: dict[tuple[int, tuple[int, ...]], int] = {}
        self.needs: dict[tuple[int, int], int] = {}

    def variants(self, i: int, span: int) -> list[Module]:
        """Profile i's module at this span: each photo width it may take, each as set
        normally and copyfitted (compact headline and quote)."""
        first = self.module(i, span, -1)
        if not first.photo_span:
            widths = [-1]
        elif self.pins[i].photo_span is not None:
            widths = [min(self.pins[i].photo_span, span)]
        else:
            widths = photo_spans(span)
        fits = (False, True) if self.compact else (False,)
        return [self.module(i, span, p, compact) for compact in fits for p in widths]

    def _allowed(self, first: int, split: tuple[int, ...]) -> bool:
        """Does a row's split keep the pins: pinned spans, photos no wider than their
        module, and a lead profile in the first row with the widest module there?"""
        for j, span in enumerate(split):
            pin = self.pins[first + j]
            if pin.span is not None and pin.span != span:
                return False
            if pin.column is not None and pin.column != 1 + sum(split[:j]):
                return False
            if pin.photo_span is not None and pin.photo_span > span:
                return False
            if pin.lead and (first != 0 or span < max(split)):
                return False
        return True

    def fit(self, i: int, span: int, rows: int) -> tuple[Fit, Module]:
        """The best photo width for profile i at this span and height."""
        key = (i, span, rows)
        if key not in self.best_fit:
            variants = self.variants(i, span)
            options = [(self._jump_fit(i, md.fit(rows), md), md) for md in variants if md.min_rows <= rows]
            if not options:  # lower than any variant's headline, byline and quote: nothing fits
                md = min(variants, key=lambda v: v.min_rows)
                options = [(Fit(rows, 0, 0, len(md.body) + md.fixed_rows * span, rows, 0), md)]
            self.best_fit[key] = min(options, key=lambda fm: (*fm[0].score, fm[1].compact, -fm[1].photo_span))
        return self.best_fit[key]

    def _jump_fit(self, i: int, fit: Fit, md: Module) -> Fit:
        """A jumping profile's fit: only lines short of its minimum showing count as overset
        (and its photo box, if dropped); the rest continues on the jump page."""
        if i not in self.jumping:
            return fit
        short = max(0, min(len(md.body), JUMP_LINES_PER_COLUMN * md.span) - fit.placed)
        dropped = md.caption_rows if md.photo_span and not fit.photo_rows and not self.photos_jump else 0
        return replace(fit, overset_lines=short + dropped)

    def least_rows(self, first: int, m: int) -> int:
        """The least height of any row of m modules starting at profile ``first``
        (a large number when no split of the columns is allowed)."""
        key = (first, -m)
        if key not in self.mins:
            options = self.row_spans(first, m)
            self.mins[key] = min((self.row_min(first, sp) for sp in options), default=1 << 20)
        return self.mins[key]

    def row_min(self, first: int, spans: tuple[int, ...]) -> int:
        """The least height a row may have: every module's headline, byline, quote and a line."""
        key = (first, spans)
        if key not in self.mins:
            self.mins[key] = max(self.module(first + j, s, -1).min_rows for j, s in enumerate(spans))
        return self.mins[key]

    def need(self, i: int, span: int) -> int:
        key = (i, span)
        if key not in self.needs:
            if i not in self.jumping:
                self.needs[key] = min(md.rows_needed() for md in self.variants(i, span))
            elif self.photos_jump:
                self.needs[key] = min(md.min_rows - 1 + JUMP_LINES_PER_COLUMN for md in self.variants(i, span))
            else:
                self.needs[key] = min(
                    md.rows_needed(lines=JUMP_LINES_PER_COLUMN * span) for md in self.variants(i, span)
                )
        return self.needs[key]

    def row_spans(self, first: int, m: int) -> list[tuple[int, ...]]:
        """Ways to divide the columns among m modules: every split when there are
        few, else the even split and the split in proportion to the text."""
        if m * self.min_span > self.columns:
            return []
        pinned = any(p.any for p in self.pins[first : first + m])
        if pinned:
            return [s for s in _splits(self.columns, m, self.min_span) if self._allowed(first, s)][:MAX_SPLITS]
        splits = _splits(self.columns, m, self.min_span)
        if len(splits) <= MAX_SPLITS:
            return splits
        weights = [len(self.module(first + i, self.min_span, -1).body) for i in range(m)]
        return sorted({_even_spans(m, self.columns), _weighted_spans(weights, self.columns, self.min_span)})

    def row_score(self, first: int, spans: tuple[int, ...], rows: int) -> tuple[int, int, int]:
        key = (first, spans, rows)
        score = self.scores.get(key)
        if score is None:
            fits = [self.fit(first + j, s, rows) for j, s in enumerate(spans)]
            score = (
                sum(f.overset_lines for f, _ in fits),
                sum(f.hole_cells for f, _ in fits),
                -sum(md.photo_span for _, md in fits),
            )
            self.scores[key] = score
        return score


def _distribute(
    search: _Search, rows: list[tuple[int, tuple[int, ...]]], heights: list[int], target: int
) -> int | None:
    """Add or remove single rows where each helps most, until the heights (and the
    spare rows returned) sum to ``target``; None when rows cannot shrink that far (the
    candidate is impossible). A row that would fill nothing in any module (a short
    page) is left spare: spare rows gather in one empty band at the foot of the zone
    rather than as holes inside modules."""
    total = sum(heights)
    if total > target and sum(search.row_min(f, sp) for f, sp in rows) > target:
        return None
    step = 1 if total < target else -1
    spare_gain = (0, search.columns, 0)  # a spare row: nothing filled, no overset saved
    mins = [search.row_min(f, sp) for f, sp in rows]

    def gain(k: int) -> tuple[int, int, int] | None:
        if heights[k] + step < mins[k]:
            return None
        first, spans = rows[k]
        now = search.row_score(first, spans, heights[k])
        then = search.row_score(first, spans, heights[k] + step)
        return (then[0] - now[0], then[1] - now[1], then[2] - now[2])

    gains = [gain(k) for k in range(len(rows))]
    spare = 0
    while total + spare != target:
        best_k, best_gain = None, spare_gain if step == 1 else None
        for k, g in enumerate(gains):
            if g is not None and (best_gain is None or g < best_gain):
                best_k, best_gain = k, g
        if best_k is None:
            if step == -1:
                return None
            spare += 1
            continue
        heights[best_k] += step
        total += step
        gains[best_k] = gain(best_k)
    return spare


def arrange(
    n: int,
    columns: int,
    zone_rows: int,
    min_span: int,
    module: ModuleFactory,
    pins: list[Pins] | None = None,
    *,
    copyfit: bool = True,
    names: list[str] | None = None,
    jumps: bool = False,
) -> Arrangement:
    """The best arrangement of ``n`` profiles in ``zone_rows`` rows of ``columns`` columns.

    ``module(i, span, photo_span)`` gives profile i's module (photo_span -1: the default);
    ``pins`` are the editor's wishes, by position (lead profiles come first); ``names``
    name the profiles in messages. Modules are set at their full sizes first; only if
    text is then overset does a second search also try copyfitted modules
    (``copyfit``), keeping whichever oversets less. If text is still overset and
    ``jumps`` (an edition with a page to continue on), the longest profiles are let
    jump, one more at a time, until the others fit: ``Arrangement.jumping``.
    """
    pins = pins or [Pins()] * n
    plan = _arrange(n, columns, zone_rows, min_span, module, pins, names, compact=False)
    if copyfit and plan.overset_lines:
        fitted = _arrange(n, columns, zone_rows, min_span, module, pins, names, compact=True)
        if (fitted.overset_lines, fitted.hole_cells) < (plan.overset_lines, plan.hole_cells):
            plan = fitted
    if plan.overset_lines and jumps:
        jumped = _jump_plan(n, columns, zone_rows, min_span, module, pins, names, copyfit)
        if jumped is not None:
            return jumped
    if plan.overset_lines:
        plan = replace(plan, excess_cells=_excess_cells(n, columns, zone_rows, min_span, module, pins, copyfit))
        if any(p.any for p in pins):  # would the page fit without the editor's pins?
            free = _arrange(n, columns, zone_rows, min_span, module, [Pins()] * n, names, compact=copyfit)
            plan = replace(plan, pins_overset=free.overset_lines == 0)
    return plan


def _jump_plan(
    n: int,
    columns: int,
    zone_rows: int,
    min_span: int,
    module: ModuleFactory,
    pins: list[Pins],
    names: list[str] | None,
    copyfit: bool,
) -> Arrangement | None:
    """The arrangement in which the fewest of the longest profiles jump and nothing is
    overset (a binary search on how many jump); their photos stay on the page if that
    can work, else they may go with the continued text. None: no number of jumps fits."""
    longest = sorted(range(n), key=lambda i: (-len(module(i, columns, -1).body), i))
    for photos_jump in (False, True):
        found: Arrangement | None = None
        lo, hi = 1, n
        while lo <= hi:
            k = (lo + hi) // 2
            jumping = frozenset(longest[:k])
            tried = _arrange(
                n, columns, zone_rows, min_span, module, pins, names, compact=copyfit,
                jumping=jumping, photos_jump=photos_jump,
            )  # fmt: skip
            if tried.overset_lines == 0:
                found, hi = replace(tried, jumping=jumping), k - 1
            else:
                lo = k + 1
        if found is not None:
            return found
    return None


def _excess_cells(
    n: int, columns: int, zone_rows: int, min_span: int, module: ModuleFactory, pins: list[Pins], copyfit: bool
) -> int:
    """A lower bound on the cells the content lacks: every module at its least area
    (any allowed span, smallest photo, copyfitted) packed with no loss, against the
    zone less the rule rows that so many rows of modules need. 0: packing could fit."""
    search = _Search(columns, max(1, min_span), module, pins, copyfit)
    least = 0
    for i in range(n):
        pin = pins[i]
        spans = [pin.span] if pin.span else range(search.min_span, columns + 1)
        least += min(md.least_cells for span in spans for md in search.variants(i, span))
    per_row = max(1, columns // search.min_span)
    gaps = (-(-n // per_row) - 1) * GAP_ROWS * columns
    return max(0, least + gaps - zone_rows * columns)


def _arrange(
    n: int,
    columns: int,
    zone_rows: int,
    min_span: int,
    module: ModuleFactory,
    pins: list[Pins],
    names: list[str] | None,
    *,
    compact: bool,
    jumping: frozenset[int] = frozenset(),
    photos_jump: bool = False,
) -> Arrangement:
    search = _Search(columns, max(1, min_span), module, pins, compact, jumping, photos_jump)
    largest = max(1, columns // search.min_span)
    best: tuple[tuple[int, ...], Arrangement] | None = None
    for comp in _compositions(n, largest, search.least_rows, zone_rows, [p.row for p in pins]):
        for prefer_low in (True, False):
            rows = _rows_for(search, comp, prefer_low)
            if rows is None:
                continue
            result = _evaluate(search, rows, zone_rows, best[0] if best else None)
            if result is not None and (best is None or result[0] < best[0]):
                best = result
    if best is None:
        pinned = [(names[i] if names else f"#{i + 1}", p.describe()) for i, p in enumerate(pins) if p.any]
        why = (
            "the editor's pins leave no arrangement ("
            + "; ".join(f"{name}: {pin}" for name, pin in pinned)
            + "); remove or change one"
            if pinned
            else "even with every module at its smallest (headline, byline, quote and one line of text) they do not "
            "fit; cut profiles or use a larger format"
        )
        raise NoArrangement(f"{n} profiles cannot be arranged in {zone_rows} rows × {columns} columns: {why}")
    return best[1]


def _rows_for(search: _Search, comp: tuple[int, ...], prefer_low: bool) -> list[tuple[int, tuple[int, ...]]] | None:
    """Rows for one composition: each row's split of the columns, chosen for the
    lowest height (leaving room to the others) or for the fewest empty cells."""
    first = 0
    rows: list[tuple[int, tuple[int, ...]]] = []
    for m in comp:
        options = search.row_spans(first, m)
        if not options:
            return None
        need = {sp: max(search.need(first + j, s) for j, s in enumerate(sp)) for sp in options}

        def key(sp: tuple[int, ...], first: int = first, need: dict = need) -> tuple:
            holes = search.row_score(first, sp, need[sp])[1:]
            return (need[sp], holes, sp) if prefer_low else (holes, need[sp], sp)

        rows.append((first, min(options, key=key)))
        first += m
    return rows


def _evaluate(
    search: _Search, rows: list[tuple[int, tuple[int, ...]]], zone_rows: int, best: tuple[int, ...] | None
) -> tuple[tuple[int, ...], Arrangement] | None:
    """Heights for the rows and the arrangement's score; None when impossible or
    clearly worse than ``best``."""
    heights = [max(search.need(f + j, s) for j, s in enumerate(sp)) for f, sp in rows]
    target = zone_rows - GAP_ROWS * (len(rows) - 1)
    if sum(search.row_min(f, sp) for f, sp in rows) > target:
        return None  # even the smallest modules do not fit
    if best is not None and best[0] == 0 and sum(heights) > target:
        return None  # this one oversets; a candidate that does not is known
    spare = _distribute(search, rows, heights, target)
    if spare is None:
        return None
    scores = [search.row_score(f, sp, h) for (f, sp), h in zip(rows, heights)]
    overset = sum(s[0] for s in scores)
    holes = sum(s[1] for s in scores) + spare * search.columns
    photo = sum(s[2] for s in scores)
    variety = len({sp for _, sp in rows})
    return (overset, holes, photo, -variety), _placements(search, rows, heights, overset, holes, spare)


def _placements(search: _Search, rows, heights: list[int], overset: int, holes: int, spare: int) -> Arrangement:
    placements = []
    top = 0
    for (first, spans), h in zip(rows, heights):
        col = 0
        for j, span in enumerate(spans):
            _, md = search.fit(first + j, span, h)
            placements.append(Placement(first + j, col, span, top, h, md.photo_span, md.compact))
            col += span
        top += h + GAP_ROWS
    return Arrangement(tuple(placements), overset, holes, spare)
