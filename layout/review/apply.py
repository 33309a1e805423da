"""Reviewers' edits back into the YAML (review stage, ``comments --apply``).

Input: the comments of a reviewed draft (``comments.py``), each an unambiguous
edit or not: an insertion (a caret with the text to insert), a deletion (a
strike-out), a replacement (the two grouped), at offsets in a field's
normalised text. Output: for each YAML file touched, its text with the edits
made in the file's own characters (``yaml_edit.py`` maps the offsets through
punctuation normalisation and YAML quoting), a unified diff, and the list of
what was applied, what was refused and why (the text is no longer there, the
place is ambiguous, the YAML would not read back as intended), plus the other
comments as a checklist per profile. Every edit is checked by loading the
edited YAML as a page again: the field must read exactly as intended and every
other text of the page unchanged, else the edit is refused and the file is left
as it was.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from layout.errors import InputError

DONE_STATES = {"accepted", "completed", "rejected", "cancelled"}  # review states that close a comment
REFUSED_STATES = {"rejected", "cancelled"}  # an edit the reviewers turned down is not applied


@dataclass(frozen=True)
class Edit:
    """One edit at offsets of a field's normalised text (start == end: an insertion)."""

    kind: str  # insert, delete, replace
    old: str
    new: str
    source: str  # YAML path, e.g. profiles[3].body[2] (or p1.yaml#profiles[3].body[2])
    start: int
    end: int
    file: str
    line: int | None = None
    before: str = ""  # an insertion: the characters shown just before and after its point
    after: str = ""  # (checked, so an insertion already made is not made twice)


@dataclass
class Outcome:
    comment: str  # the comment's id
    author: str
    edit: Edit
    applied: bool
    reason: str = ""  # why refused


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    checklist: list[Any] = field(default_factory=list)  # comments that are not edits
    patches: dict[str, str] = field(default_factory=dict)  # YAML file → unified diff
    texts: dict[str, str] = field(default_factory=dict)  # YAML file → edited text
    written: list[Path] = field(default_factory=list)


def edit_of(comment: Any) -> Edit | None:
    """The comment's edit: the reader's ``edit`` if it gives one, else a caret with text
    (insert) or a strike-out (delete) on one stretch of one field."""
    given = getattr(comment, "edit", None)
    if given is not None:
        edit = Edit(given.kind, given.old, given.new, given.source, given.start, given.end, given.file, given.line)
    else:
        edit = _derived(comment)
    if edit is not None and edit.start == edit.end and "‸" in comment.quoted:
        before, after = comment.quoted.split("‸", 1)
        return replace(edit, before=before[-2:], after=after[:2])
    return edit


def _derived(comment: Any) -> Edit | None:
    places = comment.places
    if comment.kind not in ("Caret", "StrikeOut") or len(places) != 1 or getattr(comment, "where", "text") != "text":
        return None
    p = places[0]
    if comment.kind == "Caret" and comment.text.strip() and p.start == p.end:
        return Edit("insert", "", comment.text.strip(), p.source, p.start, p.start, p.file, p.line)
    if comment.kind == "StrikeOut" and p.end > p.start:
        return Edit("delete", p.text, "", p.source, p.start, p.end, p.file, p.line)
    return None


def comment_id(comment: Any) -> str:
    return str(getattr(comment, "id", "") or getattr(comment, "ref", ""))


def apply_comments(comments: list, *, in_place: bool = False, base: Path | None = None) -> Result:
    """Plan, make and write the edits of ``comments``: ``NAME.reviewed.patch`` and
    ``NAME.reviewed.yaml`` beside each YAML file touched (or, ``in_place``, the file
    itself, atomically, and the patch). ``base``: where to look for a YAML file the map
    names by a relative path that is not found from the current folder (the PDF's)."""
    result = plan(comments, base)
    write(result, in_place=in_place)
    return result


def plan(comments: list, base: Path | None = None) -> Result:
    """The edits made in memory, file by file, each checked; nothing written."""
    result = Result()
    by_file: dict[str, list[tuple[Any, Edit]]] = {}
    for c in comments:
        edit = edit_of(c)
        if edit is None:
            result.checklist.append(c)
        elif c.state.lower() in REFUSED_STATES:
            result.outcomes.append(Outcome(comment_id(c), c.author, edit, False, f"{c.state} by the reviewers"))
        else:
            by_file.setdefault(str(_found(edit.file, base)), []).append((c, edit))
    for file, edits in by_file.items():
        _plan_file(Path(file), edits, result)
    return result


