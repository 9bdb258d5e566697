"""Charts for the report: SVG written here, with the standard library, each with its numbers in a table.

SVG keeps the page self-contained (no script, no network at view time) and sharp at any zoom; text
stays text, so it can be searched and read by a screen reader, and every mark carries a `<title>` that a
pointer shows (the series and value). Drawing needs nothing beyond the standard library, so the reader
install (pyarrow only) writes the same report as the pipelines install. Every chart carries a `<details>`
table of the values it plots, which also lets a test read them back, and a link that downloads the same
values as CSV (a data: URL, so the page stays one file).
"""
from __future__ import annotations

import csv
import html
import io
import math
import urllib.parse
from dataclasses import dataclass

PALETTE = ("#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e",
           "#316395", "#994499", "#22aa99")
WIDTH, HEIGHT = 800, 340  # the viewBox; the page scales it to its width
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 64, 12, 64  # room for the y labels, and the slanted x labels below
FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#202122"'
CHAR_WIDTH = 7.0  # of a wide character at that size (DejaVu Sans, w or m): how much room a label needs


@dataclass
class Chart:
    """One chart: its id in the page, a caption, the SVG, and the plotted values as rows."""

    key: str
    caption: str
    svg: str
    columns: list[str]
    rows: list[list]

    def html(self, how_to_read: str = "") -> str:
        """The figure: chart, caption, the line saying how to read it, its data table and CSV link."""
        how = f'<p class="how">How to read this: {html.escape(how_to_read)}</p>' if how_to_read else ""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in self.rows)
        return (f'<figure class="chart" id="{self.key}" data-chart="{self.key}">{self.svg}'
                f"<figcaption>{html.escape(self.caption)}</figcaption>{how}"
                f'<details><summary>Data</summary><table class="data" data-chart="{self.key}">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
                f'<a class="csv" download="{self.key}.csv" href="{html.escape(self.csv_url())}">Download the data '
                f"(CSV)</a></figure>")

    def csv_url(self) -> str:
        """The plotted values as a CSV file in a data: URL (numbers unformatted, empty cells for no value)."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return "data:text/csv;charset=utf-8," + urllib.parse.quote(text.getvalue())


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.3g}%"
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:.3g}"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to the first at or above `top`."""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return [i * step for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


class _Canvas:
    """The SVG elements of one chart, in drawing order."""

    def __init__(self, height: int = HEIGHT):
        self.height = height
        self.parts: list[str] = []

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = "#c8ccd1", width: float = 1) -> None:
        self.parts.append(f'<path d="M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}" stroke="{colour}" stroke-width="{width}"/>')

    def text(self, x: float, y: float, label: str, anchor: str = "middle", rotate: bool = False) -> None:
        turn = f' transform="rotate(-45 {x:.1f} {y:.1f})"' if rotate else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{turn}>{html.escape(label)}</text>')

    def rect(self, x: float, y: float, w: float, h: float, colour: str, hover: str) -> None:
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
                          f'fill="{colour}"><title>{html.escape(hover)}</title></rect>')

    def svg(self) -> str:
        return (f'<svg viewBox="0 0 {WIDTH} {self.height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" '
                f'{FONT}>{"".join(self.parts)}</svg>')


def _x_axis(canvas: _Canvas, labels: list[str], x_of, bottom: float) -> None:
    """Category labels under the plot, slanted, at most about twelve of them."""
    step = max(1, math.ceil(len(labels) / 12))
    for i in range(0, len(labels), step):
        canvas.line(x_of(i), bottom, x_of(i), bottom + 4, "#72777d")
        canvas.text(x_of(i) + 3, bottom + 16, labels[i], anchor="end", rotate=True)


def _y_axis(canvas: _Canvas, ticks: list[float], y_of, left: float, right: float, label: str, percent: bool) -> None:
    for tick in ticks:
        canvas.line(left, y_of(tick), right, y_of(tick))
        canvas.text(left - 6, y_of(tick) + 4, _number(tick, percent), anchor="end")
    mid = (y_of(ticks[0]) + y_of(ticks[-1])) / 2
    canvas.parts.append(f'<text x="12" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 12 {mid:.1f})">'
                        f"{html.escape(label)}</text>")


