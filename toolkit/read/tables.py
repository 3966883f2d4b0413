"""Map the tables of a :class:`~toolkit.read.document.Document` onto codebook keys.

One mapping for every format. Rows are found by their normalised labels and
values by their position under the matching column header (the k-th value cell
from the right sits under the k-th leaf header cell from the right), never by
the order in which numbers appear. A row label no pattern names (a typo) is
read by the template's row order and its resemblance to the official label
(:mod:`toolkit.read.row_order`), and noted in ``issues``. Every label and
pattern comes from the codebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from toolkit import codebook as cb
from toolkit.errors import LayoutError
from toolkit.read import row_order
from toolkit.read.document import Cell, Document, Table
from toolkit.read.normalise import label_key, numbering
from toolkit.read.values import parse_value


@dataclass(slots=True)
class Mapped:
    """One published cell mapped to its codebook key (:attr:`Mapping.cells`)."""

    table: str
    row: str
    column: str
    raw: str
    location: str


@dataclass
class Mapping:
    """What the tables of one document yielded.

    The mapped cells are kept as columns (one list per field, one entry per published
    cell, in reading order), filled a printed row at a time: no object per cell on the
    way to the tidy columns (:func:`toolkit.read.report.read_cells`).
    """

    table: list[str] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    column: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)
    issues: list[dict] = field(default_factory=list)

    def add(self, table: str, row: str, columns: list[str], cells: list[Cell]) -> None:
        """The cells of one printed row under their column keys (``columns[i]`` names ``cells[i]``)."""
        if len(columns) != len(cells):
            raise ValueError(f"{len(columns)} column keys for {len(cells)} cells")
        k = len(cells)
        self.table += [table] * k
        self.row += [row] * k
        self.column += columns
        self.raw += [c.text for c in cells]
        self.location += [c.location for c in cells]

    @property
    def cells(self) -> list[Mapped]:
        """The mapped cells one by one."""
        return [Mapped(*c) for c in zip(self.table, self.row, self.column, self.raw, self.location)]

    def issue(self, code: str, message: str, table: str | None = None, location: str | None = None) -> None:
        self.issues.append({"code": code, "table": table, "location": location, "message": message})


@lru_cache(maxsize=65536)  # the same printed texts recur in every table and every report
def _key(table: str, axis: str, text: str) -> str | None:
    """The codebook key a printed text names (normalised once per distinct text)."""
    return cb.match(table, axis, label_key(text))


@cache  # the codebook is fixed: its lines of one table and axis read once, not one DataFrame lookup per key
def _lines(table: str, axis: str) -> dict[str, dict]:
    lines: dict[str, dict] = {}
    for line in cb.entries(table, axis).to_dict("records"):
        lines.setdefault(line["key"], line)  # the first line of a key, as cb.attribute reads it
    return lines


def warm() -> None:
    """Read the codebook now: its matchers and its lines of every table and axis (tens of milliseconds,
    otherwise paid at the first report). A batch's worker server calls it once, for all its workers."""
    for table in cb.TABLES:
        for axis in ("row", "column", "block"):
            if axis != "block":
                cb.matchers(table, axis)
            _lines(table, axis)


def _attribute(table: str, axis: str, key: str, field: str) -> str:
    """:func:`toolkit.codebook.attribute`, from the lines read once."""
    line = _lines(table, axis).get(key)
    return cb.attribute(table, axis, key, field) if line is None else line[field]


def _keys_of(cells, table: str, axis: str) -> list[str | None]:
    return [_key(table, axis, c.text) if c.text else None for c in cells]


def _value_like(cell: Cell) -> bool:
    return parse_value(cell.text).status != "invalid"


