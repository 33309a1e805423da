"""Finding and preparing the fonts a style names (stage 1 helper).

Input: a font spec from a style (``BanmianSerifSC-Regular.ttf``, a path, or
``path.ttc#2`` for a face of a collection) and the style's folder.
Output: a ``FontFace`` whose file reportlab can embed.

Bundled fonts in ``fonts/`` come with their metrics. Any other font is
prepared once and cached (``$BANMIAN_CACHE``, else ``$XDG_CACHE_HOME/banmian``
or ``~/.cache/banmian``), keyed by the file's content hash: a TrueType file
only gets a metrics sidecar; a CFF font or a collection face is converted to
TrueType outlines like the bundled fonts (this takes up to a minute, once). Either
way its companions are made with it: the punctuation fonts and the padded Latin
fonts that carry the Han–Latin gap (a cache prepared before those had none: they
are made the first time such a face is resolved).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from layout.errors import InputError
from layout.fonts.metrics import FontFace, load_face
from layout.resources import fonts_dir

METRICS_SUFFIX = ".metrics.json"


def cache_dir() -> Path:
    env = os.environ.get("BANMIAN_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "banmian"


def split_spec(spec: str) -> tuple[str, int]:
    """A font spec as its file name and face index (``file.ttc#2`` → ("file.ttc", 2))."""
    m = re.match(r"^(.*)#(\d+)$", spec)
    if m:
        return m.group(1), int(m.group(2))
    return spec, 0


def _locate(name: str, base: Path) -> Path:
    path = Path(name).expanduser()
    candidates = [path] if path.is_absolute() else [base / path, fonts_dir() / path]
    for c in candidates:
        if c.is_file():
            return c
    tried = ", ".join(str(c) for c in candidates)
    raise InputError(f"font file not found (looked at {tried})", field=name)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _prepare_cached(key: str, src: Path, index: int) -> FontFace:
    digest = _digest(src)
    folder = cache_dir() / "fonts"
    as_is = folder / f"{digest}{METRICS_SUFFIX}"  # a TrueType face used as it is: its metrics
    out = folder / f"{digest}-{index}.ttf"  # a converted face
    out_metrics = out.with_name(out.name + METRICS_SUFFIX)
    if as_is.is_file():
        return _with_gap(load_face(key, src, as_is), src, folder / digest, as_is, "BM" + digest)
    if out.is_file() and out_metrics.is_file():
        face = load_face(key, out, out_metrics)
        return _with_gap(face, out, out.with_name(f"{digest}-{index}"), out_metrics, face.ps_name)
    from layout.fonts import prepare  # fontTools only when a font must be prepared

    # FontReadError is raised only where the user's file is read (read_font, and each glyph
    # outline a conversion reads): an error in our own processing stays an internal error.
    try:
        prepare.read_font(src, index)
        embeddable = prepare.is_embeddable_as_is(src)
        if embeddable:
            _prepare_as_is(prepare, src, folder, as_is, digest)
            return load_face(key, src, as_is)
        _convert(prepare, src, index, out, digest)
    except prepare.FontReadError as exc:
        raise InputError(f"cannot use this font: {exc}", file=str(src)) from None
    return load_face(key, out, out_metrics)


def _prepare_as_is(prepare, src: Path, folder: Path, metrics: Path, digest: str) -> None:
    """A TrueType face used as it is: its metrics and punctuation fonts, in the cache."""
    folder.mkdir(parents=True, exist_ok=True)
    prepare.metrics_for_existing(src, metrics)
    _punctuation_fonts(prepare, src, folder / digest, metrics, "BM" + digest)


def _convert(prepare, src: Path, index: int, out: Path, digest: str) -> None:
    """A CFF face or a collection face converted to TrueType outlines, in the cache."""
    print(
        f"banmian: preparing font {src.name} (face {index}) for embedding, once; this can take a minute",
        file=sys.stderr,
    )
    ps = "BM" + digest[:8] + "-" + re.sub(r"[^A-Za-z0-9-]", "", src.stem)[:40]
    prepare.prepare_font(
        src,
        out,
        family=f"Banmian prepared {src.stem}",
        style="Regular",
        ps_name=ps,
        face_index=index,
        note=f"Converted by Banmian from {src.name} face {index}",
    )
    _punctuation_fonts(prepare, out, out.with_name(f"{digest}-{index}"), prepare.metrics_path_for(out), ps)


def _ps_base(ps: str) -> str:
    """The stem of a cached face's companion names (``<base>-Halt``, ``<base>-GapLead``)."""
    return re.sub(r"[^A-Za-z0-9-]", "", ps)[:48]


def _punctuation_fonts(prepare, font: Path, stem: Path, metrics: Path, ps: str) -> None:
    """The half-width and zh-Hant punctuation fonts and the gap fonts of a prepared face, in the cache."""
    base = _ps_base(ps)
    prepare.make_halt(font, f"{base}-Halt", stem.with_name(stem.name + ".halt.ttf"), metrics)
    prepare.make_hant(font, f"{base}-Hant", stem.with_name(stem.name + ".hant.ttf"), metrics)
    prepare.make_gap(font, base, stem, metrics)


def _with_gap(face: FontFace, font: Path, stem: Path, metrics: Path, ps: str) -> FontFace:
    """A cached face as it is, or, when its cache predates the gap fonts (a sidecar without
    "gap"), with them made now, once."""
    if face.gap is not None or _has_gap_entry(metrics):
        return face
    from layout.fonts import prepare  # fontTools only when a font must be prepared

    prepare.make_gap(font, _ps_base(ps), stem, metrics)
    return load_face(face.key, face.path, metrics)


def _has_gap_entry(metrics: Path) -> bool:
    """True when a sidecar records gap fonts (perhaps none: a face without Latin)."""
    try:
        return "gap" in json.loads(metrics.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True  # unreadable: load_face has said so already, or will


def resolve_font(key: str, spec: str, base: Path) -> FontFace:
    """The face for one style font entry."""
    name, index = split_spec(spec)
    path = _locate(name, base)
    sidecar = path.with_name(path.name + METRICS_SUFFIX)
    if index == 0 and sidecar.is_file():
        return load_face(key, path, sidecar)
    return _prepare_cached(key, path, index)
