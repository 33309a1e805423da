"""Editions: several pages rendered in parallel into one PDF and one PDF per 版次."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402

import layout.executors as executors_module  # noqa: E402
from layout.edition import Plan, load_edition, render_edition  # noqa: E402
from layout.errors import BanmianError, InputError  # noqa: E402
from layout.executors import PageResult, PageTask  # noqa: E402


def edition(tmp_path: Path, second_page: int = 5, body_chars: tuple[int, int] = (450, 700)) -> Path:
    shutil.copy(ROOT / "content" / "seed.yaml", tmp_path / "p3.yaml")
    data = make_page(7, *body_chars, 5)
    data["page"] = second_page
    (tmp_path / "p5.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = tmp_path / "edition.yaml"
    path.write_text("edition: 示例日报 2021年7月15日\npages: [p3.yaml, p5.yaml]\n", encoding="utf-8")
    return path


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_edition_writes_one_pdf_and_one_per_page(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path), "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert pages_of(out) == 2
    assert pages_of(out.with_name("edition-03.pdf")) == 1
    assert pages_of(out.with_name("edition-05.pdf")) == 1
    assert "[2/2]" in proc.stderr  # progress
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "")
    assert flat.index("第3版") < flat.index("第5版")  # edition order, whatever order the workers finished in
    again = tmp_path / "again" / "edition.pdf"
    assert make_pdf(edition(tmp_path), "-o", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_edition_with_a_repeated_page_number_is_bad_input(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path, second_page=3), "-o", out)
    assert proc.returncode == 2
    assert "版次 3 is used by" in proc.stderr
    assert not out.parent.exists()


def test_edition_with_overset_writes_nothing(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path, body_chars=(2500, 3000)), "-o", out)
    assert proc.returncode == 2
    assert "characters overset" in proc.stderr and "nothing written" in proc.stderr
    assert not out.parent.exists()


def test_edition_missing_page_file(tmp_path, make_pdf):
    path = tmp_path / "edition.yaml"
    path.write_text("edition: x\npages: [nope.yaml]\n", encoding="utf-8")
    proc = make_pdf(path, "-o", tmp_path / "e.pdf")
    assert proc.returncode == 2
    assert "pages[0]: page file not found" in proc.stderr


# Errors through editions: a page's error keeps its file, line and field through the
# process pool, and a bug in a worker stays a bug (exit 3), never bad input (exit 2).

BAD_DATE_LINE = 12  # `date:` in content/seed.yaml
BAD_DATE = "2021-7-15"  # misspelt: YAML reads it as text, so the page's render (in a worker) refuses it


def seed_copy(folder: Path, number: int, date: str = "2021-07-15") -> Path:
    """The seed page as page ``number`` of an edition, its line numbers unchanged."""
    text = (ROOT / "content" / "seed.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[BAD_DATE_LINE - 1].startswith("date: 2021-07-15") and lines[12].startswith("page: 3 ")
    lines[BAD_DATE_LINE - 1] = lines[BAD_DATE_LINE - 1].replace("2021-07-15", date)
    lines[12] = lines[12].replace("page: 3 ", f"page: {number} ")
    path = folder / f"p{number}.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def three_pages(folder: Path, bad_date: str = "2021-07-15") -> Path:
    """An edition of three pages (enough for the process pool); the second one's date is ``bad_date``."""
    seed_copy(folder, 3)
    seed_copy(folder, 5, bad_date)
    seed_copy(folder, 7)
    path = folder / "edition.yaml"
    path.write_text("edition: 示例日报\npages: [p3.yaml, p5.yaml, p7.yaml]\n", encoding="utf-8")
    return path