def classify(table: Table) -> str | None:
    """Which report table this is, judged by its labels (never by its position).

    A requests table needs at least five of the seven applicant column labels
    (docs/format.md §6.3); a review table needs a review block label and an outcome label;
    the proactive table needs a 第二十条 caption or a proactive row label.
    """
    cells = [c for row in table.rows[:8] for c in row if c.text and not c.merged]
    req_cols = {k for k in _keys_of(cells, "requests", "column") if k}
    if len(req_cols) >= 5:
        return "requests"
    rev_rows = {k for k in _keys_of(cells, "review_litigation", "row") if k}
    rev_cols = {k for k in _keys_of(cells, "review_litigation", "column") if k}
    if rev_rows and len(rev_cols) >= 3:
        return "review_litigation"
    all_cells = [c for row in table.rows for c in row if c.text and not c.merged]
    if any(_key("proactive", "block", c.text) for c in all_cells):
        return "proactive"
    pro_rows = {k for k in _keys_of(all_cells, "proactive", "row") if k}
    pro_cols = {k for k in _keys_of(all_cells, "proactive", "column") if k}
    if len(pro_rows) >= 2 and pro_cols:
        return "proactive"
    return None


def _is_requests_continuation(table: Table) -> bool:
    """A headerless table whose rows carry requests labels (a table split in two)."""
    hits = 0
    for row in table.rows:
        if len(row) > 7 and any(_key("requests", "row", c.text) for c in row[:-7] if c.text):
            hits += 1
    return hits >= 2


def _is_proactive_continuation(table: Table) -> bool:
    """A table 二 block without its caption: a header naming a proactive column over a proactive row."""
    cells = [c for row in table.rows for c in row if c.text and not c.merged]
    return any(_key("proactive", "row", c.text) for c in cells) and any(_key("proactive", "column", c.text) for c in cells)


def map_document(doc: Document, path: str) -> Mapping:
    """Classify each table and map its cells; stitch split tables together."""
    found: dict[str, list[Table]] = {t: [] for t in cb.TABLES}
    previous = None
    for table in doc.tables:
        kind = classify(table)
        if kind is None and previous == "requests" and _is_requests_continuation(table):
            kind = "requests"  # continuation of a table split across pages or tables
        if kind is None and previous == "proactive" and _is_proactive_continuation(table):
            kind = "proactive"  # the last block of table 二 carried over to the next page
        if kind is None:
            continue
        found[kind].append(table)
        previous = kind
    result = Mapping()
    for kind, mapper in (("proactive", _map_proactive), ("requests", _map_requests), ("review_litigation", _map_review)):
        if found[kind]:
            mapper(found[kind], result, path)
    return result


# ---------------------------------------------------------------- templates


def _template(table: str, found_keys: list[tuple[str, str]]) -> str:
    """2019 or 2021 from the template of the keys found (docs/format.md §6.1); ``both`` if undecidable."""
    marks = {_attribute(table, axis, key, "template") for axis, key in found_keys} - {"both"}
    if len(marks) == 1:
        return marks.pop()
    if marks:
        return "mixed"
    return "both"


# ---------------------------------------------------------------- table 二


