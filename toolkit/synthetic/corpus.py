"""Synthetic corpora: N reports over agencies × years in every supported format, with ground truth.

LABELLED SYNTHETIC. Every value comes from :func:`toolkit.synthetic.values.report_spec`
(random, internally consistent: all identities of docs/format.md §5 hold), optionally
perturbed as real reports are (blank and NA cells, full-width digits, label
variants, CMS page chrome, GBK encoding…), and printed by
:mod:`toolkit.synthetic.render` as Tika-style text, HTML, DOCX or PDF. The printed values
are kept as ground truth, so a batch read of the corpus can be compared
cell by cell. Used by the corpus tests and the benchmarks (the notebooks' demo
panel is built by :mod:`toolkit.synthetic.panel`); the output folder must have ``synthetic`` in its path.

Files written into ``out_dir``::

    <year>/<agency_id>-<year>.<txt|html|docx|pdf>   the reports
    reports.csv          one row per report (utf-8-sig): file, agency_id, agency, year, level,
                         scope, activity, format, templates, perturbations, copy_of, …
    ground_truth.parquet one row per printed cell: file, agency, year, table, row, column,
                         value (missing where the cell is printed blank/NA), raw
    DATA_CARD.md         what this is, how it was made, counts
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit import codebook as cb
from toolkit.read.meta import level_of, scope_of

FORMATS = ("text", "html", "docx", "pdf")
SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
ACTIVITY_BY_LEVEL = {"province": 40.0, "city": 15.0, "county": 5.0, "township": 1.0, "unknown": 5.0}
AGENCY_COLUMNS = ("agency", "level", "scope", "activity")

_CITIES = ("云岭", "青川", "白溪", "南江", "东湖", "西岭", "北岗", "临泽", "安平", "长宁", "清河", "松原")
_COUNTIES = ("石门", "桃源", "柳林", "凤台", "金沙", "永安", "宁远", "溪口", "平阳", "双峰", "新田", "龙泉")
_TOWNS = ("白沙", "黄土", "兴隆", "三合", "太平", "红星")
_BUREAUS = ("教育局", "财政局", "公安局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
            "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "应急管理局")

GROUND_TRUTH_ARROW = pa.schema([
    ("file", pa.string()), ("agency", pa.string()), ("year", pa.int64()), ("table", pa.string()),
    ("row", pa.string()), ("column", pa.string()), ("value", pa.float64()), ("raw", pa.string()),
])


def default_agencies(n: int) -> pd.DataFrame:
    """``n`` invented agencies at county, city, township and city-aggregate level (names are fictional).

    Examples:
        >>> default_agencies(3)[["agency", "level", "scope"]]
                       agency   level   scope
        0     云岭市石门县教育局  county  agency
        1       云岭市教育局    city  agency
        2   石门县白沙镇人民政府  township  agency
    """
    names: list[str] = []
    for i in range(n):
        city, county = _CITIES[(i // 4) % len(_CITIES)], _COUNTIES[(i // 4 // len(_CITIES)) % len(_COUNTIES)]
        bureau = _BUREAUS[(i // 4 // len(_CITIES) // len(_COUNTIES)) % len(_BUREAUS)]
        cycle = i // (4 * len(_CITIES) * len(_COUNTIES) * len(_BUREAUS))
        kind = i % 4
        if kind == 0:
            name = f"{city}市{county}县{bureau}"
        elif kind == 1:
            name = f"{city}市{bureau}" if county == _COUNTIES[0] else f"{city}市{county}县人民政府"
        else:
            town = _TOWNS[(i // 4) % len(_TOWNS)]
            name = f"{county}县{town}镇人民政府" if kind == 2 else f"{city}市{county}县{town}镇{bureau.replace('局', '所')}"
        if cycle or name in names:
            name = name.replace("市", f"市第{cycle + 2 + names.count(name)}", 1) if cycle else f"{name}（{i}）"
        names.append(name)
    return _agency_table(pd.DataFrame({"agency": names}))


def _agency_table(agencies) -> pd.DataFrame:
    if isinstance(agencies, (int, np.integer)):
        return default_agencies(int(agencies))
    df = pd.DataFrame({"agency": list(agencies)}) if not isinstance(agencies, pd.DataFrame) else agencies.copy()
    if "agency" not in df.columns:
        raise ValueError("agencies needs an 'agency' column (the name printed in each report's title)")
    if df["agency"].duplicated().any():
        raise ValueError(f"agencies must be unique; repeated: {sorted(df.loc[df['agency'].duplicated(), 'agency'])[:5]}")
    df = df.reset_index(drop=True)
    if "level" not in df.columns:
        df["level"] = df["agency"].map(level_of)
    if "scope" not in df.columns:
        df["scope"] = [scope_of(a, lv) for a, lv in zip(df["agency"], df["level"])]
    if "activity" not in df.columns:
        df["activity"] = df["level"].map(ACTIVITY_BY_LEVEL).fillna(5.0)
    return df


@dataclass
class SyntheticCorpus:
    """What :func:`generate_corpus` returns: where the files are and what they say.

    Attributes:
        out_dir: the corpus folder.
        reports: one row per file (``reports.csv``) plus ``source_file``, the
            path as :func:`toolkit.read_reports` reports it when given ``out_dir``.
    """

    out_dir: Path
    reports: pd.DataFrame

    @property
    def paths(self) -> list[Path]:
        return [Path(p) for p in self.reports["source_file"]]

    @property
    def cells(self) -> pd.DataFrame:
        """Ground truth, one row per printed cell, with ``source_file`` (loaded from ``ground_truth.parquet``)."""
        return load_ground_truth(self.out_dir)


def load_ground_truth(out_dir: str | os.PathLike) -> pd.DataFrame:
    """The ground-truth cells of a synthetic corpus, keyed by ``source_file`` and codebook keys."""
    df = pq.read_table(Path(out_dir) / "ground_truth.parquet").to_pandas()
    df.insert(0, "source_file", [str(Path(out_dir) / f) for f in df["file"]])
    for axis in ("table", "row", "column"):
        df[axis] = df[axis].astype(cb.category_dtype(axis))
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype("Float64")
    return df


def _perturbation(rng: np.random.Generator, fmt: str):
    from toolkit.synthetic.render.perturb import Perturbation

    coin = lambda p: bool(rng.random() < p)  # noqa: E731
    return Perturbation(
        label_variants=coin(0.3), split_spans=fmt == "html" and coin(0.3), wrap_labels=fmt == "text" and coin(0.3),
        fullwidth_digits=coin(0.1), thousands=coin(0.3), signed_change=coin(0.2), nbsp_values=coin(0.1),
        blank_zeros=float(rng.choice([0.0, 0.0, 0.3])), na_zeros=float(rng.choice([0.0, 0.0, 0.2])),
        encoding="gbk" if fmt in ("text", "html") and coin(0.2) else "utf-8",
        chrome=fmt == "html" and coin(0.4), split_proactive=coin(0.1), split_review=coin(0.1),
    )


def _render_chunk(out_dir: str, plan: list[dict], perturb: bool) -> tuple[list[dict], pd.DataFrame]:
    """Specs, perturbations, rendering and files for a chunk of planned reports (one LibreOffice run for PDFs)."""
    from toolkit.synthetic.render import render_many
    from toolkit.synthetic.render.perturb import perturb_cells
    from toolkit.synthetic.values import report_spec

    rows, truth, by_fmt = [], [], {}
    for item in plan:
        rng = np.random.default_rng(item["seed"])
        spec = report_spec(rng, agency=item["agency"], year=item["year"], activity=item["activity_drawn"])
        p = _perturbation(rng, item["format"]) if perturb else None
        if p is not None:
            spec.cells = perturb_cells(spec.cells, p, rng)
        by_fmt.setdefault(item["format"], []).append((item, spec, p))
    for fmt, group in by_fmt.items():
        if fmt == "pdf":  # one LibreOffice run for the chunk's PDFs
            from toolkit.synthetic.render.docx import render_docx
            from toolkit.synthetic.render.pdf import docx_to_pdf

            blobs = docx_to_pdf([render_docx(s, p, it["seed"] % 2**31) for it, s, p in group])
        else:  # render_many takes one perturbation, so report by report
            blobs = [render_many([s], fmt, p, it["seed"] % 2**31)[0] for it, s, p in group]
        for (item, spec, p), blob in zip(group, blobs):
            path = Path(out_dir, item["file"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
            c = spec.cells
            truth.append(pd.DataFrame({
                "file": item["file"], "agency": spec.agency, "year": spec.year,
                "table": c["table"].astype(str), "row": c["row"].astype(str), "column": c["column"].astype(str),
                "value": c["value"].astype(float), "raw": c["raw"].astype(str),
            }))
            rows.append({**{k: v for k, v in item.items() if k != "seed"},
                         "templates": ";".join(f"{k}={v}" for k, v in sorted(spec.templates.items())),
                         "perturbations": _describe(p), "size_bytes": len(blob)})
    return rows, pd.concat(truth, ignore_index=True)


def _describe(p) -> str:
    if p is None:
        return ""
    from dataclasses import asdict, fields

    default = type(p)()
    return json.dumps({f.name: v for f in fields(p) if (v := asdict(p)[f.name]) != getattr(default, f.name)},
                      ensure_ascii=False, sort_keys=True)


def _plan(agencies: pd.DataFrame, years: Sequence[int], n_reports: int | None, formats: Sequence[str],
          format_weights, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    grid = [(a, y) for a in range(len(agencies)) for y in years]
    if n_reports is None:
        picked = grid
    else:
        if n_reports > len(grid):
            raise ValueError(f"n_reports={n_reports} is more than agencies × years = {len(agencies)} × {len(years)} "
                             f"= {len(grid)}; pass more agencies (or agencies=None to invent enough)")
        idx = np.sort(rng.choice(len(grid), size=n_reports, replace=False))
        picked = [grid[i] for i in idx]
    w = np.ones(len(formats)) if format_weights is None else np.array(
        [format_weights.get(f, 0.0) for f in formats] if isinstance(format_weights, dict) else format_weights, float)
    w = w / w.sum()
    fmts = rng.choice(len(formats), size=len(picked), p=w)
    seeds = np.random.SeedSequence(seed).generate_state(len(picked) * 2, dtype=np.uint64)
    plan = []
    for k, ((a, year), f) in enumerate(zip(picked, fmts)):
        row = agencies.iloc[a]
        fmt = formats[f]
        aid = f"a{a:05d}"
        plan.append({
            "file": f"{year}/{aid}-{year}{SUFFIX[fmt]}", "agency_id": aid, "agency": row["agency"], "year": int(year),
            "level": row["level"], "scope": row["scope"], "activity": float(row["activity"]),
            "activity_drawn": float(row["activity"]) * float(rng.lognormal(0, 0.5)),
            "format": fmt, "copy_of": "", "seed": int(seeds[k]),
            **{c: row[c] for c in agencies.columns if c not in AGENCY_COLUMNS},
        })
    return plan


def generate_corpus(
    out_dir: str | os.PathLike,
    n_reports: int | None = None,
    agencies: pd.DataFrame | Sequence[str] | int | None = None,
    years: Iterable[int] = range(2019, 2025),
    formats: Sequence[str] = FORMATS,
    seed: int = 0,
    *,
    format_weights: dict[str, float] | Sequence[float] | None = None,
    perturb: bool = True,
    pdf_renders: int | None = None,
    workers: int = 1,
    chunk_size: int = 50,
    progress: bool = False,
) -> SyntheticCorpus:
    """Write a labelled synthetic corpus of reports and return its ground truth.

    Args:
        out_dir: the folder to write (created; its path must contain ``synthetic``).
            Existing report files there are replaced.
        n_reports: how many reports; drawn without replacement from agencies ×
            years. ``None``: one report per agency and year.
        agencies: who publishes. A DataFrame with an ``agency`` column (the
            name printed in each title) and optionally ``level`` (province |
            city | county | township), ``scope`` (agency | government_office |
            region_aggregate) and ``activity`` (rough mean of the non-zero
            counts: 0 gives all-zero reports, 40 a busy province office); any
            other columns are copied to ``reports``. Missing ``level``/``scope``
            are derived from the name as :func:`toolkit.read_report` does;
            missing ``activity`` from the level (:data:`ACTIVITY_BY_LEVEL`). A
            list of names or an int (that many invented agencies) also works.
            ``None``: invented agencies, as many as ``n_reports`` needs.
        years: report years; 2019–2020 print the 2019 template, later the 2021 one.
        formats: among ``text``, ``html``, ``docx``, ``pdf``.
        seed: everything (agencies drawn, values, perturbations, formats) follows from it.
        format_weights: share of each format (dict by format or one per
            ``formats`` entry); default equal.
        perturb: print real-world variants (blank/NA cells, label variants,
            page chrome, GBK…); the ground truth follows what is printed.
        pdf_renders: at most this many PDFs are rendered through LibreOffice
            (seconds per batch); further PDFs are byte copies of those with a
            distinct trailing comment (``copy_of`` names the source, and their
            agency, year and ground truth are the source's). ``None``: render all.
        workers: processes rendering in parallel.
        chunk_size: reports per rendering task (PDFs of a task share one LibreOffice run).
        progress: show a progress bar.

    Returns:
        :class:`SyntheticCorpus`: ``.reports`` (one row per file), ``.cells``
        (ground truth), ``.paths``.

    Examples:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "synthetic-demo"
        >>> sc = generate_corpus(out, n_reports=4, agencies=2, years=[2020, 2023], formats=("text", "html"))
        >>> sc.reports[["file", "agency", "year", "format"]].sort_values("file").to_string(index=False)  # doctest: +SKIP
        >>> len(sc.paths), sc.cells.groupby("file").size().between(198, 200).all()
        (4, np.True_)
        >>> import toolkit
        >>> data, errors = toolkit.read_reports(out, engine="serial", progress=False)
        >>> len(errors), len(data) == len(sc.cells)
        (0, True)
    """
    out = Path(out_dir)
    if "synthetic" not in str(out.resolve()).lower():
        raise ValueError(f"{out}: a synthetic corpus must be written to a path containing 'synthetic' "
                         "(so that it is never mistaken for published reports)")
    years = [int(y) for y in years]
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown formats {bad}: use some of {FORMATS}")
    if agencies is None:
        need = len(years) and math.ceil((n_reports or 24 * len(years)) / len(years))
        agencies = default_agencies(need)
    agencies = _agency_table(agencies)
    plan = _plan(agencies, years, n_reports, formats, format_weights, seed)
    copies: list[dict] = []
    if pdf_renders is not None:
        pdfs = [it for it in plan if it["format"] == "pdf"]
        originals, extra = pdfs[:max(0, pdf_renders)], pdfs[max(0, pdf_renders):]
        if extra and not originals:
            raise ValueError("pdf_renders=0 leaves nothing to copy; use pdf_renders>=1 or drop 'pdf' from formats")
        for k, it in enumerate(extra):
            it["copy_of"] = originals[k % len(originals)]["file"]
        copies = extra
    todo = [it for it in plan if not it["copy_of"]]
    out.mkdir(parents=True, exist_ok=True)
    for sub in out.iterdir():
        if sub.is_dir() and sub.name.isdigit():
            shutil.rmtree(sub)
    chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
    rows: list[dict] = []
    pdf_truth: dict[str, pd.DataFrame] = {}
    from tqdm.auto import tqdm

    bar = tqdm(total=len(plan), unit="report", desc="generate", disable=not progress)
    with pq.ParquetWriter(out / "ground_truth.parquet", GROUND_TRUTH_ARROW, compression="zstd") as writer:
        def take(result):
            r, truth = result
            rows.extend(r)
            writer.write_table(pa.Table.from_pandas(truth, schema=GROUND_TRUTH_ARROW, preserve_index=False))
            for f in {c["copy_of"] for c in copies}:
                if f in set(truth["file"]):
                    pdf_truth[f] = truth[truth["file"] == f]
            bar.update(len(r))

        if workers > 1 and len(chunks) > 1:
            from toolkit.corpus.engines import pool_context  # the batch loader's pool context (readers preloaded once)

            with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
                for result in pool.map(_render_chunk, [str(out)] * len(chunks), chunks, [perturb] * len(chunks)):
                    take(result)
        else:
            for chunk in chunks:
                take(_render_chunk(str(out), chunk, perturb))
        by_file = {r["file"]: r for r in rows}
        for n, it in enumerate(copies):
            src = by_file[it["copy_of"]]
            blob = (out / src["file"]).read_bytes() + f"\n% synthetic copy {n} of {src['file']}\n".encode()
            dest = out / it["file"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(blob)
            writer.write_table(pa.Table.from_pandas(pdf_truth[src["file"]].assign(file=it["file"]),
                                                    schema=GROUND_TRUTH_ARROW, preserve_index=False))
            rows.append({**src, "file": it["file"], "agency_id": it["agency_id"], "copy_of": src["file"],
                         "size_bytes": len(blob)})
            bar.update(1)
    bar.close()
    reports = pd.DataFrame(rows).sort_values("file", ignore_index=True)
    reports.insert(len(reports.columns), "synthetic", True)
    reports.to_csv(out / "reports.csv", index=False, encoding="utf-8-sig")
    _data_card(out, reports, seed, perturb, pdf_renders)
    reports.insert(0, "source_file", [str(out / f) for f in reports["file"]])
    return SyntheticCorpus(out, reports)


def _data_card(out: Path, reports: pd.DataFrame, seed: int, perturb: bool, pdf_renders: int | None) -> None:
    by_format = reports["format"].value_counts().sort_index().to_dict()
    by_year = reports["year"].value_counts().sort_index().to_dict()
    by_level = reports["level"].value_counts().sort_index().to_dict()
    n_copies = int((reports["copy_of"] != "").sum())
    text = f"""# Data card: synthetic OGI annual-report corpus

**SYNTHETIC DATA. These are not published reports.** Every agency name, number and sentence
was generated by `toolkit.synthetic.corpus.generate_corpus` (seed {seed}); agency names are
invented. Each report's overview paragraph says so too.

- Reports: {len(reports)} ({reports['agency'].nunique()} agencies)
- Formats: {by_format}
- Years: {by_year}
- Levels: {by_level}
- Perturbations (blank/NA cells, label variants, page chrome, GBK…): {'yes' if perturb else 'no'}
- PDF copies: {n_copies} PDFs are byte copies (plus a trailing comment) of {pdf_renders if n_copies else 'the'} rendered
  PDFs; `copy_of` in reports.csv names the source and their ground truth is the source's.

Values: `toolkit.synthetic.values.consistent_values`, random and internally consistent (docs/format.md §5
identities H1–H5 hold before perturbation). Blank or NA printed cells have a missing value.

Files:
- `<year>/<agency_id>-<year>.<ext>`: the reports.
- `reports.csv` (utf-8-sig): one row per report: file, agency, year, level, scope, activity
  (the agency's intensity parameter), format, templates, perturbations, copy_of.
- `ground_truth.parquet`: one row per printed cell: file, agency, year, table, row, column
  (codebook keys), value, raw (the text printed).

Regenerate: `generate_corpus(out_dir, n_reports={len(reports)}, seed={seed}, ...)` with the same arguments.
"""
    (out / "DATA_CARD.md").write_text(text, encoding="utf-8")
