"""`wikidumps report`: numbers against the files and the samplewiki model, sections keyed on datasets,
and the page as headless Chromium (Debian's chromium + chromium-driver) renders it."""
from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_wiki
from tests.conftest import SAMPLE_DUMPS, read_dataset, write_dataset
from wikidumps.report import write_report
from wikidumps.transfer import format_bytes

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Flags that let Debian's Chromium run headless here without reaching for the network.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1100,900")


class Tables(HTMLParser):
    """The page's tables (by class or data-chart) as lists of rows of cell texts, and its section ids."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.sections: list[str] = []
        self._table = self._row = self._cell = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs["id"])
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("data-chart") or attrs.get("class"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def screenshot_pixels(path: Path):
    """A screenshot's pixels as an array of rows of RGB values (0-255)."""
    import numpy
    from PIL import Image

    return numpy.asarray(Image.open(path).convert("RGB"))


def report_of(output: Path, tmp_path: Path) -> Tables:
    return Tables(write_report(output, tmp_path / "report.html").read_text(encoding="utf-8"))


def test_dataset_sizes_and_edits_match_the_files_and_the_model(samplewiki_output, tmp_path, capsys):
    page = report_of(samplewiki_output, tmp_path)
    assert page.sections == ["datasets", "errors", "edits", "not-included"]
    expected = []
    for name in ("errors", "pages", "revisions"):
        files = sorted((samplewiki_output / name).rglob("*.parquet"))
        rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        expected.append([name, "1", f"{rows:,}", str(len(files)), format_bytes(sum(f.stat().st_size for f in files))])
    assert [row[:5] for row in page.tables["datasets"][1:]] == expected
    assert [row[1] for row in page.tables["dataset-rows"][1:]] == ["0", "261", "2,334"]

    # Edits per month by kind of editor, counted from the generator's own model of the wiki.
    counts = Counter()
    for wiki_page in build_wiki().pages:
        for rev in wiki_page.revisions:
            contributor = rev.contributor
            kind = ("hidden user" if rev.contributor_deleted else "anonymous (IP)" if contributor.ip
                    else "temporary account" if contributor.name.startswith("~") else "registered")
            counts[(rev.timestamp[:7], kind)] += 1
    header, *rows = page.tables["edits-per-month"]
    months = sorted({month for month, _ in counts})
    assert [row[0] for row in rows] == months
    assert {(row[0], kind): int(value.replace(",", "")) for row in rows for kind, value in zip(header[1:], row[1:])
            if value != "0"} == dict(counts)
    assert "No errors: every record the jobs read was written." in (tmp_path / "report.html").read_text()

    # The command writes the page into the output folder and prints its path.
    copy = tmp_path / "copy"
    shutil.copytree(samplewiki_output, copy)
    assert cli.main(["report", str(copy)]) == 0
    assert capsys.readouterr().out.strip() == str((copy / "report.html").resolve())


