"""Content model (stage 0).

Input: a page YAML file (see ``content/page.schema.json``).
Output: a frozen ``Page`` value with every field checked; an ``InputError``
naming file, line and field for anything wrong. No geometry, no fonts.

Strict where a slip would lose copy: paragraphs are a list (one text would
have YAML fold two paragraphs into one), and the text of every field is
cleaned of invisible format characters (layout/lang/invisible.py: the rule,
what is kept, removed or refused) before layout, each removal a note in
``Page.notes`` with its line and column, so nothing is lost silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from layout.errors import InputError
from layout.lang.invisible import Removed, clean, describe, kind
from layout.model.source import Located, join, load_yaml
from layout.model.validate import Problem, checked

MAX_FIELD_CHARS = 20_000  # one paragraph or headline: a whole broadsheet holds about 12,000 characters
MAX_PAGE_CHARS = 100_000  # all the text of one page file
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
LANGS = ("zh-Hans", "zh-Hant")


@dataclass(frozen=True)
class Photo:
    """A profile's photo with its caption and credit."""

    file: Path | None  # resolved against the content file's folder
    caption: str
    credit: str


@dataclass(frozen=True)
class Quote:
    """A pull quote and whom it is by."""

    text: str
    by: str


@dataclass(frozen=True)
class Profile:
    """One profile of a page: its texts, photo and quote, and the editor's pins."""

    index: int
    id: str
    headline: str
    name: str
    role: str
    body: tuple[str, ...]
    photo: Photo | None
    quote: Quote | None
    # editor's pins: the module's column span, the photo's span, leading the page,
    # and the module's position: its row of modules (1 = top, -1 = last) and first column
    span: int | None = None
    photo_span: int | None = None
    lead: bool = False
    row: int | None = None
    column: int | None = None
    # a continuation (转版): the rest of a profile jumped from another page of the edition
    origin: str = ""  # its YAML path on the page it came from, e.g. "page1.yaml#profiles[3]"
    first_para: int = 0  # the body paragraph it resumes in
    first_offset: int = 0  # and the character there (normalised text)
    jump_from: int = 0  # 版次 of that page (0: not a continuation)
    # briefs: consecutive profiles with the same ``group`` (a heading such as 留言板) are set as
    # one briefs module under it; ``brief`` True sets a profile as a brief, False never
    group: str = ""
    brief: bool | None = None
    # a vertical headline (竖题) along the module's right edge: True, False, or None (the style decides)
    headline_vertical: bool | None = None

    @property
    def path(self) -> str:
        return self.origin or f"profiles[{self.index}]"


@dataclass(frozen=True)
class Filler:
    """Optional copy for a short page's open area (a house notice, a 报花): text under an
    optional title, or an image ``columns`` wide and ``lines`` deep (0: from its shape)."""

    index: int
    id: str
    title: str
    body: tuple[str, ...]
    file: Path | None
    columns: int
    lines: int

    @property
    def path(self) -> str:
        return f"fillers[{self.index}]"


@dataclass(frozen=True)
class Continuation:
    """The part of a profile that did not fit its page and continues on another page
    of the edition (下转 / 上接). ``texts`` holds the profile's normalised fields by
    ``origin`` path; the receiving page sets it as one more module."""

    profile: Profile  # as on the page it came from, with ``origin`` set
    texts: dict[str, str]
    from_page: int  # 版次 it jumps from
    file: str  # that page's file and the profile's line, for reports
    line: int
    first_para: int
    first_offset: int
    with_photo: bool  # the photo box found no room on the first page either
    lines: dict[str, int] = field(default_factory=dict)  # YAML line of each field, by origin path

    def as_profile(self, index: int) -> Profile:
        p = self.profile
        return Profile(
            index=index,
            id=p.id if p.id.endswith("（续）") else f"{p.id}（续）",
            headline=p.headline,
            name=p.name,
            role=p.role,
            body=p.body,
            photo=p.photo if self.with_photo else None,
            quote=None,
            origin=p.origin,
            first_para=self.first_para,
            first_offset=self.first_offset,
            jump_from=self.from_page,
        )


