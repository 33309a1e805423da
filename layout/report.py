"""The page report (after makeup): what an editor needs to know about a set page.

Input: a ``Rendered`` page. Output: text for the terminal (messages naming
file and line; a table with one line per module) and a JSON-ready dict: fill
of the module zone, the largest empty area, per-module balance, copyfit
adjustments, jumps to and from other pages, overset and what must be cut.
"""

from __future__ import annotations

from layout.render import Rendered

SHORT_PAGE_FILL = 0.98  # below this share of the module zone a page is reported short (缺稿)


def short_page(r: Rendered) -> str:
    """A warning when the modules leave much of the zone empty, with the shortfall."""
    m = r.makeup
    if m.fill >= SHORT_PAGE_FILL or m.overset:
        return ""
    empty = m.empty_cells
    chars = empty * r.style.chars
    band = (
        f" ({m.spare_rows} rows across the foot of the zone, {m.spare_rows * r.style.leading / 72 * 25.4:.0f} mm, "
        "are left as one empty band)"
        if m.spare_rows
        else ""
    )
    return (
        f"short page (缺稿): the modules fill {m.fill:.1%} of their zone (under {SHORT_PAGE_FILL:.0%}) with every "
        f"photo at most its largest; {empty} column-lines are empty{band}: add roughly {chars} characters of copy, "
        "another profile, or pick a smaller format"
    )


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
    """Font substitutions and jumps: what happened, for the record."""
    out = list(r.page.warnings) + list(r.style.warnings)  # unknown fields, ignored
    out += [f"{r.page.file}: note: {n}" for n in r.substitutions]
    out += [f"{n} (warning)" for n in r.photo_notes]
    if leading_note(r):
        out.append(f"{r.page.file}: note: {leading_note(r)}")
    for mod in r.makeup.modules:
        if mod.jump_to:
            out.append(
                f"{mod.file}:{mod.line}: profile '{mod.id}': {mod.jumped_chars} characters continue on "
                f"第{mod.jump_to}版 (下转)"
            )
        if mod.jump_from:
            out.append(f"{r.page.file}: '{mod.id}' continues from 第{mod.jump_from}版 (上接)")
    return out


def table(r: Rendered) -> str:
    """The page report as text: one line per module, in content order."""
    m = r.makeup
    head = f"{'profile':<20} {'cols':>9} {'rows':>9} {'photo':>12} {'empty':>6} {'balance':>7} {'overset':>8}  notes"
    lines = [f"第{r.page.page}版 {r.page.file}", head, "-" * len(head)]
    for mod in m.modules:
        if not mod.photo_span:
            photo = "-"
        elif mod.photo_dropped:
            photo = "dropped"
        elif not mod.photo_rows:
            photo = f"→第{mod.jump_to}版"  # goes with the continued text
        else:
            photo = f"{mod.photo_span}×{mod.photo_rows}"
        extra = [mod.copyfit] if mod.copyfit else []
        if mod.jump_to:
            extra.append(f"下转第{mod.jump_to}版 {mod.jumped_chars} chars")
        if mod.jump_from:
            extra.append(f"上接第{mod.jump_from}版")
        lines.append(
            f"{mod.id[:20]:<20} {mod.column + 1:>4}-{mod.column + mod.span:<4} {mod.row + 1:>4}+{mod.rows:<4} "
            f"{photo:>12} {mod.hole_cells:>6} {mod.balance:>7} {mod.overset_chars:>8}  {'; '.join(extra) or '-'}"
        )
    where, cells = m.largest_hole
    place = f" {where}" if where.startswith("(") else f" in {where}"
    lines.append(
        f"module zone: {m.zone_rows} rows, {m.fill:.1%} filled; largest empty area: {cells} column-lines{place}"
    )
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
        "spare_rows": m.spare_rows,
        "normalized_punctuation": dict(sorted(r.normalized.items())),
        "modules": [vars(mod) for mod in m.modules],
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
        "excess_cells": m.excess_cells,
        "jumps": [
            {"id": mod.id, "to": mod.jump_to, "characters": mod.jumped_chars} for mod in m.modules if mod.jump_to
        ],
        "warnings": [w for w in (short_page(r), *r.page.warnings, *r.style.warnings) if w],
        "substitutions": list(r.substitutions),
    }
