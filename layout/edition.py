"""Editions: several pages rendered together (orchestrator, like render.py).

Input: an edition YAML file listing page files::

    edition: 辽源日报 2021年7月15日    # title of the combined PDF
    pages:                             # relative to this file; each page has its own 版次
      - page1.yaml                     # text that does not fit continues on the next page …
      - {file: page2.yaml, jump_to: 4} # … or on the page with this 版次 (later in the edition)
      - {file: page3.yaml, jump_to: none}   # … or nowhere: overset is reported
      - page4.yaml
    jumps: true                        # false: no page continues on another

Output: each page rendered (in parallel across cores, results in edition
order); text that does not fit its page continues on its jump page with jump
lines (下转第N版 / 上接第N版), those pages set again in edition order; the
pages merged into one PDF with pikepdf. The command writes that and one PDF
per page named by 版次.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from layout.errors import BanmianError, InputError
from layout.model.source import Located, load_yaml
from layout.model.validate import checked
from layout.render import Output, Rendered, render


@dataclass(frozen=True)
class Edition:
    file: str
    title: str
    pages: tuple[Path, ...]
    source: Located
    jump_to: tuple[int | None, ...] = ()  # per page: the 版次 its overflow continues on (None: next page, 0: none)
    jumps: bool = True
    warnings: tuple[str, ...] = ()


def is_edition(doc: Located) -> bool:
    """An edition file lists ``pages``; a page file has ``profiles``."""
    return isinstance(doc.value, dict) and "pages" in doc.value and "profiles" not in doc.value


def load_edition(path: Path, doc: Located | None = None) -> Edition:
    """Load and check an edition file; every schema problem is reported at once."""
    doc = doc or load_yaml(path)
    edition, warnings = checked(doc, "edition", lambda: _load_edition(path, doc))
    return replace(edition, warnings=warnings)


def _load_edition(path: Path, doc: Located) -> Edition:
    m = doc.value
    if not isinstance(m, dict):
        raise doc.error("", "expected a mapping with 'pages'")
    pages = m.get("pages")
    if not isinstance(pages, list) or not pages:
        raise doc.error("pages", "expected a non-empty list of page files")
    jumps = m.get("jumps", True)
    if not isinstance(jumps, bool):
        raise doc.error("jumps", "expected true or false")
    base = path.resolve().parent
    files, targets = [], []
    for i, p in enumerate(pages):
        name, target = _entry(doc, p, f"pages[{i}]")
        f = base / name
        if not f.is_file():
            raise doc.error(f"pages[{i}]", f"page file not found: {f}")
        files.append(f)
        targets.append(target)
    return Edition(str(path), str(m.get("edition") or path.stem), tuple(files), doc, tuple(targets), jumps)


def _entry(doc: Located, entry: object, path: str) -> tuple[str, int | None]:
    """A page entry: a file name, or {file, jump_to: 版次 or none}."""
    if isinstance(entry, str) and entry.strip():
        return entry, None
    if not isinstance(entry, dict):
        raise doc.error(path, "expected a page file name, or a mapping with 'file' and 'jump_to'")
    name = entry.get("file")
    if not isinstance(name, str) or not name.strip():
        raise doc.error(f"{path}.file", "expected a page file name")
    target = entry.get("jump_to")
    if target is None or target == "none":
        return name, 0 if "jump_to" in entry else None
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= 999:
        raise doc.error(f"{path}.jump_to", f"expected the 版次 of a later page of the edition, or none; got {target!r}")
    return name, target


def _render_one(
    page: Path,
    style: str | None,
    mark_overset: bool,
    output: Output,
    jump_to: int = 0,
    continuations: tuple = (),
) -> tuple[str, object]:
    """Worker: a rendered page, or the error as text (exceptions may not pickle)."""
    try:
        return "ok", render(
            page, style=style, mark_overset=mark_overset, jump_to=jump_to, continuations=continuations, output=output
        )
    except BanmianError as exc:
        return "error", (str(exc), exc.exit_code)


def _unwrap(result: tuple[str, object]) -> Rendered:
    status, value = result
    if status == "error":
        message, code = value  # type: ignore[misc]
        err = InputError(message)
        err.exit_code = code
        raise err
    return value  # type: ignore[return-value]


def _numbers(edition: Edition) -> list[int]:
    """Each page's 版次, read ahead of rendering (0 when unreadable: rendering says why)."""
    out = []
    for f in edition.pages:
        try:
            value = load_yaml(f).value
            number = value.get("page") if isinstance(value, dict) else None
        except BanmianError:
            number = None
        out.append(number if isinstance(number, int) and not isinstance(number, bool) else 0)
    return out


