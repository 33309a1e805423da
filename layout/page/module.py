"""One profile as a rectangular module on the grid (stage 3).

Input: a profile (texts already normalised) and its column span. Output: for
any height and photo size, its ``Shape`` (legs per column, blank cells,
overset, the legibility rules it breaks: ``RULES``), measured without making
items; and for a chosen shape, the module's items (headline across its columns,
byline, photo box and caption, body flowing through its columns, pull quote
between rules) and what did not fit.

Geometry, top to bottom: headline, byline, then the body region; the photo
box sits at the top of the body region over the rightmost ``photo_span``
columns (all columns in narrow modules) with its caption below it; body
text fills the columns left to right around it; the pull quote closes the
module across its full width. The photo is the elastic element: it grows
(within the style's height-to-width bounds) to fill the module, or fills its
columns' depth beside the text; space around the headline is the other.

A vertical headline (竖题, ``vertical``): the headline stands in the module's outer grid
column (right, or left by the style's ``vertical_headline_side``) and spans the module's
depth, from its top to the foot of its last row of text (``vhead_plan``): on one line where
that line reaches the depth at the size the headline has across or larger; else on two lines
side by side (the first from the top, the second ending at the foot: the staggered 竖题);
else on one line down to the role's minimum. Its size is the
largest whole point at which its longest line fits the depth, up to what the column takes side
by side and never above the page banner's least size (a module's headline stays under the
page's); what is left of the depth is spread evenly between its characters (as justification
spreads a line), the same space in both lines, so its longest line runs the whole depth.
Byline, photo, body and quote are set as usual in the other columns, which count for the
legibility rules. A module is never shallower than its vertical headline at the smallest size;
the headline rule asks that the headline, unspread, cover ``head_fill`` of the module's depth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

from layout.flow.columns import balanced_rows, balanced_slots, capacity, fill
from layout.frame import ImageItem, Item, MarkItem, RuleItem, TextItem
from layout.inline.breaker import Line, break_paragraph
from layout.model.content import Profile
from layout.page.blocks import Block, balanced_lines, headline_block, line_items, place, shift, text_block
from layout.page.context import ASCENT, Context
from layout.page.measure import ProfileStore, geometry_memo, profile_store

INDENT_EM = 2  # first-line indent of every paragraph (clreq)
NEAR_PAD = 3  # rows below its text a module is tried at with every photo size (deeper: the largest only)
OPENING_QUOTES = ("“", "「")  # a quote already wrapped in outer marks
VLINE_PITCH = 1.25  # a vertical headline's lines, centre to centre, in em
VLINES = 2  # a vertical headline's most lines: one, or two staggered
UNBROKEN = 1e6  # points: a measure no headline fills (its natural length on one line)
EPS = 1e-6  # points: lengths within this are equal
BISECTIONS = 12  # steps finding the least length of a headline's lines


def photo_spans(span: int) -> list[int]:
    """Photo widths (in columns) a module of ``span`` columns may use, widest first."""
    first = span if span <= 3 else math.ceil(span / 2)
    return sorted({first, math.ceil(span / 2), max(1, span // 3)}, reverse=True)


@dataclass(frozen=True)
class BodyLine:
    para: int  # body paragraph index in the profile's YAML
    line: Line
    offset: int = 0  # where the set text starts in the paragraph (a continuation resumes mid-paragraph)


# The legibility rules a module can break, by name (style ``modules:`` gives the numbers).
RULES = {
    "short leg": "a column of body text shorter than min_leg lines (a strip)",
    "long leg": "a column of body text longer than max_leg lines",
    "blank": "more than one empty line per column inside the module",
    "under photo": "fewer than min_under_photo lines under a photo that does not fill its columns",
    "headline": "a headline much narrower than its module (under head_fill of the width)",
}
# (a vertical headline breaks "headline" where it covers under head_fill of the module's
# depth: ``Module.vhead_short``)


@dataclass(frozen=True)
class VHead:
    """How a vertical headline stands in one depth: its size, its lines (one, or two side by
    side) and its longest line's length at that size, before it is spread down the depth."""

    size: float
    lines: int
    length: float


@dataclass(frozen=True)
class Shape:
    """How a module fills one height with one photo size (no items made): where its
    text goes, what is left empty or overset, and the legibility rules it breaks."""

    rows: int  # module height in grid rows
    photo_rows: int  # photo box height; 0: no photo drawn
    body_rows: int  # column height the body uses (below headline and byline, above the quote)
    legs: tuple[int, ...]  # body lines in each column, left to right
    overset_lines: int  # body lines (and a dropped photo's caption lines) with no room
    blank_cells: int  # grid cells (row × column) left empty
    placed: int  # body lines set
    photo_cells: int  # cells the photo box and its caption take
    broken: tuple[str, ...] = ()  # names of RULES broken


@dataclass(frozen=True)
class ModuleResult:
    items: tuple[Item, ...]
    rows: int  # rows the module occupies
    used_rows: int  # rows holding content (the rest is an empty band at the bottom)
    overset_chars: int
    photo_rows: int
    photo_dropped: bool = False  # the photo box and its caption found no room (counted as overset)
    balance: int = 0  # rows between the highest and the lowest column end of the body
    resume: tuple[int, int] | None = None  # jumped: (paragraph, character) where the text continues
    jumped_chars: int = 0  # characters continued on another page
    overset_body: int = 0  # of the characters overset, those of the body text