def _map_proactive(tables: list[Table], out: Mapping, path: str) -> None:
    header: list[str] | None = None
    seen: set[tuple[str, str]] = set()
    found_keys: list[tuple[str, str]] = []
    printed: list[tuple[str | None, list[Cell], list[str] | None]] = []  # data rows: key by pattern, cells, header
    for table in tables:
        for row in table.rows:
            texts = [label_key(c.text) for c in row]
            caption = next((cb.match("proactive", "block", t) for t in texts if t), None)
            if caption and len({c.text for c in row if c.text}) == 1:
                header = None
                found_keys.append(("block", caption))
                continue
            row_key = cb.match("proactive", "row", texts[0]) if texts and texts[0] else None
            col_keys = [cb.match("proactive", "column", t) if t else None for t in texts[1:]]
            if row_key is None and any(col_keys):
                # A header row: 信息内容 + one label per value column.
                labelled = [k for k, c in zip(col_keys, row[1:]) if c.text and not c.merged]
                if None in labelled:
                    out.issue("unknown_column", f"unrecognised column label in table 二: {[c.text for c in row[1:]]}", "proactive", row[0].location)
                    header = None
                else:
                    header = labelled
                    found_keys.extend(("column", k) for k in header)
                continue
            if row_key is None:
                if any(_value_like(c) and c.text for c in row[1:]):
                    printed.append((None, row, header))
                continue
            if header is None:
                raise LayoutError(path, f"table 二 row {row[0].text!r} has no column header above it")
            if len(row) < len(header) + 1:
                raise LayoutError(path, f"table 二 row {row[0].text!r} has {len(row) - 1} value cells, header has {len(header)}")
            printed.append((row_key, row, header))
    found = [key for key, _, _ in printed]
    placed = _by_position("proactive", found, [label_key(row[0].text) for _, row, _ in printed],
                          _template("proactive", found_keys + [("row", k) for k in found if k]))
    for i, (row_key, row, header) in enumerate(printed):
        if row_key is None:
            row_key = placed.get(i)
            if row_key is None or header is None or len(row) < len(header) + 1:
                out.issue("unknown_row", f"unrecognised row label in table 二: {row[0].text!r}", "proactive", row[0].location)
                continue
            out.issue("label_by_position", f"label read as {row_key} by position: {row[0].text!r}", "proactive", row[0].location)
        found_keys.append(("row", row_key))
        keys, cells = [], []
        for col_key, cell in zip(header, row[-len(header):]):
            if (row_key, col_key) in seen:
                out.issue("duplicate_cell", f"table 二 {row_key}/{col_key} printed twice; first kept", "proactive", cell.location)
                continue
            seen.add((row_key, col_key))
            keys.append(col_key)
            cells.append(cell)
        out.add("proactive", row_key, keys, cells)
    out.templates["proactive"] = _template("proactive", found_keys)


# ---------------------------------------------------------------- table 三

@lru_cache(maxsize=65536)  # asked of every label cell, several times per row
def _group_of(text: str) -> str | None:
    """The (三)…(六) outcome group a label names, by its numbering or its words."""
    n = numbering(text)
    if n and n[0] == "paren" and n[1] in "三四五六":  # （三）…（六） number the outcome groups
        return cb.keys("requests", "group")["三四五六".index(n[1])]
    return _key("requests", "group", text)


def _leaf_keys(cells: list[Cell], table: str, expected: tuple[str, ...], above: list[list[Cell]] = ()) -> list[str]:
    """Column keys of a leaf header row's value slots.

    A label split over two header rows (``结果 / 维持``, ``总 / 计``, as flattened
    PDFs print them) is joined with the cells above at the same position from
    the right. Slots whose text is empty (a row-spanning header written as a
    bare cell, as Tika does) take the keys still missing, in codebook order.
    """
    width = len(cells)
    keys: list[str | None] = []
    for i, c in enumerate(cells):
        key = _key(table, "column", c.text) if c.text else None
        if key is None and c.text:
            offset = width - i  # position from the right
            stacked = "".join(r[-offset].text for r in above if len(r) >= offset and not r[-offset].merged)
            key = _key(table, "column", stacked + c.text)
            if key is None:
                raise ValueError(f"header label {c.text!r} names none of the columns {expected}")
        keys.append(key)
    known = [k for k in keys if k]
    if len(set(known)) != len(known) or not set(known) <= set(expected):
        raise ValueError(f"header labels {[c.text for c in cells]} do not name the columns {expected}")
    missing = iter(k for k in expected if k not in known)
    return [k if k else next(missing) for k in keys]


