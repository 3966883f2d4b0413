"""An unruled table's header: its column labels, found by the codebook, give one x-band per value column.

The leaf column labels of table 三 (自然人 … 总计) and 四 (结果维持 … 总计,
×3 or ×1) and table 二's block headers (信息内容 + column labels) are found by
the codebook (labels stacked over several lines, 商业/企业, are joined first).
Their centres give one x-band per value column, so each number goes to the
band it is printed in, never to "the next free column": a blank cell stays blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.read import vocabulary as vocab
from toolkit.read.formats.page import Line
from toolkit.read.formats.pdf.unruled.frags import FINE_GAPS, GAP, VALUE, Frag, fragments, joined_text, make_frag, names_entry
from toolkit.read.normalise import label_key, squash


@dataclass(slots=True)
class Header:
    kind: str  # requests | review_litigation
    columns: list[tuple[str, float, float, float, str]]  # (key, x0, x1, cx, printed text) left to right
    top: float
    bottom: float
    wide: list[Frag]  # other header text (captions, block labels, the note)
    caption: str = ""  # table 二: the block caption (第二十条第（一）项)
    content: str = ""  # table 二: the label column's header (信息内容)
    left: float | None = None  # table 二: where the label column ends

    @property
    def value_left(self) -> float:
        if self.left is not None:
            return self.left
        cxs = [c[3] for c in self.columns]
        pitch = cxs[1] - cxs[0] if len(cxs) > 1 else self.columns[0][2] - self.columns[0][1]
        return cxs[0] - pitch / 2

    def band(self, x0: float, x1: float) -> int:
        """The value column a token printed from x0 to x1 is in: the band it overlaps most.

        Bands meet halfway between the centres of neighbouring column labels, so
        left-, centre- and right-aligned numbers all land under their label.
        """
        cxs = [c[3] for c in self.columns]
        edges = [float("-inf"), *((a + b) / 2 for a, b in zip(cxs, cxs[1:])), float("inf")]
        return max(range(len(cxs)), key=lambda i: min(x1, edges[i + 1]) - max(x0, edges[i]))


def stack_frags(frags: list[Frag], h: float) -> list[list[Frag]]:
    """Narrow fragments printed one under the other with the same centre: one label."""
    stacks: list[list[Frag]] = []
    spans: list[list[float]] = []  # each stack's narrowest and widest fragment
    near, far = 0.9 * h, 2.2 * h
    for f in sorted(frags, key=lambda f: f.y0):
        width = f.x1 - f.x0
        for s, span in zip(stacks, spans):
            last = s[-1]
            gap = f.y0 - last.y1
            if not 0 <= gap <= far:  # too far above or below for either rule below: most stacks of a page
                continue
            narrow, wide = min(span[0], width), max(span[1], width)
            ratio = wide / max(narrow, 0.1)
            # 自然/人 on consecutive lines; 商业/企业 of equal width may have a line between them
            close = (gap <= near and ratio <= 4.0) or ratio <= 1.3
            # 行政复议 over 其他结果 (same centre) are two labels, 其他 over 结果 one.
            if close and abs(f.cx - last.cx) <= 0.4 * h and not (vocab.names_label(joined_text(s)) and vocab.names_label(f.text)):
                s.append(f)
                span[0], span[1] = narrow, wide
                break
        else:
            stacks.append([f])
            spans.append([width, width])
    return stacks


def split_stack(stack: list[Frag], kind: str) -> list[list[Frag]]:
    """Cut a stack where a block or group label ends and a column label begins.

    A column label printed one character per line right under the centre of a
    block label (复议后起诉 over 其/他/结/果) stacks onto it.
    """
    for i in range(1, len(stack)):
        if names_entry(kind, joined_text(stack[:i])) and vocab.key_of(kind, "column", joined_text(stack[i:])):
            return [stack[:i], stack[i:]]
    return [stack]


def find_header(lines: list[Line], page: int, h: float) -> Header | None:
    """The topmost header of table 二 (one block), 三 or 四 among a page's lines, or None.

    Column labels are told apart by the space between them. Cells without
    padding (an HTML table printed by a browser or by Writer) leave a few
    points only, "结果维持结果纠正…" on one line, while the characters of one label
    touch: when no header shows at the usual gap, a finer one is tried.
    """
    block = _block_header(lines, page, h)  # tries the gaps itself: once is enough
    for gap in (GAP, *FINE_GAPS):
        found = [hd for hd in (grid_header(lines, page, h, gap), block) if hd is not None]
        if found:
            return min(found, key=lambda hd: hd.top)
    return None


def caption_lines(lines: list[Line], k: int, texts: list[str] | None = None) -> int:
    """How many lines from ``lines[k]`` print a table 二 block caption (0: none; 2: wrapped).

    ``texts``: the lines' texts, when the caller has them (a page's lines are all looked at).
    """
    for n in (1, 2):
        text = label_key("".join(texts[k : k + n] if texts is not None else [ln.text for ln in lines[k : k + n]]))
        if len(text) <= 16 and vocab.starts_as("proactive", "block", text):
            return n
    return 0


def _join_column(frags: list[Frag], h: float) -> list[Frag]:
    """Re-join a column label a space cut on its line ("采购总 金额"): together they name a column, apart neither does."""
    out: list[Frag] = []
    for f in frags:
        if out and f.x0 - out[-1].x1 <= 1.5 * h:
            left = out[-1]
            if (vocab.key_of("proactive", "column", left.text + f.text)
                    and not vocab.key_of("proactive", "column", left.text) and not vocab.key_of("proactive", "column", f.text)):
                out[-1] = make_frag(left.chars + f.chars, f.page)
                continue
        out.append(f)
    return out


def _block_columns(head: list[Line], page: int, h: float, gap: float) -> tuple[list[Frag], list] | None:
    """A table 二 block header's 信息内容 and its column labels (key, x0, x1, cx, text, bottom), cut at ``gap``."""
    stacks = stack_frags([f for ln in head for f in _join_column(fragments(ln, page, gap * h), h)], h)
    # 信息内容 may be printed over two lines, with a wrapped row label right under it.
    content = next((s[:k] for s in stacks for k in range(len(s), 0, -1)
                    if vocab.key_of("proactive", "furniture", joined_text(s[:k]))), None)
    cols = []
    for s in stacks:
        key = vocab.key_of("proactive", "column", "".join(f.text for f in s))
        if key:
            cols.append((key, min(f.x0 for f in s), max(f.x1 for f in s), s[0].cx, "".join(f.text for f in s), max(f.y1 for f in s)))
    if content is None or not cols:
        return None
    return content, cols


