"""The page report (after makeup): what an editor needs to know about a set page.

Input: a ``Rendered`` page. Output: text for the terminal (messages naming
file and line; a table with one line per module: its columns, legs, blank
cells, photo and the rules it could not meet) and a JSON-ready dict: fill of
the zone outside the open area, the open area with its size, the standard
space it can take and the copy that would fill it, per-module shapes,
copyfit, briefs, jumps, overset and what must be cut.
"""

from __future__ import annotations

from functools import cache

from layout.model.style import Style, load_style
from layout.page.makeup import UnitReport, fitting_space
from layout.page.module import RULES
from layout.render import Rendered
from layout.resources import styles_dir

SHORT_PAGE_FILL = 0.98  # below this share of the zone outside the open area a page is reported short


def _mm(st: Style, lines: int = 0, columns: int = 0) -> float:
    if columns:
        return st.span_width(columns) / 72 * 25.4
    return lines * st.leading / 72 * 25.4


def open_areas(r: Rendered) -> list[dict]:
    """The open area of a short page (largest first): where, how big, what it can take."""
    return [_area(r, a) for a in r.makeup.open_areas]


def open_area(r: Rendered) -> dict | None:
    """The (largest) open area of a short page."""
    areas = open_areas(r)
    return areas[0] if areas else None


def _area(r: Rendered, a) -> dict:
    st = r.style
    space = fitting_space(st, a)
    return {
        "column": a.column,
        "row": a.row,
        "columns": a.columns,
        "lines": a.rows,
        "mm": [round(_mm(st, columns=a.columns)), round(_mm(st, lines=a.rows))],
        "space": space.name if space else "",
        "characters": a.cells * st.chars,
        "smaller_format": smaller_format(r),
    }


def _cols(st: Style) -> str:
    """What the grid's columns are called: columns, or on a vertical page bands (栏, top to bottom)."""
    return "bands" if st.writing == "vertical" else "columns"


def smaller_format(r: Rendered) -> str:
    """A smaller built-in format the copy would fill (an estimate: the content's area in
    characters against that format's module zone), or ""."""
    m = r.makeup
    st = r.style
    usable = m.zone_rows * st.columns - sum(a.cells for a in m.open_areas) - _booked_zone_cells(m)
    used = max(0, usable - sum(u.blank_cells for u in m.units)) * st.chars
    for other in _builtin_styles():
        if other.name == st.name or other.page_width * other.page_height >= st.page_width * st.page_height:
            continue
        if other.writing != st.writing:  # a page in vertical writing is not offered a horizontal format
            continue
        zone = max(0, other.lines - m.zone_top) * other.columns * other.chars
        if used <= zone:
            return other.name
    return ""


def _booked_zone_cells(m) -> int:
    return sum(max(0, b.end - max(b.row, m.zone_top)) * b.columns for b in m.booked)


def booked(r: Rendered) -> list[dict]:
    """The blocks booked before the copy (ads): id, position, where on the type area's grid
    (0-based column and line), size in columns, lines and millimetres, artwork."""
    st, leading = r.style, r.makeup.leading or r.style.leading
    out = []
    for b in r.makeup.booked:
        height = (b.rows * leading - (leading - st.body_size)) / 72 * 25.4
        out.append(
            {
                "id": b.ad.id,
                "position": b.ad.position,
                "size": b.ad.size,
                "column": b.column,
                "row": b.row,
                "columns": b.columns,
                "lines": b.rows,
                "mm": [round(_mm(st, columns=b.columns)), round(height)],
                "file": str(b.ad.file) if b.ad.file else "",
                "line": b.line,
            }
        )
    return out


def _booked_line(b: dict) -> str:
    size = f" {b['size']}" if b["size"] else ""
    art = f"artwork {b['file']}" if b["file"] else "no artwork yet"
    return (
        f"booked '{b['id']}'{size} ({b['position']}): {b['columns']} columns × {b['lines']} lines from column "
        f"{b['column'] + 1}, line {b['row'] + 1} ({b['mm'][0]} × {b['mm'][1]} mm), {art}"
    )


