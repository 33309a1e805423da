"""The command (``banmian``, and ``python make_pdf.py`` as a shim): the top layer.

Input: the command line. Output: files written and an exit status. One module
per command: ``render`` (a page or an edition; the default), ``preflight``,
``comments``, ``diff``, and ``watch`` (``--watch`` on a render); ``outcome``
decides exit statuses (one ``Outcome`` type for pages and editions), ``messages``
prints what a page came to, ``files`` writes atomically. Imports run one way:
from here down to the stages, never back.

Errors: a stage's ``BanmianError`` is one line and its exit status (2 bad input,
3 the engine failing its own checks); any other exception is our own bug: exit
3, a short report and the traceback in ``banmian-error.log`` in the temporary
folder, never exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from layout.cli.outcome import EXIT_INTERNAL, exit_for_error
from layout.errors import BanmianError

LOG_NAME = "banmian-error.log"


COMMANDS = ("preflight", "comments", "diff")  # besides rendering, the default


def _command(name: str) -> Callable[[list[str], str], int]:
    """A command's ``run``, its module imported only when it is the one asked for."""
    from importlib import import_module

    return import_module(f"layout.cli.{name}").run


def _render(argv: list[str], prog: str) -> int:
    from layout.cli.render import parse_args, run_once
    from layout.cli.watch import watch

    args = parse_args(argv, prog)
    if args.watch:
        return watch(args)
    return run_once(args).exit_code


def internal_error(exc: BaseException) -> int:
    """Our own bug: a short report on the terminal, the traceback in a log file."""
    import tempfile
    import traceback

    log = Path(tempfile.gettempdir()) / LOG_NAME
    try:
        log.write_text(traceback.format_exc(), encoding="utf-8")
        where = f" (details in {log})"
    except OSError:
        where = ""
    print(f"internal error: {type(exc).__name__}: {exc}{where}; nothing written", file=sys.stderr)
    return EXIT_INTERNAL


def main(argv: list[str] | None = None, prog: str = "banmian") -> int:
    """Run the command; returns its exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            return _command(argv[0])(argv[1:], prog)
        return _render(argv, prog)
    except BanmianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_for_error(exc)
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 — the one place a bug becomes exit 3 with a log, never exit 2
        return internal_error(exc)


def console() -> None:
    """The ``banmian`` console script."""
    sys.exit(main())
