"""What changed between two proof rounds (review stage).

Input: the source maps of two drafts (``map.py``), old and new. Output: a list
of ``Change`` per profile and, per page of each round, the boxes to mark on its
picture (``Mark``: deleted and changed lines on the old page, inserted and
changed lines on the new, moved paragraphs and modules on both). Paragraphs of a
list field (``body``, ``intro``) are matched by text, so a paragraph moved to
another index or another profile is one ``paragraph-moved`` change and a deleted
or inserted one is one ``paragraph-deleted`` / ``paragraph-inserted``, not edits
of everything after it; an edited paragraph is reported sentence by sentence
(``SentenceEdit``: the sentences deleted and inserted, with the unchanged
sentence before and after), with the YAML line of the field in both rounds.
Moved modules are found from the maps' grid records (version 2: each module's
columns, rows and photo) with the reason the new round recorded (``--keep``),
else from the modules' boxes in points (version 1 maps), and are named by
profile (id and name) first. Vertical lines (竖排, map version 3) are compared
alike, by their text and boxes; a field set in the other writing mode with the
same text is ``reflowed`` ("now set vertically").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

LIST_ITEM = re.compile(r"^(?P<list>.+)\[(?P<index>\d+)\]$")  # profiles[3].body[2] → profiles[3].body, 2
SENTENCE = re.compile(r".+?(?:[。！？；…]+[”’」』）)]*|$)", re.S)
SHORT_EDIT = 40  # characters: up to this many changed, the detail spells the edits out
SIMILAR, SIMILAR_MOVED = 0.5, 0.75  # text ratios for "the same paragraph, edited" (in place / moved)

Key = tuple[str, str]  # (profile id or 第N版, YAML path)
Mark = tuple[list[float], str]  # (x0, y0, x1, y1) in PDF user space, kind: deleted inserted changed moved


@dataclass
class SentenceEdit:
    """Sentences of a paragraph deleted and inserted at one place, between two unchanged ones."""

    before: str  # the unchanged sentence before ("" at the paragraph's start)
    deleted: list[str]
    inserted: list[str]
    after: str  # the unchanged sentence after ("" at the paragraph's end)


@dataclass
class Change:
    profile: str  # profile id, or "(page)" for headline, intro and furniture
    kind: str  # text, moved, reflowed, added, removed, paragraph-moved, paragraph-deleted, paragraph-inserted
    source: str  # YAML path of the field in the new round (the old one when removed/deleted; "" for a module)
    detail: str  # what happened, in words
    old: str = ""
    new: str = ""
    where: str = ""  # the profile id, or 第N版 for a page's own field (an edition has several pages)
    reason: str = ""  # moved: why, as the new round recorded it (--keep), or "" when not recorded
    old_source: str = ""  # YAML path in the old round (differs from source for a moved paragraph)
    old_line: int | None = None  # YAML line of the field in the old round's file
    new_line: int | None = None  # … and in the new round's
    old_file: str = ""
    new_file: str = ""
    sentences: list[SentenceEdit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> str:
        """'round1.yaml:27 → round2.yaml:28' (what each round's YAML line is)."""
        old = f"{Path(self.old_file).name}:{self.old_line}" if self.old_file and self.old_line else ""
        new = f"{Path(self.new_file).name}:{self.new_line}" if self.new_file and self.new_line else ""
        return " → ".join(x for x in (old, new) if x) if old != new else new


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    marked: list[list[list[float]]] = field(default_factory=list)  # per new page: boxes of changed lines
    old_marks: list[list[Mark]] = field(default_factory=list)  # per old page
    new_marks: list[list[Mark]] = field(default_factory=list)  # per new page
    pairs: list[tuple[int | None, int]] = field(default_factory=list)  # (old page index, new page index) by 版次

    def by_profile(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for c in self.changes:
            out.setdefault(c.profile, []).append(c)
        return out


@dataclass
class _Field:
    """One field of a round: its text as set and the lines that set it."""

    key: Key
    profile: str
    text: str
    file: str
    line: int | None
    lines: list[tuple[int, dict]]  # (page index, map line), in text order

    @property
    def group(self) -> tuple[str, str] | None:
        """(where, list path) for a paragraph of a list field, else None."""
        m = LIST_ITEM.match(self.key[1])
        return (self.key[0], m.group("list")) if m else None


def _bare(source: str) -> str:
    """The field path without a continuation's file prefix (page1.yaml#profiles[3]… → profiles[3]…)."""
    return source.split("#", 1)[1] if "#" in source else source


def _key(line: dict, number: int) -> Key:
    """A field across rounds and pages: a profile's field by the profile's id (ids stay
    the same between rounds; continued text counts with its profile), a page's own
    field (headline, intro) by the page's 版次. Returns (where, YAML path)."""
    path = _bare(line["source"])
    if line["profile"]:
        return line["profile"], path
    return f"第{number}版", path


def _fields(doc_map: dict) -> dict[Key, _Field]:
    """Every field of a round, in the order its lines come on the pages."""
    parts: dict[Key, list[tuple[int, dict]]] = {}
    for index, page in enumerate(doc_map["pages"]):
        for line in page["lines"]:
            if line["source"].endswith((".jump", ".jump_from")) or line["role"] in ("head", "head_paper"):
                continue  # jump lines and the running head are made, not content
            parts.setdefault(_key(line, page["number"]), []).append((index, line))
    out = {}
    for key, items in parts.items():
        items.sort(key=lambda t: t[1]["start"])
        profile = next((ln["profile"] for _, ln in items if ln["profile"]), "")
        first = items[0][1]
        text = "".join(ln["text"] for _, ln in items)
        out[key] = _Field(key, profile, text, first.get("file", ""), first.get("line"), items)
    return out


def sentences(text: str) -> list[str]:
    """A paragraph cut after 。！？；… (and any closing quote or bracket after them)."""
    return [s for s in SENTENCE.findall(text) if s]


def sentence_edits(old: str, new: str) -> list[SentenceEdit]:
    """The sentences deleted and inserted from ``old`` to ``new``, each place with its neighbours."""
    a, b = sentences(old), sentences(new)
    out = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            before = a[a0 - 1] if a0 > 0 else ""
            after = a[a1] if a1 < len(a) else ""
            out.append(SentenceEdit(before, a[a0:a1], b[b0:b1], after))
    return out


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


def _spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges that differ, in the old and in the new text."""
    olds, news = [], []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            olds.append((a0, a1))
            news.append((b0, b1))
    return olds, news


def _text_detail(old: str, new: str, edits: list[SentenceEdit]) -> str:
    changed = sum(max(a1 - a0, b1 - b0) for (a0, a1), (b0, b1) in zip(*_spans(old, new)))
    if changed <= SHORT_EDIT:
        return _edits(old, new)
    gone = sum(len(e.deleted) for e in edits)
    came = sum(len(e.inserted) for e in edits)
    return f"{gone} sentence(s) deleted, {came} inserted, in {len(edits)} place(s)"


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _pair(of: dict[Key, _Field], nf: dict[Key, _Field]) -> dict[Key, tuple[Key, bool]]:
    """new key → (old key, moved): the same field of both rounds. Fields outside lists
    pair by key; paragraphs of a list by text: first in order within the list, then
    the same text anywhere (moved), then similar text in the list (edited in place),
    then very similar text anywhere (moved and edited)."""
    pairs: dict[Key, tuple[Key, bool]] = {k: (k, False) for k, f in nf.items() if f.group is None and k in of}
    groups: dict[tuple[str, str], tuple[list[Key], list[Key]]] = {}
    for side, fields in ((0, of), (1, nf)):
        for k, f in fields.items():
            if f.group is not None:
                groups.setdefault(f.group, ([], []))[side].append(k)
    for olds, news in groups.values():
        matcher = difflib.SequenceMatcher(None, [of[k].text for k in olds], [nf[k].text for k in news], autojunk=False)
        for i, j, n in matcher.get_matching_blocks():
            pairs.update({news[j + d]: (olds[i + d], False) for d in range(n)})
    _pair_left(of, nf, pairs, lambda o, n: o.text == n.text, moved=True)
    _pair_left(of, nf, pairs, lambda o, n: o.group == n.group and _similar(o, n, SIMILAR), moved=False)
    _pair_left(of, nf, pairs, lambda o, n: _similar(o, n, SIMILAR_MOVED), moved=True)
    return pairs


def _similar(o: _Field, n: _Field, at_least: float) -> bool:
    """Are two paragraphs' texts alike to ``at_least`` (difflib's ratio; cheap bounds first)?"""
    m = difflib.SequenceMatcher(None, o.text, n.text, autojunk=False)
    return m.real_quick_ratio() >= at_least and m.quick_ratio() >= at_least and m.ratio() >= at_least


def _pair_left(of: dict[Key, _Field], nf: dict[Key, _Field], pairs: dict, fits, *, moved: bool) -> None:
    """Pair the paragraphs still unpaired on both sides for which ``fits(old, new)``, in order."""
    taken = {o for o, _ in pairs.values()}
    for nk, n in nf.items():
        if nk in pairs or n.group is None:
            continue
        for ok, o in of.items():
            if ok not in taken and o.group is not None and fits(o, n):
                pairs[nk] = (ok, moved or o.group != n.group)
                taken.add(ok)
                break


def _change(o: _Field | None, n: _Field | None, moved: bool) -> Change | None:
    """The change from one round's field to the other's (None: the same, set alike)."""
    f = n or o
    assert f is not None
    c = Change(f.profile or "(page)", "", f.key[1], "", where=f.key[0])
    if o is not None:
        c.old, c.old_source, c.old_line, c.old_file = o.text, o.key[1], o.line, o.file
    if n is not None:
        c.new, c.new_line, c.new_file = n.text, n.line, n.file
    listed = f.group is not None
    if o is None or n is None:
        c.kind = ("paragraph-" if listed else "") + ("inserted" if o is None else "deleted")
        c.kind = {"inserted": "added", "deleted": "removed"}.get(c.kind, c.kind)
        size = f"{len(f.text)} characters: “{_short(f.text)}”"
        c.detail = {"added": "new field", "removed": "field no longer on the page"}.get(
            c.kind, f"paragraph {c.kind.split('-')[1]} ({size})"
        )
        return c
    if o.text != n.text:
        c.sentences = sentence_edits(o.text, n.text)
        c.detail = _text_detail(o.text, n.text, c.sentences)
    if moved:
        c.kind = "paragraph-moved"
        c.detail = f"paragraph moved from {_named(o)} to {_named(n)}" + (f"; {c.detail}" if c.detail else "")
        return c
    if o.text != n.text:
        c.kind = "text"
        return c
    if [ln["text"] for _, ln in o.lines] != [ln["text"] for _, ln in n.lines]:
        a, b = len(o.lines), len(n.lines)
        c.kind, c.old, c.new = "reflowed", "", ""
        c.detail = f"same text, new line breaks ({f'{a} → {b}' if a != b else b} lines)" + _turned(o, n)
        return c
    if _turned(o, n):
        c.kind, c.old, c.new = "reflowed", "", ""
        c.detail = f"same text and line breaks{_turned(o, n)}"
        return c
    return None


def _writing(f: _Field) -> str:
    """How a field's lines are set: "vertical", "horizontal", or "mixed"."""
    kinds = {bool(ln.get("vertical")) for _, ln in f.lines}
    return "mixed" if len(kinds) > 1 else "vertical" if kinds == {True} else "horizontal"


def _turned(o: _Field, n: _Field) -> str:
    """', now set vertically' (or horizontally) when the field's writing mode changed, else ''."""
    a, b = _writing(o), _writing(n)
    return "" if a == b else f", now set {'in mixed lines' if b == 'mixed' else b + 'ly'} (was {a})"


def _named(f: _Field) -> str:
    return f"{f.profile} `{f.key[1]}`" if f.profile else f"{f.key[0]} `{f.key[1]}`"


def diff_maps(old: dict, new: dict) -> Diff:
    """Changes from ``old`` to ``new``, in the new draft's field order (then what the old had
    and the new has not), then the modules moved; and the marks for both rounds' pictures."""
    result = Diff(
        old_marks=[[] for _ in old["pages"]],
        new_marks=[[] for _ in new["pages"]],
        pairs=_page_pairs(old, new),
    )
    of, nf = _fields(old), _fields(new)
    pairs = _pair(of, nf)
    paired_old = {ok for ok, _ in pairs.values()}
    steps = [(of[pairs[k][0]] if k in pairs else None, n, pairs.get(k, (k, False))[1]) for k, n in nf.items()]
    steps += [(o, None, False) for k, o in of.items() if k not in paired_old]
    for o, n, moved in steps:
        change = _change(o, n, moved)
        if change is not None:
            result.changes.append(change)
            _mark_fields(change, o, n, result)
    result.changes += _module_moves(old, new, result)
    result.marked = [[box for box, _ in marks] for marks in result.new_marks]
    return result


def _page_pairs(old: dict, new: dict) -> list[tuple[int | None, int]]:
    """Each new page with the old page of the same 版次 (else the same position, if any)."""
    numbers = {p["number"]: i for i, p in enumerate(old["pages"])}
    out = []
    for j, page in enumerate(new["pages"]):
        i = numbers.get(page["number"], j if j < len(old["pages"]) else None)
        out.append((i, j))
    return out


def _line_spans(f: _Field) -> list[tuple[int, int, int, dict]]:
    """(start, end, page index, line) of each line of a field, in offsets of its text as set."""
    out, at = [], 0
    for index, line in f.lines:
        out.append((at, at + len(line["text"]), index, line))
        at += len(line["text"])
    return out


def _touched(f: _Field, spans: list[tuple[int, int]]) -> list[tuple[int, dict]]:
    """The lines of a field holding any of ``spans`` (an empty span: the line at that point)."""
    out = []
    for s, e, index, line in _line_spans(f):
        if any((s <= a0 <= e) if a0 == a1 else (s < a1 and a0 < e) for a0, a1 in spans):
            out.append((index, line))
    return out


def _mark_fields(c: Change, o: _Field | None, n: _Field | None, d: Diff) -> None:
    """Mark a field's change: deleted and changed lines on the old page, inserted and changed on the new."""
    if c.kind == "reflowed":
        return
    if c.kind == "text" and o is not None and n is not None:
        old_spans, new_spans = _spans(o.text, n.text)
        olds, news, kind = _touched(o, old_spans), _touched(n, new_spans), "changed"
    else:
        olds, news = (o.lines if o else []), (n.lines if n else [])
        kind = "moved" if c.kind == "paragraph-moved" else ""
    for index, line in olds:
        d.old_marks[index].append((line["box"], kind or "deleted"))
    for index, line in news:
        d.new_marks[index].append((line["box"], kind or "inserted"))


def _modules(doc_map: dict) -> dict[str, tuple[int, int, list[float]]]:
    """Per module id: (page index, 版次, box in points)."""
    return {
        m["id"]: (i, page["number"], m["box"])
        for i, page in enumerate(doc_map["pages"])
        for m in page.get("modules", [])
    }


def _names(doc_map: dict) -> dict[str, str]:
    """Per profile id: the profile's name as set (its ``name`` field), for naming modules."""
    out: dict[str, str] = {}
    for page in doc_map["pages"]:
        for line in page["lines"]:
            if line["profile"] and _bare(line["source"]).endswith(".name"):
                out[line["profile"]] = out.get(line["profile"], "") + line["text"]
    return out


def _module_moves(old: dict, new: dict, d: Diff) -> list[Change]:
    """Modules moved: from the grid records where both rounds have them, else from the boxes;
    each named by profile first and outlined on both pages."""
    moves = _grid_moves(old, new)
    gridded = {c.profile for c in moves} | _gridded(old, new)
    om, nm = _modules(old), _modules(new)
    for mid, (_, number, box) in nm.items():
        if mid in om and om[mid][1:] != (number, box) and mid not in gridded:
            _, before_page, before = om[mid]
            size_o = (round(before[2] - before[0]), round(before[3] - before[1]))
            size_n = (round(box[2] - box[0]), round(box[3] - box[1]))
            detail = f"from 第{before_page}版 at ({before[0]:.0f}, {before[3]:.0f}) {size_o[0]}×{size_o[1]} pt"
            detail += f" to 第{number}版 at ({box[0]:.0f}, {box[3]:.0f}) {size_n[0]}×{size_n[1]} pt"
            moves.append(Change(mid, "moved", "", detail, where=mid))
    names = _names(new) | {k: v for k, v in _names(old).items() if k not in _names(new)}
    for c in moves:
        who = f"{c.profile} ({names[c.profile]})" if names.get(c.profile) else c.profile
        c.detail = f"{who}: module moved {c.detail}"
        if c.profile in om:
            d.old_marks[om[c.profile][0]].append((om[c.profile][2], "module"))
        if c.profile in nm:
            d.new_marks[nm[c.profile][0]].append((nm[c.profile][2], "module"))
    return moves


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


def _where(number: int, rect: tuple[int, int, int, int], photo: str, vertical: bool = False) -> str:
    """A module's place in grid units; on a vertical page the grid is transposed: its columns
    are bands (栏, from the top) and its rows vertical lines (from the right)."""
    pic = f", photo {photo}" if photo else ""
    across, down = ("bands", "lines") if vertical else ("columns", "rows")
    return f"第{number}版 {across} {rect[0] + 1}–{rect[0] + rect[1]}, {down} {rect[2] + 1}+{rect[3]}{pic}"


def _vertical_pages(doc_map: dict) -> set[int]:
    """The 版次 of pages set in vertical writing (most of their lines vertical)."""
    out = set()
    for page in doc_map.get("pages", []):
        lines = page.get("lines", [])
        if 2 * sum(1 for ln in lines if ln.get("vertical")) > len(lines):
            out.add(page["number"])
    return out


def _grid_moves(old: dict, new: dict) -> list[Change]:
    """Modules whose rectangle or photo changed between two maps with grid records, with the
    reason the new round recorded (its --keep moves), in the new round's order."""
    og, ng = _grid(old), _grid(new)
    ov, nv = _vertical_pages(old), _vertical_pages(new)
    reasons = {
        m["id"]: m["reason"] for p in new.get("pages", []) for m in (p.get("arrangement") or {}).get("moved", [])
    }
    out = []
    for pid, (number, rect, photo) in ng.items():
        if pid in og and og[pid] != (number, rect, photo):
            why = reasons.get(pid, "")
            before, after = _where(*og[pid], og[pid][0] in ov), _where(number, rect, photo, number in nv)
            detail = f"from {before} to {after}" + (f": {why}" if why else "")
            out.append(Change(pid, "moved", "", detail, where=pid, reason=why))
    return out


def as_markdown(d: Diff, old_name: str, new_name: str) -> str:
    out = [f"# Changes from {old_name} to {new_name}", ""]
    if not d.changes:
        return "\n".join([*out, "No changes.", ""])
    for profile, changes in d.by_profile().items():
        out += [f"## {profile}", ""]
        for c in changes:
            out += _markdown_change(c)
        out.append("")
    moves = [c for c in d.changes if c.kind == "moved"]
    if moves:
        named = ", ".join(f"{c.profile} ({c.reason or 'no reason recorded'})" for c in moves)
        out.append(f"{len(moves)} module(s) moved: {named}.")
    counts = {k: sum(1 for c in d.changes if c.kind == f"paragraph-{k}") for k in ("moved", "deleted", "inserted")}
    if any(counts.values()):
        out.append("Paragraphs: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n) + ".")
    lines = sum(len(m) for m in d.marked)
    out.append(f"{lines} line(s) of the new draft differ from the old one.")
    return "\n".join(out) + "\n"


def _markdown_change(c: Change) -> list[str]:
    """One change: kind, field, YAML lines of both rounds, detail; then its sentence edits."""
    where = f" `{c.source}`" if c.source and c.kind != "paragraph-moved" else ""
    lines = f" ({c.lines()})" if c.lines() else ""
    out = [f"- **{c.kind}**{where}{lines}: {c.detail}"]
    for e in c.sentences:
        out.append(f"  - after “{_short(e.before, 30)}”" if e.before else "  - at the start")
        out += [f"    - − {s}" for s in e.deleted] + [f"    - + {s}" for s in e.inserted]
        if e.after:
            out.append(f"    - then “{_short(e.after, 30)}”")
    return out
