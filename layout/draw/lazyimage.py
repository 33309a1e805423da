"""Pillow's ``PIL.Image`` loaded when first used, not when reportlab is imported (stage 4 helper).

reportlab's ``reportlab.lib.utils`` runs ``from PIL import Image`` when it is imported
(about 25 ms of Pillow and its tables), though only photos and raster ads need it.
Importing this module before reportlab puts a lazily loaded ``PIL.Image`` in
``sys.modules`` (``importlib.util.LazyLoader``): reportlab gets the module object, and
Pillow's code runs at the first use of one of its attributes (drawing a photo or an ad,
or any ``from PIL import Image`` that then uses it). Nothing changes once Pillow is
loaded: a process that has imported it already keeps its module.
"""

from __future__ import annotations

import importlib.util
import sys


def load_image_module_when_used() -> None:
    """Put a lazily loaded ``PIL.Image`` in ``sys.modules`` unless it is there already."""
    if "PIL.Image" in sys.modules:
        return
    spec = importlib.util.find_spec("PIL.Image")  # imports the small PIL package, not PIL.Image
    if spec is None or spec.loader is None:
        return  # no Pillow: reportlab's own import reports it
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    loader.exec_module(module)
    # ``from PIL import Image`` then finds it on the package without the import system
    # looking into it (reading its __spec__ would load it)
    sys.modules["PIL"].Image = module  # type: ignore[attr-defined]


load_image_module_when_used()
