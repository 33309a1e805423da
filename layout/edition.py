"""Editions: several pages rendered together (orchestrator, like render.py).

Input: an edition YAML file listing page files::

    edition: 辽源日报 2021年7月15日    # title of the combined PDF
    pages:                             # relative to this file; each page has its own 版次
      - page1.yaml                     # text that does not fit continues on the next page …
      - {file: page2.yaml, jump_to: 4} # … or on the page with this 版次 (later in the edition)
      - {file: page3.yaml, jump_to: none}   # … or nowhere: overset is reported
      - page4.yaml
    jumps: true                        # false: no page continues on another

Output: each page rendered by an executor (``executors.py``: a process pool, or
Dask), results in edition order; text that does not fit its page continues on its
jump page with jump lines (下转第N版 / 上接第N版). ``Plan`` orders the work: a page is
set after the pages whose text it receives, with that text, so it is set once; pages
with no pending senders run in parallel. The pages are merged into one PDF with
pikepdf. The command writes that and one PDF per page named by 版次.

Errors: the first page in edition order that fails stops the run with its own
error, as if rendered alone: a ``BanmianError`` crosses back from its worker
with file, line, field and column (it pickles whole), and a bug stays a bug
(exit 3), with the worker's traceback and the page it was rendering. With
``keep_going`` (``run_edition``; the Dask executor's policy) the failed pages are
reported in ``EditionRun.failures`` and the others are still set.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from layout.executors import Executor, LocalExecutor, PageResult, PageTask
from layout.model.source import MAX_BYTES, Located, load_yaml
from layout.model.validate import checked
from layout.render import Output, Rendered

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


def page_numbers(edition: Edition) -> list[int]:
    """The 版次 of the edition's pages that give one, read ahead of rendering."""
    return [n for n in _numbers(edition) if n is not None]


def _numbers(edition: Edition) -> list[int | None]:
    """Each page's 版次, read ahead of rendering. A page that does not parse stops the run
    here with its own error (file, line); a 版次 missing or not a number gives None, and
    the page's render reports why."""
    return [_number(f) for f in edition.pages]


def _number(page: Path) -> int | None:
    """One page's 版次: a quick look with libyaml (the parent reads every page before the
    workers can start; the full reader takes ~30 ms a page). Whatever that look cannot
    settle (no libyaml, a file it cannot parse, no number there) is read as the page's
    render reads it, so a broken page stops the run with its own error."""
    value = None
    loader = getattr(yaml, "CSafeLoader", None)
    try:
        if loader is not None and page.stat().st_size <= MAX_BYTES:
            value = yaml.load(page.read_bytes(), Loader=loader)
    except (OSError, ValueError, yaml.YAMLError):
        value = None
    number = value.get("page") if isinstance(value, dict) else None
    if not isinstance(number, int) or isinstance(number, bool):
        value = load_yaml(page).value
        number = value.get("page") if isinstance(value, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


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


@dataclass(frozen=True)
class PageFailure:
    """A page that could not be set: its index, 版次 (None if unreadable) and error
    (a ``BanmianError`` for bad input, any other exception a bug)."""

    index: int
    number: int | None
    file: Path
    error: BaseException


@dataclass(frozen=True)
class EditionRun:
    """What an edition's render came to: every page set (None where it failed), the failures."""

    pages: tuple[Rendered | None, ...]
    failures: tuple[PageFailure, ...] = ()


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
    executor: Executor | None = None,
) -> list[Rendered]:
    """Render every page (``executor``; default: one process per core, ``jobs`` of them);
    edition order kept, each page set after the pages whose text it receives. The first
    page in edition order that fails stops the run with its own error. ``keep``: the
    previous round (a draft or its map), kept on the pages whose 版次 are in ``kept``."""
    run = run_edition(
        edition,
        style=style,
        mark_overset=mark_overset,
        jobs=jobs,
        progress=progress,
        output=output,
        keep=keep,
        kept=kept,
        executor=executor,
    )
    if run.failures:
        raise run.failures[0].error
    return [r for r in run.pages if r is not None]