def _map_requests(tables: list[Table], out: Mapping, path: str) -> None:
    columns = cb.keys("requests", "column")
    n = len(columns)
    rows = [row for table in tables for row in table.rows]
    # Header rows are those naming applicant columns; the lowest one is the leaf.
    # Distinct keys: a data row labelled （六）其他 / 3.其他 names 其他 twice but is no header.
    header_idx = [i for i, row in enumerate(rows) if len({k for k in _keys_of(row, "requests", "column") if k}) >= 2]
    if not header_idx:
        raise LayoutError(path, "table 三 has no applicant header (自然人 … 总计)")
    # The first run of header rows is the real header; later ones are repeats
    # printed at the top of a continuation page and are skipped.
    last_header = header_idx[0]
    while last_header + 1 in header_idx:
        last_header += 1
    leaf = rows[last_header]
    if len(leaf) < n:
        raise LayoutError(path, f"table 三 header row has {len(leaf)} cells, need {n}")
    try:
        col_keys = _leaf_keys(leaf[-n:], "requests", columns)
    except ValueError as exc:
        raise LayoutError(path, f"table 三 {exc}") from None
    body = _join_cut_labels([row for i, row in enumerate(rows) if i > last_header and i not in header_idx], n)
    group: str | None = None
    seen: set[str] = set()
    found_keys: list[tuple[str, str]] = []
    printed: list[tuple[str | None, Cell, list[Cell]]] = []  # each labelled row: its key by pattern, its label cell
    for row in body:
        if len(row) <= n:
            # A label-only row (a group caption on its own line) or a short row.
            g = next((_group_of(c.text) for c in row if c.text and _group_of(c.text)), None)
            if g:
                group = g
            elif any(c.text and parse_value(c.text).status == "number" for c in row):
                raise LayoutError(path, f"table 三 row at {row[0].location} has {len(row)} cells: values cannot be aligned with the {n} columns")
            continue
        labels = [c for c in row[:-n] if c.text]
        if not labels:
            if any(c.text for c in row[-n:]):
                out.issue("unlabelled_row", "table 三 row with values but no label", "requests", row[0].location)
            continue
        for c in labels:
            g = _group_of(c.text)
            if g:
                group = g
        last = labels[-1].text
        if _group_of(last):
            key = "other_total" if _group_of(last) == "other" else None
            if key is None:
                if any(parse_value(c.text).status == "number" for c in row[-n:]):
                    out.issue("group_subtotal", f"non-official subtotal row {last!r} ignored (derived, not published)", "requests", labels[-1].location)
                continue
        else:
            key = _row_key(last, group) or _row_key("".join(c.text for c in labels), group)
        if key is not None and _attribute("requests", "row", key, "block") == "":
            group = None
        printed.append((key, labels[-1], row))
    found = [key for key, _, _ in printed]
    placed = _by_position("requests", found, [label_key(cell.text) for _, cell, _ in printed])
    for i, (key, cell, row) in enumerate(printed):
        if key is None:
            key = placed.get(i)
            if key is None:
                out.issue("unknown_row", f"unrecognised row label in table 三: {cell.text!r}", "requests", cell.location)
                continue
            out.issue("label_by_position", f"label read as {key} by position: {cell.text!r}", "requests", cell.location)
        if key in seen:
            out.issue("duplicate_row", f"table 三 row {key} printed twice; first kept", "requests", cell.location)
            continue
        seen.add(key)
        found_keys.append(("row", key))
        out.add("requests", key, col_keys, row[-n:])
    template = out.templates["requests"] = _template("requests", found_keys)
    if template in ("2019", "2021"):
        for key in cb.layout("requests", template)[0][1]:
            if key not in seen:
                out.issue("row_missing", f"table 三 row {key} ({cb.label('requests', 'row', key)}) not found", "requests")


def _by_position(table: str, found: list[str | None], labels: list[str], template: str | None = None) -> dict[int, str]:
    """Keys for the rows no pattern named, by the template's row order (:mod:`toolkit.read.row_order`)."""
    if all(found):
        return {}
    return row_order.by_template_order(table, found, labels, template or _template(table, [("row", k) for k in found if k]))


