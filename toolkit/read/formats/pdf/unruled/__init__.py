"""Tables printed without ruling lines, rebuilt from the text alone.

With no rules to make a grid, the columns come from the header: the leaf
column labels of table 三 (自然人 … 总计) and 四 (结果维持 … 总计, ×3 or ×1) and
table 二's block headers (信息内容 + column labels) are found by the codebook
(labels stacked over several lines, 商业/企业, are joined first). Their centres
give one x-band per value column, so each number goes to the band it is
printed in, never to "the next free column": a blank cell stays blank.

Rows are anchored on labels, not numbers (a row of blanks has no number):
label fragments stacked one under the other are joined into label cells
unless the lower one starts a new item (1. / （三） / 四、) or both name a
codebook entry by themselves; a label cell with another label cell to its
right (a group label, 三、本年度办理结果 printed one character per line) spans
rows, the others are leaf labels, one per row. A value character belongs to
the row whose leaf label is vertically nearest (values may be centred,
top- or bottom-aligned against a wrapped label); a long number wrapped
over lines that touch the next row's is cut where every row's lines read
as one number centred on (or starting at) its row's label.

A table that runs to the bottom of a page continues at the top of the next one
(a repeated header there is dropped): its lines are joined below the previous
page's before rows are rebuilt, so a label cut by the page break is one label.

Modules: :mod:`.frags` (text fragments), :mod:`.header` (column labels and
their bands), :mod:`.pages` (the table's lines on each page, and across page
breaks), :mod:`.labels` (label cells and rows), :mod:`.numbers` (wrapped
numbers) and :mod:`.table` (the rebuilt rows).
"""

from toolkit.read.formats.pdf.unruled.pages import Held, extract
from toolkit.read.formats.pdf.unruled.table import Unruled, to_table

__all__ = ["Held", "Unruled", "extract", "to_table"]