@cache
def _builtin_styles() -> tuple[Style, ...]:
    return tuple(load_style(p) for p in sorted(styles_dir().glob("*.yaml")))


def short_page(r: Rendered) -> str:
    """A warning when the copy leaves an open area (or white) on the page, with its size."""
    m = r.makeup
    st = r.style
    if m.overset:
        return ""
    area = open_area(r)
    if area is None:
        if m.fill >= SHORT_PAGE_FILL:
            return ""
        white = sum(u.blank_cells for u in m.units) + m.white_cells
        return (
            f"short page (缺稿): the modules fill {m.fill:.1%} of their zone (under {SHORT_PAGE_FILL:.0%}); "
            f"{white} {_cols(st)[:-1]}-lines are white "
            f"({m.white_cells} of them in rows too few for an ad or a filler): "
            f"add about {white * st.chars} characters of copy, or a photo"
        )
    parts = []
    wheres = []
    for a in open_areas(r):
        where = _where(r, a)
        wheres.append(where)
        space = f", room for a standard {a['space']}" if a["space"] else ""
        parts.append(f"{a['columns']} {_cols(st)} × {a['lines']} lines ({a['mm'][0]} × {a['mm'][1]} mm) {where}{space}")
    characters = sum(a["characters"] for a in open_areas(r))
    smaller = area["smaller_format"]
    fmt = f"; the copy would fill a smaller {smaller} page (--style {smaller})" if smaller else ""
    two = " (in two parts: no arrangement with one open rectangle keeps every module legible)" if len(parts) > 1 else ""
    if len(parts) > 1 and m.booked and not any(p.endswith("beside the last modules") for p in wheres):
        two = f" (in {len(parts)} parts, around the booked blocks)"
    return (
        f"short page (缺稿): the copy leaves an open area of {' and '.join(parts)}{two}; about {characters} "
        f"characters of body copy, a filler or an ad would fill it{fmt}"
    )


def _where(r: Rendered, a: dict) -> str:
    """Where an open area lies, in words: on the foot (of the zone, or on a booked block), or
    beside the last modules."""
    m, st = r.makeup, r.style
    bottom = a["row"] + a["lines"]
    left, right = a["column"], a["column"] + a["columns"]
    on_block = any(
        b.row - m.zone_top == bottom + 1 and b.column < right and left < b.column + b.columns for b in m.booked
    )
    if bottom < m.zone_rows and not on_block:
        return "beside the last modules"
    if st.writing == "vertical":  # the zone's foot is the page's left edge, its columns run down
        return _where_vertical(a, st)
    if a["columns"] == st.columns:
        return "across the foot"
    if a["column"] == 0:
        return "at the bottom left"
    return "at the bottom right" if a["column"] + a["columns"] == st.columns else "on the foot"


def _where_vertical(a: dict, st: Style) -> str:
    """An open area at the end of a vertical page: its last lines, at the left edge."""
    if a["columns"] == st.columns:
        return "down the left edge"
    if a["column"] == 0:
        return "at the top left"
    return "at the bottom left" if a["column"] + a["columns"] == st.columns else "at the left edge"


def legibility_warnings(r: Rendered) -> list[str]:
    """One warning per module that breaks a legibility rule, naming it and the rule."""
    st = r.style.legibility
    cols = _cols(r.style)
    numbers = {
        "short leg": f"min_leg {st.min_leg}",
        "long leg": f"max_leg {st.max_leg}",
        "under photo": f"min_under_photo {st.min_under_photo}",
        "headline": f"head_fill {st.head_fill:g}",
        "blank": "one line per column",
    }
    out = []
    for u in r.makeup.broken:
        rules = "; ".join(f"{rule}: {RULES[rule]} ({numbers[rule]})" for rule in u.broken)
        why = (
            f"the editor's pins ({u.pins}) hold it there: relax them, or cut or add copy"
            if u.pins
            else "no arrangement of this copy avoids it: cut or add copy, or change the photo"
        )
        out.append(
            f"{u.file}:{u.line}: {_unit_name(u)} ({u.span} {cols} × {u.rows} lines, legs "
            f"{'/'.join(map(str, u.legs))}) breaks {rules}; {why}"
        )
    return out


