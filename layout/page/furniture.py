"""Page furniture (stage 3): what frames the module zone.

Input: a ``Page``, its normalised texts and a ``Context``. Output: items and
blocks for the running head (报眉) above the type area, the kicker, banner
headline and subhead, the intro set in wide columns, and the staff line
under the type area; the jump lines （下转第N版） and （上接第N版）.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.frame import Item, RuleItem, TextItem
from layout.lang.zh import JUMP_WORDS
from layout.model.content import Page
from layout.page.blocks import Block, headline_block, line_items, place, text_block
from layout.page.context import ASCENT, Context
from layout.page.module import INDENT_EM

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class TypeArea:
    """The type area on the trimmed page, in points (y down): what the running head
    stands over and the staff line under."""

    left: float
    top: float
    width: float
    height: float


def type_area(ctx: Context) -> TypeArea:
    st = ctx.style
    return TypeArea(st.left, st.top, st.type_width, st.type_height)


def date_text(page: Page) -> str:
    d = page.date
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def running_head(ctx: Context, page: Page, texts: dict[str, str], area: TypeArea | None = None) -> list[Item]:
    """The running head (报眉) over the type area (``area``: the style's, unless given)."""
    st = ctx.style
    a = area or type_area(ctx)
    y_rule = a.top - 0.6 * st.leading
    baseline = y_rule - 0.45 * st.leading
    items: list[Item] = [RuleItem(a.left, y_rule, a.left + a.width, y_rule, st.rules["module"])]
    parts = [
        ("head_paper", texts["paper"], "paper", "left"),
        ("head", date_text(page), "date", "center"),
        ("head_paper", f"第{page.page}版  {texts['section']}", "section", "right"),
    ]
    for role, text, source, align in parts:
        lines = ctx.lines(text, role, a.width, justify=False)[:1]
        offset = -(len(text) - len(texts["section"])) if source == "section" else 0
        for it in line_items(ctx, lines, role, ctx.role(role).size, a.width, align, source, [baseline]):
            assert isinstance(it, TextItem)
            items.append(
                TextItem(
                    it.x + a.left,
                    it.baseline,
                    it.font,
                    it.size,
                    it.runs,
                    it.role,
                    it.source,
                    max(0, it.start + offset),
                    max(0, it.end + offset),
                )
            )
    return items


def banner(ctx: Context, page: Page, texts: dict[str, str], columns: int = 0) -> Block:
    """Kicker, banner headline and subhead, centred over ``columns`` grid columns (0: all;
    fewer beside a block booked at a top corner)."""
    st = ctx.style
    w = st.span_width(columns or st.columns)
    items: list[Item] = []
    rows = 0
    kicker = text_block(ctx, texts["section"], "kicker", w, "section", align="center")
    items += place(kicker, 0, 0)
    rows += kicker.rows
    banner = headline_block(ctx, texts["headline"], "banner", w * 0.94, "headline", max_lines=1)
    if len(banner.items) > 1:
        banner = headline_block(ctx, texts["headline"], "banner", w * 0.94, "headline", max_lines=2)
    items += place(banner, w * 0.03, rows * st.leading)
    rows += banner.rows
    if texts.get("subhead"):
        sub = text_block(ctx, texts["subhead"], "subhead", w, "subhead", align="center")
        items += place(sub, 0, rows * st.leading)
        rows += sub.rows
    return Block(rows, tuple(items))


def intro(ctx: Context, page: Page, texts: dict[str, str], columns: int = 0) -> Block:
    """The intro in columns of ``intro_span`` grid columns, over ``columns`` of the grid
    (0: all), from the block's left; columns that do not divide evenly share the width."""
    st = ctx.style
    if not page.intro:
        return Block(0, ())
    columns = columns or st.columns
    span = max(1, min(st.intro_span, columns))
    ncols = columns // span
    width = (st.span_width(columns) - (ncols - 1) * st.gutter) / ncols  # intro columns share the width
    size = ctx.role("intro").size
    lines = []
    for j in range(len(page.intro)):
        path = f"intro[{j}]"
        lines += [(path, ln) for ln in ctx.lines(texts[path], "intro", width, indent=INDENT_EM * size)]
    ncols = min(ncols, len(lines))
    base, extra = divmod(len(lines), ncols)  # balanced: the first columns one line longer
    per_col = base + (1 if extra else 0)
    places = [(c, r) for c in range(ncols) for r in range(base + (1 if c < extra else 0))]
    items: list[Item] = []
    for (path, ln), (c, r) in zip(lines, places):
        x = c * (width + st.gutter)
        for it in line_items(ctx, (ln,), "intro", size, width, "justify", path, [r * st.leading + ASCENT * size]):
            items.append(
                TextItem(it.x + x, it.baseline, it.font, it.size, it.runs, it.role, it.source, it.start, it.end)
            )
    return Block(per_col, tuple(items))


def jump_text(kind: str, page: int, lang: str = "zh-Hans") -> str:
    """A jump line: （下转第2版） or （上接第1版）, in the page's script (（下轉第2版） for zh-Hant)."""
    return f"（{JUMP_WORDS.get(lang, {}).get(kind, kind)}第{page}版）"


def staff(ctx: Context, texts: dict[str, str], area: TypeArea | None = None) -> list[Item]:
    """The staff line (责任编辑) under the type area (``area``: the style's, unless given)."""
    a = area or type_area(ctx)
    text = texts.get("editor", "")
    if not text:
        return []
    lines = ctx.lines(text, "staff", a.width, justify=False)[:1]
    baseline = a.top + a.height + ctx.role("staff").size * 1.5
    return [
        TextItem(it.x + a.left, it.baseline, it.font, it.size, it.runs, it.role, it.source, it.start, it.end)
        for it in line_items(ctx, lines, "staff", ctx.role("staff").size, a.width, "right", "editor", [baseline])
        if isinstance(it, TextItem)
    ]
