"""Vertical pages (竖排, stage 3): modules set top to bottom, right to left.

Input: a ``Context`` (its style's grid read as bands when the style writes vertically,
else cut into bands), the page and its normalised texts. Output: a ``Makeup`` whose
frame holds the page as printed: every line of the type area vertical, the running
head and the staff line horizontal.

How: a vertical page is a horizontal page turned a quarter turn. The type area is set
by the usual makeup as a *transposed* page: its columns are the bands (栏, across the
page, top to bottom), its rows the vertical lines (right to left), its lines run along
the bands. Then each item is turned back onto the real page (``Turn``): a line's left
end becomes its top, its rows count leftwards from the type area's right edge. So a
module's headline, set across the module's columns, stands vertical at the module's
right; a caption under a photo stands at its left; rules turn with their modules. The
composition rules are the page's with ``vertical`` set (tate-chu-yoko for short numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from layout.frame import AdItem, Box, ImageItem, Item, MarkItem, PageFrame, RuleItem, TextItem
from layout.model.content import Page
from layout.model.style import Style
from layout.page import furniture
from layout.page.context import ASCENT, Context
from layout.page.makeup import Makeup, make_page

BAND_CHARS = 30  # a derived band's length in body characters (Taiwanese vertical pages: 25–40)

__all__ = ["BAND_CHARS", "Turn", "is_vertical", "make_vertical_page", "transposed", "vertical_grid"]


def is_vertical(style: Style, page: Page) -> bool:
    """Does this page write vertically? The page's ``writing`` wins over its style's."""
    return (page.writing or style.writing) == "vertical"


def vertical_grid(style: Style) -> Style:
    """The style with its grid read as bands: a vertical style as it is; a horizontal one's
    type area cut into bands (``vertical:`` in the style, else about ``BAND_CHARS``
    characters each) and vertical lines at its leading."""
    if style.writing == "vertical":
        return style
    per_band = style.type_height / style.body_size  # characters down the type area
    gap = style.gutter_chars
    bands, chars = style.vertical_bands
    bands = bands or max(1, round((per_band + gap) / (BAND_CHARS + gap)))
    chars = chars or int((per_band - (bands - 1) * gap) / bands + 1e-6)
    lines = int(style.type_width / style.leading + 1e-6)
    return replace(
        style,
        writing="vertical",
        columns=bands,
        chars=chars,
        lines=lines,
        min_span=min(style.min_span, bands),
        quote_span=min(style.quote_span, bands),
        intro_span=min(style.intro_span, bands),
        spaces=(),
        ad_slots={},
    )


def transposed(style: Style) -> Style:
    """A vertical style as the horizontal page the makeup sets: as wide as the bands are
    long, as tall as the lines are wide, no margins; photo boxes' height-to-width ratios
    turned (a box's width there is its height on the page)."""
    lo, hi = style.photo_height
    nlo, nhi = style.photo_height_narrow
    return replace(
        style,
        writing="horizontal",
        page_width=style.type_width,
        page_height=style.type_height,
        top=0.0,
        photo_height=(1 / hi, 1 / lo),
        photo_height_narrow=(1 / nhi, 1 / nlo),
    )


@dataclass(frozen=True)
class Turn:
    """The transposed type area put back on the page: its x runs down from ``top``, its
    y leftwards from ``right`` (points, y down, from the trim's top-left)."""

    right: float
    top: float

    def rect(self, x: float, y: float, width: float, height: float) -> tuple[float, float, float, float]:
        return (self.right - y - height, self.top + x, height, width)

    def item(self, item: Item) -> Item:
        if isinstance(item, TextItem):
            return self.text(item)
        if isinstance(item, RuleItem):
            return RuleItem(
                self.right - item.y1, self.top + item.x1, self.right - item.y2, self.top + item.x2, item.weight
            )
        if isinstance(item, (ImageItem, MarkItem, AdItem)):
            x, y, w, h = self.rect(item.x, item.y, item.width, item.height)
            return replace(item, x=x, y=y, width=w, height=h)
        raise TypeError(f"no turn for {type(item).__name__}")

    def text(self, item: TextItem) -> TextItem:
        """A horizontal line of the transposed page as a vertical line: its em box's centre
        (``ASCENT - 0.5`` em above its baseline) becomes the centre line."""
        if item.vertical:
            raise ValueError(f"{item.source}: a vertical line on the transposed page")
        centre = item.baseline - (ASCENT - 0.5) * item.size
        return replace(item, x=self.right - centre, baseline=self.top + item.x, vertical=True)

    def box(self, b: Box) -> Box:
        x, y, w, h = self.rect(b.x, b.y, b.width, b.height)
        return Box(b.id, x, y, w, h)


def make_vertical_page(ctx: Context, page: Page, texts: dict[str, str], **options: Any) -> Makeup:
    """The page in vertical writing: the type area made up transposed (``make_page`` with its
    ``options``: marks, jumps, a kept round) and turned, the running head over it and the
    staff line under it."""
    vstyle = vertical_grid(ctx.style)
    inner = Context(transposed(vstyle), ctx.faces, ctx.rules.turned())
    made = make_page(inner, page, texts, **options, outside=False)
    width = vstyle.lines * vstyle.leading  # the type area across the page
    area = furniture.TypeArea((vstyle.page_width - width) / 2, vstyle.top, width, vstyle.type_width)
    turn = Turn(right=area.left + area.width, top=area.top)
    outer = Context(vstyle, ctx.faces, ctx.rules, ctx.memo)
    items = furniture.running_head(outer, page, texts, area) + [turn.item(it) for it in made.frame.items]
    items += furniture.staff(outer, texts, area)
    frame = made.frame
    turned = PageFrame(
        vstyle.page_width,
        vstyle.page_height,
        tuple(items),
        tuple(turn.box(b) for b in frame.boxes),
        title=frame.title,
        info=frame.info,
    )
    return replace(made, frame=turned)