def _unit_name(u: UnitReport) -> str:
    if not u.briefs:
        return f"profile '{u.ids[0]}'"
    heading = f" under '{u.title}'" if u.title else ""
    return f"briefs {', '.join(u.ids[:3])}{' …' if len(u.ids) > 3 else ''}{heading}"


def overset_messages(r: Rendered) -> list[str]:
    """One message per overset profile (file:line), and what the page lacks as a whole."""
    m = r.makeup
    out = []
    for mod in m.overset:
        photo = "; its photo box and caption do not fit either" if mod.photo_dropped else ""
        out.append(
            f"{mod.file}:{mod.line}: profile '{mod.id}': {mod.overset_chars} characters overset "
            f"(cut them, or give the page fewer profiles){photo}"
        )
    if m.overset and m.pins_overset:
        out.append(f"{r.page.file}: the page fits without the editor's pins (row, column, span, lead): relax them")
    if m.overset and m.excess_cells:
        out.append(
            f"{r.page.file}: the copy exceeds the page: even packed with no gaps and every headline, quote and "
            f"photo at its smallest, it needs {m.excess_cells} more column-lines than the module zone holds "
            f"(about {m.excess_cells * r.style.chars} characters of text, or photos); cut copy, a photo or a profile"
        )
    return out


def notes(r: Rendered) -> list[str]:
    """Font substitutions, briefs, jumps and copyfitting: what happened, for the record."""
    out = list(r.page.warnings) + list(r.style.warnings)  # unknown fields, ignored
    out += r.page.notes  # invisible characters removed from the copy
    out += [f"{r.page.file}: note: {n}" for n in r.substitutions]
    out += [f"{n} (warning)" for n in r.photo_notes]
    out += [f"{r.page.file}:{b['line']}: note: {_booked_line(b)}" for b in booked(r)]
    out += [f"{r.page.file}: note: {n}" for n in r.makeup.notes]
    out += [f"{r.page.file}: note: {line}" for line in moved(r)]
    if leading_note(r):
        out.append(f"{r.page.file}: note: {leading_note(r)}")
    if r.makeup.cut_short:
        out.append(
            f"{r.page.file}: note: the arrangement search stopped at its work bound: this page is the best it "
            "found, not necessarily the best there is"
        )
    for mod in r.makeup.modules:
        if mod.jump_to:
            out.append(
                f"{mod.file}:{mod.line}: profile '{mod.id}': {mod.jumped_chars} characters continue on "
                f"第{mod.jump_to}版 (下转)"
            )
        if mod.jump_from:
            out.append(f"{r.page.file}: '{mod.id}' continues from 第{mod.jump_from}版 (上接)")
    return out


def moved(r: Rendered) -> list[str]:
    """``--keep``: each module changed since the previous round, where it was and is, and why."""
    return [f"kept round: '{mv.id}' {mv.describe()}: {mv.reason}" for mv in r.makeup.moved]


