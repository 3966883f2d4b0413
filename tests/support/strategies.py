"""Hypothesis strategies shared by the round-trip tests of every format."""

from __future__ import annotations

from hypothesis import strategies as st

from toolkit.synthetic.render.perturb import Perturbation

# 2021, 2019, and the mixed layout: a 2021 table 二 beside a single-row （六）其他处理 in 三.
TEMPLATES = st.sampled_from(["2021", "2019", {"proactive": "2021", "requests": "2019", "review_litigation": "2021"}])
ACTIVITY = st.sampled_from([0.0, 3.0, 40.0, 2000.0])

# What every format can carry: labels, digits, blanks and NA tokens, split tables.
_COMMON = dict(
    label_variants=st.booleans(),
    split_spans=st.booleans(),
    wrap_labels=st.booleans(),
    fullwidth_digits=st.booleans(),
    thousands=st.booleans(),
    signed_change=st.booleans(),
    nbsp_values=st.booleans(),
    blank_zeros=st.sampled_from([0.0, 0.3, 1.0]),
    na_zeros=st.sampled_from([0.0, 0.2]),
    split_proactive=st.booleans(),
    split_review=st.booleans(),
)


def perturbation_strategy(web: bool = False):
    """Perturbations for Word/PDF documents, or (``web``) also encodings and page chrome for HTML/text."""
    extra = dict(encoding=st.sampled_from(["utf-8", "gbk"]), charset_meta=st.booleans(), chrome=st.booleans()) if web else {}
    return st.builds(Perturbation, **_COMMON, **extra)
