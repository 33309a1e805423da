"""``banmian PAGE --watch``: render again on every save (command layer).

Input: the render command's arguments. Output: a render now and after every change
to a file the page depends on (the page or edition and its pages, the style, the
photos), each with the page report and how long after the save the new PDF was
there; Ctrl-C stops (exit 0).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from layout.cli.outcome import EXIT_OK
from layout.cli.render import run_once
from layout.errors import BanmianError


def watched_files(args: argparse.Namespace) -> list[Path]:
    """What a render depends on: the page (or edition and its pages), the style, the photos, ads' artwork."""
    from layout.model.content import load_page
    from layout.model.source import is_edition, load_yaml
    from layout.model.style import style_path

    files = [args.page]
    try:
        doc = load_yaml(args.page)
        pages = [args.page]
        if is_edition(doc):
            from layout.edition import load_edition  # an edition only: the machinery it needs

            pages = list(load_edition(args.page, doc).pages)
        files += pages
        for f in pages:
            page = load_page(f)
            files.append(style_path(args.style or page.style, Path(page.file).resolve().parent))
            files += [pr.photo.file for pr in page.profiles if pr.photo and pr.photo.file]
            files += [ad.file for ad in page.ads]  # ad artwork
    except BanmianError:
        pass  # a broken file is still watched: the render that follows prints what is wrong with it
    return sorted({f for f in files if f is not None})


Stamp = tuple[int, int]  # a file's modification time (ns) and size; (0, 0) when it is missing

POLL = 0.01  # seconds between looks at the files: a few stat calls, far below the render's cost
SETTLE = 0.005  # a file still being written is looked at again after this, so half a save is not rendered


def _stamp(files: list[Path]) -> dict[Path, Stamp]:
    stamps = {}
    for f in files:
        try:
            st = f.stat()
            stamps[f] = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamps[f] = (0, 0)
    return stamps


def _settled(files: list[Path], now: dict[Path, Stamp]) -> dict[Path, Stamp]:
    """The files' stamps once two looks agree (an editor writing in pieces is waited for)."""
    while True:
        time.sleep(SETTLE)
        again = _stamp(files)
        if again == now:
            return now
        now = again


def _render(args: argparse.Namespace) -> int:
    """One render while watching: an error is printed and watching goes on (the editor
    fixes the file and saves again); a bug of ours is reported as one (exit 3, a log)."""
    from layout.cli import internal_error

    try:
        return run_once(args).exit_code
    except BanmianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 — reported as our bug (exit 3, log), never as bad input
        return internal_error(exc)


def watch(args: argparse.Namespace, poll: float = POLL) -> int:
    """Render, then again whenever a file it depends on changes, until interrupted."""
    args.verbose = True
    files = watched_files(args)
    seen = _stamp(files)
    print(f"watching {len(files)} file(s); Ctrl-C to stop", file=sys.stderr)
    _render(args)
    try:
        while True:
            time.sleep(poll)
            now = _stamp(files)
            if now == seen:
                continue
            now = _settled(files, now)
            changed = [t[0] / 1e9 for f, t in now.items() if t != seen.get(f) and t[0] > 0]
            saved = max(changed) if changed else time.time()  # a deleted file: timed from now
            seen = now
            status = _render(args)
            late = time.time() - saved
            print(
                f"[{time.strftime('%H:%M:%S')}] exit {status}; the new PDF {late:.2f} s after the save", file=sys.stderr
            )
            files = watched_files(args)  # the page may name new photos; a save during the render still counts
            seen = {f: seen[f] if f in seen else _stamp([f])[f] for f in files}
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
        return EXIT_OK
