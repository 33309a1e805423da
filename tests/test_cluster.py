"""Editions on Dask (``--executor dask``): a LocalCluster of two worker processes, one for
the module. The same bytes as the local executor; a worker killed mid-edition costs
nothing but time; a page that always fails is reported and the others are written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page, make_photo  # noqa: E402

from layout.cli import main  # noqa: E402
from layout.edition import load_edition, merge_pdfs, render_edition, run_edition  # noqa: E402
from layout.errors import InputError  # noqa: E402
from layout.executors import DaskExecutor, PageTask, pack, run_content  # noqa: E402

# Four pages: the first has more copy than it can hold and continues on the second (a jump).
PAGES = {
    "p1.yaml": (9, 500, 900, 21),
    "p2.yaml": (3, 300, 600, 3),
    "p3.yaml": (5, 300, 500, 7),
    "p4.yaml": (4, 300, 500, 8),
}


def _edition(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    make_photo(folder / "photo.jpg", 900)
    for number, (name, shape) in enumerate(PAGES.items(), 1):
        data = make_page(*shape)
        data["page"] = number
        for p in data["profiles"][:2]:
            p["photo"] = {"file": "photo.jpg", "caption": f"{p['name']}在工作现场"}
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = folder / "edition.yaml"
    path.write_text(f"edition: 示例日报\npages: [{', '.join(PAGES)}]\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster():
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import the tests
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc,
        distributed.Client(lc) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The edition and its pages as the local executor sets them (the reference)."""
    path = _edition(tmp_path_factory.mktemp("edition"))
    run = run_edition(load_edition(path), jobs=1)
    assert not run.failures
    return path, [r.pdf for r in run.pages], run


@pytest.fixture
def client(cluster):
    cluster.wait_for_workers(2, timeout=60)
    yield cluster
    cluster.run(_restore)


def _on_dask(path: Path, client) -> object:
    executor = DaskExecutor(client=client)
    try:
        return run_edition(load_edition(path), executor=executor, keep_going=True)
    finally:
        executor.close()


def _restore() -> None:
    import layout.executors as ex

    ex.run_task = getattr(ex, "_real_run_task", ex.run_task)


def _patch(make) -> None:
    """On a worker: the page render replaced by ``make(real)``."""
    import layout.executors as ex

    ex._real_run_task = getattr(ex, "_real_run_task", ex.run_task)
    ex.run_task = make(ex._real_run_task)


def _kill_once(marker: str, name: str) -> None:
    def make(real):
        def run_task(task):
            if task.page.name == name and not os.path.exists(marker):
                Path(marker).touch()
                os._exit(1)  # the worker dies while setting the page
            return real(task)

        return run_task

    _patch(make)


def _always_fail(log: str, name: str) -> None:
    def make(real):
        def run_task(task):
            if task.page.name == name:
                with open(log, "a") as f:
                    f.write("try\n")
                raise ZeroDivisionError("a bug on this page")
            return real(task)

        return run_task

    _patch(make)


def test_dask_gives_the_local_bytes(local, client):
    path, pdfs, _ = local
    run = _on_dask(path, client)
    assert not run.failures
    assert [r.pdf for r in run.pages] == pdfs
    first, second = run.pages[0].makeup, run.pages[1].makeup
    assert first.jumps and any(m.jump_from == 1 for m in second.modules)  # the jump crossed workers
    assert run.pages[1].page.file == str(path.parent / "p2.yaml")  # the client's paths, not the worker's
    assert merge_pdfs([r.pdf for r in run.pages], "示例日报") == merge_pdfs(pdfs, "示例日报")


def test_a_worker_killed_mid_edition(local, client, tmp_path):
    path, pdfs, _ = local
    marker = tmp_path / "killed"
    client.run(_kill_once, str(marker), "p3.yaml")
    run = _on_dask(path, client)
    assert marker.exists()  # a worker did die on p3
    assert not run.failures
    assert [r.pdf for r in run.pages] == pdfs


