"""The compiled schema check (model/schemacheck.py) says yes exactly when jsonschema finds no error.

Every YAML file the project has (the seed page, the samples, the styles, the bad inputs) and
many mutations of them are checked both ways, for the page, edition and style schemas.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from layout.errors import InputError
from layout.model.schemacheck import compile_schema
from layout.model.source import load_yaml
from layout.model.validate import _check, _plain, _schema

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("page", "edition", "style")


def _validator(kind: str):
    return jsonschema.Draft202012Validator(_schema(kind), format_checker=jsonschema.FormatChecker())


def _documents() -> list:
    docs = []
    files = [*ROOT.glob("content/*.yaml"), *ROOT.glob("layout/styles/*.yaml"), *ROOT.glob("tests/bad_inputs/**/*.yaml")]
    files += [*ROOT.parent.glob("shared/samples/*.yaml"), *Path("/work/shared/samples").glob("*.yaml")]
    for f in sorted(f for f in set(files) if f.is_file()):
        try:
            value = load_yaml(f).value  # bounded: one bad input is an alias bomb
        except InputError:
            continue
        docs.append(_plain(value))
    docs.append({"edition": "E", "jumps": True, "pages": ["p1.yaml", {"file": "p2.yaml", "jump_to": 3}]})
    docs.append({"pages": [{"file": "p1.yaml", "jump_to": "none"}, {"file": "p2.yaml", "jump_to": None}]})
    return docs


ODD = [None, True, False, 0, 1, -1, 1.0, 2.5, 0.0, -3.0, float("nan"), float("inf"), "", "x", "last", "3 lines",
       "2021-07-15", "2021-02-30", "2021-7-15", "a-b_c", "-bad", "行", "4行", [], [""], ["x"], [1], {}, {"x": 1},
       {"headline": "h"}, {"name": "n", "body": ["b"]}, 51, 50, 999, 1000, "1", "none", "p.yaml",
       {"file": "p.yaml"}, "very long " * 20]  # fmt: skip


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _mutate(doc, rng: random.Random):
    doc = copy.deepcopy(doc)
    paths = [p for p in _paths(doc) if p]
    if not paths:
        return rng.choice(ODD)
    for _ in range(rng.choice((1, 1, 2, 3))):
        path = rng.choice(paths)
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = rng.random()
        try:
            if action < 0.5:
                parent[last] = copy.deepcopy(rng.choice(ODD))
            elif action < 0.7:
                del parent[last]
            elif action < 0.85 and isinstance(parent, dict):
                parent[rng.choice(["qoute", "extra", "group", "row", "height", "brief", str(last) + "s"])] = rng.choice(
                    ODD
                )
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
        except (KeyError, IndexError, TypeError):
            continue
        paths = [p for p in _paths(doc) if p] or [()]
        if paths == [()]:
            break
    return doc


@pytest.mark.parametrize("kind", KINDS)
def test_no_schema_falls_back_whole(kind):
    """Every keyword of the project's schemas is compiled (none sends every file to jsonschema)."""
    assert _check(kind)({}) is False  # required fields missing: not the always-no check's doing alone
    assert compile_schema({"type": "object", "unknownKeyword": 1})({}) is False
    assert compile_schema(_schema(kind)).__name__ != "_never"


@pytest.mark.parametrize("kind", KINDS)
def test_agrees_with_jsonschema(kind):
    validator = _validator(kind)
    check = _check(kind)
    rng = random.Random(16)
    docs = _documents()
    seen = {True: 0, False: 0}
    for doc in docs:
        for candidate in [doc] + [_mutate(doc, rng) for _ in range(25)]:
            expected = not any(True for _ in validator.iter_errors(candidate))
            assert check(candidate) == expected, (kind, candidate)
            seen[expected] += 1
    assert seen[True] and seen[False]


@pytest.mark.parametrize(
    ("schema", "value", "valid"),
    [
        ({"type": "integer"}, 2.0, True),
        ({"type": "integer"}, True, False),
        ({"type": "number"}, False, False),
        ({"enum": [1, "a"]}, True, False),
        ({"enum": [1, "a"]}, 1.0, True),
        ({"const": False}, 0, False),
        ({"pattern": "b"}, "abc", True),
        ({"pattern": "^b"}, "abc", False),
        ({"format": "date"}, "2021-02-30", False),
        ({"format": "date"}, "2021-02-28", True),
        ({"format": "date"}, "2021-02-28\n", False),
        ({"format": "date"}, 3, True),
        ({"exclusiveMinimum": 0}, 0, False),
        ({"minimum": 1}, float("nan"), True),
        ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 3, False),
        ({"if": {"not": {"required": ["g"]}}, "then": {"required": ["h"]}}, {"x": 1}, False),
        ({"if": {"not": {"required": ["g"]}}, "then": {"required": ["h"]}}, {"g": 1}, True),
        ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"a": "x", "b": 1}, False),
        ({"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}, {"b": 1}, True),
        ({"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}, [[[]]], True),
        ({"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}, [[1]], False),
    ],
)
def test_keywords_as_jsonschema_means_them(schema, value, valid):
    assert compile_schema(schema)(value) is valid
    expected = not any(
        True
        for _ in jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(value)
    )
    assert expected is valid
