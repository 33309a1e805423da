"""The makeup search on synthetic units: exact rectangles for small cases, and
properties over random sets of units.

A synthetic unit has ``fixed`` rows (headline, byline) across its columns and
``lines`` body lines balanced over them; at a width its options are its natural
height and one row deeper, scored as the real modules are (a leg under
``MIN_LEG`` or over ``MAX_LEG`` lines breaks a rule, white counts as blank). No
fonts, so every number is exact.
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.page.arrange import (
    GAP_ROWS,
    SOFT_WEIGHTS,
    Area,
    NoArrangement,
    Option,
    Pins,
    Problem,
    Rule,
    Score,
    search,
)
from layout.page.zone import layouts
from layout.page.zone import search as zone_search

MIN_LEG, MAX_LEG, MIN_SPAN = 6, 20, 2


def options_for(sizes: list[tuple[int, int]], pad: int = 1):
    """Options of units of (body lines, fixed rows), as the real modules score them."""

    def options(u: int, w: int) -> dict[int, Option]:
        lines, fixed = sizes[u]
        if w < MIN_SPAN:
            return {}
        leg = -(-lines // w)
        out = {}
        for extra in range(pad + 1):
            blank = w * (leg + extra) - lines
            broken = int(leg < MIN_LEG or (lines // w) < MIN_LEG - 1) + int(leg > MAX_LEG) + int(blank > w)
            out[fixed + leg + extra] = Option(fixed + leg + extra, Score(broken=broken, blank=blank), (u, w))
        return out

    return options


def problem(sizes, columns, rows, pins=None, **kw) -> Problem:
    n = len(sizes)
    return Problem(
        columns=columns,
        rows=rows,
        names=tuple(f"u{i}" for i in range(n)),
        pins=tuple(pins or [Pins()] * n),
        options=options_for(sizes, kw.pop("pad", 1)),
        least_cells=tuple(lines + MIN_SPAN * fixed for lines, fixed in sizes),
        **kw,
    )


def rects(plan) -> list[tuple[int, int, int, int, int]]:
    return [(p.unit, p.column, p.span, p.row, p.rows) for p in plan.placements]


def test_two_units_that_fill_half_the_zone_each_sit_side_by_side():
    # 10 rows × 4 columns; each unit needs 2 + 16/2 = 10 rows at 2 columns (legs of 4 at 4 columns break the rule)
    plan = search(problem([(16, 2), (16, 2)], 4, 10))
    assert rects(plan) == [(0, 0, 2, 0, 10), (1, 2, 2, 0, 10)]
    assert plan.rules == (Rule(False, 2, 0, 10),)  # one rule down the gutter
    assert plan.opens == () and plan.score == Score(blank=0, butting=1)


def test_a_tall_module_beside_a_stack_of_two():
    # 21 rows × 4 columns: unit 0 needs 2 + 38/2 = 21 rows at 2 columns; units 1 and 2 need
    # 2 + 12/2 = 8 rows and 2 + 20/2 = 12 rows: stacked with the rule row between, 8 + 1 + 12 = 21
    plan = search(problem([(38, 2), (12, 2), (20, 2)], 4, 21))
    assert rects(plan) == [(0, 0, 2, 0, 21), (1, 2, 2, 0, 8), (2, 2, 2, 8 + GAP_ROWS, 12)]
    assert set(plan.rules) == {Rule(False, 2, 0, 21), Rule(True, 2, 8, 2)}
    assert plan.score.broken == 0 and plan.score.blank == 0


def test_a_short_story_takes_few_columns_not_a_strip():
    # 24 lines: legs of 3 over 8 columns (or 4 over 6) break the rule; 2 to 4 columns keep it
    plan = search(problem([(24, 2)], 8, 30))
    (p,) = plan.placements
    assert p.column == 0 and 2 <= p.span <= 4 and p.rows == 2 + 24 // p.span
    assert plan.score.broken == 0


def test_a_short_page_leaves_one_open_rectangle_at_the_foot():
    # one unit needing 2 + 24/4 = 8 rows across 4 columns in a zone of 20 rows: the rest is
    # one open area under the rule row
    plan = search(problem([(24, 2)], 4, 20))
    assert rects(plan) == [(0, 0, 4, 0, 8)]
    assert plan.opens == (Area(0, 8 + GAP_ROWS, 4, 20 - 8 - GAP_ROWS),)
    assert Rule(True, 0, 8, 4) in plan.rules


def test_an_open_area_beside_the_modules_when_they_are_as_tall_as_the_zone():
    # two units of 14 lines only make legible legs at 2 columns (7 lines; 5 at 3 columns):
    # stacked, 2 + 7, a rule row, 2 + 7 = 19 rows fill the zone's height; the other 4 columns
    # are one open rectangle on the right (side by side they would leave white in two places)
    plan = search(problem([(14, 2), (14, 2)], 6, 19))
    assert rects(plan) == [(0, 0, 2, 0, 9), (1, 0, 2, 9 + GAP_ROWS, 9)]
    assert plan.opens == (Area(2, 0, 4, 19),)


def test_overset_when_nothing_else_fits():
    # 2 units of 40 lines in 10 rows × 4 columns: at most 16 lines each fit
    sizes = [(40, 2), (40, 2)]

    def options(u: int, w: int) -> dict[int, Option]:
        if w < 2:
            return {}
        lines, fixed = sizes[u]
        return {r: Option(r, Score(overset=max(0, lines - w * (r - fixed))), (u, w)) for r in range(fixed + 1, 11)}

    plan = search(Problem(4, 10, ("a", "b"), (Pins(), Pins()), options))
    assert plan.score.overset == 2 * 40 - 2 * 16


def test_column_and_row_pins():
    sizes = [(16, 2), (16, 2), (16, 2)]
    plan = search(problem(sizes, 4, 21, [Pins(), Pins(column=1), Pins()]))
    by = {p.unit: p for p in plan.placements}
    assert by[1].column == 0  # pinned to the first column: not beside unit 0
    plan = search(problem(sizes, 4, 21, [Pins(), Pins(), Pins(row=-1)]))
    by = {p.unit: p for p in plan.placements}
    assert by[2].row + by[2].rows == max(p.row + p.rows for p in plan.placements)  # on the foot


def test_lead_is_top_left_and_widest_along_the_top():
    sizes = [(16, 2), (16, 2), (16, 2)]
    plan = search(problem(sizes, 6, 12, [Pins(lead=True), Pins(), Pins()]))
    by = {p.unit: p for p in plan.placements}
    assert (by[0].column, by[0].row) == (0, 0)
    assert by[0].span >= max(p.span for p in plan.placements if p.row == 0)


def test_pins_that_cannot_hold_name_the_units():
    with pytest.raises(NoArrangement, match=r"u1: span 3"):
        search(problem([(8, 2), (8, 2)], 4, 13, [Pins(span=2, column=1), Pins(span=3, column=1)]))


def test_far_too_much_copy_is_refused_at_once():
    with pytest.raises(NoArrangement, match="do not fit"):
        search(problem([(400, 2)] * 3, 4, 10))


def test_the_score_names_every_soft_term_it_weighs():
    soft = {f.name for f in fields(Score)} - {"overset", "broken"}
    assert set(SOFT_WEIGHTS) == soft
    # the order: any overset line outweighs every rule, any rule all the soft terms
    assert Score(overset=1).cost > Score(broken=50, blank=10_000, open=10_000).cost
    assert Score(broken=1).cost > Score(blank=10_000, open=10_000, open_parts=5, butting=100).cost


def covered(plan, columns: int, rows: int) -> dict[tuple[int, int], str]:
    """Every cell of the zone and what holds it: a unit, a rule row, the open area or white."""
    cells: dict[tuple[int, int], str] = {}

    def take(c: int, r: int, what: str) -> None:
        assert 0 <= c < columns and 0 <= r < rows, (c, r, what)  # inside the zone
        assert (c, r) not in cells, (c, r, what, cells.get((c, r)))  # nothing overlaps
        cells[(c, r)] = what

    for p in plan.placements:
        for c in range(p.column, p.column + p.span):
            for r in range(p.row, p.row + p.rows):
                take(c, r, f"u{p.unit}")
    for rule in plan.rules:
        if rule.across:
            for c in range(rule.column, rule.column + rule.length):
                take(c, rule.row, "rule")
    for area in plan.opens:
        for c in range(area.column, area.column + area.columns):
            for r in range(area.row, area.row + area.rows):
                take(c, r, "open")
    return cells


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(4, 60), st.integers(1, 4)), min_size=1, max_size=9),
    columns=st.integers(4, 8),
    extra=st.integers(0, 40),
)
def test_random_units_tile_the_zone(sizes, columns, extra):
    rows = 20 + extra
    try:
        plan = search(problem(sizes, columns, rows, pad=2))
    except NoArrangement:
        return
    assert sorted(p.unit for p in plan.placements) == list(range(len(sizes)))  # every unit, once
    cells = covered(plan, columns, rows)
    white = columns * rows - len(cells)
    assert white == plan.white  # the only cells unaccounted for: a foot row too thin to be open
    assert len(plan.opens) <= 2 and (len(plan.opens) < 2 or plan.score.open_parts == 1)
    order = [p.unit for p in sorted(plan.placements, key=lambda p: (p.row, p.column))]
    assert order[0] == 0  # the first unit is top left
    # the score is the sum of its parts
    parts = sum((p.option.score for p in plan.placements), Score())
    assert plan.score.broken == parts.broken and plan.score.blank == parts.blank
    assert search(problem(sizes, columns, rows, pad=2)) == plan  # deterministic


def test_a_search_cut_short_by_its_bound_says_so_and_still_sets_the_page(monkeypatch):
    import layout.page.arrange as arrange

    sizes = [(16, 2), (12, 2), (20, 2), (16, 2), (12, 2), (20, 2)]
    full = search(problem(sizes, 8, 40))
    assert not full.cut_short
    monkeypatch.setattr(arrange, "MAX_WORK", 50)
    short = search(problem(sizes, 8, 40))
    assert short.cut_short  # said, in the report
    assert sorted(p.unit for p in short.placements) == list(range(len(sizes)))  # rows of units, finished
    covered(short, 8, 40)


# -- a zone around booked blocks (zone.py) ------------------------------------------------
def booked_cells(plan) -> dict[tuple[int, int], str]:
    cells = {}
    for k, b in enumerate(plan.booked):
        for c in range(b.column, b.column + b.columns):
            for r in range(b.row, b.row + b.rows):
                cells[(c, r)] = f"b{k}"
    return cells


def test_a_block_across_the_foot_leaves_a_rectangle_above_it_under_a_rule():
    booked = (Area(0, 14, 4, 6),)
    plan = zone_search(problem([(16, 2), (16, 2)], 4, 20, booked=booked))
    assert rects(plan) == [(0, 0, 2, 0, 10), (1, 2, 2, 0, 10)]
    assert Rule(True, 0, 13, 4) in plan.rules  # the rule row over the block
    assert plan.opens == (Area(0, 11, 4, 2),) and plan.booked == booked


def test_a_block_at_the_bottom_right_corner_is_cut_around_both_ways():
    booked = (Area(2, 12, 2, 8),)
    cuts = layouts(Area(0, 0, 4, 20), booked)
    assert [c.frees for c in cuts] == [
        (Area(0, 0, 4, 11), Area(0, 12, 2, 8)),  # across above the block, then down beside it
        (Area(0, 0, 2, 20), Area(2, 0, 2, 11)),  # down beside it, then across above it
    ]
    plan = zone_search(problem([(16, 2), (16, 2), (12, 2)], 4, 20, booked=booked))
    assert rects(plan) == [(0, 0, 2, 0, 10), (1, 2, 2, 0, 10), (2, 0, 2, 12, 8)]
    assert Rule(False, 2, 12, 8) in plan.rules  # down the gutter beside the block


def test_a_column_pin_counts_columns_of_the_zone_not_of_a_rectangle():
    booked = (Area(0, 12, 2, 8),)
    pins = [Pins(), Pins(), Pins(column=3)]
    plan = zone_search(problem([(16, 2), (16, 2), (12, 2)], 4, 20, pins=pins, booked=booked))
    assert [p.column for p in plan.placements if p.unit == 2] == [2]


def test_units_that_cannot_go_around_the_blocks_name_them():
    with pytest.raises(NoArrangement, match="beside 1 booked block"):
        zone_search(problem([(16, 2)] * 4, 4, 20, booked=(Area(0, 6, 4, 14),)))


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(4, 40), st.integers(1, 3)), min_size=1, max_size=6),
    columns=st.integers(4, 8),
    blocks=st.lists(st.tuples(st.integers(1, 4), st.integers(3, 12), st.sampled_from("LRF")), max_size=2),
)
def test_random_units_tile_the_zone_around_random_blocks(sizes, columns, blocks):
    rows = 40
    booked: list[Area] = []
    for w, h, where in blocks:  # a block at the bottom left, bottom right or across the foot
        w = columns if where == "F" else min(w, columns - 1)
        area = Area(0 if where == "L" else columns - w, rows - h, w, h)
        if all(not (a.column < area.column + w and area.column < a.column + a.columns) for a in booked):
            booked.append(area)
    try:
        plan = zone_search(problem(sizes, columns, rows, pad=2, booked=tuple(booked)))
    except NoArrangement:
        return
    assert sorted(p.unit for p in plan.placements) == list(range(len(sizes)))
    cells = covered(plan, columns, rows)
    blocked = booked_cells(plan)
    assert not set(cells) & set(blocked)  # nothing on a booked block
    order = [p.unit for p in sorted(plan.placements, key=lambda p: (p.row, p.column))]
    assert order[0] == 0
    assert zone_search(problem(sizes, columns, rows, pad=2, booked=tuple(booked))) == plan  # deterministic