def _found(file: str, base: Path | None) -> Path:
    """The YAML file a map names: as written (relative to the current folder), else
    relative to ``base``; resolved, so one file is edited once."""
    path = Path(file)
    if not path.is_file() and base is not None and (base / path).is_file():
        path = base / path
    return path.resolve() if path.is_file() else path


def _plan_file(path: Path, edits: list[tuple[Any, Edit]], result: Result) -> None:
    """Apply one file's edits one by one (last in the text first), keeping each that checks."""
    from layout.model.source import read_text

    try:
        original = read_text(path)
    except InputError as exc:
        for c, edit in edits:
            reason = f"the YAML file cannot be read ({exc.message}): run from the folder the draft was made in"
            result.outcomes.append(Outcome(comment_id(c), c.author, edit, False, reason))
        return
    text = original
    order = sorted(edits, key=lambda ce: (ce[1].source, ce[1].start, ce[1].end), reverse=True)
    taken: list[Edit] = []
    for c, edit in order:
        clash = next((t for t in taken if _overlaps(t, edit)), None)
        if clash is not None:
            reason = f"ambiguous: overlaps another edit at {clash.start}–{clash.end} of the same field"
            result.outcomes.append(Outcome(comment_id(c), c.author, edit, False, reason))
            continue
        try:
            text = edit_text(path, text, edit)
        except InputError as exc:
            result.outcomes.append(Outcome(comment_id(c), c.author, edit, False, exc.message))
            continue
        taken.append(edit)
        result.outcomes.append(Outcome(comment_id(c), c.author, edit, True))
    if text != original:
        name = path.name
        diff = difflib.unified_diff(original.splitlines(True), text.splitlines(True), name, name)
        result.patches[str(path)] = "".join(diff)
        result.texts[str(path)] = text


def _overlaps(a: Edit, b: Edit) -> bool:
    if _field(a.source) != _field(b.source):
        return False
    if a.start == a.end or b.start == b.end:  # an insertion clashes with an edit around or at its point
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


def _field(source: str) -> str:
    """The field's path in its own file: ``p1.yaml#profiles[3].body[2]`` → ``profiles[3].body[2]``."""
    return source.split("#", 1)[1] if "#" in source else source


def edit_text(path: Path, text: str, edit: Edit) -> str:
    """``text`` (the YAML file ``path``) with ``edit`` made, checked by reading it back as
    a page; an input error (the reason) if the edit cannot be made exactly."""
    from layout.review.yaml_edit import field_span, replace_span

    before = page_texts(path, text)
    key = _field(edit.source)
    current = before.get(key)
    if current is None:
        raise InputError(f"no text field {key} in {path.name}")
    if not 0 <= edit.start <= edit.end <= len(current) or current[edit.start : edit.end] != edit.old:
        found = current[edit.start : edit.end] if edit.end <= len(current) else ""
        raise InputError(f"the text has changed: «{found}» at {key} {edit.start}–{edit.end}, not «{edit.old}»")
    if not _in_context(current, edit):
        raise InputError(f"the text around the insertion point has changed (or it was made already) at {key}")
    start, end, new = _trimmed(edit)
    span = field_span(text, key, current, start, end)
    edited = replace_span(text, span, new)
    intended = _normalised(path, text, current[: edit.start] + edit.new + current[edit.end :])
    after = page_texts(path, edited)
    if after.get(key) != intended or {k: v for k, v in after.items() if k != key} != {
        k: v for k, v in before.items() if k != key
    }:
        raise InputError(f"the YAML would not read back as intended at {key}: not applied")
    return edited


def _in_context(current: str, edit: Edit) -> bool:
    """An insertion's point still has the characters shown around it (those of the field:
    not marks the layout adds before or after it)."""
    if edit.start != edit.end:
        return True
    before = edit.before[len(edit.before) - min(len(edit.before), edit.start) :]
    after = edit.after[: len(current) - edit.start]
    return current[: edit.start].endswith(before) and current[edit.start :].startswith(after)


