"""A page's fonts (stage 1): the faces that set it, and every character drawable.

Input: the style, the page's normalised texts by YAML path (continued text and
jump lines included), the page's ``Located`` source (for lines in messages), and
whether installed fonts may be used (the style's ``fallback: system`` or the
run's ``system_fonts``).
Output: ``PageFonts``: the style's faces by key, then any installed faces used
(``system1``, …), the notes of the run (each character set from another face
than its role's, each installed font used or refused), and which installed file
supplied which characters (recorded in the PDF). A character no usable font has
is an ``InputError`` listing it with its code point, field and line.

Hermetic by default: only the bundled fonts and the fonts the style names are
used, and fontconfig is not asked. When installed fonts are allowed, ONE
fontconfig query lists every candidate (``system.py``); each is prepared and
used only for the characters it really draws (its coverage once prepared, and
an outline that is not empty or .notdef).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from layout.errors import InputError
from layout.fonts.metrics import FontFace
from layout.fonts.resolve import resolve_font, split_spec
from layout.model.source import Located
from layout.model.style import Style

# Which role (and so which font) sets each field; used for the glyph check.
FIELD_ROLES = (
    (r"^paper$", ("head_paper",)),
    (r"^section$", ("kicker", "head_paper")),
    (r"^headline$", ("banner",)),
    (r"^subhead$", ("subhead",)),
    (r"^editor$", ("staff",)),
    (r"^intro\[\d+\]$", ("intro",)),
    (r"\.headline$", ("headline", "brief_head", "brief_title")),
    (r"\.group$", ("brief_title",)),
    (r"^fillers\[\d+\]\.title$", ("brief_title",)),
    (r"\.name$", ("name",)),
    (r"\.role$", ("byline",)),
    (r"\.body\[\d+\]$", ("body",)),
    (r"\.photo\.(caption|credit)$", ("caption",)),
    (r"\.quote\.text$", ("quote", "caption")),
    (r"\.quote\.by$", ("byline",)),
    (r"\.jump(_from)?$", ("byline",)),
    (r"^jump$", ("byline",)),
)
MAX_TRIES = 8  # installed candidates prepared at most (a CFF face takes a while to convert, once)
HINT_SYSTEM = "an installed font may have them: add 'fallback: system' to the style, or pass --system-fonts"


@dataclass(frozen=True)
class Supplied:
    """An installed font used on the page and the characters it set there."""

    spec: str  # the installed file (path, or path#N for a face of a collection)
    chars: tuple[str, ...]  # in code point order

    @property
    def codepoints(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.chars)


@dataclass(frozen=True)
class PageFonts:
    """The faces a page is set in, with what was substituted or supplied by installed fonts."""

    faces: dict[str, FontFace]  # the style's, then installed faces (system1, …) in fallback order
    notes: tuple[str, ...] = ()  # substitutions, installed fonts used or refused
    supplied: tuple[Supplied, ...] = ()  # installed fonts used and what each set


@dataclass(frozen=True)
class _Installed:
    """What the system fallback added: faces by key, their files, notes, or why nothing was searched."""

    faces: dict[str, FontFace]
    specs: dict[str, str]  # face key → installed file
    notes: tuple[str, ...] = ()
    problem: str = ""


def roles_of(path: str) -> tuple[str, ...]:
    """The roles that set the field at YAML ``path``."""
    return next((roles for pattern, roles in FIELD_ROLES if re.search(pattern, path)), ("body",))


def load_faces(style: Style) -> dict[str, FontFace]:
    """The style's fonts, prepared (bundled fonts as they are; others once, cached)."""
    faces = {}
    for key, spec in style.fonts.items():
        try:
            faces[key] = resolve_font(key, spec, style.folder)
        except InputError as exc:
            raise InputError(exc.message, file=exc.file or style.file, line=exc.line, field=f"fonts.{key}") from None
    return faces


def page_fonts(style: Style, texts: dict[str, str], source: Located, *, system: bool = False) -> PageFonts:
    """The faces for a page whose fields are ``texts``; raises an ``InputError`` listing
    the characters no usable font has."""
    faces = load_faces(style)
    missing = _missing(faces, texts)
    installed = _Installed({}, {})
    if missing and system:
        installed = _installed(missing, style.folder)
    every = {**faces, **installed.faces}
    notes = _check(style, every, texts, source, installed, asked=system)
    supplied = _supplied(every, installed.specs, texts)
    used = tuple(f"installed font {s.spec} (fontconfig) set {s.codepoints}" for s in supplied)
    return PageFonts(every, (*notes, *installed.notes, *used), supplied)


def _missing(faces: dict[str, FontFace], texts: dict[str, str]) -> set[str]:
    """Characters of ``texts`` that no face has."""
    chars = {ch for text in texts.values() for ch in text if not ch.isspace()}
    return {ch for ch in chars if not any(f.has(ch) for f in faces.values())}