@dataclass(frozen=True)
class Ad:
    """A booked block (an ad, or any fixed block): placed before the copy, whole columns
    and whole grid lines. Its size is ``columns`` and a height (``height_mm`` or ``lines``),
    or a standard ``size`` from the style's spaces (通栏, 半通栏, 报眼, 1/4版, 半版)."""

    index: int
    id: str  # the booking id, unique on the page
    position: str  # foot | top-right | top-left | right | left (or a slot the style names)
    columns: int | None = None
    height_mm: float | None = None
    lines: int | None = None
    size: str = ""
    file: Path | None = None  # artwork, resolved against the content file's folder

    @property
    def path(self) -> str:
        return f"ads[{self.index}]"


@dataclass(frozen=True)
class Page:
    """A page file read and checked: its fields, profiles, ads and fillers."""

    file: str
    paper: str
    date: dt.date
    page: int
    section: str
    editor: str
    headline: str
    subhead: str
    intro: tuple[str, ...]
    profiles: tuple[Profile, ...]
    lang: str
    style: str
    normalize_punctuation: bool
    source: Located
    warnings: tuple[str, ...] = ()  # e.g. unknown fields (ignored), with file, line and column
    fillers: tuple[Filler, ...] = ()  # optional copy for an open area, used first
    notes: tuple[str, ...] = ()  # e.g. invisible characters removed, with file, line and column
    ads: tuple[Ad, ...] = ()  # booked blocks, placed before the copy
    writing: str = ""  # "horizontal" or "vertical" (竖排); "": the style's


PAGE_FIELDS = {
    "paper",
    "date",
    "page",
    "section",
    "editor",
    "headline",
    "subhead",
    "intro",
    "profiles",
    "lang",
    "style",
    "normalize_punctuation",
    "fillers",
    "ads",
    "writing",
}
PROFILE_FIELDS = {
    "id",
    "headline",
    "name",
    "role",
    "body",
    "photo",
    "quote",
    "span",
    "lead",
    "row",
    "column",
    "group",
    "brief",
    "headline_vertical",
}
FILLER_FIELDS = {"id", "title", "body", "file", "columns", "lines"}
PHOTO_FIELDS = {"file", "caption", "credit", "span"}
QUOTE_FIELDS = {"text", "by"}
WRITING_MODES = ("horizontal", "vertical")  # 横排, 竖排 (characters top to bottom, lines right to left)
AD_FIELDS = {"id", "position", "columns", "height", "size", "file"}
AD_POSITIONS = ("foot", "top-right", "top-left", "right", "left")  # the style may name more slots
SLOT_RE = re.compile(r"^[^\W\d_][\w-]{0,63}$")  # a slot's name: a word (the booking checks the style has it)
HEIGHT_LINES_RE = re.compile(r"^(\d{1,3})\s*(?:lines?|行)$")
MAX_AD_MM = 2000.0  # taller than any newspaper page
MAX_AD_LINES = 500