class Module:
    """A profile set at one column span; lays out for any height."""

    def __init__(
        self,
        ctx: Context,
        profile: Profile,
        texts: dict[str, str],
        span: int,
        photo_span: int | None = None,
        store: ProfileStore | None = None,
        compact: bool = False,
        head_pad: int = 0,
        vertical: bool | None = None,
    ) -> None:
        # the profile's measurements at this context, shared by its variants, every search
        # and later renders (measure.py)
        self.store = profile_store(ctx, profile, texts) if store is None else store
        self.head_pad = head_pad  # rows of space added around the headline (it stays centred in them)
        self.ctx = ctx
        self.profile = profile
        self.texts = texts  # normalised text by YAML path
        self.span = span
        st = ctx.style
        self.width = st.span_width(span)
        # a vertical headline (竖题) takes one grid column: asked for (None: as the profile
        # says), and possible (two columns or more, a depth the page has); not on a vertical
        # page (its lines are vertical: page/vertical.py sets it as a page turned)
        asked = profile.headline_vertical is True if vertical is None else vertical
        self.vertical = asked and span > 1 and not ctx.rules.vertical and self.vhead_min_rows <= st.lines
        # copyfit within the style's bounds: headline on one line if a size down to the
        # role's minimum allows, pull quote at the quote role's minimum size (a vertical
        # headline's module: never)
        self.compact = compact and not self.vertical
        self.cols = span - 1 if self.vertical else span  # columns of byline, photo, body, quote
        self.body_width = st.span_width(self.cols) if self.vertical else self.width
        right = st.vertical_headline_side != "left"
        self.body_x = 0.0 if right or not self.vertical else st.column_width + st.gutter
        self.strip_x = self.body_width + st.gutter if right else 0.0  # the headline's column
        if profile.photo is None:
            self.photo_span = 0
        else:
            self.photo_span = photo_spans(self.cols)[0] if photo_span is None else min(photo_span, self.cols)

    @cached_property
    def geometry(self) -> dict:
        """Depths, legs and the rules they break: a function of the body's lines, the span,
        the photo's span and its caption's rows (and the rules), kept by those values."""
        rules = self.ctx.style.legibility
        return geometry_memo("geometry", len(self.body), self.cols, self.photo_span, self.caption_rows, rules)

    @cached_property
    def shapes_memo(self) -> dict:
        """Shapes (and their lists, keyed with the photo's range): a function of the geometry,
        the fixed rows, the caption's lines and the headline's fill, kept by those values, so
        shared across leadings and variants of the same geometry (a vertical headline's
        rows too: the least the module takes, and from where it is too short)."""
        vertical = ("vertical", self.vhead_min_rows, self.vhead_short) if self.vertical else ()
        return geometry_memo(
            "shapes",
            len(self.body),
            self.cols,
            self.photo_span,
            self.caption_rows,
            self.ctx.style.legibility,
            self.fixed_rows,
            self.caption_lines,
            self.head_too_narrow,
            *vertical,
        )

    # -- parts --------------------------------------------------------------
    def _shared(self, name: str, make, *key):
        blocks = self.store.memo("blocks")
        k = (name, *key)
        if k not in blocks:
            blocks[k] = make()
        return blocks[k]

    @property
    def head(self) -> Block:
        if self.vertical:  # beside the body, not over it: no rows (``vhead_items``)
            return Block(0, ())
        if not self.head_pad:
            return self._shared("head", self._head, self.span, self.compact)
        base = self._shared("head", self._head, self.span, self.compact)
        dy = self.head_pad * self.ctx.leading / 2
        return Block(base.rows + self.head_pad, tuple(place(base, 0, dy)), base.lines, base.size)

    @property
    def byline(self) -> Block:
        return self._shared("byline", self._byline, self.cols)

    @property
    def quote(self) -> Block | None:
        return self._shared("quote", self._quote, self.cols, self.compact)

    def _head(self) -> Block:
        path = f"{self.profile.path}.headline"
        st = self.ctx.style
        largest = st.headline_sizes.get(self.span)
        if self.compact:
            one_line = headline_block(
                self.ctx, self.texts[path], "headline", self.width, path, max_lines=1, largest=largest
            )
            if one_line.lines == 1:
                return one_line
        return headline_block(
            self.ctx, self.texts[path], "headline", self.width, path, max_lines=st.headline_lines, largest=largest
        )

    def _byline(self) -> Block:
        ctx = self.ctx
        if self.profile.jump_from:  # a continuation: （上接第N版） instead of role and name
            path = f"{self.profile.path}.jump_from"
            return text_block(ctx, self.texts[path], "byline", self.body_width, path, align="left")
        role_path, name_path = f"{self.profile.path}.role", f"{self.profile.path}.name"
        role_text, name_text = self.texts.get(role_path, ""), self.texts[name_path]
        width = self.body_width
        name = ctx.lines(name_text, "name", width, justify=False)
        gap = ctx.role("byline").size
        items: list[Item] = []
        name_w = max(ln.natural for ln in name)
        rows = len(name)
        start = ctx.rules.vertical  # a vertical page (set turned): the byline starts at the top of its line
        name_at = 0.0
        if role_text:
            role = ctx.lines(role_text, "byline", width, justify=False)
            same_row = len(role) == 1 and role[0].natural + gap + name_w <= width
            rows = 1 if same_row else len(role) + len(name)
            if start:
                items += _left_aligned(ctx, role, "byline", role_path, 0, 0.0)
                name_at = role[0].natural + gap if same_row else 0.0
            else:
                role_right = width - (name_w + gap if same_row else 0)
                items += _right_aligned(ctx, role, "byline", role_path, 0, role_right)
        first_name_row = 0 if rows == len(name) else rows - len(name)
        if start:
            items += _left_aligned(ctx, name, "name", name_path, first_name_row, name_at)
        else:
            items += _right_aligned(ctx, name, "name", name_path, first_name_row, width)
        return Block(rows, tuple(items))

    @cached_property
    def body(self) -> list[BodyLine]:
        return self._shared("body", self._body)

    def _body(self) -> list[BodyLine]:
        ctx = self.ctx
        out: list[BodyLine] = []
        indent = INDENT_EM * ctx.role("body").size
        first, offset = self.profile.first_para, self.profile.first_offset
        for j in range(first, len(self.profile.body)):
            text = self.texts[f"{self.profile.path}.body[{j}]"]
            skip = offset if j == first else 0  # a continuation resumes mid-paragraph, unindented
            lines = ctx.lines(text[skip:], "body", ctx.style.column_width, indent=0 if skip else indent)
            out += [BodyLine(j, ln, skip) for ln in lines]
        return out

    @cached_property
    def photo_width(self) -> float:
        return self.ctx.style.span_width(self.photo_span) if self.photo_span else 0.0

    @cached_property
    def caption_rows(self) -> int:
        """Rows under the photo box: its caption (the grid's line gap separates it from
        the body), or one empty row when there is no caption."""
        rows = self.caption.rows if self.caption else 0
        return rows if rows else 1

    @cached_property
    def caption_chars(self) -> int:
        """Characters of caption and credit (what is overset if the photo finds no room)."""
        path = self.profile.path
        return len(self.texts.get(f"{path}.photo.caption", "")) + len(self.texts.get(f"{path}.photo.credit", ""))

    @cached_property
    def caption_lines(self) -> int:
        """Lines of caption and credit (what is overset if the photo finds no room)."""
        return self.caption.rows if self.caption else 0

    @cached_property
    def caption(self) -> Block | None:
        return self._shared("caption", self._caption, self.photo_span)

    def _caption(self) -> Block | None:
        photo = self.profile.photo
        if photo is None:
            return None
        path = f"{self.profile.path}.photo.caption"
        text = self.texts.get(path, "")
        credit = self.texts.get(f"{self.profile.path}.photo.credit", "")
        if not text and not credit:
            return Block(0, ())
        block = text_block(self.ctx, text, "caption", self.photo_width, path) if text else Block(0, ())
        if credit:
            cpath = f"{self.profile.path}.photo.credit"
            cb = text_block(self.ctx, credit, "caption", self.photo_width, cpath, align="right")
            block = Block(block.rows + cb.rows, block.items + tuple(place(cb, 0, block.rows * self.ctx.leading)))
        return block

    def _quote(self) -> Block | None:
        q = self.profile.quote
        if q is None:
            return None
        ctx = self.ctx
        L = ctx.leading
        path = f"{self.profile.path}.quote.text"
        text = self.texts[path]
        shown, marks = quoted(ctx, text)
        # a readable measure: at most quote_span columns, centred between the module's rules
        measure = min(self.body_width, ctx.style.span_width(ctx.style.quote_span))
        inset = (self.body_width - measure) / 2
        size = ctx.role("quote").min_size if self.compact else None
        body = text_block(ctx, shown, "quote", measure, path, align="justify", size=size)
        items: list[Item] = [shift_source(i, -1, len(text)) if marks else i for i in place(body, inset, L)]
        rows = 1 + body.rows
        by = self.texts.get(f"{self.profile.path}.quote.by", "")
        if by:
            byb = text_block(ctx, "——" + by, "byline", measure, f"{self.profile.path}.quote.by", align="right")
            # the by-line's text is "——" + by: offsets shift by 2 so they index the field
            items += [shift_source(i, -2, len(by)) for i in place(byb, inset, rows * L)]
            rows += byb.rows
        weight = ctx.style.rules["module"]
        top_y = L / 2 - (L - ctx.style.body_size) / 2
        bottom_y = (rows + 0.5) * L - (L - ctx.style.body_size) / 2
        right = self.body_width
        items += [RuleItem(0, top_y, right, top_y, weight), RuleItem(0, bottom_y, right, bottom_y, weight)]
        return Block(rows + 1, tuple(items))

    # -- a vertical headline (竖题) ---------------------------------------------
    @cached_property
    def vctx(self) -> Context:
        """The context with vertical composition rules (numbers of 1–4 digits upright), one
        per context."""
        ctx = self.ctx
        found = ctx.memo.get(("vertical context",))
        if found is None:
            rules = ctx.rules.turned()
            found = ctx.memo[("vertical context",)] = Context(ctx.style, ctx.faces, rules)
        return found

    @cached_property
    def vhead_rates(self) -> tuple[float | None, float | None]:
        """The headline's length on one line, and the least length of its lines broken in two,
        per point of size (found once at the role's size: lengths scale with the size); None:
        it cannot be set so."""
        return self._shared("vhead rates", self._vhead_rates)

    def _vhead_rates(self) -> tuple[float | None, float | None]:
        r = self.ctx.role("headline")
        found = _lengths(self.vctx, self.texts[f"{self.profile.path}.headline"], r.size, 1)
        one = found[0] / r.size if found else None
        two = None
        if min(self.ctx.style.headline_lines, VLINES) > 1:
            base = self._vhead_base(2)
            two = base / r.size if base else None
        return one, two

    def _vhead_base(self, lines: int) -> float | None:
        """The least length of the headline's ``lines`` lines at the role's size (found once,
        a first guess at every other size)."""

        def least() -> float | None:
            found = _lengths(self.vctx, self.texts[f"{self.profile.path}.headline"], size, lines)
            return found[1] if found else None

        size = self.ctx.role("headline").size
        return self._shared("vhead base", least, lines)

    @cached_property
    def vhead_across(self) -> float:
        """The size the headline has across the module (the role's, capped for the span)."""
        size = self.ctx.role("headline").size
        largest = self.ctx.style.headline_sizes.get(self.span)
        return min(size, largest) if largest else size

    @cached_property
    def vhead_caps(self) -> tuple[float, float]:
        """The largest size of a vertical headline of one line, and of two: as many side by side
        as its grid column takes, 1.25 em apart, and no larger than the page banner at its least
        (a module's headline stays under the page's)."""
        banner = self.ctx.role("banner").min_size
        width = self.ctx.style.column_width
        return min(width, banner), min(width / (1 + VLINE_PITCH), banner)

    def vhead_plan(self, depth: float) -> VHead | None:
        """How the headline stands ``depth`` points deep: on one line where it fits at the size
        it has across or larger; else on two lines where they take a larger size than one; else
        on one line down to the role's minimum; at the largest whole point whose longest line
        fits the depth (None: no size fits)."""
        one_rate, two_rate = self.vhead_rates
        least = self.ctx.role("headline").min_size
        cap1, cap2 = self.vhead_caps
        one = _fit(one_rate, 1, depth, least, cap1)
        if one is not None and one.size >= min(self.vhead_across, cap1):
            return one
        two = _fit(two_rate, 2, depth, least, cap2)
        if two is not None and (one is None or two.size > one.size):
            return two
        return one

    def _depth(self, rows: int) -> float:
        """A module's depth in points, ``rows`` deep (to the foot of its last line's em box)."""
        return rows * self.ctx.leading - (self.ctx.leading - self.ctx.style.body_size)

    @cached_property
    def vhead_min_rows(self) -> int:
        """The fewest rows that hold the vertical headline (at its smallest size); a module
        of one column holds none."""
        return self._shared("vhead min rows", self._vhead_min_rows, self.span)

    def _vhead_min_rows(self) -> int:
        never = self.ctx.style.lines + 1
        if self.span < 2:
            return never
        one_rate, two_rate = self.vhead_rates
        least = self.ctx.role("headline").min_size
        cap1, cap2 = self.vhead_caps
        lengths = []
        if one_rate is not None and cap1 >= least:
            lengths.append(one_rate * least)
        if two_rate is not None and cap2 >= least:
            found = _lengths(self.vctx, self.texts[f"{self.profile.path}.headline"], least, 2, two_rate * least)
            if found is not None:
                lengths.append(found[1])
        return self.ctx.rows_for(min(lengths)) if lengths else never

    @cached_property
    def vhead_short(self) -> tuple[int, ...]:
        """The module depths (rows, up to the page's) at which the vertical headline, before it
        is spread, covers less than ``head_fill`` of the depth (breaks the headline rule)."""
        return self._shared("vhead short", self._vhead_short, self.span)

    def _vhead_short(self) -> tuple[int, ...]:
        fill = self.ctx.style.legibility.head_fill
        out = []
        for rows in range(self.vhead_min_rows, self.ctx.style.lines + 1):
            depth = self._depth(rows)
            plan = self.vhead_plan(depth)
            if plan is None or plan.length < fill * depth:
                out.append(rows)
        return tuple(out)

    def vhead_rows(self, shape: Shape) -> int:
        """The rows a vertical headline spans in a module of ``shape``: from its top to the foot
        of its text (the body's last row, or the quote's), at least as many as it needs."""
        return max(min(shape.rows, self.fixed_rows + shape.body_rows), self.vhead_min_rows)

    def vertical_size(self, shape: Shape) -> float:
        """The vertical headline's size in a module of ``shape`` (0: its headline is across)."""
        if not self.vertical:
            return 0.0
        return next(i.size for i in self.vhead_items(self.vhead_rows(shape)) if isinstance(i, TextItem))

    def vhead_items(self, rows: int) -> list[Item]:
        """The vertical headline spanning ``rows`` rows: its lines centred across its column,
        the first at the right from the top, a second ending at the foot, spread to the depth."""
        return list(self._shared("vhead", lambda: self._vhead_items(rows), self.span, rows))

    def _vhead_items(self, rows: int) -> tuple[Item, ...]:
        st = self.ctx.style
        depth = self._depth(rows)
        path = f"{self.profile.path}.headline"
        size, lines = self._vhead_lines(depth)
        lines = _spread(self.vctx, self.texts[path], lines, size, depth)
        pitch = VLINE_PITCH * size
        across = (len(lines) - 1) * pitch + size
        first = self.strip_x + (st.column_width + across) / 2 - size / 2  # the first line's centre
        font = self.ctx.role("headline").font
        items = []
        for k, ln in enumerate(lines):
            if not ln.runs:
                continue
            x = first - k * pitch
            item = TextItem(x, 0.0, font, size, ln.runs, "headline", path, ln.start, ln.end, vertical=True)
            if k and k == len(lines) - 1:  # the last of two ends at the foot (staggered)
                item = replace(item, baseline=max(0.0, depth - item.length))
            items.append(item)
        return tuple(items)

    def _vhead_lines(self, depth: float) -> tuple[float, tuple[Line, ...]]:
        """The headline's size and lines (unspread) ``depth`` points deep, as ``vhead_plan``
        says; a whole point smaller where the lines, broken, do not fit after all."""
        plan = self.vhead_plan(depth)
        least = self.ctx.role("headline").min_size
        size, count = (plan.size, plan.lines) if plan else (least, VLINES)
        text = self.texts[f"{self.profile.path}.headline"]
        while True:
            if count == 1:
                lines = self.vctx.lines(text, "headline", UNBROKEN, size=size, justify=False)
            else:
                lines = balanced_lines(self.vctx, text, "headline", depth, size)
            fits = len(lines) <= count and max((ln.natural for ln in lines), default=0.0) <= depth + EPS
            if fits or size <= least:
                return size, lines
            size = max(least, size - 1)

    @property
    def vertical_note(self) -> str:
        """Why a profile that asks for a vertical headline has none here ("": it has one, or
        did not ask)."""
        if self.vertical or self.profile.headline_vertical is not True or self.ctx.rules.vertical:
            return ""
        if self.span < 2:
            why = "a module of one column has no room for it"
        else:
            why = "it does not fit the page's depth even at its smallest size"
        return f"'{self.profile.id}': headline_vertical: true, but {why}: set across"

    # -- geometry -----------------------------------------------------------
    @cached_property
    def fixed_rows(self) -> int:
        """Rows that do not depend on the module height: headline, byline, quote."""
        return self.head.rows + self.byline.rows + (self.quote.rows if self.quote else 0)

    @cached_property
    def photo_range(self) -> tuple[int, int]:
        """Smallest and largest photo box heights, in rows."""
        if not self.photo_span:
            return 0, 0
        st = self.ctx.style
        lo, hi = st.photo_height_narrow if self.photo_span == 1 else st.photo_height
        L = self.ctx.leading
        return max(2, math.ceil(self.photo_width * lo / L)), max(2, math.floor(self.photo_width * hi / L))

    @cached_property
    def head_width(self) -> float:
        """The headline's longest line, in points (a vertical headline: the module's width,
        its rule is of the depth)."""
        if self.vertical:
            return self.width
        return max((i.right - i.x for i in self.head.items if isinstance(i, TextItem)), default=0.0)

    @cached_property
    def head_too_narrow(self) -> bool:
        if self.vertical:
            return False
        return self.span > 1 and self.head_width < self.ctx.style.legibility.head_fill * self.width

    def _lost(self, photo_rows: int) -> list[int]:
        """Rows each column loses at its top to the photo box and its caption."""
        if not self.photo_span or not photo_rows:
            return [0] * self.cols
        block = photo_rows + self.caption_rows
        return [block if c >= self.cols - self.photo_span else 0 for c in range(self.cols)]

    def _lost_memo(self, photo_rows: int) -> list[int]:
        """``_lost``, memoised (not to be changed)."""
        key = ("lost", photo_rows)
        found = self.geometry.get(key)
        if found is None:
            found = self.geometry[key] = self._lost(photo_rows)
        return found

    def natural_depth(self, photo_rows: int, lines: int | None = None) -> int:
        """The column height that holds the whole body (or its first ``lines``) around a
        photo box of ``photo_rows`` (0: none), columns balanced; never above the photo block."""
        key = ("depth", photo_rows, lines)
        found = self.geometry.get(key)
        if found is None:
            lost = self._lost(photo_rows)
            count = len(self.body) if lines is None else min(lines, len(self.body))
            found = self.geometry[key] = max(balanced_rows(count, self.cols, lost), max(lost), 1)
        return found

    def _legs(self, photo_rows: int, used: int) -> tuple[tuple[int, ...], int]:
        """Body lines in each column, columns ``used`` rows deep around the photo, and the
        lines placed (memoised: every depth below the text shares them)."""
        key = ("legs", photo_rows, used)
        found = self.geometry.get(key)
        if found is None:
            n = len(self.body)
            slots = balanced_slots(n, self._lost_memo(photo_rows), used)
            found = self.geometry[key] = (tuple([sl.rows for sl in slots]), min(n, capacity(slots)))
        return found

    def shape(self, rows: int, photo_rows: int, *, jumping: bool = False, photo_jumps: bool = False) -> Shape:
        """The module ``rows`` tall with a photo box ``photo_rows`` tall (0: no photo
        drawn). ``jumping``: text that does not fit continues on another page, so only
        the lines short of a legible first part count as overset (and a dropped photo's
        caption, unless ``photo_jumps``: the photo goes with the continued text)."""
        return self._shape_at(rows, photo_rows, jumping, photo_jumps)

    def _shape_at(self, rows: int, photo_rows: int, jumping: bool, photo_jumps: bool) -> Shape:
        """``shape``, its arguments by position (memoised)."""
        key = (rows, photo_rows, jumping, photo_jumps)
        found = self.shapes_memo.get(key)
        if found is None:
            found = self.shapes_memo[key] = self._shape(rows, photo_rows, jumping, photo_jumps)
        return found

    def _shape(self, rows: int, photo_rows: int, jumping: bool, photo_jumps: bool) -> Shape:
        depth = rows - self.fixed_rows
        caption_rows = self.caption_rows
        if depth < 1 or (photo_rows and photo_rows + caption_rows > depth):
            raise ValueError(f"module {self.profile.id}: {rows} rows cannot hold a {photo_rows}-row photo")
        if self.vertical and rows < self.vhead_min_rows:
            raise ValueError(f"module {self.profile.id}: {rows} rows cannot hold its vertical headline")
        n = len(self.body)
        used = min(depth, self.natural_depth(photo_rows))
        legs, placed = self._legs(photo_rows, used)
        photo_cells = (photo_rows + caption_rows) * self.photo_span if photo_rows else 0
        blank = self.cols * depth - photo_cells - placed
        overset = n - placed
        dropped = bool(self.photo_span and not photo_rows)
        if jumping:
            shown = min(n, self.ctx.style.legibility.min_leg * self.cols)
            overset = max(0, shown - placed) + (self.caption_lines if dropped and not photo_jumps else 0)
        elif dropped:
            overset += self.caption_lines
        full = jumping and placed < n
        key = ("broken", photo_rows, used, blank > self.cols, full)  # what _broken depends on, but the headline
        broken = self.geometry.get(key)
        if broken is None:
            broken = self.geometry[key] = self._broken(legs, self._lost_memo(photo_rows), blank, full=full, head=False)
        if self.head_too_narrow or (self.vertical and rows in self.vhead_short):
            broken += ("headline",)
        return Shape(rows, photo_rows, used, legs, overset, blank, placed, photo_cells, broken)

    def _broken(
        self, legs: tuple[int, ...], lost: list[int], blank: int, *, full: bool, head: bool = True
    ) -> tuple[str, ...]:
        """The legibility rules these legs break (``full``: columns run to the foot; ``head``:
        the headline's rule too, the last)."""
        rules = self.ctx.style.legibility
        under = [leg for leg, lo in zip(legs, lost) if lo] if 0 < self.photo_span < self.cols else []
        text = [leg for leg, lo in zip(legs, lost) if not lo or self.photo_span == self.cols]
        broken = []
        holding = [leg for leg in text if leg]
        if holding and not full and (max(holding) < rules.min_leg or min(holding) < rules.min_leg - 1):
            broken.append("short leg")
        if legs and max(legs) > rules.max_leg:
            broken.append("long leg")
        if blank > self.cols:
            broken.append("blank")
        held = [u for u in under if u]
        if held and (max(held) < rules.min_under_photo or min(held) < rules.min_under_photo - 1):
            broken.append("under photo")
        if head and self.head_too_narrow:
            broken.append("headline")
        return tuple(broken)

    def shape_list(
        self, *, pad: int = 0, overset: bool = False, jumping: bool = False, photo_jumps: bool = False
    ) -> tuple[Shape, ...]:
        """``shapes()`` as a tuple, memoised with the variant's measurements."""
        key = ("list", self.photo_range, pad, overset, jumping, photo_jumps)
        found = self.shapes_memo.get(key)
        if found is None:
            found = self.shapes_memo[key] = tuple(
                self.shapes(pad=pad, overset=overset, jumping=jumping, photo_jumps=photo_jumps)
            )
        return found

    def shapes(self, *, pad: int = 0, overset: bool = False, jumping: bool = False, photo_jumps: bool = False):
        """Every shape worth trying, several per height: each photo height at its natural
        depth and up to NEAR_PAD rows deeper; deeper still (to ``pad``), the largest
        photo; with ``overset``, shallower too with the smallest photo (text left over),
        and without the photo where it has no room; ``jumping``, every depth from a
        legible first part (min_leg lines a column) to the whole text."""
        lo, hi = self.photo_range
        photos = list(range(lo, hi + 1)) if self.photo_span else [0]
        near = min(pad, NEAR_PAD)
        smallest, largest = photos[0], photos[-1]
        fixed, at = self.fixed_rows, self._shape_at
        floor = self.vhead_min_rows - fixed if self.vertical else 0  # a vertical headline's depth
        for ph in photos:
            natural = max(self.natural_depth(ph), floor)
            for depth in range(natural, natural + near + 1):
                yield at(fixed + depth, ph, jumping, photo_jumps)
        deepest = max(self.natural_depth(largest), floor)
        for depth in range(deepest + near + 1, deepest + pad + 1):  # the same columns, white under them
            yield at(fixed + depth, largest, jumping, photo_jumps)
        if overset or jumping:
            block = smallest + self.caption_rows if smallest else 0
            first = max(block + 1, floor)
            if jumping:
                first = max(first, self.natural_depth(smallest, self.ctx.style.legibility.min_leg * self.cols))
            for depth in range(first, self.natural_depth(smallest)):
                yield at(fixed + depth, smallest, jumping, photo_jumps)
            if self.photo_span and jumping:  # the photo may go with the continued text
                legible = max(self.natural_depth(0, self.ctx.style.legibility.min_leg * self.cols), floor)
                for depth in range(legible, self.natural_depth(0)):
                    yield at(fixed + depth, 0, jumping, photo_jumps)
            elif self.photo_span:  # no room for the photo
                for depth in range(max(1, floor), block + 1):
                    yield at(fixed + depth, 0, jumping, photo_jumps)

    def layout(self, shape: Shape, *, mark_overset: bool = False, jump_to: int = 0) -> ModuleResult:
        """Lay the module out in ``shape`` (its height and photo size), at (0, 0). With
        ``jump_to`` (a 版次), text that does not fit continues there: the last line slot
        shows （下转第N版） and the result says where the text resumes."""
        ctx = self.ctx
        L = ctx.leading
        st = ctx.style
        rows = shape.rows
        n_photo, h_used = shape.photo_rows, shape.body_rows
        lost = self._lost(n_photo) if n_photo else [0] * self.cols
        placed, left = fill(len(self.body), balanced_slots(len(self.body), lost, h_used))
        jump_slot = None
        if jump_to and left and placed:  # the last line slot takes the jump line
            jump_slot = placed.pop()
            left += 1
        items: list[Item] = list(self.head.items)
        items += place(self.byline, 0, self.head.rows * L)
        top = (self.head.rows + self.byline.rows) * L
        col = st.column_width + st.gutter
        body_size = ctx.role("body").size
        for p in placed:
            bl = self.body[p.index]
            path = f"{self.profile.path}.body[{bl.para}]"
            items += line_items(
                ctx,
                (bl.line,),
                "body",
                body_size,
                st.column_width,
                "justify",
                path,
                [top + p.row * L + ASCENT * body_size],
                offset=bl.offset,
            )
            items[-1] = shift(items[-1], p.column * col, 0)
        if jump_slot is not None:
            path = f"{self.profile.path}.jump"
            jump = text_block(ctx, self.texts[path], "byline", st.column_width, path, align="right")
            items += place(jump, jump_slot.column * col, top + jump_slot.row * L)
        if n_photo:
            px = (self.cols - self.photo_span) * col
            ph = n_photo * L - (L - st.body_size)
            photo = self.profile.photo
            items.append(ImageItem(px, top, self.photo_width, ph, photo.file if photo else None, self.profile.name))
            items += place(self.caption, px, top + n_photo * L)  # type: ignore[arg-type]
            if self.caption and self.caption.rows:  # a hairline in the line gap closes the caption
                y = top + (n_photo + self.caption.rows) * L - (L - st.body_size) / 2
                items.append(RuleItem(px, y, px + self.photo_width, y, st.rules["hairline"]))
        if self.quote:
            items += place(self.quote, 0, top + h_used * L)
        overset = sum(bl.line.end - bl.line.start for bl in self.body[len(self.body) - left :]) if left else 0
        resume, jumped = None, 0
        if jump_slot is not None:  # continued elsewhere, photo and caption too if they found no room
            first = self.body[len(self.body) - left]
            resume, jumped, overset = (first.para, first.offset + first.line.start), overset, 0
        body_overset = overset
        if jump_slot is None and self.photo_span and not n_photo:
            overset += self.caption_chars
        if overset and mark_overset:
            dropped = "，图片未排入" if self.photo_span and not n_photo else ""
            items.append(MarkItem(0, (rows - 1) * L, self.body_width, L, f"超版 {overset} 字{dropped}"))
        dropped = bool(self.photo_span and not n_photo) and jump_slot is None
        ends: dict[int, int] = {}
        for p in placed:
            ends[p.column] = max(ends.get(p.column, -1), p.row)
        balance = max(ends.values()) - min(ends.values()) if ends else 0
        used_rows = min(rows, self.fixed_rows + h_used)
        if self.vertical:  # the body's columns beside the headline's, which spans their depth
            spanned = self.vhead_rows(shape)
            head = self.vhead_items(spanned)
            items = head + [shift(i, self.body_x, 0) for i in items] if self.body_x else head + items
            used_rows = max(used_rows, spanned)
        return ModuleResult(
            tuple(items), rows, used_rows, overset, n_photo, dropped, balance, resume, jumped, body_overset
        )


