"""The program's own files at run time (no stage: a lookup used by every stage).

Input: the name of a kind of data. Output: the folder or file that holds it,
inside the installed package (a folder on disk: what ``importlib.resources.files``
gives for it, without importing that machinery, ~5 ms of a page's start-up):

- ``layout/styles/`` built-in styles and the style schema, ``layout/icc/`` the
  bundled newsprint profile: package data in the source tree too;
- ``layout/_data/fonts/`` the bundled fonts, their metrics and licences, and
  ``layout/_data/content/`` the page and edition schemas and the default page:
  copied there by the build (``setup.py``) from the top-level ``fonts/`` and
  ``content/``, which the design card keeps at the top of the repository.

In a source checkout (``pip install -e .``, or ``python make_pdf.py``) there is
no ``_data``: the top-level ``fonts/`` and ``content/`` are read directly. An
installed package without its data is a broken build, said as such.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = "_data"  # what the build copies into the package (setup.py, BUNDLED)


class MissingData(RuntimeError):
    """The installed package lacks files its build should have copied (a broken build)."""


PACKAGE_DIR = Path(__file__).parent  # this module is in the package's top folder


def _package_dir(*parts: str) -> Path:
    return PACKAGE_DIR.joinpath(*parts)


@cache
def _data_dir(kind: str) -> Path:
    packaged = _package_dir(DATA, kind)
    if packaged.is_dir():
        return packaged
    checkout = _package_dir().parent / kind
    if (checkout.parent / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    raise MissingData(
        f"the installed package has no {DATA}/{kind} (looked at {packaged} and {checkout}): reinstall Banmian"
    )


def fonts_dir() -> Path:
    """The bundled fonts with their ``.metrics.json`` sidecars and licences."""
    return _data_dir("fonts")


def content_file(name: str) -> Path:
    """A file of the bundled content: ``page.schema.json``, ``edition.schema.json``, ``seed.yaml``."""
    return _data_dir("content") / name


def default_page() -> Path:
    """The page rendered when none is named: the seed page."""
    return content_file("seed.yaml")


def styles_dir() -> Path:
    """The built-in styles (``broadsheet.yaml``, …) and ``style.schema.json``."""
    return _package_dir("styles")


def icc_file(name: str) -> Path:
    """A bundled ICC profile (``banmian-newsprint.icc``)."""
    return _package_dir("icc", name)
