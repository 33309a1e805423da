"""Where an edition's pages are rendered (orchestration, below ``edition.py``).

Input: ``PageTask`` values (one page: its file, the 版次 its overflow continues on, the
text continued onto it, the output asked for). Output: futures of ``PageResult`` (the
``Rendered`` page, or the page's own ``BanmianError``); a bug in a page stays a bug and
is the future's exception.

- ``LocalExecutor``: this process (one job) or a process pool (``jobs`` processes);
  tasks read their files where they are.
- ``DaskExecutor``: a ``distributed`` cluster (``--scheduler tcp://HOST:8786``, or a
  ``LocalCluster`` started for the run). A task carries its content, not paths: the page's
  YAML text, its photos' and artwork's bytes, a style file's text and the fonts only when
  they are not bundled (``pack``). A worker writes them into a private temporary folder,
  renders, and hands back the PDF bytes with the page report, every path in it (and in an
  error's file, line and field) mapped back to the client's files. (Where the same bytes
  are at the client's paths already, it renders them there: a draft's attached source map
  names files, and only then is it the local executor's byte for byte.) A failed task is run
  once more (``retries=1``); a lost worker's task is run again by the scheduler.
  ``distributed`` is imported only when this executor is made (``banmian[cluster]``).

The same task gives the same bytes on either executor.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from layout.errors import BanmianError, InputError
from layout.model.content import Continuation
from layout.model.style import load_style, style_path
from layout.render import Output, Rendered, render
from layout.resources import fonts_dir, styles_dir


@dataclass(frozen=True)
class PageTask:
    """One page to render: ``index`` in the edition, ``continuations`` set onto it."""

    index: int
    page: Path
    style: str | None = None
    mark_overset: bool = False
    output: Output = Output()
    jump_to: int = 0
    keep: Path | None = None
    continuations: tuple[Continuation, ...] = ()


@dataclass(frozen=True)
class PageResult:
    """A page rendered, or its own error (bad input: reported as for the page alone)."""

    index: int
    rendered: Rendered | None = None
    error: BanmianError | None = None


class PageCrash(RuntimeError):
    """A bug in a worker whose exception could not cross back to the parent as it was
    (it does not pickle): still a bug (exit 3), named by the original type and message,
    with the worker's traceback as its cause."""


class Executor(Protocol):
    """Runs ``PageTask``s: ``slots`` at a time; ``wait`` returns the futures done (at least one)."""

    slots: int

    def submit(self, task: PageTask) -> Any: ...

    def wait(self, futures: Iterable[Any]) -> list[Any]: ...

    def outcome(self, future: Any) -> PageResult | BaseException: ...

    def close(self) -> None: ...


def run_task(task: PageTask) -> PageResult:
    """Render one page; its ``BanmianError`` is the result, a bug is raised with a note
    naming the page (for the log)."""
    try:
        rendered = render(
            task.page,
            style=task.style,
            mark_overset=task.mark_overset,
            jump_to=task.jump_to,
            continuations=task.continuations,
            output=task.output,
            keep=task.keep,
        )
    except BanmianError as exc:
        return PageResult(task.index, error=exc)
    except Exception as exc:  # re-raised as it is: a bug stays a bug
        exc.add_note(f"while rendering the page {task.page}")
        raise
    return PageResult(task.index, rendered=rendered)


def _run_in_worker(task: PageTask) -> PageResult:
    """Pool worker: a bug that would not survive pickling (it would break the whole pool)
    crosses as a ``PageCrash``."""
    try:
        return run_task(task)
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


class LocalExecutor:
    """Pages in this process (``jobs`` 1) or in a pool of ``jobs`` processes."""

    def __init__(self, jobs: int) -> None:
        self.slots = max(1, jobs)
        self._pool = None
        if self.slots > 1:
            from concurrent.futures import ProcessPoolExecutor  # only editions need processes

            self._pool = ProcessPoolExecutor(max_workers=self.slots)

    def submit(self, task: PageTask) -> Future:
        if self._pool is not None:
            return self._pool.submit(_run_in_worker, task)
        future: Future = Future()
        try:
            future.set_result(run_task(task))
        except Exception as exc:  # a bug: the future carries it, as a pool's would
            future.set_exception(exc)
        return future

    def wait(self, futures: Iterable[Future]) -> list[Future]:
        return list(wait_futures(list(futures), return_when=FIRST_COMPLETED).done)

    def outcome(self, future: Future) -> PageResult | BaseException:
        exc = future.exception()
        return exc if exc is not None else future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


# ---- Dask: tasks that carry their content -------------------------------------------------


@dataclass(frozen=True)
class PageContent:
    """A task as a worker gets it: every file it reads, as bytes by path relative to
    ``root`` (the client's folder holding them all), and the task with paths under it."""

    task: PageTask
    root: str
    files: dict[str, Any] = field(default_factory=dict)  # relative path → bytes (or a future of them)


