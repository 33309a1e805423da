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

Errors: the first page in edition order that fails stops the run with its own
error, as if rendered alone: a ``BanmianError`` crosses back from its worker
with file, line, field and column (it pickles whole), and a bug stays a bug
(exit 3), with the worker's traceback and the page it was rendering.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from layout.errors import BanmianError
from layout.model.source import Located, load_yaml
from layout.model.validate import checked
from layout.render import Output, Rendered, render

Progress = Callable[[int, int, Path], None]  # pages done, pages in all, the page just done


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


class PageCrash(RuntimeError):
    """A bug in a worker whose exception could not cross back to the parent as it was
    (it does not pickle): still a bug (exit 3), named by the original type and message,
    with the worker's traceback as its cause."""


def _render_one(
    page: Path,
    style: str | None,
    mark_overset: bool,
    output: Output,
    jump_to: int = 0,
    keep: Path | None = None,
    continuations: tuple = (),
) -> Rendered:
    """One page of the edition (``keep``: its previous round, a draft or map holding this
    page). Its errors propagate unchanged; a bug (anything not a ``BanmianError``) gets a
    note naming the page, for the log."""
    try:
        return render(
            page,
            style=style,
            mark_overset=mark_overset,
            jump_to=jump_to,
            continuations=continuations,
            output=output,
            keep=keep,
        )
    except BanmianError:
        raise
    except Exception as exc:  # re-raised as it is: a bug stays a bug
        exc.add_note(f"while rendering the page {page}")
        raise


def _render_in_worker(*args: object) -> Rendered:
    """Pool worker: the page, or its error carried to the parent unchanged in kind. A
    ``BanmianError`` crosses with its file, line, field and column; a bug that would not
    survive pickling (it would break the whole pool) crosses as a ``PageCrash``."""
    try:
        return _render_one(*args)  # type: ignore[arg-type]
    except Exception as exc:  # carried, never turned into an input error
        if _crosses(exc):
            raise
        raise PageCrash(f"{type(exc).__name__}: {exc}") from exc


def _crosses(exc: BaseException) -> bool:
    """Whether ``exc`` survives pickling as the same kind of error."""
    try:
        return type(pickle.loads(pickle.dumps(exc))) is type(exc)
    except Exception:  # any failure to pickle or to rebuild: it cannot cross as it is
        return False


def page_numbers(edition: Edition) -> list[int]:
    """The 版次 of the edition's pages that give one, read ahead of rendering."""
    return [n for n in _numbers(edition) if n is not None]


def _numbers(edition: Edition) -> list[int | None]:
    """Each page's 版次, read ahead of rendering. A page that does not parse stops the run
    here with its own error (file, line); a 版次 missing or not a number gives None, and
    the page's render reports why."""
    out: list[int | None] = []
    for f in edition.pages:
        value = load_yaml(f).value
        number = value.get("page") if isinstance(value, dict) else None
        out.append(number if isinstance(number, int) and not isinstance(number, bool) else None)
    return out


def jump_targets(edition: Edition, numbers: list[int | None]) -> list[int]:
    """Per page, the index of the page its overflow continues on (-1: none). Jumps go
    forward, so one pass in edition order sets every page after all its continuations.
    A 版次 not found while a later page's is unknown (None) is left for that page's
    render to stop the run."""
    out = []
    for i, target in enumerate(edition.jump_to or (None,) * len(edition.pages)):
        if not edition.jumps or target == 0:
            out.append(-1)
        elif target is None:
            out.append(i + 1 if i + 1 < len(edition.pages) else -1)
        else:
            later = [j for j in range(i + 1, len(numbers)) if numbers[j] == target]
            if not later and None not in numbers[i + 1 :]:
                raise edition.source.error(
                    f"pages[{i}].jump_to", f"no later page of the edition has 版次 {target} (jumps go forward)"
                )
            out.append(later[0] if later else -1)
    return out


