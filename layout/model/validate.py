"""Schema validation of a parsed YAML file, every problem at once (stage 0).

Input: a ``Located`` document and the name of its JSON Schema (``page``,
``edition`` or ``style``: ``content/*.schema.json`` and
``layout/styles/style.schema.json``). Output: the problems, each with file,
line, column, field path, what was found and what was expected. Unknown
fields are warnings with a did-you-mean; everything else is an error. The
loaders run this before their own checks, so an editor sees the whole list
in one run. jsonschema does the validating.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from layout.errors import InputError
from layout.model.source import Located, join
from layout.resources import content_file, styles_dir


def _schema_file(name: str) -> Path:
    """The schema of a kind of file: the page and edition schemas ship with the
    content, the style schema with the built-in styles (layout/resources.py)."""
    return styles_dir() / "style.schema.json" if name == "style" else content_file(f"{name}.schema.json")


T = TypeVar("T")
MAX_LISTED = 25  # problems listed in one message; the rest are counted


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "warning: " if self.warning else ""
        field = f"{self.path}: " if self.path else ""
        return f"{where}: {kind}{field}{self.message}"


@cache
def _schema(name: str) -> dict:
    return json.loads(_schema_file(name).read_text(encoding="utf-8"))


def _plain(value: Any) -> Any:
    """YAML values as JSON sees them: dates as ISO strings (the schema asks for strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:30] + "…"
        return f"the text '{shown}'"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _expected(error) -> str:
    v, s = error.validator, error.validator_value
    if v == "type":
        names = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
                 "array": "a list", "object": "a mapping of fields", "null": "nothing"}  # fmt: skip
        kinds = s if isinstance(s, list) else [s]
        return " or ".join(names.get(k, k) for k in kinds)
    if v == "minimum":
        return f"at least {s}"
    if v == "maximum":
        return f"at most {s}"
    if v == "minLength":
        return "some text" if s == 1 else f"at least {s} characters"
    if v == "maxLength":
        return f"at most {s} characters"
    if v == "minItems":
        return "at least one item" if s == 1 else f"at least {s} items"
    if v == "enum":
        return "one of " + ", ".join(repr(x) for x in s)
    if v == "const":
        return repr(s)
    if v == "pattern":
        return f"text matching {s}"
    if v == "format":
        return {"date": "a date like 2021-07-15"}.get(s, s)
    if v in ("oneOf", "anyOf"):
        return " or ".join(_expected_option(o) for o in s)
    return error.message


def _expected_option(schema: dict) -> str:
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "a value")
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if kind == "integer" and lo is not None and hi is not None:
        return f"a whole number from {lo} to {hi}"
    return {"string": "text", "integer": "a whole number", "object": "a mapping"}.get(kind, str(kind))


def validate(doc: Located, schema: str) -> list[Problem]:
    """Every problem of ``doc`` against the named schema, in file order."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(_schema(schema), format_checker=FormatChecker())
    out: list[Problem] = []
    for error in validator.iter_errors(_plain(doc.value)):
        path = ""
        for part in error.absolute_path:
            path = join(path, part)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed)):
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                why = f"did you mean '{hint[0]}'?" if hint else f"known fields: {', '.join(allowed)}"
                at = join(path, key)
                line, column = doc.lines.get(f"{at}@key", doc.line(path)), doc.columns.get(f"{at}@key")
                out.append(Problem(doc.file, line, column, at, f"unknown field '{key}', ignored ({why})", True))
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            at = join(path, missing)
            out.append(Problem(doc.file, doc.line(path), doc.columns.get(path), at, "required field is missing"))
            continue
        message = f"found {_kind(error.instance)}; expected {_expected(error)}"
        out.append(Problem(doc.file, doc.line(path), doc.columns.get(path), path, message))
    out.sort(key=lambda p: (p.line or 0, p.column or 0, p.path))
    return out


def checked(doc: Located, schema: str, load: Callable[[], T]) -> tuple[T, tuple[str, ...]]:
    """Validate ``doc``, then ``load()`` it; returns the value and the warnings.

    Several errors: one InputError listing them all (file, line, column, field, found,
    expected), before any loading. One error: the loader's own message, which knows
    the field best (or the schema's, if the loader accepts it). Unknown fields are
    warnings, and the loader ignores them."""
    problems = validate(doc, schema)
    errors = [p for p in problems if not p.warning]
    if len(errors) > 1:
        listed = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
        more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(f"{len(errors)} problems:\n{listed}{more}", file=doc.file, line=errors[0].line)
    value = load()
    if errors:
        e = errors[0]
        raise InputError(e.message, file=doc.file, line=e.line, field=e.path or None, column=e.column)
    return value, tuple(str(p) for p in problems)
