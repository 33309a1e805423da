"""Editions: several pages rendered together (orchestrator, like render.py).

Input: an edition YAML file listing page files::

    edition: 辽源日报 2021年7月15日    # title of the combined PDF
    pages: [page3.yaml, page4.yaml]    # relative to this file; each page has its own 版次

Output: each page rendered (in parallel across cores, results in edition
order) and the pages merged into one PDF with pikepdf; the command writes
that and one PDF per page named by 版次.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from layout.errors import BanmianError, InputError
from layout.model.source import Located, load_yaml
from layout.render import Rendered, render


@dataclass(frozen=True)
class Edition:
    file: str
    title: str
    pages: tuple[Path, ...]
    source: Located


def is_edition(doc: Located) -> bool:
    """An edition file lists ``pages``; a page file has ``profiles``."""
    return isinstance(doc.value, dict) and "pages" in doc.value and "profiles" not in doc.value


def load_edition(path: Path, doc: Located | None = None) -> Edition:
    doc = doc or load_yaml(path)
    m = doc.value
    if not isinstance(m, dict):
        raise doc.error("", "expected a mapping with 'pages'")
    unknown = set(m) - {"edition", "pages"}
    if unknown:
        raise doc.error(sorted(unknown)[0], "unknown field (an edition has 'edition' and 'pages')")
    pages = m.get("pages")
    if not isinstance(pages, list) or not pages:
        raise doc.error("pages", "expected a non-empty list of page files")
    base = path.resolve().parent
    files = []
    for i, p in enumerate(pages):
        if not isinstance(p, str) or not p.strip():
            raise doc.error(f"pages[{i}]", "expected a page file name")
        f = base / p
        if not f.is_file():
            raise doc.error(f"pages[{i}]", f"page file not found: {f}")
        files.append(f)
    return Edition(str(path), str(m.get("edition") or path.stem), tuple(files), doc)


def _render_one(page: Path, style: str | None, mark_overset: bool) -> tuple[str, object]:
    """Worker: a rendered page, or the error as text (exceptions may not pickle)."""
    try:
        return "ok", render(page, style=style, mark_overset=mark_overset)
    except BanmianError as exc:
        return "error", (str(exc), exc.exit_code)


def render_edition(
    edition: Edition,
    *,
    style: str | None = None,
    mark_overset: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[Rendered]:
    """Render every page, ``jobs`` at a time (default: one per core); edition order kept."""
    n = len(edition.pages)
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    results: list[object] = [None] * n
    if jobs == 1:
        for i, page in enumerate(edition.pages):
            results[i] = _render_one(page, style, mark_overset)
            if progress:
                progress(i + 1, n, page)
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed  # only editions need processes

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_render_one, page, style, mark_overset): i for i, page in enumerate(edition.pages)}
            for done, future in enumerate(as_completed(futures), 1):
                i = futures[future]
                results[i] = future.result()
                if progress:
                    progress(done, n, edition.pages[i])
    rendered: list[Rendered] = []
    for status, value in results:  # type: ignore[misc]
        if status == "error":
            message, code = value
            err = InputError(message)
            err.exit_code = code
            raise err
        rendered.append(value)
    seen: dict[int, str] = {}
    for r in rendered:
        if r.page.page in seen:
            raise edition.source.error("pages", f"版次 {r.page.page} is used by {seen[r.page.page]} and {r.page.file}")
        seen[r.page.page] = r.page.file
    return rendered


def merge_pdfs(pdfs: list[bytes], title: str) -> bytes:
    """One PDF of all pages, in order; deterministic bytes."""
    import pikepdf

    out = pikepdf.new()
    for data in pdfs:
        with pikepdf.open(io.BytesIO(data)) as src:
            out.pages.extend(src.pages)
    out.docinfo["/Title"] = title
    out.docinfo["/Creator"] = "Banmian"
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True)
    return buf.getvalue()
