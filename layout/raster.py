"""Reading raster files safely (before drawing): photos, fillers and ads' raster artwork.

Input: a path. Output: a decoded Pillow image (``decoded``, or inside ``opened``), or a
``ValueError`` saying why the file cannot be read: more pixels than ``MAX_PIXELS``
(refused from the header, unread: a decompression bomb or a scan far too large), or what
Pillow raises for a damaged or hostile file (``READ_ERRORS``). ``upright_size`` is the
size as the image is shown (a quarter turn in its EXIF orientation swaps it).

Each file is decoded once per process and version (path, size, modification time): the
photo check, the makeup and the drawing of a page, and the pages of an edition a worker
sets, share one decoded image (``CACHE_BYTES`` of them at most, the least recently used
dropped first). The image is shared: callers read it and make new images from it, never
change it in place.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 60_000_000  # a 60-megapixel image is plenty; more is a decompression bomb
# What Pillow raises for a damaged or hostile file (UnidentifiedImageError is an OSError; a
# truncated one an OSError or EOFError; bad headers ValueError, SyntaxError, struct or zlib errors).
READ_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, zlib.error)
QUARTER_TURNS = (5, 6, 7, 8)  # EXIF orientations that turn the image a quarter turn
CACHE_BYTES = 256 * 2**20  # decoded images kept per process (a page's photos, an edition's shared ones)

_decoded: OrderedDict[tuple[str, int, int], Image] = OrderedDict()


@contextmanager
def opened(path: Path) -> Iterator[Image]:
    """The image at ``path``, decoded completely (shared: see ``decoded``); ValueError if it cannot be."""
    yield decoded(path)


def decoded(path: Path) -> Image:
    """The image at ``path``, decoded completely, once per process and version of the file;
    ValueError if it cannot be. Shared: read it, never change it in place."""
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ValueError(str(exc)) from None
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
    img = _decoded.get(key)
    if img is None:
        img = _decode(Path(path))
        _decoded[key] = img
        _trim()
    _decoded.move_to_end(key)
    return img


def _trim() -> None:
    """Drop the least recently used images beyond ``CACHE_BYTES`` (the newest always stays)."""
    total = sum(_size(img) for img in _decoded.values())
    while total > CACHE_BYTES and len(_decoded) > 1:
        _, img = _decoded.popitem(last=False)
        total -= _size(img)


def _size(img: Image) -> int:
    return img.width * img.height * max(1, len(img.getbands()))


def clear_cache() -> None:
    """Forget every decoded image (tests; a long-lived process that wants the memory back)."""
    _decoded.clear()


def _decode(path: Path) -> Image:
    """The file decoded completely, its EXIF read while the file is open (TIFF reads it
    from the file); ValueError if it cannot be."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # our own limit, from the header
            try:
                img = Image.open(path)
            finally:
                Image.MAX_IMAGE_PIXELS = limit
            with img:
                if img.width * img.height > MAX_PIXELS:
                    raise ValueError(
                        f"{img.width} × {img.height} pixels is more than {MAX_PIXELS:,} "
                        "(refused unread: a decompression bomb, or a scan far too large)"
                    )
                img.load()
                img.getexif()
                return img
    except (*READ_ERRORS, Image.DecompressionBombError) as exc:
        raise ValueError(str(exc)) from None


def upright_size(img: Image) -> tuple[int, int]:
    """Width and height as the image is shown (its EXIF orientation applied)."""
    w, h = img.size
    return (h, w) if img.getexif().get(0x0112, 1) in QUARTER_TURNS else (w, h)