def _lengths(
    ctx: Context, text: str, size: float, lines: int, guess: float | None = None
) -> tuple[float, float] | None:
    """``text`` at ``size``: its length on one line, and the least length of line in which it
    breaks into at most ``lines`` lines (None: it has more lines even unbroken), found by
    bisection, or ``guess`` if the text breaks into so many lines at it."""
    one = ctx.lines(text, "headline", UNBROKEN, size=size, justify=False)
    if not one or len(one) > lines:
        return None
    hi = max(ln.natural for ln in one)
    if lines == 1 or len(one) > 1:
        return hi, hi
    natural, lo = hi, hi / lines
    if guess is not None and lo < guess < hi:
        if len(ctx.lines(text, "headline", guess, size=size, justify=False)) <= lines:
            return natural, guess
        lo = guess
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        if len(ctx.lines(text, "headline", mid, size=size, justify=False)) <= lines:
            hi = mid
        else:
            lo = mid
    longest = max(ln.natural for ln in ctx.lines(text, "headline", hi, size=size, justify=False))
    return natural, max(hi, longest)  # a piece that cannot break stands out of its measure


def _fit(rate: float | None, lines: int, depth: float, least: float, cap: float) -> VHead | None:
    """A vertical headline of ``lines`` lines whose longest is ``rate`` points long per point
    of size, at the largest whole point from ``least`` to ``cap`` that fits ``depth`` (None:
    none does)."""
    if rate is None or cap < least or rate * least > depth + EPS:
        return None
    size = float(max(least, min(cap, math.floor(depth / rate + 1e-9))))
    return VHead(size, lines, size * rate)


