"""A search remembered (layout/page/recall.py): recalled only when every answer is the same,
bound to the new options, and pages come out the same with and without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.page import recall
from layout.page.arrange import Arrangement, NoArrangement, Option, Pins, Placement, Problem, Score

ROOT = Path(__file__).resolve().parent.parent


def _problem(scores: dict[int, int], shape: str) -> Problem:
    """One unit, options at widths 1 and 2; ``scores`` gives each width's blank cells."""

    def options(unit: int, width: int) -> dict[int, Option]:
        return {4: Option(4, Score(blank=scores[width]), shape=f"{shape}@{width}")}

    return Problem(columns=2, rows=4, names=("a",), pins=(Pins(),), options=options)


def _search(calls: list[int]):
    def search(problem: Problem) -> Arrangement:
        calls.append(1)
        best = min((1, 2), key=lambda w: problem.options(0, w)[4].score.cost)
        option = problem.options(0, best)[4]
        return Arrangement((Placement(0, 0, best, 0, 4, option),), (), (), option.score)

    return search


@pytest.fixture(autouse=True)
def _fresh():
    recall.forget()
    yield
    recall.forget()


def test_same_answers_are_recalled_and_bound_to_the_new_options():
    calls: list[int] = []
    first = recall.recall(_problem({1: 3, 2: 1}, "old"), _search(calls))
    again = recall.recall(_problem({1: 3, 2: 1}, "new"), _search(calls))
    assert calls == [1] and recall.stats() == {"searched": 1, "recalled": 1}
    assert first.placements[0].option.shape == "old@2"
    assert again.placements[0].option.shape == "new@2"  # the new text, the same place
    assert again == first  # options compare by rows and score


def test_a_different_answer_is_searched_again():
    calls: list[int] = []
    recall.recall(_problem({1: 3, 2: 1}, "a"), _search(calls))
    moved = recall.recall(_problem({1: 0, 2: 1}, "b"), _search(calls))
    assert calls == [1, 1] and moved.placements[0].span == 1


def test_other_values_are_searched_again():
    calls: list[int] = []
    recall.recall(_problem({1: 3, 2: 1}, "a"), _search(calls))
    from dataclasses import replace

    recall.recall(replace(_problem({1: 3, 2: 1}, "a"), names=("b",)), _search(calls))
    assert calls == [1, 1]


def test_no_arrangement_is_remembered_too():
    calls: list[int] = []

    def refuse(problem: Problem) -> Arrangement:
        calls.append(1)
        problem.options(0, 1)
        raise NoArrangement("too much copy")

    for _ in range(2):
        with pytest.raises(NoArrangement, match="too much copy"):
            recall.recall(_problem({1: 3, 2: 1}, "a"), refuse)
    assert calls == [1] and recall.stats() == {"searched": 1, "recalled": 1}


def test_memory_is_bounded():
    calls: list[int] = []
    for k in range(recall.MAX_REMEMBERED + 10):
        recall.recall(_problem({1: k, 2: 10**6}, "x"), _search(calls))
    assert sum(len(v) for v in recall._memory.values()) == recall.MAX_REMEMBERED


def _render(page: Path, out: Path) -> bytes:
    from layout.cli import main

    assert main([str(page), "-q", "--allow-overset", "-o", str(out)]) in (0, 1)  # 1: overset, marked
    return out.read_bytes()


def test_pages_are_the_same_with_and_without_recall(tmp_path):
    """The default page, then a word changed (no module changes depth: recalled), then a
    paragraph added (searched again): each the same bytes as a render that recalls nothing."""
    seed = (ROOT / "content" / "seed.yaml").read_text(encoding="utf-8")
    assert "自我加压" in seed
    added = "自我加压。" + "新增的一段文字" * 40
    edits = [seed, seed.replace("自我加压", "自我加码", 1), seed.replace("自我加压", added, 1)]
    page = tmp_path / "page.yaml"
    with_memory = []
    for k, text in enumerate(edits):
        page.write_text(text, encoding="utf-8")
        with_memory.append((_render(page, tmp_path / f"m{k}.pdf"), recall.stats()))
    assert with_memory[1][1]["recalled"] > with_memory[0][1]["recalled"]  # the word: no search
    assert with_memory[2][1]["searched"] > with_memory[1][1]["searched"]  # the paragraph: searched
    for k, text in enumerate(edits):
        recall.forget()
        page.write_text(text, encoding="utf-8")
        assert _render(page, tmp_path / f"f{k}.pdf") == with_memory[k][0]
