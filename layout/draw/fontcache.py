"""Font files registered with reportlab from a cached, pre-parsed form (stage 4 helper).

Input: the name a page's fonts are drawn under and a TrueType file. Output: the
name, registered with reportlab's ``pdfmetrics`` under it.

reportlab parses a whole font when it is registered (``TTFontFace``: the cmap,
widths, glyph locations): about 40 ms for a core cut, most of a page's drawing
time. The parsed face is kept in the user's cache (``fonts.resolve.cache_dir()``,
``reportlab/``) keyed by the SHA-256 of the font file's bytes and reportlab's
version, and later runs load it instead of parsing. An entry carries a SHA-256 of
its own payload and is read with an unpickler that builds nothing but reportlab's
name strings, so a corrupt, truncated or foreign entry is ignored (and rewritten),
never trusted: the face drawn is always the face of the file's present bytes.
The file's bytes are read on every registration (reportlab writes subsets from
them); their hash is remembered by the file's path, size, times and inode (as git
does), and computed again when any of these differ.

In one process (``--watch``, an edition's worker) a name stays registered while
its file is unchanged (same size, times and inode); a file replaced under the same
name is read again and, when its bytes differ, its face replaces the old one
(reportlab itself keeps the first font registered under a name, and hands a new
name the font already registered with the same internal face name).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import threading
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts

from layout.fonts.resolve import cache_dir

FORMAT = 1  # bump when what an entry holds changes
SETTLED_NS = 2_000_000_000  # a file changed longer ago than this keeps its signature until changed again
MAGIC = b"banmian reportlab face %d\n" % FORMAT
_NOT_STORED = frozenset({"_ttf_data", "filename", "_pdfScale"})  # the file's bytes and path; a closure
_NEEDED = ("charToGlyph", "charWidths", "glyphPos", "hmetrics", "unitsPerEm", "name", "table", "numGlyphs")
# what a damaged entry can raise once its checksum matched (a foreign pickle, another reportlab)
_UNPICKLING = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, KeyError, IndexError)


@dataclass(frozen=True)
class _Registered:
    """A font registered in this process and the state of its file when it was."""

    path: str
    signature: tuple[int, ...] | None  # None: too recent to trust, read again next time
    digest: str
    font: ttfonts.TTFont


_REGISTERED: dict[str, _Registered] = {}


def _signature(path: Path) -> tuple[int, ...]:
    """What changes when a file is written or replaced (size, times, inode)."""
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def register(name: str, path: Path) -> str:
    """Register the font file ``path`` with reportlab as ``name`` and return ``name``:
    once per process while the file is unchanged; again when it was replaced."""
    signature = _signature(path)
    known = _REGISTERED.get(name)
    if known and known.path == str(path) and known.signature == signature and _installed(name, known.font):
        return name
    data = path.read_bytes()
    settled = _settled(path, signature)
    digest = _digest(path, settled, data)
    if known and known.path == str(path) and known.digest == digest:
        font = known.font  # touched, not changed
    else:
        font = load_font(name, path, data, digest)
    _install(font)
    _REGISTERED[name] = _Registered(str(path), settled, digest, font)
    return name


def _digest(path: Path, signature: tuple[int, ...] | None, data: bytes) -> str:
    """The SHA-256 of ``data``, the bytes of ``path`` read after taking its ``signature``:
    remembered in the cache by the file's path and signature (hashing a page's fonts is
    ~10 ms a run), computed when the file is not as it was remembered, and not remembered
    for a file too recent to be told from one changed while it was read (None)."""
    if signature is None:
        return hashlib.sha256(data).hexdigest()
    memo = cache_dir() / "reportlab" / "digests" / hashlib.sha256(os.fsencode(path.absolute())).hexdigest()[:32]
    line = " ".join(map(str, signature))
    try:
        said = memo.read_text(encoding="ascii").split("\n")
    except (OSError, ValueError):
        said = []
    if len(said) == 3 and said[0] == line and said[2] == _check_of(said[0], said[1]):
        return said[1]
    digest = hashlib.sha256(data).hexdigest()
    _write_atomically(memo, f"{line}\n{digest}\n{_check_of(line, digest)}".encode("ascii"))
    return digest


def _settled(path: Path, before: tuple[int, ...]) -> tuple[int, ...] | None:
    """``before`` when the file still has it and was last changed over SETTLED_NS ago (a
    change within the file system's clock tick of the last one keeps the times: as git,
    a signature is trusted only for a file older than that), else None."""
    after = _signature(path)
    newest = max(after[3], after[4])
    return before if after == before and time.time_ns() - newest > SETTLED_NS else None


def _check_of(line: str, digest: str) -> str:
    """A checksum of a remembered digest and the signature it belongs to."""
    return hashlib.sha256(f"{line}\n{digest}".encode("ascii")).hexdigest()[:16]


def _write_atomically(file: Path, blob: bytes) -> None:
    """Write a cache file whole or not at all (a cache that cannot be written is no error)."""
    temp = file.with_name(f"{file.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # one writer each
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(blob)
        os.replace(temp, file)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def _installed(name: str, font: ttfonts.TTFont) -> bool:
    """True when ``font`` is what reportlab draws under ``name`` (its registry, read without
    getFont's side effect of looking a missing name up)."""
    return pdfmetrics._fonts.get(name) is font


def _install(font: ttfonts.TTFont) -> None:
    """Make ``font`` the one drawn under its name, replacing an earlier one."""
    name = font.fontName
    if _installed(name, font):
        return
    pdfmetrics._fonts.pop(name, None)
    pdfmetrics.registerFont(font)  # also its family mapping
    # reportlab hands a new name the font registered earlier with the same internal face name
    pdfmetrics._fonts[name] = font


def load_font(name: str, path: Path, data: bytes, digest: str, *, cache: bool = True) -> ttfonts.TTFont:
    """A reportlab font for the file ``path`` whose bytes are ``data`` (SHA-256 ``digest``):
    its face from the cache when an intact entry is there, else parsed (and stored)."""
    entry = entry_file(digest)
    state = _read_entry(entry, digest) if cache else None
    if state is None:
        font = ttfonts.TTFont(name, str(path))
        if cache:
            _write_entry(entry, digest, font.face)
        return font
    return _font(name, _face(state, path, data))


def entry_file(digest: str) -> Path:
    """Where the parsed face of a font file with this SHA-256 is kept (per reportlab version)."""
    return cache_dir() / "reportlab" / f"{digest}-rl{reportlab.Version}-{FORMAT}.face"


def _face(state: dict, path: Path, data: bytes) -> ttfonts.TTFontFace:
    """A parsed face rebuilt from its stored state and the file's bytes."""
    face = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
    face.__dict__.update(state)
    face._ttf_data = data
    face.filename = str(path)
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _scale(units_per_em: int):
    """reportlab's font units → thousandths of an em (as TTFontFile.extractInfo makes it)."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


def _font(name: str, face: ttfonts.TTFontFace) -> ttfonts.TTFont:
    """A TTFont around an already parsed face, as ``TTFont.__init__`` makes one."""
    font = ttfonts.TTFont.__new__(ttfonts.TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, g) for g in rl_config.unShapedFontGlob)
    return font


class _Unpickler(pickle.Unpickler):
    """Builds plain values and reportlab's name strings, nothing else."""

    def find_class(self, module: str, name: str):  # type: ignore[override]
        if (module, name) == ("reportlab.pdfbase.ttfonts", "TTFNameBytes"):
            return ttfonts.TTFNameBytes
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a font entry")


def _read_entry(entry: Path, digest: str) -> dict | None:
    """A stored face's state, or None when there is none or it is not intact."""
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    payload = blob[head:]
    if blob[: len(MAGIC)] != MAGIC or hashlib.sha256(payload).digest() != blob[len(MAGIC) : head]:
        return None
    try:
        stored = _Unpickler(io.BytesIO(payload)).load()
    except _UNPICKLING:
        return None
    if not isinstance(stored, dict) or stored.get("digest") != digest or not isinstance(stored.get("face"), dict):
        return None
    state = stored["face"]
    return state if all(k in state for k in _NEEDED) else None


def _write_entry(entry: Path, digest: str, face: ttfonts.TTFontFace) -> None:
    """Store a parsed face (atomically; a cache that cannot be written is no error)."""
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_STORED}
    payload = pickle.dumps({"digest": digest, "face": state}, protocol=pickle.HIGHEST_PROTOCOL)
    _write_atomically(entry, MAGIC + hashlib.sha256(payload).digest() + payload)