def _spread(ctx: Context, text: str, lines: tuple[Line, ...], size: float, depth: float) -> tuple[Line, ...]:
    """Vertical lines of ``text`` spread down ``depth``: the same space added after every
    character (every atom: an upright number, a Latin word) of each line, as justification
    adds it, so the longest line runs the whole depth."""
    gaps = [_atom_gaps(ctx, text, ln, size) for ln in lines]
    k = max(range(len(lines)), key=lambda i: lines[i].natural, default=None)
    if k is None or not gaps[k] or lines[k].natural >= depth - EPS:
        return lines
    extra = (depth - lines[k].natural) / gaps[k]
    out = []
    for ln, g in zip(lines, gaps):
        spread = _justified(ctx, text, ln, size, ln.natural + extra * g) if g else None
        out.append(spread or ln)
    return tuple(out)


def _justified(ctx: Context, text: str, ln: Line, size: float, measure: float) -> Line | None:
    """The headline's line ``ln`` justified to ``measure`` (None: it would break there)."""
    found = break_paragraph(
        text[ln.start : ln.end],
        size=size,
        measure=measure,
        metrics=ctx.face("headline"),
        rules=ctx.rules,
        justify_last=True,
    )
    if len(found) != 1:
        return None
    return replace(found[0], start=ln.start, end=ln.end)


