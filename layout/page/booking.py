"""Booked blocks (stage 3): where each ad sits on the grid, placed before the copy.

Input: a page's ``ads`` (content model), its source (for messages) and the
style's grid and standard spaces. Output: a ``Booking`` per ad, in whole
columns and whole grid lines of the type area; an ``InputError`` naming file,
line and field for a size the style does not know, a block too big for the
page, or two blocks in one place (naming both).

Positions, as newspapers book them:
- ``top-right`` / ``top-left`` (报眼): the top corner of the type area, beside the
  kicker, banner and intro, which narrow to the columns left; a block taller
  than them reaches into the module zone;
- ``foot``: on the foot of the type area, across it (通栏) or, narrower, at the
  right; several foot blocks stand side by side, right to left;
- ``right`` / ``left``: along the side of the module zone, standing on the foot
  (on a foot block under it, with a rule row between);
- a slot the style names (``ad_slots:``): one of these, and on the foot its first column.
The physical height stays as booked when copyfitting tightens the leading: a
height in lines (or a standard space) is lines of the style's own leading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layout.errors import InputError
from layout.model.content import Ad, Page
from layout.model.style import AD_POSITIONS, AdSlot, Style
from layout.page.arrange import GAP_ROWS, Area

MM = 72 / 25.4
TOP = ("top-left", "top-right")
SIDES = ("left", "right")
POSITIONS = AD_POSITIONS


@dataclass(frozen=True)
class Size:
    """A booked block's size: whole grid columns, and its height in points (as booked)."""

    columns: int
    height: float


@dataclass(frozen=True)
class Booking:
    """A booked block on the grid of the type area (rows from its top)."""

    ad: Ad
    column: int  # first grid column
    row: int  # first grid row of the type area
    columns: int
    rows: int
    line: int = 0  # the booking's line in the content file

    @property
    def end(self) -> int:
        return self.row + self.rows


def sizes(page: Page, base: Style) -> dict[str, Size]:
    """Each ad's size by id, checked against the grid of the style (at its own leading)."""
    out = {}
    for ad in page.ads:
        if ad.position not in POSITIONS and ad.position not in base.ad_slots:
            known = ", ".join((*POSITIONS, *base.ad_slots))
            raise _error(page, f"{ad.path}.position", f"'{ad.position}' is no position: {known}")
        out[ad.id] = _size(page, ad, base)
    return out


def _size(page: Page, ad: Ad, st: Style) -> Size:
    gap = st.leading - st.body_size
    if ad.size:
        space = next((s for s in st.spaces if s.name == ad.size), None)
        if space is None:
            known = ", ".join(s.name for s in st.spaces) or "none"
            raise _error(page, f"{ad.path}.size", f"'{ad.size}' is not a standard size of style {st.name} ({known})")
        columns, height = space.columns, space.lines * st.leading - gap
    else:
        assert ad.columns is not None  # the content model asks for columns and a height, or a size
        columns = ad.columns
        height = ad.height_mm * MM if ad.height_mm is not None else (ad.lines or 1) * st.leading - gap
    if columns > st.columns:
        raise _error(page, ad.path, f"booking '{ad.id}' is {columns} columns wide: the grid has {st.columns}")
    if height > st.type_height:
        raise _error(
            page,
            ad.path,
            f"booking '{ad.id}' is {height / MM:.0f} mm tall: the type area is {st.type_height / MM:.0f} mm",
        )
    return Size(columns, height)


def rows_for(st: Style, height: float) -> int:
    """Whole grid rows for a block ``height`` points tall (its trailing line gap included)."""
    gap = st.leading - st.body_size
    return max(1, math.ceil((height + gap) / st.leading - 1e-6))


def top_bookings(page: Page, st: Style, booked: dict[str, Size]) -> tuple[Booking, ...]:
    """The blocks booked beside the furniture (报眼), at the top corners of the type area."""
    out: list[Booking] = []
    for position in TOP:
        for ad in _alone(page, st, position):
            size = booked[ad.id]
            column = 0 if position == "top-left" else st.columns - size.columns
            out.append(Booking(ad, column, 0, size.columns, rows_for(st, size.height), _line(page, ad)))
    if len(out) == 2 and out[0].columns + out[1].columns > st.columns - max(1, st.min_span):
        raise _two(page, out[0].ad, out[1].ad, "leave too little width for the banner between them")
    if len(out) == 1 and out[0].columns > st.columns - max(1, st.min_span):
        raise _error(page, out[0].ad.path, f"booking '{out[0].ad.id}' leaves too little width for the banner")
    return tuple(out)