def render_edition(
    edition: Edition,
    *,
    style: str | None = None,
    mark_overset: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    output: Output | None = None,
    keep: Path | None = None,
    kept: frozenset[int] = frozenset(),
) -> list[Rendered]:
    """Render every page, ``jobs`` at a time (default: one per core); edition order kept.
    Pages that receive continued text are then set again, in edition order. The first
    page in edition order that fails stops the run with its own error. ``keep``: the
    previous round (a draft or its map), kept on the pages whose 版次 are in ``kept``."""
    n = len(edition.pages)
    numbers = _numbers(edition)
    targets = jump_targets(edition, numbers)
    jump_to = [(numbers[t] or 0) if t >= 0 else 0 for t in targets]
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    output = output or Output()
    args = [
        (page, style, mark_overset, output, jump_to[i], keep if numbers[i] in kept else None)
        for i, page in enumerate(edition.pages)
    ]
    report = progress or (lambda done, total, page: None)
    rendered = _render_serial(args, report) if jobs == 1 else _render_pool(args, jobs, report)
    if jump_targets(edition, [r.page.page for r in rendered]) != targets:
        raise RuntimeError("a page's 版次 read before rendering differs from the rendered page's")  # a bug
    incoming: list[list] = [[] for _ in range(n)]
    for i in range(n):
        if incoming[i]:  # continued text arrived: set this page again with it
            rendered[i] = _render_one(*args[i], tuple(incoming[i]))
        if rendered[i].makeup.jumps:
            incoming[targets[i]] += rendered[i].makeup.jumps
    seen: dict[int, str] = {}
    for r in rendered:
        if r.page.page in seen:
            raise edition.source.error("pages", f"版次 {r.page.page} is used by {seen[r.page.page]} and {r.page.file}")
        seen[r.page.page] = r.page.file
    return rendered


def _render_serial(args: list[tuple], progress: Progress) -> list[Rendered]:
    """Pages one after another in this process; the first error stops the run."""
    out = []
    for i, a in enumerate(args, 1):
        out.append(_render_one(*a))
        progress(i, len(args), a[0])
    return out


def _render_pool(args: list[tuple], jobs: int, progress: Progress) -> list[Rendered]:
    """Pages ``jobs`` at a time in worker processes, progress as they finish. When a page
    fails, pages after it are not started, and the first failed page in edition order
    raises its own error (whatever order the workers finished in)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only editions need processes

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_render_in_worker, *a) for a in args]
        index = {f: i for i, f in enumerate(futures)}
        done = 0
        for future in as_completed(futures):
            if future.cancelled():
                continue
            i = index[future]
            if future.exception() is not None:
                for later in futures[i + 1 :]:
                    later.cancel()
            done += 1
            progress(done, len(args), args[i][0])
        return [f.result() for f in futures]


def merge_pdfs(pdfs: list[bytes], title: str) -> bytes:
    """One PDF of all pages, in order; deterministic bytes. Press pages (PDF/X) keep
    their identification and output intent, taken from the first page."""
    import pikepdf

    from layout.post.pdfx import edition_xmp
    from layout.post.subsets import retag

    out = pikepdf.new()
    first = None
    keywords: list[str] = []  # each page's record of installed fonts, kept for the whole edition
    for data in pdfs:
        with pikepdf.open(io.BytesIO(data)) as src:
            out.pages.extend(src.pages)
            words = str(src.docinfo.get("/Keywords", ""))
            if words and words not in keywords:
                keywords.append(words)
            if first is None:
                if str(src.docinfo.get("/GTS_PDFXVersion", "")).startswith("PDF/X-4") and "/Metadata" in src.Root:
                    out.docinfo["/Title"] = title
                    edition_xmp(out, src, pdfs)  # X-4 identifies itself in XMP
                intents = src.Root.get("/OutputIntents")
                copied = pikepdf.Array([out.copy_foreign(i) for i in intents]) if intents is not None else None
                first = (src.pdf_version, dict(src.docinfo), copied)
    version, info, intents = first or ("1.4", {}, None)
    for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance", "/Trapped", "/CreationDate", "/ModDate", "/Producer"):
        if key in info:
            out.docinfo[key] = info[key]
    if intents is not None:
        out.Root.OutputIntents = intents
    if keywords:
        out.docinfo["/Keywords"] = "; ".join(keywords)
    out.docinfo["/Title"] = title
    out.docinfo["/Creator"] = "Banmian"
    retag(out)  # pages share no subset name unless they share the subset
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, force_version=version if version in ("1.3", "1.6") else None)
    return buf.getvalue()