def _trimmed(edit: Edit) -> tuple[int, int, str]:
    """The edit without the characters its old and new text share at either end, so the
    file keeps its own form of them (an ASCII comma the layout shows full-width)."""
    old, new = edit.old, edit.new
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return edit.start + head, edit.end - tail, new[head : len(new) - tail]


def page_texts(path: Path, text: str) -> dict[str, str]:
    """Every text of the page ``text`` (YAML of the file ``path``) as it is set: normalised."""
    from layout.render import normalized_texts

    return normalized_texts(_load(path, text))[0]


def _normalised(path: Path, text: str, value: str) -> str:
    """``value`` normalised as the page ``text`` normalises its texts."""
    from layout.lang.normalize import hant_quotes, normalize

    page = _load(path, text)
    if not page.normalize_punctuation:
        return value
    value = normalize(value)[0]
    return hant_quotes(value)[0] if page.lang == "zh-Hant" else value


def _load(path: Path, text: str):
    """The page of a YAML text, read as if it were the file ``path``."""
    from layout.model.content import load_page
    from layout.model.source import load_yaml

    with tempfile.TemporaryDirectory(prefix="banmian-apply-") as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        doc = load_yaml(copy)
    try:
        return load_page(path, _renamed(doc, path))
    except InputError as exc:
        raise InputError(f"the edited YAML does not load: {exc.message}") from None


def _renamed(doc: Any, path: Path) -> Any:
    return replace(doc, file=str(path))


def write(result: Result, *, in_place: bool) -> None:
    """The reviewed files beside each YAML file (or the file itself, ``in_place``)."""
    from layout.cli.files import write_atomic

    for file, text in result.texts.items():
        path = Path(file)
        patch = path.with_name(path.stem + ".reviewed.patch")
        write_atomic(patch, result.patches[file].encode())
        target = path if in_place else path.with_name(path.stem + ".reviewed.yaml")
        write_atomic(target, text.encode())
        result.written += [patch, target]


def as_markdown(result: Result, title: str) -> str:
    """What was applied and refused, and the other comments as a checklist per profile."""
    out = [f"# Reviewed edits from {title}", ""]
    for head, applied in (("Applied", True), ("Refused", False)):
        items = [o for o in result.outcomes if o.applied == applied]
        out += [f"## {head} ({len(items)})", ""]
        out += [_outcome_line(o) for o in items] or ["(none)"]
        out.append("")
    out += ["## To do: the other comments", ""]
    groups: dict[str, list[Any]] = {}
    for c in result.checklist:
        groups.setdefault(c.profile or "(page)", []).append(c)
    for profile, items in groups.items():
        out += [f"### {profile}", ""] + [_check_line(c) for c in items] + [""]
    if not groups:
        out += ["(none)", ""]
    return "\n".join(out).rstrip() + "\n"


def _outcome_line(o: Outcome) -> str:
    e = o.edit
    what = {"insert": f"insert «{e.new}»", "delete": f"delete «{e.old}»"}.get(e.kind, f"replace «{e.old}» by «{e.new}»")
    where = f"{Path(e.file).name}:{e.line}" if e.line else Path(e.file).name
    line = f"- {what} at `{e.source}` {e.start}–{e.end} ({where}; comment {o.comment} by {o.author or '?'})"
    return line + (f": {o.reason}" if o.reason else "")


def _check_line(c: Any) -> str:
    done = "x" if c.state.lower() in DONE_STATES else " "
    state = f" [{c.state}]" if c.state else ""
    place = next(iter(c.places), None)
    where = f" at `{place.source}` ({Path(place.file).name}:{place.line})" if place else ""
    text = f": {c.text}" if c.text else ""
    quoted = f" on “{c.quoted}”" if c.quoted else ""
    return f"- [{done}] {c.kind} by {c.author or '?'}, 第{c.number}版{where}{quoted}{text}{state}"


def as_json(result: Result) -> dict:
    from dataclasses import asdict

    return {
        "applied": [asdict(o) for o in result.outcomes if o.applied],
        "refused": [asdict(o) for o in result.outcomes if not o.applied],
        "checklist": [
            {"id": comment_id(c), "kind": c.kind, "state": c.state, "text": c.text, "profile": c.profile}
            for c in result.checklist
        ],
        "written": [str(p) for p in result.written],
    }