def test_a_bad_page_in_an_edition_is_reported_as_for_the_page_alone(tmp_path, make_pdf):
    alone = make_pdf(seed_copy(tmp_path, 5, BAD_DATE), "-o", tmp_path / "alone.pdf")
    assert alone.returncode == 2
    error = f"error: {tmp_path / 'p5.yaml'}:{BAD_DATE_LINE}:7: date: expected a date like 2021-07-15, got '{BAD_DATE}'"
    assert alone.stderr.startswith(error), alone.stderr
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(three_pages(tmp_path, BAD_DATE), "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert alone.stderr.strip() in proc.stderr.splitlines()
    assert "[1/3]" in proc.stderr  # refused by a page's render (in the pool: one worker per core), not before
    assert not out.parent.exists()


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_bad_page_keeps_its_file_line_and_field(tmp_path, jobs):
    edition = load_edition(three_pages(tmp_path, BAD_DATE))
    with pytest.raises(InputError) as caught:
        render_edition(edition, jobs=jobs)
    err = caught.value
    where = (err.file, err.line, err.column, err.field, err.exit_code)
    assert where == (str(tmp_path / "p5.yaml"), BAD_DATE_LINE, 7, "date", 2)
    assert err.message == f"expected a date like 2021-07-15, got '{BAD_DATE}'"


def broken_stage(monkeypatch: pytest.MonkeyPatch, error: Callable[[], Exception]) -> None:
    """Page p5 meets a bug while rendering; the others render as usual."""
    real = executors_module.render

    def render(page: Path, **kwargs: object) -> object:
        if Path(page).name == "p5.yaml":
            raise error()
        return real(page, **kwargs)

    monkeypatch.setattr(executors_module, "render", render)


class Unpicklable(Exception):
    """A bug whose exception cannot cross a process boundary as it is."""

    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")


def fork_pool() -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers see the monkeypatched stage only when forked")


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_bug_in_a_page_stays_a_bug(tmp_path, monkeypatch, jobs):
    if jobs > 1:
        fork_pool()
    broken_stage(monkeypatch, lambda: ZeroDivisionError("division by zero"))
    with pytest.raises(ZeroDivisionError) as caught:
        render_edition(load_edition(three_pages(tmp_path)), jobs=jobs)
    assert not isinstance(caught.value, BanmianError)
    text = "".join(traceback.format_exception(caught.value))
    assert "p5.yaml" in text  # the page it happened on
    assert "raise error()" in text  # the worker's own traceback, for the log


def test_a_bug_that_does_not_pickle_stays_a_bug(tmp_path, monkeypatch):
    fork_pool()
    broken_stage(monkeypatch, lambda: Unpicklable("a bug", 7))
    with pytest.raises(RuntimeError) as caught:
        render_edition(load_edition(three_pages(tmp_path)), jobs=3)
    assert not isinstance(caught.value, BanmianError)
    assert "Unpicklable: a bug at 7" in str(caught.value)
    text = "".join(traceback.format_exception(caught.value))
    assert "p5.yaml" in text and "raise error()" in text


def test_a_bug_in_a_worker_exits_3_through_the_command(tmp_path):
    """The command as a user runs it, with one stage broken in every worker (they fork from it)."""
    fork_pool()
    script = tmp_path / "broken.py"
    script.write_text(
        f"""
import runpy, sys
sys.path.insert(0, {str(ROOT)!r})
import layout.executors as executors

real = executors.render

def broken_stage(page, **kwargs):
    if page.name == "p5.yaml":
        raise ZeroDivisionError("division by zero")
    return real(page, **kwargs)

executors.render = broken_stage
sys.argv = [{str(ROOT / "make_pdf.py")!r}, *sys.argv[1:]]
runpy.run_path(sys.argv[0], run_name="__main__")
""",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "edition.pdf"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    args = [sys.executable, str(script), str(three_pages(tmp_path)), "-o", str(out)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 3, proc.stderr
    assert "internal error: ZeroDivisionError: division by zero" in proc.stderr
    assert not out.parent.exists()
    logs = re.findall(r"details in (\S+?)\)", proc.stderr)
    assert logs, proc.stderr
    log = Path(logs[0]).read_text(encoding="utf-8")
    assert 'raise ZeroDivisionError("division by zero")' in log and "p5.yaml" in log


@pytest.mark.parametrize(
    ("line", "broken"),
    [("page: 5 ", "page: five "), ("date: 2021-07-15", "date: [2021-07-15")],
    ids=["page-number-unreadable", "yaml-syntax"],
)
def test_a_jump_to_a_broken_page_reports_that_page(tmp_path, make_pdf, line, broken):
    """The 版次 of every page is read before rendering; a page that cannot say its 版次
    is reported as for the page alone, not as a jump to a 版次 no page has."""
    three_pages(tmp_path)
    page = tmp_path / "p5.yaml"
    page.write_text(page.read_text(encoding="utf-8").replace(line, broken, 1), encoding="utf-8")
    alone = make_pdf(page, "-o", tmp_path / "alone.pdf")
    assert alone.returncode == 2 and alone.stderr.startswith(f"error: {page}:"), alone.stderr
    path = tmp_path / "edition.yaml"
    path.write_text("edition: 示例日报\npages: [{file: p3.yaml, jump_to: 5}, p5.yaml, p7.yaml]\n", encoding="utf-8")
    proc = make_pdf(path, "-o", tmp_path / "out" / "edition.pdf")
    assert proc.returncode == 2, proc.stderr
    assert alone.stderr.strip() in proc.stderr.splitlines()
    assert "no later page" not in proc.stderr


def test_of_two_bad_pages_the_first_in_edition_order_is_reported(tmp_path):
    three_pages(tmp_path, BAD_DATE)
    seed_copy(tmp_path, 7, "2021-7-16")
    for _ in range(3):  # whichever worker finishes first
        with pytest.raises(InputError) as caught:
            render_edition(load_edition(tmp_path / "edition.yaml"), jobs=3)
        assert caught.value.file == str(tmp_path / "p5.yaml")


# The plan: in what order an edition's pages are set (a fake executor that sets nothing:
# each page's result says what it received; ``sends`` says what a page continues on the next).


class FakeExecutor:
    def __init__(self, slots: int, sends: dict[int, tuple]) -> None:
        self.slots, self.sends, self.log = slots, sends, []

    def submit(self, task: PageTask) -> Future:
        self.log.append((task.index, task.continuations))
        makeup = SimpleNamespace(jumps=self.sends.get(task.index, ()))
        future: Future = Future()
        future.set_result(PageResult(task.index, rendered=SimpleNamespace(makeup=makeup, got=task.continuations)))
        future.order = len(self.log)  # type: ignore[attr-defined]
        return future

    def wait(self, futures: list[Future]) -> list[Future]:
        return [min(futures, key=lambda f: f.order)]  # type: ignore[attr-defined]  # first submitted, first done

    def outcome(self, future: Future) -> PageResult:
        return future.result()

    def close(self) -> None:
        pass


def planned(n: int, slots: int, sends: dict[int, tuple]) -> tuple[list, list]:
    """Each page's final result (what it received) and the log of settings, for a chain of jumps."""
    executor = FakeExecutor(slots, sends)
    tasks = [PageTask(i, Path(f"p{i}.yaml")) for i in range(n)]
    targets = [i + 1 if i + 1 < n else -1 for i in range(n)]
    outcomes = Plan(targets).run(tasks, executor, lambda done, total, page: None)
    return [o.rendered.got for o in outcomes], executor.log


def test_a_receiving_page_is_set_once_after_its_sender():
    got, log = planned(6, 2, {0: ("over",)})
    assert got == [(), ("over",), (), (), (), ()]
    assert [i for i, _ in log].count(1) == 1 and (1, ("over",)) in log  # set once, with the text
    assert len(log) == 6  # every page once, both slots busy (each works down its own stretch)
    assert log[1][0] == 3  # the second slot starts in the middle of the edition


def test_one_slot_sets_the_pages_in_edition_order_once_each():
    got, log = planned(5, 1, {1: ("a",), 3: ("b",)})
    assert got == [(), (), ("a",), (), ("b",)]
    assert [i for i, _ in log] == [0, 1, 2, 3, 4]


def test_a_page_set_on_a_wrong_guess_is_set_again():
    got, log = planned(6, 2, {2: ("late",)})  # page 3 was started before page 2 was set
    assert got == [(), (), (), ("late",), (), ()]
    assert [inc for i, inc in log if i == 3] == [(), ("late",)]
