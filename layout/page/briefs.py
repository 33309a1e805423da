"""Briefs: short items set together as one module (stage 3).

Input: consecutive profiles that are short (or share a heading such as 留言板,
or were grouped by the editor), the group's heading, and the module's width
in columns. Output: for any height, the group's ``Shape`` (legs, blank,
overset, rules broken); for a chosen shape, its items.

Geometry: the heading once across the module (left, over a hairline), then
the items flowing through the columns, top to bottom, left to right: each
item's small head (its own headline, unless it is the group's heading;
centred), its
photo box one column wide with the caption, its text, its signature (role
and name, right-aligned); a hairline between items. Flow keeps a head with
its first lines, a paragraph's first two and last two lines together and the
signature with the last line; a hairline never starts or ends a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from layout.frame import ImageItem, Item, MarkItem, RuleItem, TextItem
from layout.model.content import Profile
from layout.page.blocks import Block, headline_block, line_items, place, text_block
from layout.page.context import ASCENT, Context
from layout.page.measure import ProfileStore, geometry_memo, group_store, profile_store
from layout.page.module import INDENT_EM, NEAR_PAD, BodyLine, Module, Shape, quoted, shift_source

OVERSET_ITEMS = 6  # a group of at most this many items may be cut short (text overset) at any depth
GAP_STRETCH = 2  # rows the space between two briefs may grow by, to fill a column
REFLOW_ROWS = 3  # a deeper module is flowed again down to this many rows below the natural depth
BRIEF_HEAD_LINES = 3  # an item's head takes at most this many lines (then it is set smaller, to its role's minimum)


@dataclass(frozen=True)
class Entry:
    """Rows of one piece: a block (head, photo caption, signature, quote), body lines, or a photo box."""

    kind: str  # "block", "lines", "photo", "rule"
    item: int  # the item's profile index
    rows: int
    block: Block | None = None
    lines: tuple[BodyLine, ...] = ()


@dataclass(frozen=True)
class Piece:
    """Rows that stay together in one column."""

    entries: tuple[Entry, ...]
    rule: bool = False  # a hairline between items: dropped at a column's top or foot
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", sum(e.rows for e in self.entries))

    @cached_property
    def photo_rows(self) -> int:
        """Rows of its photo boxes (counted once: an item's pieces are shared by its groups)."""
        return sum(e.rows for e in self.entries if e.kind == "photo")

    @cached_property
    def body_lines(self) -> int:
        """Its body lines."""
        return sum(len(e.lines) for e in self.entries)


@dataclass(frozen=True)
class Flowed:
    """The pieces placed in columns of one depth: (column, row, piece), and what is left."""

    placed: tuple[tuple[int, int, Piece], ...]
    left: tuple[Piece, ...]
    legs: tuple[int, ...]  # rows used in each column

    def gaps(self, columns: int) -> tuple[int, ...]:
        """Hairlines between items in each column."""
        out = [0] * columns
        for c, _, piece in self.placed:
            out[c] += piece.rule
        return tuple(out)

    def stretched(self, depth: int) -> Flowed:
        """The same flow with each column's spare rows (down to ``depth``) taken up by the
        space between its items: a hairline's row may grow by up to GAP_STRETCH rows,
        spread evenly, top of the column first."""
        gaps = self.gaps(len(self.legs))
        extra: dict[int, int] = {}  # placed index → rows added after it
        legs = list(self.legs)
        for c in range(len(self.legs)):
            rules = [k for k, (col, _, piece) in enumerate(self.placed) if col == c and piece.rule]
            spare = min(depth - self.legs[c], GAP_STRETCH * gaps[c])
            for k in range(spare):
                extra[rules[k % len(rules)]] = extra.get(rules[k % len(rules)], 0) + 1
            legs[c] += max(0, spare)
        placed: list[tuple[int, int, Piece]] = []
        col, shift = -1, 0
        for k, (c, row, piece) in enumerate(self.placed):
            if c != col:
                col, shift = c, 0
            grow = extra.get(k, 0)
            if grow:
                piece = replace(piece, entries=(replace(piece.entries[0], rows=piece.rows + grow),))
            placed.append((c, row + shift, piece))
            shift += grow
        return Flowed(tuple(placed), self.left, tuple(legs))


@dataclass(frozen=True)
class GroupResult:
    items: tuple[Item, ...]
    rows: int
    used_rows: int
    overset_chars: dict[int, int]  # by profile index: every character with no room
    overset_body: dict[int, int]  # ... of them, in its body text
    photos_dropped: frozenset[int]  # profile indexes whose photo found no room
    balance: int
    anchors: dict[str, tuple[float, float, float, float]]  # profile id → (x, y, width, height) of its first piece


def fits(rows: list[int], rules: list[bool], columns: int, depth: int) -> bool:
    """Do pieces of these rows (hairlines marked) fit ``columns`` columns ``depth`` deep? (``flow``, fast)"""
    return flow_legs(rows, rules, columns, depth)[2] == len(rows)


def flow_legs(rows: list[int], rules: list[bool], columns: int, depth: int) -> tuple[list[int], list[int], int]:
    """What ``flow`` does, in numbers only: the rows used and the hairlines in each column,
    and the index of the first piece left over (``len(rows)``: none)."""
    legs = [0] * columns
    gaps = [0] * columns
    col, row = 0, 0
    n = len(rows)
    for k in range(n):
        r = rows[k]
        if rules[k]:
            if row and row + r + (rows[k + 1] if k + 1 < n else 0) <= depth:
                row += r
                gaps[col] += 1
            continue
        if row + r > depth:
            col, row = col + 1, 0
            if col >= columns or r > depth:
                return legs, gaps, k
        row += r
        legs[col] = row
    return legs, gaps, n


def flow(pieces: tuple[Piece, ...], columns: int, depth: int) -> Flowed:
    """Pieces into ``columns`` columns ``depth`` rows deep, in order."""
    placed: list[tuple[int, int, Piece]] = []
    col, row = 0, 0
    legs = [0] * columns
    for k, piece in enumerate(pieces):
        if piece.rule:
            nxt = pieces[k + 1].rows if k + 1 < len(pieces) else 0
            if row and row + piece.rows + nxt <= depth:
                placed.append((col, row, piece))
                row += piece.rows
            continue  # at a column's top or foot the hairline is left out
        if row + piece.rows > depth:
            col, row = col + 1, 0
        if col >= columns or piece.rows > depth:
            return Flowed(tuple(placed), pieces[k:], tuple(legs))
        placed.append((col, row, piece))
        row += piece.rows
        legs[col] = row
    return Flowed(tuple(placed), (), tuple(legs))


class BriefGroup:
    """Short items as one module of ``span`` columns (1 to the style's ``briefs.columns``)."""

    def __init__(
        self,
        ctx: Context,
        profiles: tuple[Profile, ...],
        texts: dict[str, str],
        span: int,
        title: str,
        title_path: str,
        stores: tuple[ProfileStore, ...] | None = None,
    ) -> None:
        self.ctx = ctx
        self.profiles = profiles
        self.texts = texts
        self.span = span
        self.title = title
        self.title_path = title_path
        self.width = ctx.style.span_width(span)
        if stores is None:
            stores = tuple(profile_store(ctx, p, texts) for p in profiles)
        self.items = tuple(Module(ctx, p, texts, 1, None, store) for p, store in zip(profiles, stores))
        # the group's measurements, kept by value (measure.py): its members, width and heading
        heading = texts.get(title_path, "") if title_path else ""
        self.memo = group_store(stores, span, title, title_path, heading).memo("group")
        self.by_index = {md.profile.index: md for md in self.items}

    # -- parts --------------------------------------------------------------
    @cached_property
    def heading(self) -> Block:
        if not self.title:
            return Block(0, ())
        block = text_block(self.ctx, self.title, "brief_title", self.width, self.title_path, align="left")
        return Block(block.rows, block.items, block.lines, block.size)

    @cached_property
    def photo_range(self) -> tuple[int, int]:
        """Photo box heights (rows) for the items' one-column photos (0, 0: none has one)."""
        return next((md.photo_range for md in self.items if md.photo_span), (0, 0))

    def _head(self, md: Module) -> Block:
        """The item's small head, centred over its column in balanced lines."""
        path = f"{md.profile.path}.headline"
        width = self.ctx.style.column_width
        return headline_block(self.ctx, self.texts[path], "brief_head", width, path, max_lines=BRIEF_HEAD_LINES)

    def _quote(self, md: Module) -> Block | None:
        """A pull quote repeats the body: left out of a brief (noted); one that does not
        is set after the text, in quotation marks, so nothing is lost."""
        q = md.profile.quote
        if q is None:
            return None
        path = f"{md.profile.path}.quote.text"
        text = self.texts[path]
        body = "".join(self.texts[f"{md.profile.path}.body[{j}]"] for j in range(len(md.profile.body)))
        if text.strip("“”「」‘’") in body:
            return None  # noted by the makeup: the quote repeats the text
        shown, marks = quoted(self.ctx, text)
        width = self.ctx.style.column_width
        indent = INDENT_EM * self.ctx.role("caption").size  # a paragraph of its own
        block = text_block(self.ctx, shown, "caption", width, path, indent=indent)
        items = tuple(shift_source(i, -1, len(text)) for i in block.items) if marks else block.items
        rows = block.rows
        by_path = f"{md.profile.path}.quote.by"
        by_text = self.texts.get(by_path, "")
        if by_text:  # "——" + by: offsets shift by 2 so they index the field
            by = text_block(self.ctx, "——" + by_text, "byline", width, by_path, align="right")
            items += tuple(shift_source(i, -2, len(by_text)) for i in place(by, 0, rows * self.ctx.leading))
            rows += by.rows
        return Block(rows, items, block.lines, block.size)

    def dropped_quotes(self) -> list[str]:
        """Ids of the items whose pull quote is left out (it repeats their text)."""
        return [md.profile.id for md in self.items if md.profile.quote is not None and self._quote(md) is None]

    def _item_pieces(self, md: Module, photo_rows: int) -> tuple[Piece, ...]:
        """One item as pieces that stay together (shared by every group it may join)."""
        headline = self.texts.get(f"{md.profile.path}.headline", "")
        run_heading = self.texts.get(self.title_path, "") if self.title_path else ""  # (also in a continued part)
        shows_head = bool(headline) and headline not in (self.title, run_heading)
        memo = md.store.memo("brief pieces")
        key = (photo_rows, shows_head)
        if key not in memo:
            k = md.profile.index
            head = self._head(md) if shows_head else None
            quote = self._quote(md)
            lead: list[Entry] = [Entry("block", k, head.rows, head)] if head else []
            if md.photo_span and photo_rows:
                lead.append(Entry("photo", k, photo_rows))
                lead.append(Entry("block", k, md.caption_rows, md.caption))
            chunks = _chunks(md.body, k)
            tail: list[Entry] = [Entry("block", k, quote.rows, quote)] if quote else []
            tail.append(Entry("block", k, md.byline.rows, md.byline))
            chunks[0] = lead + chunks[0]
            chunks[-1] = chunks[-1] + tail
            memo[key] = tuple(Piece(tuple(c)) for c in chunks)
        return memo[key]

    def pieces(self, photo_rows: int) -> tuple[Piece, ...]:
        """Every item as pieces that stay together, hairlines between items."""
        cache = self.memo.setdefault("_pieces", {})
        if photo_rows not in cache:
            out: list[Piece] = []
            for md in self.items:
                if out:
                    out.append(Piece((Entry("rule", md.profile.index, 1),), rule=True))
                out += self._item_pieces(md, photo_rows)
            cache[photo_rows] = tuple(out)
        return cache[photo_rows]

    # -- geometry -----------------------------------------------------------
    @cached_property
    def fixed_rows(self) -> int:
        return self.heading.rows

    def natural_depth(self, photo_rows: int) -> int:
        """The least column depth that holds every item."""
        cache = self.memo.setdefault("_natural", {})
        if photo_rows not in cache:
            shared = self._geometry(photo_rows)
            if "natural" not in shared:
                shared["natural"] = self._natural_depth(photo_rows)
            cache[photo_rows] = shared["natural"]
        return cache[photo_rows]

    def _natural_depth(self, photo_rows: int) -> int:
        """``natural_depth``, found by bisection on the columns' depth."""
        pieces = self.pieces(photo_rows)
        rows = [p.rows for p in pieces]
        rules = [p.rule for p in pieces]
        total = sum(r for r, rule in zip(rows, rules) if not rule)
        lo = max(-(-total // self.span), max(rows))  # a lower bound; the whole run in one column fits
        hi = max(lo, sum(rows))
        while lo < hi:
            mid = (lo + hi) // 2
            if fits(rows, rules, self.span, mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _numbers(self, photo_rows: int) -> tuple[list[int], list[bool], list[int], list[int]]:
        """Per piece: its rows, whether it is a hairline, its photo rows and its body lines."""
        cache = self.memo.setdefault("_numbers_memo", {})
        if photo_rows not in cache:
            pieces = self.pieces(photo_rows)
            cache[photo_rows] = (
                [p.rows for p in pieces],
                [p.rule for p in pieces],
                [p.photo_rows for p in pieces],
                [p.body_lines for p in pieces],
            )
        return cache[photo_rows]

    def _fitted(self, depth: int, photo_rows: int) -> tuple[int, tuple[int, ...], int, int]:
        """The flow that fills columns ``depth`` deep best once stretched: flowed at its
        natural depth or a little deeper (REFLOW_ROWS), whichever leaves the least white.
        Returns the depth it is flowed at, the stretched legs, the photo rows set and the
        body lines (and pieces) left over. Shallower than the natural depth: cut short,
        text left over."""
        natural = self.natural_depth(photo_rows)
        rows, rules, photos, lines = self._numbers(photo_rows)
        # a few flows at and below the natural depth serve any deeper module (stretched; the rest is white)
        depths = range(natural, min(depth, natural + REFLOW_ROWS) + 1) if depth >= natural else (depth,)
        memo = self.memo.get("_legs_memo")
        if memo is None:
            memo = self.memo["_legs_memo"] = {}
        best = None
        n, whole = len(rows), depth >= natural
        for d in depths:
            found = memo.get((photo_rows, d))
            if found is None:
                found = memo[(photo_rows, d)] = flow_legs(rows, rules, self.span, d)
            legs, gaps, left = found
            if left < n and whole:
                continue
            stretched = tuple([leg + min(GAP_STRETCH * gap, depth - leg) for leg, gap in zip(legs, gaps)])
            white = self.span * depth - sum(stretched)
            if best is None or white < best[0]:
                lost = sum(lines[left:]) + (n - left)
                best = (white, d, stretched, sum(photos[:left]), lost)
        assert best is not None
        return best[1:]

    def flowed(self, rows: int, photo_rows: int) -> Flowed:
        """The items flowed for a module ``rows`` deep: balanced, then stretched by the
        space between items (or cut short, text left over)."""
        depth = rows - self.fixed_rows
        if depth < 1:
            raise ValueError(f"briefs {self.profiles[0].id}…: {rows} rows leave no room for the items")
        flowed_at = self._fitted(depth, photo_rows)[0]
        return flow(self.pieces(photo_rows), self.span, flowed_at).stretched(depth)

    def _geometry(self, photo_rows: int) -> dict:
        """The group's shapes (and natural depth) with photos ``photo_rows`` tall, kept by what
        they depend on: the pieces' rows, hairlines, photo rows and lines, the span, the
        heading's rows and the rules; shared across leadings (measure.geometry_memo)."""
        cache = self.memo.setdefault("_geometry", {})
        found = cache.get(photo_rows)
        if found is None:
            numbers = tuple(tuple(column) for column in self._numbers(photo_rows))
            rules = self.ctx.style.legibility
            found = cache[photo_rows] = geometry_memo("briefs", photo_rows, self.span, self.fixed_rows, rules, numbers)
        return found

    def shape(self, rows: int, photo_rows: int) -> Shape:
        memo = self._geometry(photo_rows)
        found = memo.get(rows)
        if found is None:
            found = memo[rows] = self._shape(rows, photo_rows)
        return found

    def _shape(self, rows: int, photo_rows: int) -> Shape:
        depth = rows - self.fixed_rows
        if depth < 1:
            raise ValueError(f"briefs {self.profiles[0].id}…: {rows} rows leave no room for the items")
        _, legs, photos, left = self._fitted(depth, photo_rows)
        used = sum(legs)
        blank = self.span * depth - used
        broken = self._broken(legs, blank)
        return Shape(rows, photo_rows, max(legs), legs, left, blank, used, photos, broken)

    def _broken(self, legs: tuple[int, ...], blank: int) -> tuple[str, ...]:
        """Briefs may be short (a single nib), but several columns of them are no strip."""
        rules = self.ctx.style.legibility
        broken = []
        held = [leg for leg in legs if leg]
        if self.span > 1 and held and (max(held) < rules.min_leg or min(held) < rules.min_leg - 1):
            broken.append("short leg")
        if held and max(held) > rules.max_leg:
            broken.append("long leg")
        if blank > self.span:
            broken.append("blank")
        return tuple(broken)

    def shapes(self, *, pad: int = 0, overset: bool = False):
        """Every shape worth trying, as for a module: each photo height from its natural depth
        to as deep as the space between items can take and NEAR_PAD rows more; deeper still
        (to ``pad``), the largest photo; with ``overset``, shallower with the smallest."""
        lo, hi = self.photo_range
        photos = list(range(lo, hi + 1)) if hi else [0]
        gaps = GAP_STRETCH * -(-(len(self.items) - 1) // self.span)
        near = min(pad, NEAR_PAD)
        for ph in photos:
            natural = self.natural_depth(ph)
            for depth in range(natural, natural + gaps + near + 1):
                yield self.shape(self.fixed_rows + depth, ph)
        deepest = self.natural_depth(photos[-1]) + gaps + near
        if pad > near:  # deeper still: the same columns, and white under them
            base = self.shape(self.fixed_rows + deepest, photos[-1])
            for extra in range(1, pad - near + 1):
                blank = base.blank_cells + self.span * extra
                broken = self._broken(base.legs, blank)
                yield replace(base, rows=base.rows + extra, blank_cells=blank, broken=broken)
        if overset and len(self.items) <= OVERSET_ITEMS:  # (a longer run is overset as shorter groups)
            for depth in range(1, self.natural_depth(photos[0])):
                yield self.shape(self.fixed_rows + depth, photos[0])

    # -- items --------------------------------------------------------------
    def layout(self, shape: Shape, *, mark_overset: bool = False) -> GroupResult:
        ctx, st = self.ctx, self.ctx.style
        L = ctx.leading
        items: list[Item] = list(self.heading.items)
        if self.heading.rows:
            y = self.heading.rows * L - (L - st.body_size) / 2
            items.append(RuleItem(0, y, self.width, y, st.rules["hairline"]))
        f = self.flowed(shape.rows, shape.photo_rows)
        col_step = st.column_width + st.gutter
        top = self.fixed_rows * L
        anchors: dict[str, tuple[float, float, float, float]] = {}
        for col, row, piece in f.placed:
            items += self._piece_items(piece, col * col_step, top + row * L)
            pid = self.by_index[piece.entries[0].item].profile.id
            if pid not in anchors and not piece.rule:
                anchors[pid] = (col * col_step, top + row * L, st.column_width, piece.rows * L - (L - st.body_size))
        overset: dict[int, int] = {}
        body: dict[int, int] = {}
        dropped = frozenset(e.item for piece in f.left for e in piece.entries if e.kind == "photo")
        for piece in f.left:  # every character with no room is counted: text, heads, captions, signatures
            for e in piece.entries:
                if e.kind == "lines":
                    chars = sum(bl.line.end - bl.line.start for bl in e.lines)
                    body[e.item] = body.get(e.item, 0) + chars
                else:
                    # the field's characters, not the marks and dashes the layout adds around them
                    block = e.block.items if e.block else ()
                    chars = sum(i.end - i.start for i in block if isinstance(i, TextItem))
                overset[e.item] = overset.get(e.item, 0) + chars
        if f.left and mark_overset:
            total = sum(overset.values())
            items.append(MarkItem(0, (shape.rows - 1) * L, self.width, L, f"超版 {total} 字"))
        ends = [leg for leg in f.legs if leg]
        balance = max(ends) - min(ends) if ends else 0
        used = self.fixed_rows + max(f.legs)
        return GroupResult(tuple(items), shape.rows, used, overset, body, dropped, balance, anchors)

    def _piece_items(self, piece: Piece, x: float, y: float) -> list[Item]:
        ctx, st = self.ctx, self.ctx.style
        L = ctx.leading
        out: list[Item] = []
        for e in piece.entries:
            md = self.by_index[e.item]
            if e.kind == "rule":
                ry = y + e.rows * L / 2 - (L - st.body_size) / 2
                out.append(RuleItem(x, ry, x + st.column_width, ry, st.rules["hairline"]))
            elif e.kind == "photo":
                ph = e.rows * L - (L - st.body_size)
                photo = md.profile.photo
                out.append(ImageItem(x, y, st.column_width, ph, photo.file if photo else None, md.profile.name))
            elif e.kind == "lines":
                out += self._lines(md, e.lines, x, y)
            elif e.block is not None:
                out += place(e.block, x, y)
            y += e.rows * L
        return out

    def _lines(self, md: Module, lines: tuple[BodyLine, ...], x: float, y: float) -> list[Item]:
        ctx, st = self.ctx, self.ctx.style
        size = ctx.role("body").size
        out: list[Item] = []
        for r, bl in enumerate(lines):
            path = f"{md.profile.path}.body[{bl.para}]"
            baseline = y + r * ctx.leading + ASCENT * size
            got = line_items(ctx, (bl.line,), "body", size, st.column_width, "justify", path, [baseline], bl.offset)
            out += place(Block(1, tuple(got)), x, 0)
        return out


def _chunks(body: list[BodyLine], item: int) -> list[list[Entry]]:
    """A brief's body lines in pieces that stay together: each paragraph's first two and
    last two lines (no single line of a paragraph alone at a column's top or foot)."""
    chunks: list[list[Entry]] = []
    paras: list[list[BodyLine]] = []
    for bl in body:
        if not paras or paras[-1][-1].para != bl.para:
            paras.append([])
        paras[-1].append(bl)
    for para in paras:
        k = len(para)
        if k <= 3:
            cuts = [para]
        else:
            cuts = [para[:2], *([bl] for bl in para[2 : k - 2]), para[k - 2 :]]
        chunks += [[Entry("lines", item, len(c), lines=tuple(c))] for c in cuts]
    return chunks