class _Reader:
    """Typed access to a located YAML mapping, raising located errors."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc
        self.total = 0  # characters of text read so far
        self.notes: list[Problem] = []  # what cleaning removed

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.doc.error(path, f"expected a mapping of fields, got {_kind(value)}")
        # unknown fields were reported by the schema check (warnings with a did-you-mean) and are ignored
        return {k: v for k, v in value.items() if isinstance(k, str) and k in allowed}

    def text(self, m: dict[str, Any], key: str, path: str, *, required: bool = True, copy: bool = True) -> str:
        """A text field; ``copy``: text that is set (cleaned), not a name (an id, a file)."""
        where = join(path, key)
        if key not in m or m[key] is None:
            if required:
                raise self.doc.error(where, "required field is missing")
            return ""
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.doc.error(where, f"expected text, got {_kind(value)}")
        text = (self.cleaned(value, where) if copy and isinstance(value, str) else str(value)).strip()
        if required and not text:
            raise self.doc.error(where, f"'{key}' is empty")
        return self.bounded(text, where)

    def bounded(self, text: str, where: str) -> str:
        """Text within the bounds of a newspaper field (and of the whole page)."""
        if len(text) > MAX_FIELD_CHARS:
            raise self.doc.error(where, f"{len(text):,} characters; a field holds at most {MAX_FIELD_CHARS:,}")
        self.total += len(text)
        if self.total > MAX_PAGE_CHARS:
            raise self.doc.error(where, f"the page's text passes {MAX_PAGE_CHARS:,} characters: split it into pages")
        return text

    def paragraphs(self, value: Any, path: str) -> tuple[str, ...]:
        """A list of paragraphs. One text is refused: YAML folds the lines of a plain or
        folded text into one, so two paragraphs would silently become one."""
        if isinstance(value, str):
            raise self.doc.error(path, "expected a list of paragraphs, got text: write each paragraph as a '- ' item")
        if not isinstance(value, list):
            raise self.doc.error(path, f"expected a list of paragraphs, got {_kind(value)}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.doc.error(join(path, i), f"expected a non-empty paragraph of text, got {_kind(item)}")
            text = self.cleaned(item, join(path, i)).strip()
            if not text:
                raise self.doc.error(join(path, i), "an empty paragraph (nothing but spaces): remove it")
            out.append(self.bounded(text, join(path, i)))
        return tuple(out)

    def cleaned(self, value: str, where: str) -> str:
        """``value`` without its invisible format characters: each removed one noted (one note per
        character and field, with a count), a refused one an error at its line and column."""
        result = clean(value)
        if result.refused:
            refused = result.refused
            line, column = self.doc.char_position(where, refused.char, value[: refused.offset].count(refused.char))
            raise InputError(refused.reason, file=self.doc.file, line=line, field=where, column=column)
        by_char: dict[str, list[Removed]] = {}
        for item in result.removed:
            by_char.setdefault(item.char, []).append(item)
        for ch, items in by_char.items():
            line, column = self.doc.char_position(where, ch, value[: items[0].offset].count(ch))
            times = f", {len(items)} times (the first here)" if len(items) > 1 else ""
            message = f"removed {describe(ch)} ({kind(ch)}){times}"
            self.notes.append(Problem(self.doc.file, line, column, where, message, note=True))
        return result.text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(type(value), type(value).__name__)


def _date(r: _Reader, m: dict[str, Any]) -> dt.date:
    if "date" not in m:
        raise r.doc.error("date", "required field is missing")
    value = m["date"]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise r.doc.error("date", f"expected a date like 2021-07-15, got {value!r}")


def _page_number(r: _Reader, m: dict[str, Any]) -> int:
    if "page" not in m:
        raise r.doc.error("page", "required field is missing")
    value = m["page"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999:
        raise r.doc.error("page", f"expected a page number (版次) from 1 to 999, got {value!r}")
    return value


def _photo(r: _Reader, value: Any, path: str, base: Path) -> Photo | None:
    if value is None:
        return None
    m = r.mapping(value, path, PHOTO_FIELDS)
    file_text = r.text(m, "file", path, required=False, copy=False)
    return Photo(
        file=(base / file_text) if file_text else None,
        caption=r.text(m, "caption", path, required=False),
        credit=r.text(m, "credit", path, required=False),
    )


def _quote(r: _Reader, value: Any, path: str) -> Quote | None:
    if value is None:
        return None
    m = r.mapping(value, path, QUOTE_FIELDS)
    return Quote(text=r.text(m, "text", path), by=r.text(m, "by", path, required=False))


def _profile(r: _Reader, value: Any, index: int, base: Path) -> Profile:
    path = f"profiles[{index}]"
    m = r.mapping(value, path, PROFILE_FIELDS)
    pid = _id(r, m, path)
    if "body" not in m:
        raise r.doc.error(join(path, "body"), "required field is missing")
    body = r.paragraphs(m["body"], join(path, "body"))
    if not body:
        raise r.doc.error(join(path, "body"), "'body' has no paragraphs")
    group = r.text(m, "group", path, required=False)
    brief = m.get("brief")
    if brief is not None and not isinstance(brief, bool):
        raise r.doc.error(join(path, "brief"), "expected true or false")
    vertical = m.get("headline_vertical")
    if vertical is not None and not isinstance(vertical, bool):
        raise r.doc.error(join(path, "headline_vertical"), "expected true or false")
    return Profile(
        index=index,
        id=pid,
        headline=r.text(m, "headline", path, required=not group),
        name=r.text(m, "name", path),
        role=r.text(m, "role", path, required=False),
        body=body,
        photo=_photo(r, m.get("photo"), join(path, "photo"), base),
        quote=_quote(r, m.get("quote"), join(path, "quote")),
        span=_pin(r, m, "span", path),
        photo_span=_pin(r, m["photo"], "span", join(path, "photo")) if isinstance(m.get("photo"), dict) else None,
        lead=_flag(r, m, "lead", path),
        row=_row_pin(r, m, path),
        column=_number(r, m, "column", path, "a column number (1 is the leftmost)"),
        group=group,
        brief=brief,
        headline_vertical=vertical,
    )


def _filler(r: _Reader, value: Any, index: int, base: Path) -> Filler:
    path = f"fillers[{index}]"
    m = r.mapping(value, path, FILLER_FIELDS)
    fid = _id(r, m, path)
    body = r.paragraphs(m["body"], join(path, "body")) if m.get("body") is not None else ()
    file_text = r.text(m, "file", path, required=False, copy=False)
    if not body and not file_text:
        raise r.doc.error(path, "a filler needs text (body) or an image (file)")
    if body and file_text:
        raise r.doc.error(join(path, "file"), "a filler is text or an image, not both: make two fillers")
    return Filler(
        index=index,
        id=fid,
        title=r.text(m, "title", path, required=False),
        body=body,
        file=(base / file_text) if file_text else None,
        columns=_number(r, m, "columns", path, "a number of columns") or 0,
        lines=_number(r, m, "lines", path, "a number of lines", top=500) or 0,
    )


def _fillers(r: _Reader, m: dict[str, Any], base: Path) -> tuple[Filler, ...]:
    value = m.get("fillers")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise r.doc.error("fillers", f"expected a list of fillers, got {_kind(value)}")
    return _unique_ids(r, tuple(_filler(r, item, i, base) for i, item in enumerate(value)), "fillers")


def _ad_height(r: _Reader, m: dict[str, Any], path: str) -> tuple[float | None, int | None]:
    """An ad's height: a number is millimetres, "25 lines" or "25行" grid lines;
    returns (millimetres, lines), one of them None."""
    value = m.get("height")
    where = join(path, "height")
    if value is None:
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 < value <= MAX_AD_MM:
            raise r.doc.error(where, f"expected a height in millimetres above 0 (at most {MAX_AD_MM:g}), got {value!r}")
        return float(value), None
    found = HEIGHT_LINES_RE.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise r.doc.error(where, f"expected millimetres (a number) or grid lines ('25 lines' or '25行'), got {value!r}")
    lines = int(found.group(1))
    if not 1 <= lines <= MAX_AD_LINES:
        raise r.doc.error(where, f"expected from 1 to {MAX_AD_LINES} lines, got {lines}")
    return None, lines


def _ad_size(r: _Reader, m: dict[str, Any], path: str) -> str:
    """A standard size (通栏, 半通栏, 报眼, 1/4版, 半版: the booking checks the style has it),
    given instead of columns and height; or columns and height, both."""
    size = r.text(m, "size", path, required=False, copy=False)
    given = [k for k in ("columns", "height") if m.get(k) is not None]
    if size and given:
        raise r.doc.error(
            join(path, given[0]), f"give a standard size ({size}) or columns and height, not both: remove {given[0]}"
        )
    if not size and len(given) < 2:
        if not given:
            raise r.doc.error(path, "an ad needs its size: a standard size (size: 通栏) or columns and height")
        missing = "height" if given == ["columns"] else "columns"
        raise r.doc.error(join(path, given[0]), f"'{given[0]}' without '{missing}': give both, or a standard size")
    return size


def _ad(r: _Reader, value: Any, index: int, base: Path) -> Ad:
    path = f"ads[{index}]"
    m = r.mapping(value, path, AD_FIELDS)
    aid = _id(r, m, path)
    position = r.text(m, "position", path, copy=False)
    if not SLOT_RE.match(position):
        raise r.doc.error(
            join(path, "position"),
            f"expected a position ({' | '.join(AD_POSITIONS)}, or a slot the style names), got '{position}'",
        )
    size = _ad_size(r, m, path)
    height_mm, lines = _ad_height(r, m, path)
    file_text = r.text(m, "file", path, required=False, copy=False)
    return Ad(
        index=index,
        id=aid,
        position=position,
        columns=_number(r, m, "columns", path, "a number of columns"),
        height_mm=height_mm,
        lines=lines,
        size=size,
        file=(base / file_text) if file_text else None,
    )


def _ads(r: _Reader, m: dict[str, Any], base: Path) -> tuple[Ad, ...]:
    """The booked blocks, each id once on the page (an error at the second naming both lines)."""
    value = m.get("ads")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise r.doc.error("ads", f"expected a list of booked ads, got {_kind(value)}")
    ads = tuple(_ad(r, item, i, base) for i, item in enumerate(value))
    seen: dict[str, Ad] = {}
    for ad in ads:
        if ad.id in seen:
            first = seen[ad.id]
            raise r.doc.error(
                f"{ad.path}.id",
                f"booking id '{ad.id}' is used twice: {first.path} at line {r.doc.line(first.path + '.id')} "
                f"and {ad.path} at line {r.doc.line(ad.path + '.id')}",
            )
        seen[ad.id] = ad
    return ads


def _id(r: _Reader, m: dict[str, Any], path: str) -> str:
    value = r.text(m, "id", path, copy=False)
    if not ID_RE.match(value):
        raise r.doc.error(join(path, "id"), f"id '{value}' must be letters, digits, '-' or '_' (at most 64)")
    return value


def _pin(r: _Reader, m: dict[str, Any], key: str, path: str) -> int | None:
    return _number(r, m, key, path, "a number of columns")


def _number(r: _Reader, m: dict[str, Any], key: str, path: str, what: str, top: int = 24) -> int | None:
    value = m.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise r.doc.error(join(path, key), f"expected {what} from 1 to {top}, got {value!r}")
    return value


def _row_pin(r: _Reader, m: dict[str, Any], path: str) -> int | None:
    """The module's row of modules: 1 (top) to 50, or 'last' (the foot), kept as -1."""
    if m.get("row") == "last":
        return -1
    return _number(r, m, "row", path, "a row of modules (1 is the top; or 'last')", top=50)


