"""The arrangement search on synthetic modules: exact rectangles for small
cases, and properties over random sets of profiles.

A ``Block`` module stands in for a profile: ``fixed`` rows (headline, byline,
quote) across its columns, then ``lines`` body lines filling its columns; no
fonts, so every number is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.page.arrange import GAP_ROWS, NoArrangement, Pins, Placement, arrange
from layout.page.module import Fit


@dataclass
class Block:
    """A module of ``fixed`` rows plus ``lines`` body lines over ``span`` columns (no photo)."""

    lines: int
    fixed: int
    span: int
    compact: bool = False
    photo_span: int = 0
    caption_rows: int = 0

    @property
    def body(self) -> list[int]:
        return [0] * self.lines

    @property
    def min_rows(self) -> int:
        return self.fixed + 1

    @property
    def least_cells(self) -> int:
        return self.fixed * self.span + self.lines

    def rows_needed(self, photo_rows: int | None = None, lines: int | None = None) -> int:
        count = self.lines if lines is None else min(lines, self.lines)
        return self.fixed + -(-count // self.span)

    def fit(self, rows: int) -> Fit:
        h = rows - self.fixed
        placed = min(self.lines, self.span * h)
        used = min(h, -(-self.lines // self.span))
        return Fit(rows, 0, used, self.lines - placed, self.fixed + used, self.span * h - placed, placed)


def factory(sizes: list[tuple[int, int]]):
    """Module factory for profiles of (body lines, fixed rows)."""

    def module(i: int, span: int, photo_span: int, compact: bool = False) -> Block:
        lines, fixed = sizes[i]
        return Block(lines, fixed, span, compact)

    return module


def test_two_profiles_that_fill_half_the_zone_each_sit_side_by_side():
    # 10 rows × 4 columns; each profile needs 2 + 16/2 = 10 rows at 2 columns (stacked at 4 columns: 6 + 1 + 6 rows)
    plan = arrange(2, 4, 10, 2, factory([(16, 2), (16, 2)]))
    assert plan.placements == (
        Placement(0, 0, 2, 0, 10, 0),
        Placement(1, 2, 2, 0, 10, 0),
    )
    assert (plan.overset_lines, plan.hole_cells, plan.spare_rows) == (0, 0, 0)


def test_stacked_rows_take_exactly_the_rows_they_need():
    # 13 rows × 4 columns: a full-width profile of 6 rows, a rule row, then two of 6 rows side by side
    plan = arrange(3, 4, 13, 2, factory([(16, 2), (8, 2), (8, 2)]))
    assert plan.placements == (
        Placement(0, 0, 4, 0, 6, 0),
        Placement(1, 0, 2, 6 + GAP_ROWS, 6, 0),
        Placement(2, 2, 2, 6 + GAP_ROWS, 6, 0),
    )
    assert (plan.overset_lines, plan.hole_cells) == (0, 0)


def test_a_short_page_leaves_one_band_at_the_foot():
    # one profile needing 2 + 8/4 = 4 rows in a zone of 20: 16 spare rows, no holes inside the module
    plan = arrange(1, 4, 20, 2, factory([(8, 2)]))
    assert plan.placements == (Placement(0, 0, 4, 0, 4, 0),)
    assert plan.spare_rows == 16
    assert plan.hole_cells == 16 * 4


def test_overset_is_the_least_possible_and_bounded_below():
    # 2 profiles of 40 lines in 10 rows × 4 columns: 16 lines per 2-column module fit, 24 each are overset
    plan = arrange(2, 4, 10, 2, factory([(40, 2), (40, 2)]))
    assert plan.overset_lines == 48
    # the zone holds 40 cells; the content needs 2 × (2 × 2 + 40) = 88 at its least: 48 cells short
    assert plan.excess_cells == 48


def test_column_pin_starts_a_row():
    # profile 1 pinned to column 1: it cannot sit right of profile 0, so it starts the next row
    sizes = [(8, 2), (8, 2)]
    plan = arrange(2, 4, 13, 2, factory(sizes), [Pins(), Pins(column=1)])
    assert [(p.profile, p.column, p.row) for p in plan.placements] == [(0, 0, 0), (1, 0, plan.placements[0].rows + 1)]


def test_row_pin_and_span_pin():
    sizes = [(8, 2), (8, 2), (8, 2)]
    plan = arrange(3, 4, 20, 2, factory(sizes), [Pins(), Pins(row=2, span=4), Pins()])
    rows = {p.profile: p for p in plan.placements}
    assert rows[0].row == 0 and rows[1].row > 0 and rows[1].span == 4
    assert rows[2].row > rows[1].row  # content order: after the pinned one


def test_pins_that_cannot_hold_name_the_profiles():
    with pytest.raises(NoArrangement, match=r"b: span 3"):
        arrange(2, 4, 13, 2, factory([(8, 2), (8, 2)]), [Pins(span=2, row=1), Pins(span=3, row=1)], names=["a", "b"])


def test_jumping_lets_the_longest_profile_continue_and_the_others_fit():
    # 3 profiles in 12 rows × 4 columns; the 60-line one cannot fit with the others
    sizes = [(8, 2), (60, 2), (8, 2)]
    plain = arrange(3, 4, 12, 2, factory(sizes))
    assert plain.overset_lines > 0 and not plain.jumping
    plan = arrange(3, 4, 12, 2, factory(sizes), jumps=True)
    assert plan.jumping == frozenset({1})  # only the longest
    assert plan.overset_lines == 0  # the others are whole; profile 1 shows at least 5 lines a column


def cells(p: Placement) -> set[tuple[int, int]]:
    return {(r, c) for r in range(p.row, p.row + p.rows) for c in range(p.column, p.column + p.span)}


profile_sets = st.lists(st.tuples(st.integers(1, 120), st.integers(1, 4)), min_size=1, max_size=9)


@settings(max_examples=150, deadline=None)
@given(sizes=profile_sets, columns=st.integers(4, 8), zone=st.integers(30, 90))
def test_any_profiles_give_clean_rectangles_inside_the_zone(sizes, columns, zone):
    try:
        plan = arrange(len(sizes), columns, zone, 2, factory(sizes))
    except NoArrangement:
        # only when not even one module per row, each at its least height, would fit
        assert sum(fixed + 1 for _, fixed in sizes) + GAP_ROWS * (len(sizes) - 1) > zone
        return
    assert sorted(p.profile for p in plan.placements) == list(range(len(sizes)))  # every profile, once
    taken: set[tuple[int, int]] = set()
    for p in plan.placements:
        assert 0 <= p.column and p.column + p.span <= columns and p.span >= 2
        assert 0 <= p.row and p.row + p.rows <= zone
        assert p.rows >= sizes[p.profile][1] + 1
        assert not (cells(p) & taken)  # no overlap
        taken |= cells(p)
    # content order: reading the rows top to bottom, left to right
    order = [p.profile for p in sorted(plan.placements, key=lambda p: (p.row, p.column))]
    assert order == sorted(order)
    # every row of modules spans the full width with one height
    for row in {p.row for p in plan.placements}:
        members = [p for p in plan.placements if p.row == row]
        assert sum(p.span for p in members) == columns and len({p.rows for p in members}) == 1
    # the overset reported is what the rectangles leave over
    module = factory(sizes)
    assert plan.overset_lines == sum(module(p.profile, p.span, -1).fit(p.rows).overset_lines for p in plan.placements)
    if plan.overset_lines:  # the lower bound is a bound
        assert plan.excess_cells <= plan.overset_lines
    else:
        # spare rows only at the foot, and only when the modules need no more
        bottom = max(p.row + p.rows for p in plan.placements)
        assert bottom + plan.spare_rows == zone


@settings(max_examples=60, deadline=None)
@given(sizes=profile_sets, zone=st.integers(20, 60))
def test_the_search_is_deterministic(sizes, zone):
    assert arrange(len(sizes), 6, zone, 2, factory(sizes)) == arrange(len(sizes), 6, zone, 2, factory(sizes))