def furniture_columns(st: Style, top: tuple[Booking, ...]) -> tuple[int, int]:
    """The first column and the number of columns the kicker, banner and intro take."""
    first = sum(b.columns for b in top if b.column == 0)
    return first, st.columns - sum(b.columns for b in top)


def zone_bookings(page: Page, st: Style, booked: dict[str, Size], zone_top: int) -> tuple[Booking, ...]:
    """The blocks booked on the foot and along the sides, standing on the foot."""
    out: list[Booking] = []
    right = st.columns
    feet = _at(page, st, "foot")
    for k, ad in enumerate(feet):
        size = booked[ad.id]
        rows = rows_for(st, size.height)
        first = slot(st, ad).column
        if first is not None:  # the style's slot names the first column
            if first - 1 + size.columns > st.columns:
                raise _error(
                    page,
                    ad.path,
                    f"booking '{ad.id}' is {size.columns} columns wide: from column "
                    f"{first} of slot '{ad.position}' it runs off the grid",
                )
            out.append(Booking(ad, first - 1, st.lines - rows, size.columns, rows, _line(page, ad)))
            continue
        if size.columns > right:
            raise _two(page, feet[k - 1], ad, f"booked on the foot need more than the {st.columns} columns there are")
        out.append(Booking(ad, right - size.columns, st.lines - rows, size.columns, rows, _line(page, ad)))
        right -= size.columns
    for position in SIDES:
        for ad in _alone(page, st, position):
            size = booked[ad.id]
            column = 0 if position == "left" else st.columns - size.columns
            under = [b for b in out if b.column < column + size.columns and column < b.column + b.columns]
            floor = min((b.row - GAP_ROWS for b in under), default=st.lines)
            rows = rows_for(st, size.height)
            out.append(Booking(ad, column, floor - rows, size.columns, rows, _line(page, ad)))
    for b in out:
        if b.row < zone_top + 1:
            raise _error(
                page,
                b.ad.path,
                f"booking '{b.ad.id}' ({b.rows} lines) does not fit under the banner: "
                f"the module zone has {st.lines - zone_top} lines",
            )
    _no_overlap(page, out)
    return tuple(out)


def zone_areas(bookings: tuple[Booking, ...], zone_top: int) -> tuple[Area, ...]:
    """The parts of the booked blocks inside the module zone, in the zone's grid units."""
    out = []
    for b in bookings:
        if b.end > zone_top:
            top = max(b.row, zone_top)
            out.append(Area(b.column, top - zone_top, b.columns, b.end - top))
    return tuple(out)


def check_against_top(page: Page, top: tuple[Booking, ...], zone: tuple[Booking, ...]) -> None:
    """A block on the foot or a side may not run into a 报眼 reaching down into the zone."""
    _no_overlap(page, [*top, *zone])


def _no_overlap(page: Page, bookings: list[Booking]) -> None:
    for i, a in enumerate(bookings):
        for b in bookings[i + 1 :]:
            if (
                a.column < b.column + b.columns
                and b.column < a.column + a.columns
                and a.row < b.end + GAP_ROWS
                and b.row < a.end + GAP_ROWS
            ):
                raise _two(page, a.ad, b.ad, "overlap on the page")


def slot(st: Style, ad: Ad) -> AdSlot:
    """Where an ad stands: a built-in position, or the style's slot of that name."""
    return st.ad_slots.get(ad.position) or AdSlot(ad.position)


def _at(page: Page, st: Style, position: str) -> list[Ad]:
    return [ad for ad in page.ads if slot(st, ad).position == position]


def _alone(page: Page, st: Style, position: str) -> list[Ad]:
    """The ad booked at a position that holds one (a top corner, a side): none or one."""
    ads = _at(page, st, position)
    if len(ads) > 1:
        raise _two(page, ads[0], ads[1], f"both booked {position}")
    return ads


def _line(page: Page, ad: Ad) -> int:
    return page.source.line(ad.path) or 0


def _error(page: Page, path: str, message: str) -> InputError:
    return page.source.error(path, message)


def _two(page: Page, a: Ad, b: Ad, why: str) -> InputError:
    return page.source.error(
        b.path, f"bookings '{a.id}' (line {_line(page, a)}) and '{b.id}' (line {_line(page, b)}) {why}"
    )