def _flag(r: _Reader, m: dict[str, Any], key: str, path: str) -> bool:
    value = m.get(key, False)
    if not isinstance(value, bool):
        raise r.doc.error(join(path, key), "expected true or false")
    return value


def _profiles(r: _Reader, m: dict[str, Any], base: Path) -> tuple[Profile, ...]:
    value = m.get("profiles")
    if not isinstance(value, list) or not value:
        raise r.doc.error("profiles" if "profiles" in m else "", "expected a non-empty list of profiles")
    return _unique_ids(r, tuple(_profile(r, item, i, base) for i, item in enumerate(value)), "profiles")


def _unique_ids(r: _Reader, items, field: str):
    """The items (profiles or fillers) if no two share an id; else an error at the second."""
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            raise r.doc.error(f"{item.path}.id", f"id '{item.id}' is used twice (also {field}[{seen[item.id]}])")
        seen[item.id] = item.index
    return items


def load_page(path: Path, doc: Located | None = None) -> Page:
    """Load and check a page YAML file (``doc``: the file already parsed); every schema
    problem is reported at once, unknown fields as warnings."""
    doc = doc or load_yaml(path)
    page, warnings = checked(doc, "page", lambda: _load_page(path, doc))
    return replace(page, warnings=warnings)


def _load_page(path: Path, doc: Located) -> Page:
    r = _Reader(doc)
    m = r.mapping(doc.value, "", PAGE_FIELDS)
    lang = r.text(m, "lang", "", required=False, copy=False) or "zh-Hans"
    if lang not in LANGS:
        raise doc.error("lang", f"lang must be one of {', '.join(LANGS)}, got '{lang}'")
    normalize = m.get("normalize_punctuation", True)
    if not isinstance(normalize, bool):
        raise doc.error("normalize_punctuation", "expected true or false")
    writing = r.text(m, "writing", "", required=False, copy=False)
    if writing and writing not in WRITING_MODES:
        raise doc.error("writing", f"writing must be one of {', '.join(WRITING_MODES)}, got '{writing}'")
    base = path.resolve().parent
    page = Page(
        file=str(path),
        paper=r.text(m, "paper", ""),
        date=_date(r, m),
        page=_page_number(r, m),
        section=r.text(m, "section", ""),
        editor=r.text(m, "editor", "", required=False),
        headline=r.text(m, "headline", ""),
        subhead=r.text(m, "subhead", "", required=False),
        intro=r.paragraphs(m["intro"], "intro") if m.get("intro") is not None else (),
        profiles=_profiles(r, m, base),
        fillers=_fillers(r, m, base),
        ads=_ads(r, m, base),
        lang=lang,
        style=r.text(m, "style", "", required=False, copy=False),
        normalize_punctuation=normalize,
        source=doc,
        writing=writing,
    )
    notes = sorted(r.notes, key=lambda n: (n.line or 0, n.column or 0, n.path))
    return replace(page, notes=tuple(str(n) for n in notes))
