"""Schema validation of a parsed YAML file, every problem at once (stage 0).

Input: a ``Located`` document and the name of its JSON Schema (``page``,
``edition`` or ``style``: ``content/*.schema.json`` and
``layout/styles/style.schema.json``). Output: the problems, each with file,
line, column, field path, what was found and what was expected. An unknown
field within edit distance 2 of a known field of its mapping (Damerau–
Levenshtein, case ignored, a swap of neighbours one edit; distance 1 for a
known name of 3 letters or fewer, so ``x:`` is no misspelt ``id:``) is an error
with a did-you-mean: it is a misspelling, and ignoring it would drop the
editor's copy (``qoute:`` for ``quote:``). A field farther from
every known one is a warning (it is ignored). Everything else is an error. The
loaders run this before their own checks, so an editor sees the whole list in
one run. A check compiled from the schema once per process passes a valid file;
jsonschema (imported only then) reports the problems of any other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from layout.errors import InputError
from layout.model.schemacheck import Check, compile_schema
from layout.model.source import Located, join
from layout.resources import content_file, styles_dir


def _schema_file(name: str) -> Path:
    """The schema of a kind of file: the page and edition schemas ship with the
    content, the style schema with the built-in styles (layout/resources.py)."""
    return styles_dir() / "style.schema.json" if name == "style" else content_file(f"{name}.schema.json")


T = TypeVar("T")
MAX_LISTED = 25  # problems listed in one message; the rest are counted
MISSPELT = 2  # an unknown field this close to a known one is a misspelling (an error)
MISSPELT_SHORT = 1  # ... to a known name of SHORT_NAME letters or fewer (x: is no misspelt id:)
SHORT_NAME = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file (or a warning, or a note), and where."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    warning: bool = False
    note: bool = False  # what the loader did, for the record (e.g. an invisible character removed)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "warning: " if self.warning else "note: " if self.note else ""
        field = f"{self.path}: " if self.path else ""
        return f"{where}: {kind}{field}{self.message}"


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment), ignoring case: the
    insertions, deletions, substitutions and swaps of neighbours that turn ``a`` into ``b``."""
    a, b = a.casefold(), b.casefold()
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[len(b)]


def misspelt(key: str, known: list[str]) -> str:
    """The known field ``key`` is a misspelling of (the nearest within reach), or ""."""
    near = [(edit_distance(key, name), name) for name in known]
    near = [(d, name) for d, name in near if d <= (MISSPELT_SHORT if len(name) <= SHORT_NAME else MISSPELT)]
    return min(near)[1] if near else ""


def _unknown(doc: Located, path: str, key: str, allowed: list[str]) -> Problem:
    """An unknown field: an error if it is a misspelt known one, else a warning (ignored)."""
    at = join(path, key)
    line, column = doc.lines.get(f"{at}@key", doc.line(path)), doc.columns.get(f"{at}@key")
    meant = misspelt(key, allowed)
    if meant:
        return Problem(doc.file, line, column, at, f"unknown field '{key}' (did you mean '{meant}'?)")
    import difflib  # an unknown field only: ~1 ms of a plain page's start-up otherwise

    hint = difflib.get_close_matches(key, allowed, n=1)
    why = f"did you mean '{hint[0]}'?" if hint else f"known fields: {', '.join(allowed)}"
    return Problem(doc.file, line, column, at, f"unknown field '{key}', ignored ({why})", True)


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
    if v == "type" and error.absolute_path and "title" in error.schema:
        return error.schema["title"]  # a named kind, e.g. "a list of paragraphs"
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


@cache
def _check(name: str) -> Check:
    """The named schema compiled once into a yes/no check (model/schemacheck.py)."""
    return compile_schema(_schema(name))


def validate(doc: Located, schema: str) -> list[Problem]:
    """Every problem of ``doc`` against the named schema, in file order. A document the
    compiled check passes has none; jsonschema lists the problems of any other."""
    instance = _plain(doc.value)
    if _check(schema)(instance):
        return []
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(_schema(schema), format_checker=FormatChecker())
    out: list[Problem] = []
    for error in validator.iter_errors(instance):
        path = ""
        for part in error.absolute_path:
            path = join(path, part)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            out += [_unknown(doc, path, str(key), allowed) for key in sorted(set(error.instance) - set(allowed))]
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
    the field best (or the schema's, if the loader accepts it). Unknown fields far from
    every known one are warnings, and the loader ignores them; a misspelt one is an error."""
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
