"""Charts for the report: matplotlib figures inlined as SVG, each with its numbers in a table.

SVG keeps the page self-contained (no script, no network at view time) and sharp at any zoom; text
stays text (`svg.fonttype = none`) so it can be searched and read by a screen reader. Every chart
carries a `<details>` table of the values it plots, which also lets a test read them back, and a link
that downloads the same values as CSV (a data: URL, so the page stays one file).
"""
from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: figures are only ever written to SVG
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",
    "svg.hashsalt": "wikidumps",  # stable element ids: the same data gives the same page
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
})
PALETTE = ("#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e",
           "#316395", "#994499", "#22aa99")
FIGURE_SIZE = (8.0, 3.4)


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


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # Drop the fixed size in points: the viewBox keeps the proportions, the page sets the width.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%" role="img"', text, count=1)


def _x_ticks(axes, labels: list[str]) -> None:
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(labels[::step], rotation=45, ha="right")


def line_chart(key: str, caption: str, x_labels: list[str], series: dict[str, list[float | None]], *,
               y_label: str, percent: bool = False) -> Chart:
    """Lines over ordered categories (months), one per series."""
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    for colour, (name, values) in zip(PALETTE * 10, series.items()):
        points = [float("nan") if v is None else v for v in values]
        axes.plot(range(len(x_labels)), points, marker="o", markersize=3, color=colour, label=name)
    _x_ticks(axes, x_labels)
    axes.set_ylabel(y_label)
    if percent:
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=8)
    rows = [[label, *[values[i] for values in series.values()]] for i, label in enumerate(x_labels)]
    return Chart(key, caption, _svg(figure), ["", *series], rows)


def stacked_bar_chart(key: str, caption: str, x_labels: list[str], series: dict[str, list[float]], *,
                      y_label: str, percent: bool = False) -> Chart:
    """Bars over ordered categories, stacked by series (shares when `percent`)."""
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    bottom = [0.0] * len(x_labels)
    for colour, (name, values) in zip(PALETTE * 10, series.items()):
        axes.bar(range(len(x_labels)), values, bottom=bottom, color=colour, label=name, width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    _x_ticks(axes, x_labels)
    axes.set_ylabel(y_label)
    if percent:
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    rows = [[label, *[values[i] for values in series.values()]] for i, label in enumerate(x_labels)]
    return Chart(key, caption, _svg(figure), ["", *series], rows)


def bar_chart(key: str, caption: str, labels: list[str], values: list[float], *, x_label: str,
              log: bool = False) -> Chart:
    """Horizontal bars, first label on top (for rankings and per-dataset figures)."""
    height = max(1.6, 0.28 * len(labels) + 0.8)
    figure, axes = plt.subplots(figsize=(FIGURE_SIZE[0], height))
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=PALETTE[0])
    axes.set_yticks(positions)
    axes.set_yticklabels([label if len(label) <= 48 else label[:47] + "…" for label in labels])
    axes.set_xlabel(x_label)
    if log:
        axes.set_xscale("log")
    elif all(isinstance(v, int) for v in values):
        axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.grid(axis="y", visible=False)
    return Chart(key, caption, _svg(figure), ["", x_label], [[label, value] for label, value in zip(labels, values)])