def _task_files(task: PageTask) -> list[Path]:
    """Every file the page's render reads that is not part of the package: the page, its
    photos, fillers and ads' artwork, the continued profiles' photos, a style file and its
    fonts when they are not bundled, the previous round (``keep``)."""
    stat = task.page.stat() if task.page.is_file() else None
    files = list(_page_files(task.page, task.style, stat.st_mtime_ns if stat else 0))
    files += [c.profile.photo.file for c in task.continuations if c.profile.photo and c.profile.photo.file]
    if task.keep is not None:
        files.append(task.keep)
    return [_normal(f) for f in files if Path(f).is_file()]


def _normal(path: Path | str) -> Path:
    """An absolute path with ``..`` folded (a photo named ``../photos/x.jpg`` lands inside
    the worker's folder, where the page's own reference finds it)."""
    return Path(os.path.abspath(path))


@lru_cache(maxsize=4096)
def _page_files(page_file: Path, style_arg: str | None, mtime_ns: int) -> tuple[Path, ...]:
    """The page's own files (see ``_task_files``), once per version of the page file, from
    a quick look at its YAML (libyaml; the full reader and its checks cost ~30 ms a page
    on the client, which shares the machine with workers on a LocalCluster): photos,
    fillers' and ads' files by the page's folder, as the content model resolves them. A
    page that cannot be read carries just itself: the worker's render then reports what
    is wrong with it."""
    try:
        value = yaml.load(page_file.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, yaml.YAMLError):
        return (page_file,)
    if not isinstance(value, dict):
        return (page_file,)
    base = page_file.resolve().parent
    files = [page_file]
    for key, inner in (("profiles", "photo"), ("fillers", None), ("ads", None)):
        items = value.get(key)
        for item in items if isinstance(items, list) else ():
            holder = item.get(inner) if inner and isinstance(item, dict) else item
            name = holder.get("file") if isinstance(holder, dict) else None
            if isinstance(name, (str, int, float)) and not isinstance(name, bool) and str(name).strip():
                files.append(base / str(name).strip())
    spec = style_arg or value.get("style")
    try:
        style = style_path(spec if isinstance(spec, str) else "", base)
    except BanmianError:
        return tuple(files)
    if style.is_file() and style.resolve().parent != styles_dir().resolve():
        files.append(style)
        try:
            files += _style_fonts(style)
        except BanmianError:
            pass  # the worker's render reports the style's problem
    return tuple(files)


def _style_fonts(style: Path) -> list[Path]:
    """A style file's fonts that are not bundled (and their metrics sidecars)."""
    st = load_style(style)
    out = []
    for spec in st.fonts.values():
        name = Path(spec.split("#", 1)[0]).expanduser()
        path = name if name.is_absolute() else st.folder / name
        if path.is_file() and path.resolve().parent != fonts_dir().resolve():
            out += [path, path.with_name(path.name + ".metrics.json")]
    return out


def pack(task: PageTask, read: Any = None) -> PageContent:
    """The task with its files' content, paths relative to their common folder. ``read``:
    a file's content as the task carries it (default: its bytes)."""
    files = _task_files(task)
    root = Path(os.path.commonpath([str(f.parent) for f in files]))
    read = read or (lambda f: f.read_bytes())
    content = {str(f.relative_to(root)): read(f) for f in files}
    keep = _normal(task.keep) if task.keep is not None else None
    moved = dataclasses.replace(task, page=_normal(task.page), keep=keep)
    return PageContent(moved, str(root), content)


def run_packed(task: PageTask, root: str, files: dict[str, bytes]) -> PageResult:
    """The worker's entry point (what a Dask task runs)."""
    return run_content(PageContent(task, root, files))


def run_content(content: PageContent) -> PageResult:
    """A worker's task: the files written into a private folder, the page rendered there,
    the result's paths mapped back to the client's (``root``). Where the client's files are
    already at hand byte for byte (a LocalCluster, a shared file system), the page is set
    where it is, so even a draft's source map, which names files, is the local one."""
    if _at_hand(content):
        return run_task(content.task)
    folder = tempfile.mkdtemp(prefix="banmian-task-")
    try:
        here = str(Path(folder) / "r")
        for name, data in content.files.items():
            path = Path(here) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        task = _moved_task(content.task, content.root, here)
        try:
            result = run_task(task)
        except Exception as exc:  # a bug: named by the client's page, re-raised as it is
            exc.add_note(f"(on the worker: {here} is {content.root})")
            raise
        return relocate(result, here, content.root)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _at_hand(content: PageContent) -> bool:
    """Whether every file of the task is at its client path with the same bytes."""
    root = Path(content.root)
    try:
        return all((root / name).read_bytes() == data for name, data in content.files.items())
    except OSError:
        return False


def _moved_task(task: PageTask, root: str, here: str) -> PageTask:
    """The task's paths under the worker's folder: the page, ``keep``, a style file, and
    the continued profiles' photos (the continuations' own file names stay the client's)."""

    def moved(p: Path | None) -> Path | None:
        return None if p is None else Path(here) / _normal(p).relative_to(root)

    style = task.style  # a name, or a path relative to the page's folder (mirrored) …
    if style is not None and Path(style).expanduser().is_absolute():  # … or absolute
        style = str(moved(Path(style).expanduser()))
    conts = tuple(_moved_continuation(c, moved) for c in task.continuations)
    return dataclasses.replace(task, page=moved(task.page), keep=moved(task.keep), style=style, continuations=conts)  # type: ignore[arg-type]