def _installed(missing: set[str], base: Path) -> _Installed:
    """Installed faces for ``missing``, from one fontconfig listing, each kept only for
    the characters it really draws once prepared; at most ``MAX_FONTS`` faces."""
    from layout.fonts import prepare
    from layout.fonts.system import MAX_FONTS, system_fonts

    listing = system_fonts(missing)
    if listing.problem:
        return _Installed({}, {}, (f"{listing.problem}: installed fonts were not searched",), listing.problem)
    faces: dict[str, FontFace] = {}
    specs: dict[str, str] = {}
    notes: list[str] = []
    left = set(missing)
    for candidate in listing.candidates[:MAX_TRIES]:
        wanted = sorted(candidate.claims & left)
        if len(faces) == MAX_FONTS or not left:
            break
        if not wanted:
            continue
        key = f"system{len(faces) + 1}"
        try:
            face = resolve_font(key, candidate.spec, base)
            name, index = split_spec(candidate.spec)
            real = prepare.inked(Path(name), index, [ch for ch in wanted if face.has(ch)])
        except (InputError, prepare.FontReadError) as exc:
            notes.append(f"installed font {candidate.spec} cannot be used ({_reason(exc)}): skipped")
            continue
        lacking = [ch for ch in wanted if ch not in real]
        if lacking:
            listed = " ".join(f"U+{ord(c):04X}" for c in lacking)
            notes.append(f"installed font {candidate.spec} claims {listed} but has no glyph for it: not used for it")
        if real:
            faces[key] = _only(face, real)
            specs[key] = candidate.spec
            left -= real
    return _Installed(faces, specs, tuple(notes))


def _only(face: FontFace, chars: set[str]) -> FontFace:
    """An installed face that answers ``has`` only for ``chars``: the characters checked to
    have real glyphs, so nothing else on the page is ever set from it."""
    cps = sorted(ord(c) for c in chars)
    return replace(face, range_starts=tuple(cps), range_ends=tuple(cps), core_path=None, core_starts=(), core_ends=())


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, InputError) else str(exc)


def _check(
    style: Style,
    faces: dict[str, FontFace],
    texts: dict[str, str],
    source: Located,
    installed: _Installed,
    *,
    asked: bool,
) -> list[str]:
    """Every character must be drawable: by the font of its role, or else by another face
    (a substitution, noted). A character no face has is an error: a .notdef box never
    reaches a PDF. Installed faces come last and are only tried when no style font has it."""
    problems = []
    notes: list[str] = []
    for path, text in texts.items():
        for role in roles_of(path):
            key = style.roles[role].font
            face = faces[key]
            for ch in face.missing(text):
                other = next((k for k, f in faces.items() if k != key and f.has(ch)), None)
                if other is None:
                    problems.append((path, ch, face))
                    continue
                by = f"the installed font {installed.specs[other]}" if other in installed.specs else None
                notes.append(
                    f"{path} (line {source.line(path)}): '{ch}' U+{ord(ch):04X} is not in "
                    f"{face.path.name}; set from {by or faces[other].path.name}"
                )
    if problems:
        raise _missing_error(problems, source, installed, asked=asked)
    return notes


def _missing_error(
    problems: list[tuple[str, str, FontFace]], source: Located, installed: _Installed, *, asked: bool
) -> InputError:
    """The characters no font has, the first ten listed, and what more could be done."""
    listed = "; ".join(
        f"'{ch}' U+{ord(ch):04X} in {path} (line {source.line(path)}, font {face.path.name})"
        for path, ch, face in problems[:10]
    )
    more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
    if not asked:
        after = HINT_SYSTEM
    elif installed.problem:
        after = f"installed fonts were not searched: {installed.problem}"
    else:
        after = "no installed font has them either (fontconfig searched)"
    message = f"{len(problems)} character(s) missing from every font of the style: {listed}{more}; {after}"
    return source.error(problems[0][0], message)


def _supplied(faces: dict[str, FontFace], specs: dict[str, str], texts: dict[str, str]) -> tuple[Supplied, ...]:
    """Which installed file sets which characters: those whose first face with them (in
    the fallback order the makeup uses) is an installed one."""
    chars = sorted({ch for text in texts.values() for ch in text if not ch.isspace()})
    by_key: dict[str, list[str]] = {}
    for ch in chars:
        first = next((k for k, f in faces.items() if f.has(ch)), None)
        if first in specs:
            by_key.setdefault(first, []).append(ch)
    return tuple(Supplied(specs[k], tuple(by_key[k])) for k in specs if k in by_key)


def fallback_record(supplied: tuple[Supplied, ...]) -> str:
    """The record a PDF keeps of installed fonts it uses: "Banmian fallback fonts: FILE:
    U+00E9 U+0101; FILE2: U+…" ("" when none)."""
    if not supplied:
        return ""
    return "Banmian fallback fonts: " + "; ".join(f"{s.spec}: {s.codepoints}" for s in supplied)