def test_errors_are_counted_by_stage(tmp_path):
    data = (SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2").read_bytes()
    truncated = tmp_path / "samplewiki-20260101-pages-meta-history.xml.bz2"
    truncated.write_bytes(data[:200_000])
    output = tmp_path / "out"
    # The cut page's 26 revisions are 1.7% of those read.
    assert cli.main(["run", "history", "--workers", "1", "--input", str(truncated), "--output", str(output),
                     "--max-error-rate", "0.05"]) == 0
    page = report_of(output, tmp_path)
    assert page.tables["errors"] == [["job", "stage", "error type", "rows", "records dropped", "kept after repair"],
                                     ["history", "read", "truncated-input", "1", "1", "0"]]
    assert page.tables["errors-by-stage"][1:] == [["history / read", "1"]]


@pytest.fixture(scope="module")
def full_output(samplewiki_output, samplewiki_demo, tmp_path_factory) -> Path:
    """samplewiki's output plus the knowledge_gaps dataset `make demo` computes, and editor_activity and
    citations shaped as issues 3-4 state (the tables exercise corners of those sections)."""
    output = tmp_path_factory.mktemp("full") / "out"
    shutil.copytree(samplewiki_output, output)
    shutil.copytree(samplewiki_demo / "knowledge_gaps", output / "knowledge_gaps")
    months = ["2025-10", "2025-11", "2025-12"]
    activity = [  # totals (no type, no level), then per editor type, then per activity level
        *[dict(time_bucket=m, editor_type=None, activity_level=None, editors=e, active_editors=a, very_active_editors=v,
               new_active_editors=n, new_editor_retention=r)
          for m, e, a, v, n, r in zip(months, [40, 44, 50], [12, 15, 11], [2, 3, 2], [3, 4, 1], [0.25, 0.1, None])],
        *[dict(time_bucket=m, editor_type=t, activity_level=None, editors=e)
          for m in months for t, e in (("user", 30), ("anonymous", 8), ("name_bot", 2))],
        *[dict(time_bucket=m, editor_type=None, activity_level=lv, editors=e)
          for m in months for lv, e in (("1-4", 28), ("5-24", 9), ("25-99", 2), ("100+", 1))],
    ]
    write_dataset(output, "editor_activity", pa.Table.from_pylist(activity, pa.schema([
        ("time_bucket", pa.string()), ("editor_type", pa.string()), ("activity_level", pa.string()),
        ("editors", pa.int64()), ("active_editors", pa.int64()), ("very_active_editors", pa.int64()),
        ("new_active_editors", pa.int64()), ("new_editor_retention", pa.float64())])))
    cites = [dict(doi="10.5555/A", url=None, is_reuse=False), dict(doi="10.5555/a", url=None, is_reuse=True),
             dict(doi="10.5555/a", url="https://doi.example/x", is_reuse=False),
             dict(doi="10.5555/b", url="https://www.News.example/y", is_reuse=False),
             dict(doi=None, url="http://news.example:8080/z?q=1", is_reuse=False),
             dict(doi=None, url="not a url", is_reuse=False)]
    write_dataset(output, "citations", pa.Table.from_pylist(cites, pa.schema([
        ("doi", pa.string()), ("url", pa.string()), ("is_reuse", pa.bool_())])))
    return output


GAP_CHARTS = [f"gap-{kind}-{gap}" for gap in ("gender", "geography-continent", "geography-country",
                                              "geography-wmf-region", "multimedia-illustration",
                                              "sexual-orientation", "time") for kind in ("share", "quality")]


def test_sections_of_datasets_being_built_appear_with_their_numbers(full_output, tmp_path):
    page = report_of(full_output, tmp_path)
    # Every job but campaign ran: only its section is listed as not in this report.
    assert page.sections == ["datasets", "errors", "edits", "editor-activity", "knowledge-gaps", "citations",
                             "not-included"]
    assert "<li>Campaign: needs <code>campaign_summary</code>, made by <code>wikidumps run campaign</code></li>" in \
        (tmp_path / "report.html").read_text()
    assert page.tables["active-editors"] == [["", "active editors", "very active editors", "new active editors"],
                                             ["2025-10", "12", "2", "3"], ["2025-11", "15", "3", "4"],
                                             ["2025-12", "11", "2", "1"]]
    assert page.tables["new-editor-retention"][1:] == [["2025-10", "0.25"], ["2025-11", "0.1"]]
    assert page.tables["editors-by-editor-type"][0] == ["", "anonymous", "name_bot", "user"]
    assert page.tables["editors-by-editor-type"][1] == ["2025-10", "8", "2", "30"]
    assert page.tables["editors-by-activity-level"][0] == ["", "1-4", "5-24", "25-99", "100+"]
    assert page.tables["editors-by-activity-level"][3] == ["2025-12", "28", "9", "2", "1"]
    assert page.tables["top-dois"][1:] == [["10.5555/a", "2"], ["10.5555/b", "1"]]
    assert page.tables["top-hosts"][1:] == [["news.example", "2"], ["doi.example", "1"]]

    # The knowledge-gaps section draws the real index: the gender shares among the articles with a
    # gender, and the mean quality per category, read straight from the dataset's rows.
    assert [key for key in page.tables if key.startswith("gap-")] == GAP_CHARTS
    rows = [row for row in read_dataset(full_output, "knowledge_gaps") if row["content_gap"] == "gender"]
    counts = {(row["time_bucket"], row["category"]): row["article_count"] for row in rows}
    months = sorted({month for month, _ in counts})
    assert {category for _, category in counts} == {"female", "male", "no_item", "not_a_person"}
    assert counts[(months[-1], "female")] > counts[(months[-1], "male")]
    expected = [["", "female", "male"]]
    for month in months:
        people = counts.get((month, "female"), 0) + counts.get((month, "male"), 0)
        expected.append([month, *(f"{counts.get((month, c), 0) / people:.4g}" for c in ("female", "male"))])
    assert page.tables["gap-share-gender"] == expected
    left_out = counts[(months[-1], "no_item")] + counts[(months[-1], "not_a_person")]
    assert f"left out: {left_out:,} articles in {months[-1]}" in (tmp_path / "report.html").read_text()
    latest = sorted((row for row in rows if row["time_bucket"] == months[-1]),
                    key=lambda row: (-row["article_count"], row["category"]))
    assert page.tables["gap-quality-gender"][1:] == [[row["category"], f"{row['quality_score']:.4g}"] for row in latest]


def test_report_renders_in_headless_chromium(full_output, tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed: apt-get install chromium chromium-driver "
                    "(.ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    path = write_report(full_output, tmp_path / "report.html")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(path.as_uri())
        facts = driver.execute_script("""
            const box = e => { const r = e.getBoundingClientRect();
                               return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
            return {
              sections: [...document.querySelectorAll('main > section > h2')].map(h => h.textContent),
              charts: [...document.querySelectorAll('figure.chart')].map(f => ({
                  key: f.dataset.chart, svg: box(f.querySelector('svg')),
                  marks: f.querySelectorAll('svg path, svg rect, svg use').length,
                  labels: [...f.querySelectorAll('svg text')].map(t => t.textContent)})),
              resources: performance.getEntriesByType('resource').map(r => r.name),
              scripts: document.scripts.length,
              height: document.documentElement.scrollHeight};""")
        driver.set_window_size(1100, facts["height"] + 200)
        screenshot = tmp_path / "report.png"
        driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    assert facts["sections"] == ["Datasets", "Errors by stage", "Edits over time", "Editor activity", "Knowledge gaps",
                                 "Top cited DOIs and domains", "Not in this report"]
    assert facts["resources"] == [] and facts["scripts"] == 0  # nothing is fetched when the page is viewed
    assert [c["key"] for c in facts["charts"]] == [
        "dataset-rows", "edits-per-month", "reverted-share", "active-editors", "new-editor-retention",
        "editors-by-editor-type", "editors-by-activity-level", *GAP_CHARTS, "top-dois", "top-hosts"]
    pixels = screenshot_pixels(screenshot)
    for chart in facts["charts"]:
        box = chart["svg"]
        assert box["w"] >= 600 and box["h"] >= 120, chart  # laid out at the page's width, not collapsed
        assert chart["marks"] >= 10 and chart["labels"], chart  # axes, ticks and bars or lines were drawn
        # The chart's area of the screenshot holds a drawing: many distinct colours, not a blank box.
        region = pixels[int(box["y"]):int(box["y"] + box["h"]), int(box["x"]):int(box["x"] + box["w"]), :3]
        assert region.shape[0] > 100, chart
        colours = {tuple(p) for p in region.reshape(-1, 3)[::7].tolist()}
        assert len(colours) >= 8, chart
    edits = next(c for c in facts["charts"] if c["key"] == "edits-per-month")
    assert {"registered", "anonymous (IP)", "temporary account", "2024-03"} <= set(edits["labels"])


def test_time_axes_keep_months_without_data(tmp_path):
    # Edits in March and July 2003 only: the axis runs through April to June, with no edits and no share.
    revisions = pa.Table.from_pylist([
        dict(revision_timestamp=pa.scalar(stamp, pa.timestamp("s", tz="UTC")).as_py(), user_is_anonymous=anonymous,
             user_is_temporary=False, user_is_deleted=False, revision_is_identity_reverted=reverted)
        for stamp, anonymous, reverted in ((1046563200, False, False), (1046649600, True, True),
                                           (1057017600, False, False))], pa.schema([
        ("revision_timestamp", pa.timestamp("s", tz="UTC")), ("user_is_anonymous", pa.bool_()),
        ("user_is_temporary", pa.bool_()), ("user_is_deleted", pa.bool_()),
        ("revision_is_identity_reverted", pa.bool_())]))
    write_dataset(tmp_path / "out", "revisions", revisions)
    page = report_of(tmp_path / "out", tmp_path)
    assert page.tables["edits-per-month"] == [
        ["", "registered", "anonymous (IP)"], ["2003-03", "1", "1"], ["2003-04", "0", "0"], ["2003-05", "0", "0"],
        ["2003-06", "0", "0"], ["2003-07", "1", "0"]]
    assert page.tables["reverted-share"] == [
        ["", "identity-reverted"], ["2003-03", "0.5"], ["2003-04", ""], ["2003-05", ""], ["2003-06", ""],
        ["2003-07", "0"]]


def test_every_month_spans_the_years_between():
    from wikidumps.report.sections import every_month

    assert every_month(["2006-09", "2003-03", "2006-09"])[:2] == ["2003-03", "2003-04"]
    assert len(every_month(["2003-03", "2006-09"])) == 43 and every_month(["2003-12", "2004-01"]) == ["2003-12", "2004-01"]
    assert every_month([]) == [] and every_month(["2024-W05", "2024-W01"]) == ["2024-W01", "2024-W05"]


def test_history_charts_are_left_out_for_a_current_revision_dump(tmp_path):
    output = tmp_path / "out"
    assert cli.main(["run", "history", "--workers", "1", "--input",
                     str(SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"),
                     "--output", str(output)]) == 0
    text = write_report(output, tmp_path / "report.html").read_text(encoding="utf-8")
    page = Tables(text)
    assert "edits-per-month" not in page.tables and "reverted-share" not in page.tables
    assert "No edit history: these revisions are each page's latest only" in text
    assert page.tables["dataset-rows"][1:] == [["errors", "0"], ["pages", "198"], ["revisions", "198"]]


def test_citations_each_cited_once_are_said_not_drawn(tmp_path):
    cites = [dict(doi=f"10.5555/{n}", url=f"https://site{n}.example/x", is_reuse=False) for n in range(5)]
    cites.append(dict(doi=None, url="https://site0.example/y", is_reuse=False))
    write_dataset(tmp_path / "out", "citations", pa.Table.from_pylist(cites, pa.schema([
        ("doi", pa.string()), ("url", pa.string()), ("is_reuse", pa.bool_())])))
    text = write_report(tmp_path / "out", tmp_path / "report.html").read_text(encoding="utf-8")
    assert "top-dois" not in Tables(text).tables and "Each of the 5 DOIs cited is cited once." in text
    assert Tables(text).tables["top-hosts"][1:3] == [["site0.example", "2"], ["site1.example", "1"]]


def test_each_chart_downloads_its_data_as_csv(full_output, tmp_path):
    import csv
    import io
    import re
    import urllib.parse

    text = write_report(full_output, tmp_path / "report.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<a class="csv" download="([^"]+)\.csv" href="data:text/csv;charset=utf-8,([^"]*)"', text))
    page = Tables(text)
    charts = [key for key in page.tables if key.startswith(("edits-", "reverted-", "active-", "gap-", "top-"))]
    assert charts and set(charts) <= set(links)
    rows = list(csv.reader(io.StringIO(urllib.parse.unquote(links["top-dois"]))))
    assert rows == [["", "citations"], ["10.5555/a", "2"], ["10.5555/b", "1"]]
    shares = list(csv.reader(io.StringIO(urllib.parse.unquote(links["new-editor-retention"]))))
    assert shares[1:] == [["2025-10", "0.25"], ["2025-11", "0.1"]]


def test_every_chart_says_how_to_read_it(full_output, tmp_path):
    import re

    text = write_report(full_output, tmp_path / "report.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="chart" id="([^"]+)".*?</figure>', text, flags=re.S)
    lines = dict(re.findall(r'<figure class="chart" id="([^"]+)".*?<p class="how">How to read this: ([^<]+)</p>', text,
                            flags=re.S))
    assert len(figures) > 10 and sorted(lines) == sorted(figures)
    assert lines["gap-share-gender"].startswith("each bar is a month: how the articles with a value in this gap split")
    assert lines["top-dois"].startswith("each bar counts the citations of one DOI")


def test_report_reads_on_a_phone(full_output, tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    path = write_report(full_output, tmp_path / "report.html")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    for flag in (*[f for f in CHROMIUM_FLAGS if not f.startswith("--window-size")],
                 f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(path.as_uri())
        facts = driver.execute_script("""return {width: innerWidth, page: document.documentElement.scrollWidth,
            charts: [...document.querySelectorAll('figure.chart svg')].map(s => s.getBoundingClientRect().width),
            hows: [...document.querySelectorAll('p.how')].map(p => p.getBoundingClientRect().right)};""")
        shots = []
        for figure in driver.find_elements(By.CSS_SELECTOR, "figure.chart")[:4]:
            driver.execute_script("arguments[0].scrollIntoView()", figure)
            shot = tmp_path / f"chart-{len(shots)}.png"
            figure.find_element(By.TAG_NAME, "svg").screenshot(str(shot))
            shots.append(shot)
    finally:
        driver.quit()
    # Nothing wider than the phone: the page does not scroll sideways (wide tables scroll inside themselves),
    # charts shrink to the screen and their "how to read" lines wrap within it.
    assert facts["width"] == 390 and facts["page"] <= facts["width"]
    assert facts["charts"] and all(300 <= width <= facts["width"] for width in facts["charts"]), facts["charts"]
    assert facts["hows"] and max(facts["hows"]) <= facts["width"]
    for shot in shots:
        pixels = screenshot_pixels(shot)
        colours = {tuple(p) for p in pixels.reshape(-1, 3)[::5].tolist()}
        assert pixels.shape[1] >= 300 and len(colours) >= 8, shot  # a drawing, not a blank box


def test_two_sources_are_compared_when_a_second_folder_is_given(samplewiki_demo, tmp_path):
    """`make demo` runs the content job on the samplewiki's XML and Enterprise HTML dumps; the report compares."""
    html_output = samplewiki_demo / "enterprise-html"
    page = Tables(write_report(samplewiki_demo, tmp_path / "report.html", compare=html_output).read_text(encoding="utf-8"))
    assert "sources" in page.sections
    wikilinks = {}
    for name, output in (("wikitext (XML dump)", samplewiki_demo), ("html (Enterprise dump)", html_output)):
        links = [row for row in read_dataset(output, "links") if row["link_type"] == "wikilink"]
        wikilinks[name] = (len(read_dataset(output, "plain_text")), len(links),
                           sum(bool(row["from_template"]) for row in links))
    table = {row[0]: row for row in page.tables["sources"][1:]}
    for name, (articles, links, templated) in wikilinks.items():
        assert table[name][1] == f"{articles:,}" and table[name][3] == f"{links:,}"
    assert table["html (Enterprise dump)"][5] == f"{wikilinks['html (Enterprise dump)'][2]:,}" != "0"
    assert table["wikitext (XML dump)"][5] == "n/a"
    # Without a second folder the section is listed as not in the report, with the command that adds it.
    alone = write_report(samplewiki_demo, tmp_path / "alone.html").read_text(encoding="utf-8")
    assert 'id="sources"' not in alone and "--compare OTHER_OUTPUT" in alone


def test_knowledge_gap_categories_show_wikidata_labels_with_their_ids(tmp_path):
    """A category that is a Wikidata item shows its label in the wiki's language (German on dewiki), else in
    English, with the id beside it; an item without a label keeps its id."""
    out = tmp_path / "out"
    gaps = [dict(content_gap="geography_country", category=category, time_bucket="2026-01", article_count=count)
            for category, count in (("Q183", 5), ("Q1085", 3), ("Q339014", 1))]
    write_dataset(out, "knowledge_gaps", pa.Table.from_pylist(gaps, pa.schema([
        ("content_gap", pa.string()), ("category", pa.string()), ("time_bucket", pa.string()),
        ("article_count", pa.int64())])), wiki_db="dewiki")
    label = pa.struct([("language", pa.string()), ("value", pa.string())])
    entities = [dict(entity_id="Q183", labels=[dict(language="en", value="Germany"), dict(language="de", value="Deutschland")]),
                dict(entity_id="Q1085", labels=[dict(language="en", value="Prague")])]
    write_dataset(out, "wikidata_entities", pa.Table.from_pylist(entities, pa.schema([
        ("entity_id", pa.string()), ("labels", pa.list_(label))])), wiki_db="wikidatawiki")
    page = Tables(write_report(out, tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page.tables["gap-share-geography-country"][0][1:] == ["Deutschland (Q183)", "Prague (Q1085)", "Q339014"]


def test_the_demo_report_shows_what_the_update_changed(samplewiki_demo):
    """`make demo` streams the samplewiki's January events from the replay server and runs `run update` from
    the first snapshot to the second; its report says what changed, as the sample wiki's model has it."""
    from sample_dumps.generate import DEFAULT_SEED
    from sample_dumps.month import build_next_month

    first = build_wiki(DEFAULT_SEED)
    month = build_next_month(build_wiki(DEFAULT_SEED), DEFAULT_SEED)
    old = {rev.rev_id for _, rev in first.revisions()}
    new = {rev.rev_id for _, rev in month.wiki.revisions()}
    old_titles = {page.page_id: page.title for page in first.pages}
    new_titles = {page.page_id: page.title for page in month.wiki.pages}
    page = Tables((samplewiki_demo / "report.html").read_text(encoding="utf-8"))
    assert "update" in page.sections
    facts = {row[0]: row[1] for row in page.tables["update-facts"][1:]}
    assert facts == {
        "revisions added": f"{len(new - old):,}",
        "revisions removed (their page deleted)": f"{len(old - new):,}",
        "revisions changed (reverted, hidden, renamed)": facts["revisions changed (reverted, hidden, renamed)"],
        "pages created": f"{len(new_titles.keys() - old_titles.keys()):,}",
        "pages deleted": f"{len(old_titles.keys() - new_titles.keys()):,}",
        "pages renamed (moved)": f"{sum(old_titles[p] != new_titles[p] for p in old_titles.keys() & new_titles.keys()):,}",
    }
    assert len(new - old) > 10 and 0 < len(old - new) and facts["pages renamed (moved)"] == "1"
    assert int(facts["revisions changed (reverted, hidden, renamed)"]) > 0
    # Each dataset: its rows at both snapshots, as the update's folder holds them.
    datasets = {row[0]: row[1:] for row in page.tables["update-datasets"][1:]}
    assert {"pages", "revisions", "plain_text", "links"} <= datasets.keys()
    for name, (before, after, *_) in datasets.items():
        rows = read_dataset(samplewiki_demo / "update", name)
        assert (before, after) == tuple(f"{sum(r['snapshot'] == s for r in rows):,}" for s in ("20260101", "20260201"))
    # A delta of revisions replaces revisions, not pages: the removed and changed ones go, the added and changed
    # ones come.
    changed = int(facts["revisions changed (reverted, hidden, renamed)"])
    assert datasets["revisions"][2:] == ["revision_id", f"{len(old - new) + changed:,}", f"{len(new - old) + changed:,}"]
    assert datasets["links"][2] == "page_id"  # many rows per page, none naming a revision alone
