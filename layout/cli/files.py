"""Writing what the command makes (command layer, no stage logic).

Input: bytes and a path. Output: the file, written atomically (a temporary file
in the same folder, then a rename), so a failed run leaves an earlier file
untouched; page pictures next to a PDF; the page report as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from layout.errors import OutputError

if TYPE_CHECKING:
    from layout.render import Rendered

OUT_FOLDER = Path("out")  # where a page is written when no -o is given, from the current folder


def default_output(page: Path) -> Path:
    """``out/<page name>.pdf`` in the current folder."""
    return OUT_FOLDER / (page.stem + ".pdf")


def sidecar(pdf: Path) -> Path:
    """Where a draft's source map is written: next to it, OUT.map.json."""
    return pdf.with_name(pdf.stem + ".map.json")


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename."""
    if path.is_dir():
        raise OutputError("is a folder; give a file name", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", file=str(path)) from None


def write_report(path: Path, rendered: list[Rendered]) -> None:
    """The page report as JSON: one page's dict, or a list for an edition."""
    from layout import report

    data = report.as_dict(rendered[0]) if len(rendered) == 1 else [report.as_dict(r) for r in rendered]
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode())


def write_pngs(pdf: Path, quiet: bool) -> None:
    """Page pictures next to the PDF: OUT-1.png, OUT-2.png …"""
    from layout.review.pictures import NoRenderer, render_pngs

    try:
        made = render_pngs(pdf, pdf.with_suffix(""))
    except NoRenderer as exc:
        print(f"note: {exc}; no pictures", file=sys.stderr)
        return
    if not quiet:
        print("pictures: " + ", ".join(p.name for p in made))
