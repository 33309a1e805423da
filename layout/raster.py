"""Reading raster files safely (before drawing): photos, fillers and ads' raster artwork.

Input: a path. Output: a decoded Pillow image (inside ``opened``), or a ``ValueError``
saying why the file cannot be read: more pixels than ``MAX_PIXELS`` (refused from the
header, unread: a decompression bomb or a scan far too large), or what Pillow raises
for a damaged or hostile file (``READ_ERRORS``). ``upright_size`` is the size as the
image is shown (a quarter turn in its EXIF orientation swaps it).
"""

from __future__ import annotations

import struct
import warnings
import zlib
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


@contextmanager
def opened(path: Path) -> Iterator[Image]:
    """The image at ``path``, decoded completely; ValueError if it cannot be."""
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
                yield img
    except (*READ_ERRORS, Image.DecompressionBombError) as exc:
        raise ValueError(str(exc)) from None


def upright_size(img: Image) -> tuple[int, int]:
    """Width and height as the image is shown (its EXIF orientation applied)."""
    w, h = img.size
    return (h, w) if img.getexif().get(0x0112, 1) in QUARTER_TURNS else (w, h)