def _moved_continuation(c: Continuation, moved: Any) -> Continuation:
    photo = c.profile.photo
    if photo is None or photo.file is None:
        return c
    profile = dataclasses.replace(c.profile, photo=dataclasses.replace(photo, file=moved(photo.file)))
    return dataclasses.replace(c, profile=profile)


def relocate(obj: Any, old: str, new: str) -> Any:
    """``obj`` with ``old`` (a worker's private folder, unique) replaced by ``new`` in every
    path and string it holds: frozen dataclasses rebuilt only where something changed."""
    memo: dict[int, Any] = {}
    return _relocated(obj, old, new, memo)


def _relocated(obj: Any, old: str, new: str, memo: dict[int, Any]) -> Any:
    if isinstance(obj, str):
        return obj.replace(old, new) if old in obj else obj
    if isinstance(obj, Path):
        s = str(obj)
        return Path(s.replace(old, new)) if old in s else obj
    if obj is None or isinstance(obj, (bytes, int, float, bool)):
        return obj
    key = id(obj)
    if key in memo:
        return memo[key]
    out = _relocated_container(obj, old, new, memo)
    memo[key] = out
    return out


def _relocated_container(obj: Any, old: str, new: str, memo: dict[int, Any]) -> Any:
    if isinstance(obj, BanmianError):
        obj.file = _relocated(obj.file, old, new, memo)
        obj.message = _relocated(obj.message, old, new, memo)
        obj.args = tuple(_relocated(a, old, new, memo) for a in obj.args)
        return obj
    if isinstance(obj, (tuple, list)):
        items = [_relocated(v, old, new, memo) for v in obj]
        if all(a is b for a, b in zip(items, obj)):
            return obj
        return type(obj)(items) if not hasattr(obj, "_fields") else type(obj)(*items)
    if isinstance(obj, dict):
        pairs = [(_relocated(k, old, new, memo), _relocated(v, old, new, memo)) for k, v in obj.items()]
        if all(k is a and v is b for (k, v), (a, b) in zip(pairs, obj.items())):
            return obj
        return type(obj)(pairs) if type(obj) is dict else obj.__class__(pairs)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            moved = _relocated(value, old, new, memo)
            if moved is not value:
                changes[f.name] = moved
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


class DaskExecutor:
    """Pages on a Dask cluster: the scheduler at ``address``, or a ``LocalCluster`` of
    ``workers`` processes started for the run (and closed with it)."""

    def __init__(self, address: str | None = None, workers: int | None = None, client: Any = None) -> None:
        try:
            import distributed
        except ImportError:
            raise InputError(
                "--executor dask needs Dask: pip install 'banmian[cluster]' (dask and distributed)"
            ) from None
        self._distributed = distributed
        self._own = client is None
        self._cluster = None
        if client is None:
            if address is None:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True
                )
                address = self._cluster
            try:
                client = distributed.Client(address, timeout="20s")
            except OSError as exc:
                raise InputError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc})") from None
        self.client = client
        self.slots = max(1, sum(client.nthreads().values()))
        self._read: dict[tuple[Path, int, int], Any] = {}  # a file's version → its content on the cluster

    def _content(self, path: Path) -> Any:
        """A file's content as tasks carry it: a task of its own on the cluster, keyed by the
        content's digest, so a photo, style or font many pages use travels once (a user's
        CJK font is megabytes) and a worker fetches it from a peer. Not ``scatter``: data
        scattered to a worker dies with it, while a task's result is made again from its
        spec (which holds the bytes) when its worker is lost."""
        stat = path.stat()
        version = (path, stat.st_mtime_ns, stat.st_size)
        if version not in self._read:
            data = path.read_bytes()
            key = f"banmian-file-{hashlib.sha256(data).hexdigest()}"
            self._read[version] = self.client.submit(_blob, data, key=key, pure=True, retries=1)
        return self._read[version]

    def submit(self, task: PageTask) -> Any:
        content = pack(task, self._content)
        return self.client.submit(
            run_packed, content.task, content.root, content.files, pure=False, retries=1, key=_key(task)
        )

    def wait(self, futures: Iterable[Any]) -> list[Any]:
        return list(self._distributed.wait(list(futures), return_when="FIRST_COMPLETED").done)

    def outcome(self, future: Any) -> PageResult | BaseException:
        if future.status == "error":
            return future.exception()
        if future.status == "cancelled":
            return PageCrash("the page's task was cancelled (the cluster went away?)")
        return future.result()

    def close(self) -> None:
        self._read.clear()
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def _blob(data: bytes) -> bytes:
    """A file's content, as a task's result on the cluster (see ``DaskExecutor._content``)."""
    return data


def _key(task: PageTask) -> str:
    return f"banmian-page-{task.index}-{os.urandom(6).hex()}"