def _join_cut_labels(rows: list[list[Cell]], n: int) -> list[list[Cell]]:
    """Re-join a row label cut in two (at a page break): a row labelled only by its
    number (``3.``) with values, followed by a row carrying the rest of the label
    (``其他``) and no numbers, is one row."""
    out: list[list[Cell]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if (
            nxt is not None and len(row) > n and len(nxt) > n
            and row[-n - 1].text and not label_key(row[-n - 1].text)  # nothing but numbering
            and nxt[-n - 1].text and not any(parse_value(c.text).status == "number" for c in nxt[-n:])
        ):
            last = row[-n - 1]
            joined = Cell(last.text + nxt[-n - 1].text, last.location, last.merged, last.span)
            # A value cell cut in two keeps whichever half printed something (an NA dash, say).
            values = [a if a.text or not b.text else b for a, b in zip(row[-n:], nxt[-n:])]
            out.append([*row[: -n - 1], joined, *values])
            i += 2
            continue
        out.append(row)
        i += 1
    return out


@lru_cache(maxsize=65536)
def _row_key(label: str, group: str | None) -> str | None:
    """Codebook row key of a label; keys inside an outcome group need that group."""
    text = label_key(label)
    for key, pattern in cb.matchers("requests", "row"):
        if not pattern.search(text):
            continue
        block = _attribute("requests", "row", key, "block")
        if block == "other" and group != "other":
            continue  # 其他 means other_other only inside （六）其他处理
        if key == "other_total":
            continue  # only the group label itself, handled by the caller
        return key
    return None


# ---------------------------------------------------------------- table 四


def _map_review(tables: list[Table], out: Mapping, path: str) -> None:
    """Table 四 as one 1×15 table, three 5-column tables, or those three run together
    into one table (Word joins adjacent tables): each row of values belongs to the
    block labels and header rows printed since the previous row of values."""
    n = len(cb.keys("review_litigation", "column"))
    done: list[str] = []
    header_rows: list[list[Cell]] = []
    for row in (r for table in tables for r in table.rows):
        if len(row) >= n and all(_value_like(c) for c in row):
            if done and not header_rows and not any(c.text for c in row):
                # A blank row straight after the values (a borderless row an editor left
                # below the table) prints nothing under any header: not part of the table.
                out.issue("stray_row", f"table 四: a row of {len(row)} blank cells after the values is not part of the table; skipped",
                          "review_litigation", row[0].location)
                continue
            _map_review_values(row, header_rows, done, out, path)
            header_rows = []
        else:
            header_rows.append(row)
    if not done:
        raise LayoutError(path, "table 四 has no row of values")
    out.templates["review_litigation"] = "both"


def _map_review_values(values: list[Cell], header_rows: list[list[Cell]], done: list[str], out: Mapping, path: str) -> None:
    columns = cb.keys("review_litigation", "column")
    n = len(columns)
    order: list[str] = []  # block labels in reading order
    for row in header_rows:
        for c in row:
            k = _key("review_litigation", "row", c.text) if c.text and not c.merged else None
            if k and k not in order:
                order.append(k)
    width = len(order) * n
    if not order or len(values) < width:
        raise LayoutError(path, f"table 四 has {len(values)} value cells for blocks {order or 'none found'}")
    leaf = max(header_rows, key=lambda r: sum(1 for k in _keys_of(r, "review_litigation", "column") if k))
    if len(leaf) < width:
        raise LayoutError(path, f"table 四 header has {len(leaf)} cells, need {width}")
    slots = leaf[-width:]
    for b, block in enumerate(order):
        try:
            above = [r[-width:][b * n : (b + 1) * n] for r in header_rows if r is not leaf and len(r) >= width]
            col_keys = _leaf_keys(slots[b * n : (b + 1) * n], "review_litigation", columns, above)
        except ValueError as exc:
            raise LayoutError(path, f"table 四 {exc}") from None
        if block in done:
            out.issue("duplicate_row", f"table 四 block {block} printed twice; first kept", "review_litigation", values[0].location)
            continue
        done.append(block)
        out.add("review_litigation", block, col_keys, values[-width:][b * n : (b + 1) * n])
