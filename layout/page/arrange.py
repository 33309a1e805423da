"""Arranging modules into rows on the page (stage 3).

Input: the profiles (as ``Module`` factories), the number of grid columns and
the grid rows available. Output: an ``Arrangement``: for each profile its
column, span, first row and height, chosen deterministically.

The search: profiles stay in content order and are grouped into rows of
modules; each row divides the columns among its modules (evenly, or in
proportion to their text); every module of a row has the row's height,
so each is a clean rectangle. Candidates are scored by overflow first,
then by the empty area they would leave, then by sameness of shape.
Later work (issue 4) widens this search; the contract stays the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from layout.page.module import Module, photo_spans

MAX_CANDIDATES = 4000
GAP_ROWS = 1  # a grid row between module rows holds the rule


@dataclass(frozen=True)
class Placement:
    profile: int
    column: int
    span: int
    row: int  # first grid row within the module zone
    rows: int
    photo_span: int  # columns the photo box spans (0: no photo)


@dataclass(frozen=True)
class Arrangement:
    placements: tuple[Placement, ...]
    overflow_rows: int  # rows the content needs beyond the zone (0 when it fits)
    hole_cells: int  # estimated empty rows × columns


def _compositions(n: int, largest: int) -> Iterator[tuple[int, ...]]:
    """Ways to cut n profiles, in order, into rows of at most ``largest`` modules."""
    def rec(left: int, prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if left == 0:
            yield prefix
            return
        for m in range(min(largest, left), 0, -1):
            yield from rec(left - m, (*prefix, m))

    count = 0
    for c in rec(n, ()):
        yield c
        count += 1
        if count >= MAX_CANDIDATES:
            return


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


@dataclass(frozen=True)
class _Row:
    first: int
    spans: tuple[int, ...]
    photo_spans: tuple[int, ...]
    need: int  # rows that hold every module's text with the smallest photos
    full: int  # rows up to which every module still fills (largest photos)
    holes: int  # empty cells at ``need``


ModuleFactory = Callable[[int, int, int], Module]


def _variants(i: int, span: int, module: ModuleFactory) -> list[Module]:
    """The module of profile i at this span, with each photo width it may take."""
    first = module(i, span, -1)
    if not first.photo_span:
        return [first]
    return [module(i, span, p) for p in photo_spans(span)]


def _row_options(first: int, m: int, columns: int, min_span: int, module: ModuleFactory) -> list[_Row]:
    weights = [len(module(first + i, min_span, -1).body) for i in range(m)]
    options = {_even_spans(m, columns), _weighted_spans(weights, columns, min_span)}
    rows = []
    for spans in sorted(options):
        variants = [_variants(first + i, s, module) for i, s in enumerate(spans)]
        need = max(min(v.rows_needed() for v in vs) for vs in variants)
        # each module takes the widest photo that still fits the row's height
        mods = [next(v for v in vs if v.rows_needed() <= need) for vs in variants]
        full = min(md.rows_with_largest_photo() for md in mods)
        holes = sum(max(0, need - md.rows_with_largest_photo()) * md.span for md in mods)
        rows.append(_Row(first, spans, tuple(md.photo_span for md in mods), need, max(full, need), holes))
    return rows


def arrange(n: int, columns: int, zone_rows: int, min_span: int, module: ModuleFactory) -> Arrangement:
    """``module(i, span, photo_span)`` gives profile i's module (photo_span -1: the default)."""
    """The best arrangement of ``n`` profiles in ``zone_rows`` rows of ``columns`` columns."""
    largest = max(1, columns // max(1, min_span))
    best: tuple[tuple[int, int, int], Arrangement] | None = None
    cache: dict[tuple[int, int], list[_Row]] = {}
    for comp in _compositions(n, largest):
        first = 0
        chosen: list[_Row] = []
        for m in comp:
            key = (first, m)
            if key not in cache:
                cache[key] = _row_options(first, m, columns, min_span, module)
            chosen.append(min(cache[key], key=lambda r: (r.holes, r.spans)))
            first += m
        arrangement = _fit(chosen, zone_rows, columns)
        shapes = len({r.spans for r in chosen})
        score = (arrangement.overflow_rows, arrangement.hole_cells, -shapes)
        if best is None or score < best[0]:
            best = (score, arrangement)
    assert best is not None
    return best[1]


def _fit(rows: list[_Row], zone_rows: int, columns: int) -> Arrangement:
    """Give each row its height so the rows fill the zone exactly."""
    gaps = GAP_ROWS * (len(rows) - 1)
    heights = [r.need for r in rows]
    total = sum(heights) + gaps
    overflow = max(0, total - zone_rows)
    if overflow:
        # shrink rows in proportion; the modules then report their overset
        avail = zone_rows - gaps
        heights = [max(1, h * avail // (total - gaps)) for h in heights]
        i = 0
        while sum(heights) < avail:
            heights[i % len(heights)] += 1
            i += 1
    else:
        extra = zone_rows - total
        i = 0
        # first grow rows whose photos can still grow, then any row
        while extra > 0:
            growable = [k for k, r in enumerate(rows) if heights[k] < r.full]
            k = growable[i % len(growable)] if growable else i % len(rows)
            heights[k] += 1
            extra -= 1
            i += 1
    holes = 0
    placements = []
    top = 0
    for r, h in zip(rows, heights):
        col = 0
        for j, span in enumerate(r.spans):
            placements.append(Placement(r.first + j, col, span, top, h, r.photo_spans[j]))
            col += span
        holes += r.holes + max(0, h - r.full) * columns
        top += h + GAP_ROWS
    return Arrangement(tuple(placements), overflow, holes)