def run_edition(
    edition: Edition,
    *,
    style: str | None = None,
    mark_overset: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    output: Output | None = None,
    keep: Path | None = None,
    kept: frozenset[int] = frozenset(),
    executor: Executor | None = None,
    keep_going: bool = False,
) -> EditionRun:
    """As ``render_edition``; with ``keep_going`` a page that fails is reported in
    ``failures`` and the others are set (a page its text would continue on without it)."""
    n = len(edition.pages)
    numbers = _numbers(edition)
    targets = jump_targets(edition, numbers)
    output = output or Output()
    tasks = [
        PageTask(
            i,
            page,
            style,
            mark_overset,
            output,
            (numbers[targets[i]] or 0) if targets[i] >= 0 else 0,
            keep if numbers[i] in kept else None,
        )
        for i, page in enumerate(edition.pages)
    ]
    own = executor is None
    executor = executor or LocalExecutor(max(1, min(jobs or os.cpu_count() or 1, n)))
    try:
        outcomes = Plan(targets, keep_going).run(tasks, executor, progress or (lambda done, total, page: None))
    finally:
        if own:
            executor.close()
    return _checked_run(edition, numbers, targets, outcomes)


def _checked_run(
    edition: Edition, numbers: list[int | None], targets: list[int], outcomes: list[Outcome | None]
) -> EditionRun:
    """The pages and failures in edition order; a 版次 used twice is bad input."""
    pages: list[Rendered | None] = []
    failures = []
    for i, out in enumerate(outcomes):
        rendered = out.rendered if isinstance(out, PageResult) else None
        pages.append(rendered)
        if rendered is None:
            error = out.error if isinstance(out, PageResult) else out
            if error is None:  # fail fast: not set, as a page before it failed
                error = edition.source.error(f"pages[{i}]", "not set: a page before it failed")
            failures.append(PageFailure(i, numbers[i], edition.pages[i], error))
    if not failures and jump_targets(edition, [r.page.page for r in pages if r]) != targets:
        raise RuntimeError("a page's 版次 read before rendering differs from the rendered page's")  # a bug
    seen: dict[int, str] = {}
    for r in pages:
        if r is None:
            continue
        if r.page.page in seen:
            raise edition.source.error("pages", f"版次 {r.page.page} is used by {seen[r.page.page]} and {r.page.file}")
        seen[r.page.page] = r.page.file
    return EditionRun(tuple(pages), tuple(failures))


Outcome = PageResult | BaseException  # a page's result or its error; a bug is any other exception
Incoming = tuple  # the Continuations a page is set with


def _failed(out: Outcome | None) -> bool:
    return not isinstance(out, PageResult) or out.rendered is None


def _jumps(out: Outcome | None) -> tuple:
    """The text a page's result continues on its jump page (none from a failed page)."""
    return () if _failed(out) else out.rendered.makeup.jumps  # type: ignore[union-attr]


@dataclass
class _State:
    """What is known after the results so far, page by page in edition order."""

    known: list[Incoming | None]  # the text a page receives, once all its senders are settled
    guess: list[Incoming | None]  # the text it receives if its senders' latest results hold
    outcomes: list[Outcome | None]  # a settled page's outcome
    settled: list[bool]
    stop: int  # the last page worth setting (fail fast: the first failed page)

    @property
    def finished(self) -> bool:
        return all(self.settled[: self.stop + 1])