def jump_targets(edition: Edition, numbers: list[int]) -> list[int]:
    """Per page, the index of the page its overflow continues on (-1: none). Jumps go
    forward, so one pass in edition order sets every page after all its continuations."""
    out = []
    for i, target in enumerate(edition.jump_to or (None,) * len(edition.pages)):
        if not edition.jumps or target == 0:
            out.append(-1)
        elif target is None:
            out.append(i + 1 if i + 1 < len(edition.pages) else -1)
        else:
            later = [j for j in range(i + 1, len(numbers)) if numbers[j] == target]
            if not later:
                raise edition.source.error(
                    f"pages[{i}].jump_to", f"no later page of the edition has 版次 {target} (jumps go forward)"
                )
            out.append(later[0])
    return out


def render_edition(
    edition: Edition,
    *,
    style: str | None = None,
    mark_overset: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    output: Output | None = None,
) -> list[Rendered]:
    """Render every page, ``jobs`` at a time (default: one per core); edition order kept.
    Pages that receive continued text are then set again, in edition order."""
    n = len(edition.pages)
    numbers = _numbers(edition)
    targets = jump_targets(edition, numbers)
    jump_to = [numbers[t] if t >= 0 else 0 for t in targets]
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    results: list[tuple[str, object]] = [("error", ("not rendered", 3))] * n
    output = output or Output()
    args = [(page, style, mark_overset, output, jump_to[i]) for i, page in enumerate(edition.pages)]
    if jobs == 1:
        for i in range(n):
            results[i] = _render_one(*args[i])
            if progress:
                progress(i + 1, n, edition.pages[i])
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed  # only editions need processes

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_render_one, *args[i]): i for i in range(n)}
            for done, future in enumerate(as_completed(futures), 1):
                i = futures[future]
                results[i] = future.result()
                if progress:
                    progress(done, n, edition.pages[i])
    rendered = [_unwrap(r) for r in results]
    incoming: list[list] = [[] for _ in range(n)]
    for i in range(n):
        if incoming[i]:  # continued text arrived: set this page again with it
            rendered[i] = _unwrap(_render_one(*args[i], tuple(incoming[i])))
        if rendered[i].makeup.jumps:
            incoming[targets[i]] += rendered[i].makeup.jumps
    seen: dict[int, str] = {}
    for r in rendered:
        if r.page.page in seen:
            raise edition.source.error("pages", f"版次 {r.page.page} is used by {seen[r.page.page]} and {r.page.file}")
        seen[r.page.page] = r.page.file
    return rendered


def merge_pdfs(pdfs: list[bytes], title: str) -> bytes:
    """One PDF of all pages, in order; deterministic bytes. Press pages (PDF/X) keep
    their identification and output intent, taken from the first page."""
    import pikepdf

    out = pikepdf.new()
    first = None
    for data in pdfs:
        with pikepdf.open(io.BytesIO(data)) as src:
            out.pages.extend(src.pages)
            if first is None:
                intents = src.Root.get("/OutputIntents")
                copied = pikepdf.Array([out.copy_foreign(i) for i in intents]) if intents is not None else None
                first = (src.pdf_version, dict(src.docinfo), copied)
    version, info, intents = first or ("1.4", {}, None)
    for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance", "/Trapped", "/CreationDate", "/ModDate", "/Producer"):
        if key in info:
            out.docinfo[key] = info[key]
    if intents is not None:
        out.Root.OutputIntents = intents
    out.docinfo["/Title"] = title
    out.docinfo["/Creator"] = "Banmian"
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, force_version="1.3" if version == "1.3" else None)
    return buf.getvalue()
