"""Build step: copy the top-level fonts and content the program needs at run time
into the package (``layout/_data``), so a wheel or ``pip install .`` carries them.

The top level keeps ``fonts/`` (bundled fonts, licences, the build script) and
``content/`` (pages and schemas) as the design card fixes; ``layout/resources.py``
finds the copies in an installed package and the originals in a checkout.
Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Folder at the top of the checkout → the files copied to layout/_data/<folder> (layout/resources.py reads them).
BUNDLED = {
    "fonts": ("*.ttf", "*.metrics.json", "OFL-*.txt", "README.md"),
    "content": ("page.schema.json", "edition.schema.json", "seed.yaml"),
}


class BuildWithData(build_py):
    """build_py, then the bundled data into ``layout/_data`` of the build (not for an
    editable install, which reads the checkout's own folders)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for kind, patterns in BUNDLED.items():
            target = Path(self.build_lib) / "layout" / "_data" / kind
            target.mkdir(parents=True, exist_ok=True)
            for pattern in patterns:
                for src in sorted((ROOT / kind).glob(pattern)):
                    shutil.copyfile(src, target / src.name)


setup(cmdclass={"build_py": BuildWithData})