def _atom_gaps(ctx: Context, text: str, ln: Line, size: float) -> int:
    """The places in line ``ln`` where justification adds space: between its atoms (a run
    justification spaces holds single characters; any other run is one atom)."""
    spread = _justified(ctx, text, ln, size, ln.natural + 1.0)
    if spread is None or not spread.justified:
        return 0
    return sum(len(r.text) if r.char_space > 0 else 1 for r in spread.runs) - 1


def _right_aligned(ctx: Context, lines, role: str, source: str, first_row: int, right: float) -> list[Item]:
    """Lines of one role ending at ``right``, from grid row ``first_row`` down."""
    return _aligned(ctx, lines, role, source, first_row, right, start=False)


def _left_aligned(ctx: Context, lines, role: str, source: str, first_row: int, left: float) -> list[Item]:
    """Lines of one role starting at ``left``, from grid row ``first_row`` down."""
    return _aligned(ctx, lines, role, source, first_row, left, start=True)


def _aligned(ctx: Context, lines, role: str, source: str, first_row: int, edge: float, *, start: bool) -> list[Item]:
    r = ctx.role(role)
    return [
        TextItem(
            edge if start else edge - ln.natural,
            (first_row + i) * ctx.leading + ASCENT * r.size,
            r.font,
            r.size,
            ln.runs,
            role,
            source,
            ln.start,
            ln.end,
        )
        for i, ln in enumerate(lines)
    ]


def quoted(ctx: Context, text: str) -> tuple[str, bool]:
    """A pull quote as shown, in quotation marks (the language's); and whether they were added."""
    if text.startswith(OPENING_QUOTES):
        return text, False
    left, right = ("「", "」") if ctx.rules.lang == "zh-Hant" else ("“", "”")
    return f"{left}{text}{right}", True


def shift_source(item: Item, delta: int, length: int) -> Item:
    """Shift a text item's source offsets (text shown with added marks), kept in the field."""
    if isinstance(item, TextItem):
        start = min(length, max(0, item.start + delta))
        end = min(length, max(0, item.end + delta))
        return replace(item, start=start, end=end)
    return item
