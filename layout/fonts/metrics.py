"""Font metrics for measuring text (stage 1 helper).

Input: a prepared font's metrics sidecar (JSON written by
``layout.fonts.prepare``). Output: a ``FontFace`` value that answers "is
this character covered" and "how wide is this text", fast and without
parsing the font itself (fontTools stays out of the per-page path), and
where the face's companion files are (core cut, punctuation fonts, the
padded Latin ``GapFonts``), for the drawing stage to register.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from layout.errors import InputError


@dataclass(frozen=True)
class Companion:
    """A companion font file of a face and the PostScript name it is registered under."""

    path: Path
    ps_name: str


@dataclass(frozen=True)
class GapFonts:
    """A face's Latin glyphs padded to carry the Han–Latin gap in their advance (its
    .gaplead.ttf, .gaptrail.ttf and .gapboth.ttf; see prepare.make_gap): ``pad_em``
    more before the ink ("lead"), after it ("trail") or both."""

    lead: Companion
    trail: Companion
    both: Companion
    chars: frozenset[str] = field(repr=False)  # the characters they cover
    pad_em: float = 0.25

    def variant(self, name: str) -> Companion:
        """The companion of one variant: "lead", "trail" or "both"."""
        return getattr(self, name)


@dataclass(frozen=True)
class FontFace:
    """One font: where it is, its name and its advances (font units)."""

    key: str
    path: Path
    ps_name: str
    units_per_em: int
    ascent: int
    descent: int
    default_advance: int
    advances: dict[int, int] = field(repr=False)
    range_starts: tuple[int, ...] = field(repr=False)
    range_ends: tuple[int, ...] = field(repr=False)
    # An optional cut of the same font to everyday characters (see prepare.make_core).
    core_path: Path | None = None
    core_ps_name: str = ""
    core_starts: tuple[int, ...] = field(default=(), repr=False)
    core_ends: tuple[int, ...] = field(default=(), repr=False)
    # Marks the face can set in half an em (its .halt.ttf; see prepare.make_halt).
    halt_path: Path | None = None
    halt_ps_name: str = ""
    halt_marks: frozenset[str] = frozenset()

    # Pause and stop marks centred in the em box for zh-Hant (its .hant.ttf; prepare.make_hant).
    hant_path: Path | None = None
    hant_ps_name: str = ""
    hant_marks: frozenset[str] = frozenset()
    # Latin glyphs that carry the Han–Latin gap (its .gap*.ttf; prepare.make_gap); None: drawn plain.
    gap: GapFonts | None = None

    def can_halve(self, ch: str) -> bool:
        return ch in self.halt_marks

    def can_centre(self, ch: str) -> bool:
        return ch in self.hant_marks

    @property
    def cache_key(self) -> tuple[str, str, int]:
        """Identifies these metrics for memoised measuring."""
        return (self.ps_name, str(self.path), self.units_per_em)

    def has(self, ch: str) -> bool:
        return _covered(ord(ch), self.range_starts, self.range_ends)

    def core_covers(self, chars: set[str]) -> bool:
        """True when the core cut has every one of ``chars``."""
        return self.core_path is not None and all(_covered(ord(c), self.core_starts, self.core_ends) for c in chars)

    def advance(self, ch: str) -> float:
        """Advance of one character in em."""
        return self.advances.get(ord(ch), self.default_advance) / self.units_per_em

    def width(self, text: str, size: float) -> float:
        """Natural width of ``text`` at ``size`` points (no kerning)."""
        get = self.advances.get
        d = self.default_advance
        return sum(get(ord(c), d) for c in text) * size / self.units_per_em

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` this face cannot draw, in order, once each."""
        return [ch for ch in dict.fromkeys(text) if not ch.isspace() and not self.has(ch)]


def _covered(cp: int, starts: tuple[int, ...], ends: tuple[int, ...]) -> bool:
    i = bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ends[i]


def _gap_fonts(entry: dict | None, here: Path) -> GapFonts | None:
    """The padded Latin companions a sidecar records under "gap" (older sidecars have none)."""
    if not entry or not entry["coverage"]:
        return None
    lead, trail, both = (Companion(here / entry[v]["file"], entry[v]["ps_name"]) for v in ("lead", "trail", "both"))
    chars = frozenset(chr(cp) for lo, hi in entry["coverage"] for cp in range(lo, hi + 1))
    return GapFonts(lead, trail, both, chars, float(entry["pad_em"]))


@dataclass(frozen=True)
class _Loaded:
    """A face read in this process, and what it depended on besides its sidecar's bytes."""

    face: FontFace
    core: Path | None  # the core cut the sidecar names
    core_there: bool


_LOADED: dict[tuple, _Loaded] = {}  # (key, font, sidecar, the sidecar's size, times, inode) → face


def load_face(key: str, font_path: Path, metrics_path: Path) -> FontFace:
    """The face of a font from its metrics sidecar; read again in the same process (--watch,
    an edition's worker) only when the sidecar was written or its core cut came or went."""
    try:
        st = metrics_path.stat()
    except OSError:
        return _read_face(key, font_path, metrics_path)  # says why it cannot be read
    memo = (key, str(font_path), str(metrics_path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _LOADED.get(memo)
    if known is not None and (known.core is None or known.core.is_file() == known.core_there):
        return known.face
    face = _read_face(key, font_path, metrics_path)
    core = face.core_path or _named_core(metrics_path)
    _LOADED[memo] = _Loaded(face, core, core is not None and core.is_file())
    return face


def _named_core(metrics_path: Path) -> Path | None:
    """The core cut a sidecar names (None: none, or the sidecar cannot be read)."""
    try:
        core = json.loads(metrics_path.read_text(encoding="utf-8")).get("core")
        return metrics_path.parent / core["file"] if core else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _read_face(key: str, font_path: Path, metrics_path: Path) -> FontFace:
    try:
        data = json.loads(metrics_path.read_text(encoding="utf-8"))
        ranges = data["coverage"]
        core = data.get("core")
        here = metrics_path.parent  # companion files (core cut, punctuation and gap fonts) sit with the metrics
        core_path = here / core["file"] if core else None
        core_ranges = core["coverage"] if core and core_path and core_path.is_file() else []
        halt = data.get("halt")
        halt_path = here / halt["file"] if halt and halt.get("file") else None
        hant = data.get("hant")
        return FontFace(
            key=key,
            path=font_path,
            ps_name=data["ps_name"],
            units_per_em=int(data["units_per_em"]),
            ascent=int(data["ascent"]),
            descent=int(data["descent"]),
            default_advance=int(data["default_advance"]),
            advances={int(k): int(v) for k, v in data["advances"].items()},
            range_starts=tuple(r[0] for r in ranges),
            range_ends=tuple(r[1] for r in ranges),
            core_path=core_path if core_ranges else None,
            core_ps_name=core["ps_name"] if core_ranges else "",
            core_starts=tuple(r[0] for r in core_ranges),
            core_ends=tuple(r[1] for r in core_ranges),
            halt_path=halt_path,
            halt_ps_name=halt["ps_name"] if halt else "",
            halt_marks=frozenset(chr(int(k)) for k in halt["offsets"]) if halt else frozenset(),
            hant_path=here / hant["file"] if hant else None,
            hant_ps_name=hant["ps_name"] if hant else "",
            hant_marks=frozenset(hant["marks"]) if hant else frozenset(),
            gap=_gap_fonts(data.get("gap"), here),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"font metrics unreadable ({exc}); rebuild with fonts/build_fonts.py", file=str(metrics_path)
        ) from None