def _block_header(lines: list[Line], page: int, h: float) -> Header | None:
    """A table 二 block: caption, then 信息内容 and the column labels; columns from their centres."""
    texts = [ln.text for ln in lines]
    for k in range(len(lines)):
        n = caption_lines(lines, k, texts)
        if not n:
            continue
        head: list[Line] = []
        j = k + n
        while j < len(lines) and len(head) < 6 and not caption_lines(lines, j, texts):
            frags = fragments(lines[j], page, GAP * h)
            if any(VALUE.match(squash(f.text)) or vocab.key_of("proactive", "row", f.text) for f in frags):
                break
            head.append(lines[j])
            j += 1
        # Labels of cells without padding are a few points apart (see find_header): the finer
        # cut counts when it tells more column labels apart.
        best = None
        for gap in (GAP, *FINE_GAPS):
            found = _block_columns(head, page, h, gap)
            if found is not None and (best is None or len(found[1]) > len(best[1])):
                best = found
        if best is None:
            continue
        content, cols = best
        cols.sort(key=lambda c: c[3])
        bottoms = [c[5] for c in cols]
        content_x1 = max(f.x1 for f in content)
        # The label column ends after the longest row label (labels start left of 信息内容's end).
        right = content_x1
        m = j
        while m < len(lines) and m < j + 12 and not caption_lines(lines, m, texts):
            for f in fragments(lines[m], page, GAP * h):
                if f.x0 < content_x1 and not VALUE.match(squash(f.text)):
                    right = max(right, f.x1)
            m += 1
        caption = "".join(ln.text for ln in lines[k : k + n])
        content_text = "".join(f.text for f in content)
        bottom = max([ln.y1 for ln in lines[k : k + n]] + [f.y1 for f in content] + bottoms)
        cols = [c[:5] for c in cols]
        return Header("proactive", cols, lines[k].y0, bottom, [], caption, content_text, min(right + 0.1, cols[0][1]))
    return None


def grid_header(lines: list[Line], page: int, h: float, gap: float = 0.5) -> Header | None:
    """The header of table 三 or 四: its leaf column labels in codebook order."""
    frags = [f for ln in lines for f in fragments(ln, page, gap * h) if f.x1 - f.x0 < 12 * h and not VALUE.match(squash(f.text))]
    stacks = stack_frags(frags, h)
    for kind, need in (("requests", 7), ("review_litigation", 5)):
        keys = vocab.keys(kind, "column")
        found = []
        for s in (part for st in stacks for part in split_stack(st, kind)):
            key = vocab.key_of(kind, "column", "".join(f.text for f in s))
            if key:
                found.append((key, s))
        found.sort(key=lambda ks: ks[1][0].y0)
        while found:
            top = found[0][1][0].y0
            group = [(k, s) for k, s in found if s[0].y0 - top <= 4 * h]
            group.sort(key=lambda ks: ks[1][0].cx)
            ks = [k for k, _ in group]
            width = len(ks) - len(ks) % need
            if width >= need and all(ks[i] == keys[i % need] for i in range(width)):
                group = group[:width]
                cols = [(k, min(f.x0 for f in s), max(f.x1 for f in s), s[0].cx, "".join(f.text for f in s)) for k, s in group]
                bottom = max(f.y1 for _, s in group for f in s)
                used = {id(f) for _, s in group for f in s}
                rest = [f for f in frags if id(f) not in used and top - 6 * h <= f.y0 <= bottom]
                wide = [make_frag([c for f in st for c in f.chars], page) for st in stack_frags(rest, h)]
                return Header(kind, cols, min(f.y0 for _, s in group for f in s), bottom, wide)
            found = [ks for ks in found if ks[1][0].y0 - top > 4 * h]
    return None
