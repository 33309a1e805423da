"""What changed between two proof rounds (review stage).

Input: the source maps of two drafts (``map.py``), old and new. Output: a list
of ``Change`` per profile (text edited in a field, with what was replaced,
inserted or deleted; a module moved or resized; text reflowed into different
lines) and, per page of the new draft, the boxes of the lines that differ, for
the picture ``make_pdf.py diff`` draws over the new page. Moved modules are
found from the maps' grid records (version 2: each module's columns, rows and
photo) with the reason the new round recorded (``--keep``), else from the
modules' boxes in points (version 1 maps).
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field


@dataclass
class Change:
    profile: str  # profile id, or "(page)" for headline, intro and furniture
    kind: str  # text, moved, reflowed, added, removed
    source: str  # YAML path of the field ("" for a module)
    detail: str  # what happened, in words
    old: str = ""
    new: str = ""
    where: str = ""  # the profile id, or 第N版 for a page's own field (an edition has several pages)
    reason: str = ""  # moved: why, as the new round recorded it (--keep), or "" when not recorded

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    marked: list[list[list[float]]] = field(default_factory=list)  # per new page: boxes of changed lines

    def by_profile(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for c in self.changes:
            out.setdefault(c.profile, []).append(c)
        return out


def _bare(source: str) -> str:
    """The field path without a continuation's file prefix (page1.yaml#profiles[3]… → profiles[3]…)."""
    return source.split("#", 1)[1] if "#" in source else source


def _key(line: dict, number: int) -> tuple[str, str]:
    """A field across rounds and pages: a profile's field by the profile's id (ids stay
    the same between rounds; continued text counts with its profile), a page's own
    field (headline, intro) by the page's 版次. Returns (where, YAML path)."""
    path = _bare(line["source"])
    if line["profile"]:
        return line["profile"], path
    return f"第{number}版", path


def _fields(doc_map: dict) -> dict[tuple[str, str], tuple[str, str, list[tuple[int, str]]]]:
    """Per field: (profile, text as set, [(start, line text)…]) across all pages."""
    parts: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for page in doc_map["pages"]:
        for line in page["lines"]:
            if line["source"].endswith((".jump", ".jump_from")) or line["role"] in ("head", "head_paper"):
                continue  # jump lines and the running head are made, not content
            key = _key(line, page["number"])
            parts.setdefault(key, []).append((line["start"], line["text"], line["profile"]))
    out = {}
    for key, items in parts.items():
        items.sort(key=lambda t: t[0])
        profile = next((p for _, _, p in items if p), "")
        out[key] = (profile, "".join(t for _, t, _ in items), [(s, t) for s, t, _ in items])
    return out


def _modules(doc_map: dict) -> dict[str, tuple[int, list[float]]]:
    return {m["id"]: (page["number"], m["box"]) for page in doc_map["pages"] for m in page.get("modules", [])}


def _edits(old: str, new: str) -> str:
    ops = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "replace":
            ops.append(f"at {a0}: “{old[a0:a1]}” → “{new[b0:b1]}”")
        elif tag == "delete":
            ops.append(f"at {a0}: deleted “{old[a0:a1]}”")
        elif tag == "insert":
            ops.append(f"at {a0}: inserted “{new[b0:b1]}”")
    return "; ".join(ops)


