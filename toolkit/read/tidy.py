"""The tidy schema: one row per published cell, every value traceable to its source.

The columns, their order, dtypes and meanings are the ``cells`` rows of the
field dictionary (``toolkit/data/fields.csv``, read by :mod:`toolkit.fields`).
``table``, ``row`` and ``column`` are the codebook's ordered categoricals
(:func:`toolkit.codebook.category_dtype`); every reader and the corpus loader
use these names.

Blank cells are kept missing here; :mod:`toolkit.validation.blanks` states the
rule that validation and analysis apply to them.
"""

from __future__ import annotations

from toolkit import fields

TIDY_COLUMNS = fields.columns("cells")
# dtypes of the columns other than the categorical axes
TIDY_DTYPES = {c: t for c, t in fields.dtypes("cells").items() if t != "category"}
