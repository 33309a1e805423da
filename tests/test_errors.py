"""Errors cross process boundaries (editions render pages in worker processes) whole."""

from __future__ import annotations

import pickle

import pytest

from layout.errors import EXIT_INPUT, EXIT_INTERNAL, BanmianError, InputError, LayoutError, OutputError


@pytest.mark.parametrize(
    ("cls", "code"),
    [(BanmianError, EXIT_INPUT), (InputError, EXIT_INPUT), (OutputError, EXIT_INPUT), (LayoutError, EXIT_INTERNAL)],
)
def test_an_error_pickles_with_where_it_is(cls: type[BanmianError], code: int) -> None:
    err = cls("not a valid date: 2021-07-32", file="pages/p5.yaml", line=12, field="date", column=7)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.file, back.line, back.field, back.column) == (
        "not a valid date: 2021-07-32",
        "pages/p5.yaml",
        12,
        "date",
        7,
    )
    assert back.exit_code == code
    assert str(back) == str(err) == "pages/p5.yaml:12:7: date: not a valid date: 2021-07-32"
    assert back.args == err.args


def test_an_error_keeps_its_own_exit_code_and_notes() -> None:
    err = InputError("too much ink", file="p.yaml")
    err.exit_code = EXIT_INTERNAL
    err.add_note("rendering p.yaml")
    back = pickle.loads(pickle.dumps(err))
    assert back.exit_code == EXIT_INTERNAL and InputError.exit_code == EXIT_INPUT
    assert back.__notes__ == ["rendering p.yaml"]
    assert (back.line, back.field, back.column) == (None, None, None)