def table(r: Rendered) -> str:
    """The page report as text: one line per module, in reading order."""
    m = r.makeup
    by_id = {mod.id: mod for mod in m.modules}
    head = (
        f"{'module':<24} {'cols':>9} {'rows':>9} {'photo':>8} {'legs':<18} {'blank':>5} {'overset':>7}  "
        "rules broken / notes"
    )
    lines = [f"第{r.page.page}版 {r.page.file}", head, "-" * len(head)]
    for u in m.units:
        mods = [by_id[i] for i in u.ids]
        name = u.ids[0] if len(u.ids) == 1 else f"{u.ids[0]} +{len(u.ids) - 1}"
        extra = list(u.broken)
        if u.briefs:
            extra.append(f"briefs{' ' + repr(u.title) if u.title else ''} ({u.why})")
        if u.vertical_headline:
            extra.append(f"竖题 {u.vertical_headline:g}pt")
        for mod in mods:
            if mod.copyfit:
                extra.append(mod.copyfit)
            if mod.jump_to:
                extra.append(f"下转第{mod.jump_to}版 {mod.jumped_chars} chars")
            if mod.jump_from:
                extra.append(f"上接第{mod.jump_from}版")
            if mod.photo_dropped:
                extra.append("photo dropped")
        legs = "/".join(map(str, u.legs))
        overset = sum(mod.overset_chars for mod in mods)
        lines.append(
            f"{name[:24]:<24} {u.column + 1:>4}-{u.column + u.span:<4} {u.row + 1:>4}+{u.rows:<4} "
            f"{u.photo or '-':>8} {legs[:18]:<18} {u.blank_cells:>5} {overset:>7}  {'; '.join(extra) or '-'}"
        )
    lines.append(f"module zone: {m.zone_rows} rows, {m.fill:.1%} filled outside the open area")
    for area in open_areas(r):
        space = f", can take {area['space']}" if area["space"] else ""
        lines.append(
            f"open area: {area['columns']} {_cols(r.style)} × {area['lines']} lines from {_cols(r.style)[:-1]} "
            f"{area['column'] + 1}, "
            f"line {area['row'] + 1} ({area['mm'][0]} × {area['mm'][1]} mm{space}; ≈{area['characters']} characters)"
        )
    lines += [_booked_line(b) for b in booked(r)]
    lines += moved(r)
    if leading_note(r):
        lines.append(leading_note(r))
    return "\n".join(lines)


def leading_note(r: Rendered) -> str:
    """Copyfitting by the leading, said plainly ("" when the style's leading was kept)."""
    m = r.makeup
    if not m.leading or m.leading == r.style.leading:
        return ""
    return f"copyfit: leading {m.leading:g} pt instead of the style's {r.style.leading:g} pt ({m.zone_rows} rows)"


def as_dict(r: Rendered) -> dict:
    m = r.makeup
    where, cells = m.largest_hole
    return {
        "page": str(r.page.file),
        "number": r.page.page,
        "style": r.style.name,
        "fill": round(m.fill, 4),
        "largest_hole": {"id": where, "cells": cells},
        "zone_rows": m.zone_rows,
        "leading": m.leading or r.style.leading,
        "style_leading": r.style.leading,
        "open_area": open_area(r),
        "open_areas": open_areas(r),
        "booked": booked(r),
        "normalized_punctuation": dict(sorted(r.normalized.items())),
        "modules": [vars(mod) for mod in m.modules],
        "units": [vars(u) for u in m.units],
        "overset": [
            {
                "id": mod.id,
                "file": mod.file,
                "line": mod.line,
                "characters": mod.overset_chars,
                "photo_dropped": mod.photo_dropped,
            }
            for mod in m.overset
        ],
        "broken": [{"ids": list(u.ids), "rules": list(u.broken), "legs": list(u.legs)} for u in m.broken],
        "excess_cells": m.excess_cells,
        "jumps": [
            {"id": mod.id, "to": mod.jump_to, "characters": mod.jumped_chars} for mod in m.modules if mod.jump_to
        ],
        "score": vars(m.score),
        "search": {"searches": m.searches, "cut_short": m.cut_short},
        "notes": list(m.notes),
        "moved": [mv.as_dict() for mv in m.moved],
        "warnings": [w for w in (short_page(r), *legibility_warnings(r), *r.page.warnings, *r.style.warnings) if w],
        "substitutions": list(r.substitutions),
    }
