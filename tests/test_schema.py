"""The page JSON Schema agrees with the content model on the seed page and on two bad pages."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

CONTENT = Path(__file__).resolve().parent.parent / "content"
SCHEMA = CONTENT / "page.schema.json"


def as_json(value):
    """YAML values as JSON would carry them: dates become ISO text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip("content/page.schema.json not written yet")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def seed():
    return as_json(yaml.safe_load((CONTENT / "seed.yaml").read_text(encoding="utf-8")))


def test_seed_is_valid(validator, seed):
    assert seed["date"] == "2021-07-15"
    errors = [e.message for e in validator.iter_errors(seed)]
    assert errors == []


def test_page_without_headline_is_rejected(validator, seed):
    page = copy.deepcopy(seed)
    del page["headline"]
    errors = list(validator.iter_errors(page))
    assert errors
    assert any("headline" in e.message for e in errors)


def test_unknown_top_level_field_is_rejected(validator, seed):
    page = copy.deepcopy(seed)
    page["headlien"] = "x"
    errors = list(validator.iter_errors(page))
    assert errors
    assert any("headlien" in e.message for e in errors)


def test_unknown_profile_field_is_rejected(validator, seed):
    page = copy.deepcopy(seed)
    page["profiles"][0]["bodi"] = ["x"]
    assert not validator.is_valid(page)


def test_profile_without_body_is_rejected(validator, seed):
    page = copy.deepcopy(seed)
    del page["profiles"][2]["body"]
    assert not validator.is_valid(page)


@pytest.mark.parametrize("number", [0, 1000])
def test_page_number_bounds(validator, seed, number):
    page = copy.deepcopy(seed)
    page["page"] = number
    assert not validator.is_valid(page)
