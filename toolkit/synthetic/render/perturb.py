"""Real-world perturbations for rendered reports (docs/format.md §6.3–6.4).

Cell perturbations change what is printed and, for blanks and NA tokens, what
the cell means: they return new ground truth. Label perturbations change only
how a label is printed; every variant must still map to the same codebook key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.read.values import NA_TOKENS

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Truncations seen in real reports (docs/format.md §6.3).
TRUNCATIONS = {
    "社会公益组织": "社会公益",
    "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重新出具",
    "（六）其他处理": "（六）其他",
}
PRINTABLE_NA = ("/", "-", "—", "——", "无")


@dataclass
class Perturbation:
    label_variants: bool = False
    split_spans: bool = False  # HTML: each character in its own <span>, as Word exports do
    wrap_labels: bool = False  # text: labels broken over lines
    fullwidth_digits: bool = False
    thousands: bool = False
    signed_change: bool = False
    nbsp_values: bool = False
    blank_zeros: float = 0.0  # probability that a printed 0 is left blank
    na_zeros: float = 0.0  # probability that a printed 0 becomes an NA token
    encoding: str = "utf-8"
    charset_meta: bool = True
    chrome: bool = False  # CMS page chrome: navigation, layout table, footer
    split_proactive: bool = False
    split_review: bool = False


def perturb_cells(cells: pd.DataFrame, p: Perturbation, rng: np.random.Generator) -> pd.DataFrame:
    """Change printed cells; blanks and NA tokens make the true value missing."""
    out = cells.copy()
    raws, values = [], []
    for row in out.itertuples():
        raw, value = row.raw, row.value
        if value == 0 and rng.random() < p.blank_zeros:
            raw, value = "", np.nan
        elif value == 0 and rng.random() < p.na_zeros:
            raw, value = PRINTABLE_NA[int(rng.integers(len(PRINTABLE_NA)))], np.nan
        else:
            if p.thousands and abs(value) >= 1000 and float(value).is_integer():
                raw = f"{int(value):,}".replace(",", "，" if rng.random() < 0.5 else ",")
            if p.signed_change and row.column == "change" and value > 0:
                raw = "+" + raw
            if p.fullwidth_digits and rng.random() < 0.5:
                raw = raw.translate(_FULLWIDTH)
        assert raw not in NA_TOKENS or pd.isna(value)
        raws.append(raw)
        values.append(value)
    out["raw"], out["value"] = raws, values
    return out


def vary_label(text: str, rng: np.random.Generator) -> str:
    """One printed variant of an official label that must still map to its key."""
    choice = int(rng.integers(6))
    if choice == 0:
        return text.replace("（", "(").replace("）", ")")
    if choice == 1 and len(text) > 2:
        i = int(rng.integers(1, len(text)))
        return text[:i] + (" " if rng.random() < 0.5 else "\u3000") + text[i:]
    if choice == 2:
        return text.replace("“", '"').replace("”", '"') if rng.random() < 0.5 else text.replace("“", "「").replace("”", "」")
    if choice == 3:
        return text.replace(".", "、" if rng.random() < 0.5 else "．", 1) if text[:1].isdigit() else text
    if choice == 4:
        return text.replace("、行政机关", "，行政机关")
    return TRUNCATIONS.get(text, text)


def wrap(text: str, rng: np.random.Generator) -> str:
    """Break a label over two lines at a random point (as narrow cells do)."""
    if len(text) < 4:
        return text
    i = int(rng.integers(2, len(text) - 1))
    return text[:i] + "\n" + text[i:]
