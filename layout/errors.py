"""Errors and exit codes shared by every stage.

A ``BanmianError`` carries where the problem is (file, line, field path) so
the command can print one clear line and exit with a documented status,
never a traceback.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0  # page written, nothing to report
EXIT_WARN = 1  # page written with warnings (overset allowed in a proof, short page)
EXIT_INPUT = 2  # bad input: nothing written
EXIT_INTERNAL = 3  # a bug in Banmian: nothing written, short report


class BanmianError(Exception):
    """An error the user can act on; ``str()`` names file, line and field."""

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.column = column

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with everything that locates the error (editions carry errors out of
        worker processes): message, file, line, field, column, and an exit code set on
        this error rather than its class. Notes and other attributes ride in the state."""
        where = {"file": self.file, "line": self.line, "field": self.field, "column": self.column}
        state = {k: v for k, v in self.__dict__.items() if k not in where and k != "message"}
        return _rebuild, (type(self), self.message, where), state


def _rebuild(cls: type[BanmianError], message: str, where: dict[str, Any]) -> BanmianError:
    return cls(message, **where)


class InputError(BanmianError):
    """Content, style, photo or font input that cannot be used."""


class OutputError(BanmianError):
    """The output path cannot be written."""


class LayoutError(BanmianError):
    """The engine made a page that fails its own checks (a bug): nothing is written."""

    exit_code = EXIT_INTERNAL
