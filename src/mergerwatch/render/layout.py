"""Tables that fit where they are printed, decided when they are printed (inside a panel too).

On a terminal a table fits its width: the columns a row can do without (an id beside its case, a count) are left
out, last first, when every column cannot fit, and the flexible ones (a title, an authority's words) take what width is
left and are cut with an ellipsis, so that a row stays one line at 80 columns. On a pipe or in a file: plain columns
sized to their content, two spaces apart, no borders, nothing cut (console.py strips the trailing spaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

FLEX_MIN = 12


@dataclass(frozen=True)
class Compact:
    """A cell with a shorter form for a terminal too narrow for the full one ("20 100%" and "20")."""

    full: Any
    short: Any


@dataclass(frozen=True)
class Col:
    header: str
    short: str | None = None  # the header on a terminal too narrow for every header in full
    optional: bool = False  # left out on a terminal too narrow for every column
    flex: bool = False  # shares the width left over with the other flexible ones; cut with an ellipsis
    justify: str = "left"
    style: str = ""
    min: int = FLEX_MIN  # a flexible column is never cut narrower than this


def _form(cell: Any, compact: bool) -> Any:
    if isinstance(cell, Compact):
        return cell.short if compact else cell.full
    return cell


class FitTable:
    """A table of Col columns; rows of Text or str. A rich renderable: printed, it becomes the Table that fits."""

    def __init__(self, cols: list[Col], title: str | Text | None = None) -> None:
        self.cols = cols
        self.title = title
        self.rows: list[tuple[Any, ...]] = []

    def add_row(self, *cells: Any) -> None:
        self.rows.append(tuple(cells))

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def _natural(self, i: int, compact: bool) -> int:
        cells = [_form(r[i], compact) for r in self.rows]
        plain = [c.plain if isinstance(c, Text) else str(c) for c in cells]
        longest = max((max((cell_len(line) for line in p.splitlines()), default=0) for p in plain), default=0)
        header = (self.cols[i].short if compact else None) or self.cols[i].header
        return max(max((cell_len(h) for h in header.splitlines()), default=0), longest)

    def build(self, width: int, terminal: bool) -> Table:
        compact = False
        widths = [self._natural(i, compact) for i in range(len(self.cols))]
        keep = list(range(len(self.cols)))
        if not terminal:
            table = Table(title=self.title, box=None, show_edge=False, pad_edge=False, title_justify="left",
                          header_style="", padding=(0, 2, 0, 0), collapse_padding=True)  # fmt: skip
            for i in keep:
                c = self.cols[i]
                table.add_column(c.header, justify=c.justify, no_wrap=True, overflow="ignore")  # type: ignore[arg-type]
        else:
            fit = self._fit(widths, keep, width, compact, strict=True)
            if fit is None:  # too narrow for the full forms: short headers and cells, spaces between columns
                compact = True
                widths = [self._natural(i, compact) for i in range(len(self.cols))]
                keep = list(range(len(self.cols)))
                fit = self._fit(widths, keep, width, compact, strict=False)
            assert fit is not None
            table = Table(title=self.title, box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, show_edge=not compact,
                          pad_edge=not compact, padding=(0, 1, 0, 0) if compact else (0, 1))  # fmt: skip
            for i, w in fit.items():
                c = self.cols[i]
                header = (c.short if compact else None) or c.header
                table.add_column(header, justify=c.justify, style=c.style, width=w,  # type: ignore[arg-type]
                                 no_wrap=w is not None, overflow="ellipsis" if c.flex else "fold")  # fmt: skip
        for r in self.rows:
            table.add_row(*(_form(r[i], compact) for i in keep))
        return table

    def _fit(
        self, widths: list[int], keep: list[int], width: int, compact: bool, strict: bool
    ) -> dict[int, int | None] | None:
        """The columns kept (``keep`` is narrowed in place) and their widths: optional columns go, last first,
        until the others fit at their natural widths and the flexible ones at their minimum; the width left is
        shared by the flexible ones, the narrowest served first. ``strict``: None when even that does not fit;
        else the flexible ones are cut below their minimum, and where the fixed ones alone do not fit, every width
        is None (rich's own: it folds them)."""
        cols = self.cols

        def rules(n: int) -> int:  # "┃ a ┃ b ┃" is 3 a column and 1; compact "a  b" is 2 between columns
            return 2 * (n - 1) if compact else 3 * n + 1

        def floor(i: int) -> int:
            return min(cols[i].min, widths[i]) if cols[i].flex else widths[i]

        def needed(ix: list[int]) -> int:
            return sum(floor(i) for i in ix) + rules(len(ix))

        for i in reversed(range(len(cols))):
            if needed(keep) <= width:
                break
            if cols[i].optional:
                keep.remove(i)
        if needed(keep) > width and strict:
            return None
        flex = sorted((i for i in keep if cols[i].flex), key=lambda i: widths[i])
        spare = width - (sum(widths[i] for i in keep if not cols[i].flex) + rules(len(keep)))
        if spare < 3 * len(flex) or (not flex and spare < 0):
            return dict.fromkeys(keep)
        mins = needed(keep) <= width
        out: dict[int, int | None] = {i: widths[i] for i in keep}
        for n, i in enumerate(flex):
            share = spare // (len(flex) - n)
            out[i] = min(widths[i], max(share, floor(i))) if mins else max(3, min(widths[i], share))
            spare -= out[i] or 0
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width, console.is_terminal)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.build(options.max_width, console.is_terminal))