def _legend(canvas: _Canvas, names: list[str], x: float, y: float, across: bool) -> None:
    """Colour keys: in a row above the plot (`across`), or in a column beside it."""
    for i, (colour, name) in enumerate(zip(PALETTE * 10, names)):
        left, top = (x + 150 * (i % 4), y + 14 * (i // 4)) if across else (x, y + 16 * i)
        canvas.rect(left, top - 8, 10, 10, colour, name)
        canvas.text(left + 14, top + 1, name if len(name) <= 24 else name[:23] + "…", anchor="start")


def _series_chart(key: str, caption: str, x_labels: list[str], series: dict[str, list], y_label: str,
                  percent: bool, stacked: bool) -> Chart:
    legend_rows = 0 if len(series) < 2 or stacked else math.ceil(len(series) / 4)
    top = PLOT_TOP + 14 * legend_rows
    right = WIDTH - (190 if stacked else 16)
    bottom = HEIGHT - PLOT_BOTTOM
    highest = max([sum(v or 0 for v in column) for column in zip(*series.values())] if stacked else
                  [v for values in series.values() for v in values if v is not None] or [0])
    ticks = nice_ticks(highest)
    slot = (right - PLOT_LEFT) / max(len(x_labels), 1)

    def x_of(i: float) -> float:
        return PLOT_LEFT + slot * (i + 0.5)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / ticks[-1]

    canvas = _Canvas()
    _y_axis(canvas, ticks, y_of, PLOT_LEFT, right, y_label, percent)
    canvas.line(PLOT_LEFT, bottom, right, bottom, "#72777d")
    _x_axis(canvas, x_labels, x_of, bottom)
    base = [0.0] * len(x_labels)
    for colour, (name, values) in zip(PALETTE * 10, series.items()):
        if stacked:
            for i, value in enumerate(values):
                canvas.rect(x_of(i) - slot * 0.4, y_of(base[i] + value), slot * 0.8, y_of(base[i]) - y_of(base[i] + value),
                            colour, f"{x_labels[i]}, {name}: {_number(value, percent)}")
                base[i] += value
            continue
        # A month without a value breaks the line: nothing is drawn across it.
        runs, run = [], []
        for i, value in enumerate(values):
            if value is None:
                runs, run = runs + [run] if run else runs, []
            else:
                run.append(f"{x_of(i):.1f} {y_of(value):.1f}")
        for points in runs + [run] if run else runs:
            canvas.parts.append(f'<path d="M{"L".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, value in enumerate(values):
            if value is not None:
                canvas.rect(x_of(i) - 2.5, y_of(value) - 2.5, 5, 5, colour, f"{x_labels[i]}, {name}: {_number(value, percent)}")
    if stacked:
        _legend(canvas, list(series), right + 14, top + 8, across=False)
    elif legend_rows:
        _legend(canvas, list(series), PLOT_LEFT, PLOT_TOP + 2, across=True)
    rows = [[label, *[values[i] for values in series.values()]] for i, label in enumerate(x_labels)]
    return Chart(key, caption, canvas.svg(), ["", *series], rows)


def line_chart(key: str, caption: str, x_labels: list[str], series: dict[str, list[float | None]], *,
               y_label: str, percent: bool = False) -> Chart:
    """Lines over ordered categories (months, one slot each, none skipped), one per series."""
    return _series_chart(key, caption, x_labels, series, y_label, percent, stacked=False)


def stacked_bar_chart(key: str, caption: str, x_labels: list[str], series: dict[str, list[float]], *,
                      y_label: str, percent: bool = False) -> Chart:
    """Bars over ordered categories, stacked by series (shares when `percent`)."""
    return _series_chart(key, caption, x_labels, series, y_label, percent, stacked=True)


def bar_chart(key: str, caption: str, labels: list[str], values: list[float], *, x_label: str,
              log: bool = False) -> Chart:
    """Horizontal bars, first label on top (for rankings and per-dataset figures)."""
    shown = [label if len(label) <= 48 else label[:47] + "…" for label in labels]
    left = min(16 + CHAR_WIDTH * max(map(len, shown), default=0), WIDTH * 0.45)
    row, top, right = 22, PLOT_TOP, WIDTH - 24
    height = int(top + row * len(labels) + 44)
    bottom = top + row * len(labels)
    highest = max(values, default=0)
    if log:
        ticks = [10.0 ** p for p in range(0, max(1, math.ceil(math.log10(max(highest, 1)) + 1e-9)) + 1)]

        def x_of(value: float) -> float:
            return left + (right - left) * math.log10(max(value, 1)) / math.log10(ticks[-1])
    else:
        ticks = nice_ticks(highest)

        def x_of(value: float) -> float:
            return left + (right - left) * value / ticks[-1]
    canvas = _Canvas(height)
    for tick in ticks:
        canvas.line(x_of(tick), top, x_of(tick), bottom)
        canvas.line(x_of(tick), bottom, x_of(tick), bottom + 4, "#72777d")
        canvas.text(x_of(tick), bottom + 16, _number(tick, False))
    canvas.line(left, bottom, right, bottom, "#72777d")
    canvas.text((left + right) / 2, bottom + 34, x_label)
    for i, (label, value) in enumerate(zip(shown, values)):
        y = top + row * i
        canvas.rect(left, y + 3, x_of(value) - left, row - 6, PALETTE[0], f"{labels[i]}: {_cell(value)}")
        canvas.text(left - 6, y + row / 2 + 4, label, anchor="end")
    canvas.line(left, top, left, bottom, "#72777d")
    return Chart(key, caption, canvas.svg(), ["", x_label], [[label, value] for label, value in zip(labels, values)])