class Plan:
    """The order an edition's pages are set in. A page is set once its senders (the pages
    whose overflow continues on it) are settled, with their text: so pages run in edition
    order along each chain of jumps. To keep every slot busy, a page whose senders are not
    settled yet starts from their latest results (their overflow, usually none), or, with
    nothing to go on, as the middle of the longest stretch of pages not started (each slot
    then works down its own stretch). A result whose received text turns out different
    is set again; so the output is what setting the pages one by one in edition order
    gives, and a page that receives text is set once unless its sender was itself a guess."""

    def __init__(self, targets: list[int], keep_going: bool = False) -> None:
        self.n = len(targets)
        self.senders = [[s for s in range(self.n) if targets[s] == j] for j in range(self.n)]
        self.keep_going = keep_going
        self.records: list[list[tuple[Incoming, Outcome]]] = [[] for _ in range(self.n)]
        self.flying: dict[object, tuple[int, Incoming]] = {}

    def run(self, tasks: list[PageTask], executor: Executor, progress: Progress) -> list[Outcome | None]:
        """Set every page; each settled page is reported to ``progress`` as it settles."""
        reported = [False] * self.n
        while True:
            state = self._state()
            for j in range(self.n):
                if state.settled[j] and not reported[j]:
                    reported[j] = True
                    progress(sum(reported), self.n, tasks[j].page)
            if state.finished:
                return [state.outcomes[j] if j <= state.stop else None for j in range(self.n)]
            while len(self.flying) < executor.slots and (pick := self._pick(state)) is not None:
                j, incoming = pick
                self.flying[executor.submit(replace(tasks[j], continuations=incoming))] = pick
            if not self.flying:
                raise RuntimeError("the edition's plan has pages to set and none it can set")  # a bug
            for future in executor.wait(list(self.flying)):
                j, incoming = self.flying.pop(future)
                self.records[j].append((incoming, executor.outcome(future)))

    def _record(self, j: int, incoming: Incoming | None) -> Outcome | None:
        if incoming is None:
            return None
        return next((out for inc, out in reversed(self.records[j]) if inc == incoming), None)

    def _state(self) -> _State:
        n = self.n
        st = _State([None] * n, [None] * n, [None] * n, [False] * n, n - 1)
        for j in range(n):
            senders = self.senders[j]
            if all(st.settled[s] for s in senders):  # keep going: a failed sender continues nothing here
                st.known[j] = tuple(c for s in senders for c in _jumps(st.outcomes[s]))
                st.outcomes[j] = self._record(j, st.known[j])
                st.settled[j] = st.outcomes[j] is not None
            st.guess[j] = self._guess(j, st)
            if st.settled[j] and _failed(st.outcomes[j]) and not self.keep_going:
                st.stop = j
                break
        return st

    def _guess(self, j: int, st: _State) -> Incoming | None:
        """The text page ``j`` receives if its senders' results so far hold (None: a sender
        has none yet, or failed)."""
        text: list = []
        for s in self.senders[j]:
            out = st.outcomes[s] if st.settled[s] else self._record(s, st.guess[s])
            if out is None and self.records[s]:
                out = self.records[s][-1][1]
            if out is None or (_failed(out) and not st.settled[s]):
                return None
            text += _jumps(out)
        return tuple(text)

    def _flying(self, j: int, incoming: Incoming) -> bool:
        return any(k == j and inc == incoming for k, inc in self.flying.values())

    def _pick(self, st: _State) -> tuple[int, Incoming] | None:
        """The next page to set and the text it receives (see the class), or None."""
        pages = range(st.stop + 1)
        for j in pages:  # senders settled: this is the page's final setting
            if not st.settled[j] and st.known[j] is not None and not self._flying(j, st.known[j]):
                return j, st.known[j]
        for j in pages:  # from the senders' latest results
            guess = st.guess[j]
            if not st.settled[j] and guess is not None and self._record(j, guess) is None:
                if not self._flying(j, guess):
                    return j, guess
        busy = {k for k, _ in self.flying.values()}
        idle = [j for j in pages if not self.records[j] and j not in busy and not st.settled[j]]
        if not idle:
            return None
        runs: list[list[int]] = []
        for j in idle:
            if runs and runs[-1][-1] == j - 1:
                runs[-1].append(j)
            else:
                runs.append([j])
        longest = max(runs, key=len)
        return longest[len(longest) // 2], ()


def _retagged_already(pdf) -> bool:
    """Would retagging the merged ``pdf`` change nothing? Each page was retagged by its content
    already, so only subsets that share a name across pages need their digests compared (all of
    them digested again was most of a merge's time): the same content, the same name."""
    from layout.post.subsets import subset_fonts, subset_key

    by_name: dict[str, list] = {}
    for font, name in subset_fonts(pdf):
        by_name.setdefault(str(font.get("/BaseFont", "")), []).append((font, name))
    shared = (fonts for fonts in by_name.values() if len(fonts) > 1)
    return all(len({subset_key(font, name) for font, name in fonts}) == 1 for fonts in shared)


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
    if not _retagged_already(out):  # pages share no subset name unless they share the subset
        retag(out)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, force_version=version if version in ("1.3", "1.6") else None)
    return buf.getvalue()
