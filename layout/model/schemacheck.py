"""A JSON Schema compiled once into a yes/no check (stage 0 helper).

Input: a JSON Schema (draft 2020-12) as a dict. Output: a function of a JSON
value that is True exactly when ``jsonschema.Draft202012Validator`` with a
``FormatChecker`` finds no error in it. ``validate.validate`` asks this first:
the common valid file needs no more, and jsonschema (about a tenth of a second
to import) is loaded only to report the problems of a file this check rejects.

Only the keywords Banmian's schemas use are compiled, each with jsonschema's own
meaning (an integer may be written 2.0, ``true`` is no 1 in ``enum``, ``pattern``
searches, the ``date`` format is ``YYYY-MM-DD`` and a real day). A schema with any
other keyword compiles to a check that always says no, so jsonschema decides: the
check may send a valid file to jsonschema, never pass an invalid one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# keywords that assert nothing
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default", "examples"}
)
# the keywords compiled (each by the method named after it)
_KEYWORDS = frozenset(
    {"type", "enum", "const", "$ref", "allOf", "anyOf", "oneOf", "not", "if", "minimum", "maximum",
     "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format", "items",
     "minItems", "maxItems", "required", "minProperties", "maxProperties", "properties",
     "additionalProperties"}
)  # fmt: skip
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Unsupported(Exception):
    """A schema uses a keyword (or form of one) this compiler does not know."""


def compile_schema(root: dict) -> Check:
    """The check for ``root``; one that always says no if the schema uses anything unknown."""
    try:
        return _Compiler(root).compile(root)
    except Unsupported:
        return _never


def _always(_: Any) -> bool:
    return True


def _never(_: Any) -> bool:
    return False


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda x: isinstance(x, bool),
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
    "null": lambda x: x is None,
}


def _equal(a: Any, b: Any) -> bool:
    """jsonschema's equality for scalars: true and false are not 1 and 0."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _date(x: str) -> bool:
    if not _DATE.fullmatch(x):
        return False
    try:
        dt.date.fromisoformat(x)
    except ValueError:
        return False
    return True


def _scalars(values: Any) -> list:
    if not isinstance(values, list) or not all(v is None or isinstance(v, (str, int, float)) for v in values):
        raise Unsupported("enum or const of lists or mappings")
    return values


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda x: all(c(x) for c in checks)


class _Compiler:
    """Compiles one schema document; ``$ref``s within it are compiled once each."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema that is {type(schema).__name__}")
        checks = []
        for key, value in schema.items():
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            if key not in _KEYWORDS:
                raise Unsupported(key)
            checks.append(getattr(self, "_" + key.lstrip("$"))(value, schema))
        return _all(checks)

    # -- any instance

    def _type(self, value: Any, schema: dict) -> Check:
        kinds = value if isinstance(value, list) else [value]
        if not all(k in _TYPES for k in kinds):
            raise Unsupported(f"type {value}")
        tests = [_TYPES[k] for k in kinds]
        return lambda x: any(t(x) for t in tests)

    def _enum(self, value: Any, schema: dict) -> Check:
        options = _scalars(value)
        return lambda x: any(_equal(x, o) for o in options)

    def _const(self, value: Any, schema: dict) -> Check:
        (option,) = _scalars([value])
        return lambda x: _equal(x, option)

    def _ref(self, value: Any, schema: dict) -> Check:
        if not isinstance(value, str) or not value.startswith("#"):
            raise Unsupported(f"$ref {value}")
        if value not in self.refs:
            target: Any = self.root
            for part in value[1:].split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise Unsupported(f"$ref {value}")
                target = target[part]
            cell: list[Check] = []
            self.refs[value] = lambda x: cell[0](x)  # a reference may lead back to itself
            cell.append(self.compile(target))
        return self.refs[value]

    def _allOf(self, value: Any, schema: dict) -> Check:
        return _all([self.compile(s) for s in self._list(value)])

    def _anyOf(self, value: Any, schema: dict) -> Check:
        checks = [self.compile(s) for s in self._list(value)]
        return lambda x: any(c(x) for c in checks)

    def _oneOf(self, value: Any, schema: dict) -> Check:
        checks = [self.compile(s) for s in self._list(value)]
        return lambda x: sum(1 for c in checks if c(x)) == 1

    def _not(self, value: Any, schema: dict) -> Check:
        check = self.compile(value)
        return lambda x: not check(x)

    def _if(self, value: Any, schema: dict) -> Check:
        test = self.compile(value)
        then, other = self.compile(schema.get("then", True)), self.compile(schema.get("else", True))
        return lambda x: then(x) if test(x) else other(x)

    @staticmethod
    def _list(value: Any) -> list:
        if not isinstance(value, list) or not value:
            raise Unsupported("an empty or malformed list of schemas")
        return value

    # -- numbers

    def _minimum(self, value: Any, schema: dict) -> Check:
        return lambda x: not _is_number(x) or not x < value

    def _maximum(self, value: Any, schema: dict) -> Check:
        return lambda x: not _is_number(x) or not x > value

    def _exclusiveMinimum(self, value: Any, schema: dict) -> Check:
        return lambda x: not _is_number(x) or not x <= value

    def _exclusiveMaximum(self, value: Any, schema: dict) -> Check:
        return lambda x: not _is_number(x) or not x >= value

    # -- strings

    def _minLength(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, str) or not len(x) < value

    def _maxLength(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, str) or not len(x) > value

    def _pattern(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, str) or re.search(value, x) is not None

    def _format(self, value: Any, schema: dict) -> Check:
        if value != "date":
            raise Unsupported(f"format {value}")
        return lambda x: not isinstance(x, str) or _date(x)

    # -- lists

    def _items(self, value: Any, schema: dict) -> Check:
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        check = self.compile(value)
        return lambda x: not isinstance(x, list) or all(check(item) for item in x)

    def _minItems(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, list) or not len(x) < value

    def _maxItems(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, list) or not len(x) > value

    # -- mappings

    def _required(self, value: Any, schema: dict) -> Check:
        names = list(value)
        return lambda x: not isinstance(x, dict) or all(n in x for n in names)

    def _minProperties(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, dict) or not len(x) < value

    def _maxProperties(self, value: Any, schema: dict) -> Check:
        return lambda x: not isinstance(x, dict) or not len(x) > value

    def _properties(self, value: Any, schema: dict) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        checks = {name: self.compile(s) for name, s in value.items()}
        pairs = list(checks.items())
        return lambda x: not isinstance(x, dict) or all(c(x[n]) for n, c in pairs if n in x)

    def _additionalProperties(self, value: Any, schema: dict) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        if value is False:
            return lambda x: not isinstance(x, dict) or known.issuperset(x)
        check = self.compile(value)
        return lambda x: not isinstance(x, dict) or all(check(v) for k, v in x.items() if k not in known)