def test_a_page_that_always_fails_is_reported_and_the_others_set(local, client, tmp_path):
    path, pdfs, _ = local
    log = tmp_path / "tries"
    client.run(_always_fail, str(log), "p4.yaml")
    run = _on_dask(path, client)
    assert log.read_text().count("try") == 2  # retried once
    (failure,) = run.failures
    assert failure.number == 4 and isinstance(failure.error, ZeroDivisionError)
    assert [r.pdf for r in run.pages[:3]] == pdfs[:3] and run.pages[3] is None


def test_the_command_writes_the_rest_and_names_the_bad_page(local, client, tmp_path, capsys):
    path, pdfs, _ = local
    folder = tmp_path / "e"
    folder.mkdir()
    for f in path.parent.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    bad = folder / "p3.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("date: '2024-03-15'", "date: 2024-3-15"), encoding="utf-8")
    out = tmp_path / "out" / "e.pdf"
    address = client.scheduler_info()["address"]
    status = main([str(folder / "edition.yaml"), "-q", "-o", str(out), "--executor", "dask", "--scheduler", address])
    assert status == 2
    err = capsys.readouterr().err
    assert f"error: 第3版: {bad}:" in err and ": date: expected a date" in err  # the client's file, line, field
    assert [p.name for p in sorted(out.parent.glob("e-*.pdf"))] == ["e-01.pdf", "e-02.pdf", "e-04.pdf"]
    assert (out.parent / "e-04.pdf").read_bytes() == pdfs[3]
    with pytest.raises(InputError) as caught:  # locally the first failed page stops the run: the same error
        render_edition(load_edition(folder / "edition.yaml"), jobs=1)
    assert caught.value.file == str(bad) and caught.value.field == "date"


def test_a_task_carries_its_content_and_answers_in_the_clients_paths(local, tmp_path):
    """Where the worker cannot see the client's files, it sets the page from the task's
    bytes in a folder of its own; paths in the result and in errors are the client's."""
    path, pdfs, run = local
    client = tmp_path / "client"
    client.mkdir()
    for f in path.parent.iterdir():
        (client / f.name).write_bytes(f.read_bytes())
    bad = client / "p3.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("date: '2024-03-15'", "date: 2024-3-15"), encoding="utf-8")
    jumps = run.pages[0].makeup.jumps  # page 1's overflow, its photo named in the client's folder
    receiving = pack(PageTask(1, client / "p2.yaml", jump_to=3, continuations=jumps))
    broken = pack(PageTask(2, bad, jump_to=4))
    assert all(isinstance(data, bytes) for data in receiving.files.values())
    client.rename(tmp_path / "gone")  # nothing of the client's at hand any more
    result = run_content(receiving)
    assert result.rendered.pdf == pdfs[1]
    assert result.rendered.page.file == str(client / "p2.yaml")
    error = run_content(broken).error
    assert (error.file, error.field) == (str(bad), "date") and error.line is not None


def test_a_photo_beside_the_pages_folder_travels_with_the_task(tmp_path):
    """A photo named ``../photos/x.jpg`` (allowed outside the page's folder) lands inside
    the worker's folder where the page's own reference finds it."""
    from layout.render import Output, render

    (tmp_path / "c" / "pages").mkdir(parents=True)
    (tmp_path / "c" / "photos").mkdir()
    make_photo(tmp_path / "c" / "photos" / "x.jpg", 800)
    data = make_page(4, 300, 500, 8)
    data["page"] = 2
    data["profiles"][0]["photo"] = {"file": "../photos/x.jpg", "caption": "现场"}
    page = tmp_path / "c" / "pages" / "p.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    output = Output(allow_outside=True)
    local = render(page, output=output).pdf
    content = pack(PageTask(0, page, output=output))
    (tmp_path / "c").rename(tmp_path / "gone")
    assert run_content(content).rendered.pdf == local
