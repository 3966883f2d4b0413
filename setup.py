"""The wheel carries the repository's ``data/``: the demo panel and the bundled real reports.

``pyproject.toml`` holds all metadata; this only adds a build step. The repository keeps its
``data/raw`` and ``data/synthetic`` at the top (where the data card and notebooks point), and a
wheel maps them to ``toolkit/data/raw`` and ``toolkit/data/synthetic``, where
:func:`toolkit.corpus.loaders.data_dir` finds them in an installed copy. An editable install
reads ``data/`` in the checkout and gets no copy.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: repository folder -> folder inside the built package
BUNDLED = {"data/raw": "toolkit/data/raw", "data/synthetic": "toolkit/data/synthetic"}


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for src, dst in BUNDLED.items():
            if not (HERE / src).is_dir():
                raise SystemExit(f"setup.py: {HERE / src} not found: the wheel must carry the bundled data")
            shutil.copytree(HERE / src, Path(self.build_lib) / dst, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