def diff_maps(old: dict, new: dict) -> Diff:
    """Changes from ``old`` to ``new``, in the new draft's field order."""
    result = Diff()
    of, nf = _fields(old), _fields(new)
    for key in list(nf) + [k for k in of if k not in nf]:
        o, n = of.get(key), nf.get(key)
        profile = (n or o)[0] or "(page)"  # type: ignore[index]
        if o is None:
            result.changes.append(Change(profile, "added", key[1], "new field", "", n[1], key[0]))  # type: ignore[index]
        elif n is None:
            result.changes.append(Change(profile, "removed", key[1], "field no longer on the page", o[1], "", key[0]))
        elif o[1] != n[1]:
            result.changes.append(Change(profile, "text", key[1], _edits(o[1], n[1]), o[1], n[1], key[0]))
        elif [t for _, t in o[2]] != [t for _, t in n[2]]:
            counts = f"{len(o[2])} → {len(n[2])} lines" if len(o[2]) != len(n[2]) else f"{len(n[2])} lines"
            detail = f"same text, new line breaks ({counts})"
            result.changes.append(Change(profile, "reflowed", key[1], detail, where=key[0]))
    result.changes += _grid_moves(old, new)
    gridded = {c.profile for c in result.changes if c.kind == "moved"} | _gridded(old, new)
    om, nm = _modules(old), _modules(new)
    for mid, (number, box) in nm.items():
        if mid in om and om[mid] != (number, box) and mid not in gridded:
            before_page, before = om[mid]
            size_o = (round(before[2] - before[0]), round(before[3] - before[1]))
            size_n = (round(box[2] - box[0]), round(box[3] - box[1]))
            detail = f"module from 第{before_page}版 at ({before[0]:.0f}, {before[3]:.0f}) {size_o[0]}×{size_o[1]} pt"
            detail += f" to 第{number}版 at ({box[0]:.0f}, {box[3]:.0f}) {size_n[0]}×{size_n[1]} pt"
            result.changes.append(Change(mid, "moved", "", detail))
    old_lines = {(_key(ln, p["number"]), ln["start"], ln["text"]) for p in old["pages"] for ln in p["lines"]}
    for page in new["pages"]:
        result.marked.append(
            [ln["box"] for ln in page["lines"] if (_key(ln, page["number"]), ln["start"], ln["text"]) not in old_lines]
        )
    return result


def _grid(doc_map: dict) -> dict[str, tuple[int, tuple[int, int, int, int], str]]:
    """Per profile: (版次, its module's column, span, row, rows, photo) from a version 2 map."""
    out = {}
    for page in doc_map.get("pages", []):
        for u in (page.get("arrangement") or {}).get("units", []):
            for pid in u["ids"]:
                out[pid] = (page["number"], (u["column"], u["span"], u["row"], u["rows"]), u.get("photo", ""))
    return out


def _gridded(old: dict, new: dict) -> set[str]:
    """Profiles both maps record in grid units (their moves are the grid's, not the boxes')."""
    return set(_grid(old)) & set(_grid(new))


def _where(number: int, rect: tuple[int, int, int, int], photo: str) -> str:
    pic = f", photo {photo}" if photo else ""
    return f"第{number}版 columns {rect[0] + 1}–{rect[0] + rect[1]}, rows {rect[2] + 1}+{rect[3]}{pic}"


def _grid_moves(old: dict, new: dict) -> list[Change]:
    """Modules whose rectangle or photo changed between two maps with grid records, with the
    reason the new round recorded (its --keep moves), in the new round's order."""
    og, ng = _grid(old), _grid(new)
    reasons = {
        m["id"]: m["reason"] for p in new.get("pages", []) for m in (p.get("arrangement") or {}).get("moved", [])
    }
    out = []
    for pid, (number, rect, photo) in ng.items():
        if pid in og and og[pid] != (number, rect, photo):
            why = reasons.get(pid, "")
            detail = f"module from {_where(*og[pid])} to {_where(number, rect, photo)}" + (f": {why}" if why else "")
            out.append(Change(pid, "moved", "", detail, reason=why))
    return out


def as_markdown(d: Diff, old_name: str, new_name: str) -> str:
    out = [f"# Changes from {old_name} to {new_name}", ""]
    if not d.changes:
        return "\n".join([*out, "No changes.", ""])
    for profile, changes in d.by_profile().items():
        out.append(f"## {profile}")
        out.append("")
        for c in changes:
            where = f" `{c.source}`" if c.source else ""
            out.append(f"- **{c.kind}**{where}: {c.detail}")
        out.append("")
    moves = [c for c in d.changes if c.kind == "moved"]
    if moves:
        named = ", ".join(f"{c.profile} ({c.reason or 'no reason recorded'})" for c in moves)
        out.append(f"{len(moves)} module(s) moved: {named}.")
    lines = sum(len(m) for m in d.marked)
    out.append(f"{lines} line(s) of the new draft differ from the old one.")
    return "\n".join(out) + "\n"
