"""``--keep`` on an edition: each page keeps its own previous arrangement (by 版次), a
page new since the previous round is made up anew and said."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import run_make_pdf

ROOT = Path(__file__).resolve().parent.parent


def grids(draft: Path) -> dict[int, dict[str, tuple]]:
    """Per 版次, per profile: its module's (column, span, row, rows, photo) in the draft's map."""
    doc = json.loads(draft.with_name(draft.stem + ".map.json").read_text(encoding="utf-8"))
    out = {}
    for page in doc["pages"]:
        units = page["arrangement"]["units"]
        out[page["number"]] = {
            i: (u["column"], u["span"], u["row"], u["rows"], u["photo"]) for u in units for i in u["ids"]
        }
    return out


def page(folder: Path, name: str, number: int, profiles: slice, cut: int = 0) -> str:
    seed = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data = dict(seed, page=number, profiles=seed["profiles"][profiles])
    if cut:  # the longest paragraph of the second profile loses ``cut`` characters before its last
        body = data["profiles"][1]["body"]
        k = max(range(len(body)), key=lambda j: len(body[j]))
        body[k] = body[k][: -cut - 1] + body[k][-1]
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"{name}.yaml"


def edition(folder: Path, name: str, *files: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"edition: 示例日报\npages: [{', '.join(files)}]\njumps: false\n", encoding="utf-8")
    return path


def test_each_page_of_an_edition_keeps_its_own_arrangement(tmp_path):
    first = edition(tmp_path, "ed1", page(tmp_path, "a", 3, slice(0, 4)), page(tmp_path, "b", 5, slice(4, 8)))
    proc = run_make_pdf(first, "--draft", "-o", tmp_path / "r1.pdf")
    assert proc.returncode in (0, 1), proc.stderr
    second = edition(tmp_path, "ed2", page(tmp_path, "a2", 3, slice(0, 4), cut=20), page(tmp_path, "b", 5, slice(4, 8)))
    proc = run_make_pdf(second, "--draft", "-o", tmp_path / "r2.pdf", "--keep", tmp_path / "r1.pdf")
    assert proc.returncode in (0, 1), proc.stderr
    assert grids(tmp_path / "r2.pdf") == grids(tmp_path / "r1.pdf")  # no module moved on either page
    assert "kept round" not in proc.stderr


def test_a_page_new_since_the_previous_round_is_made_up_anew(tmp_path):
    first = edition(tmp_path, "ed1", page(tmp_path, "a", 3, slice(0, 4)))
    assert run_make_pdf(first, "--draft", "-o", tmp_path / "r1.pdf").returncode in (0, 1)
    second = edition(tmp_path, "ed2", page(tmp_path, "a", 3, slice(0, 4)), page(tmp_path, "b", 7, slice(4, 8)))
    proc = run_make_pdf(second, "--draft", "-o", tmp_path / "r2.pdf", "--keep", tmp_path / "r1.pdf")
    assert proc.returncode in (0, 1), proc.stderr
    assert "第7版 is not in r1.pdf: made up anew" in proc.stderr
    assert grids(tmp_path / "r2.pdf")[3] == grids(tmp_path / "r1.pdf")[3]


def test_a_previous_round_of_other_pages_is_refused(tmp_path):
    first = edition(tmp_path, "ed1", page(tmp_path, "a", 3, slice(0, 4)))
    assert run_make_pdf(first, "--draft", "-o", tmp_path / "r1.pdf").returncode in (0, 1)
    other = edition(tmp_path, "ed2", page(tmp_path, "b", 9, slice(4, 8)))
    proc = run_make_pdf(other, "--draft", "-o", tmp_path / "r2.pdf", "--keep", tmp_path / "r1.pdf")
    assert proc.returncode == 2
    assert "holds none of this edition's pages" in proc.stderr
