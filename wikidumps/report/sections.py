"""The report's sections: each a small function keyed on the dataset it reads.

A section appears when its dataset is in the output folder and is listed as "not in this report" with
the command that makes it otherwise, so the report grows as jobs land without changing the page code.
Aggregations stream over record batches (bounded memory whatever the dataset's size) and read only the
columns they need. A dataset lacking a column a section needs gives a visible note, not a crash.
"""
from __future__ import annotations

import html
import re
from statistics import median
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from schemas.article_gaps import NO_ITEM, NOT_A_PERSON, UNKNOWN
from wikidumps.report.charts import Chart, bar_chart, line_chart, stacked_bar_chart
from wikidumps.stores import LocalStore, arrow_dataset, partition_bytes, read_manifest, select_partitions
from wikidumps.transfer import format_bytes

TOP_CATEGORIES = 7
# Knowledge-gap categories that say why an article has no value in a gap.
NO_VALUE_CATEGORIES = (NO_ITEM, NOT_A_PERSON, UNKNOWN)
TOP_CITED = 20


class SectionUnavailable(Exception):
    """A dataset is present but cannot feed its section (a column is missing); the message says why."""


class ReportData:
    """The datasets of an output folder, as manifests and lazily opened pyarrow datasets; `compare`, the
    output of the content job on the other source (Enterprise HTML against an XML dump, or the reverse);
    `update`, a folder holding a snapshot and the one `run update` brought it to (report/changes.py)."""

    def __init__(self, output: str | Path, compare: str | Path | None = None, update: str | Path | None = None):
        self.output = Path(output)
        self.compare = ReportData(compare) if compare is not None else None
        self.update = ReportData(update) if update is not None else None  # a folder `run update` wrote to
        # One store: each dataset is read from the version its manifest came from, even if a run
        # publishes a new one while the report is written.
        self.source = LocalStore(self.output)
        self.manifests = {name: read_manifest(self.source, name) for name in self.source.list_datasets()}

    def has(self, name: str) -> bool:
        return name in self.manifests and any(p.get("complete", True) for p in self.manifests[name]["partitions"])

    def dataset(self, name: str, needs: Iterable[str] = ()) -> ds.Dataset:
        manifest = self.manifests[name]
        dataset = arrow_dataset(self.source.dataset_folder(name), manifest, select_partitions(manifest))
        missing = sorted(set(needs) - set(dataset.schema.names))
        if missing:
            raise SectionUnavailable(f"{name} has no column {', '.join(missing)} (schema {manifest.get('schema_version')}); "
                                     "this section needs it")
        return dataset

    def rows(self, name: str) -> int:
        """A dataset's rows, as its manifest counts them."""
        return sum(p["rows"] for p in self.manifests[name]["partitions"])

    def wikis(self, name: str) -> list[str]:
        return sorted({p["wiki_db"] for p in self.manifests[name]["partitions"]})


@dataclass(frozen=True)
class Section:
    """A part of the report.

    Attributes:
        key: the section's id in the page.
        title: its heading.
        datasets: the datasets it reads; it is shown only when all are present.
        render: builds the section's HTML body from the output folder's data.
        made_by: the command that makes its datasets, shown while they are missing.
    """

    key: str
    title: str
    datasets: tuple[str, ...]
    render: Callable[[ReportData], str]
    made_by: str
    needs_comparison: bool = False  # shown only when the report is given a second folder to compare with
    needs_update: bool = False  # its datasets are read from the update folder the report is given


def _table(columns: list[str], rows: list[list], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(f'{v:,}' if isinstance(v, int) else str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# One line under each chart for a reader who did not build it, by chart key or the start of one.
HOW_TO_READ = {
    "dataset-rows": "each bar is one dataset's number of rows; a dataset without a bar has none (for errors, "
                    "that is good).",
    "errors-by-stage": "each bar counts the errors rows one job wrote at one stage; the table above says which "
                       "records were dropped and which kept after a repair.",
    "edits-per-month": "each bar is a month, split by who made the edits; a month without a bar had no edits.",
    "reverted-share": "each point is the share of a month's edits that a later edit undid exactly (an identity "
                      "revert); a break in the line is a month without edits.",
    "active-editors": "each line counts, per month, registered non-bot editors with at least 5 edits to content "
                      "pages (very active: 100); new active editors registered that month.",
    "new-editor-retention": "each point is a registration month: the share of its new editors who edited again 30 "
                            "to 60 days after their first edit; a break is a month without new editors.",
    "editors-by-": "each bar is a month's editors split by kind; its height is all the editors of that month.",
    "gap-share-": "each bar is a month: how the articles with a value in this gap split between its categories; "
                  "a bar adds up to 100%, the articles without a value are left out.",
    "gap-quality-": "each bar is the mean quality score, from 0 to 1 (Wikimedia Research's language-agnostic "
                    "model), of one category's articles; longer is better.",
    "top-": "each bar counts the citations of one DOI or web domain, most cited on top; a reuse of a named "
            "reference is not counted again.",
    "sources-wikilinks": "each bar counts the wikilinks of the articles both folders hold: from the wikitext, "
                         "and from the rendered HTML split into links written in the page and links templates "
                         "made (infoboxes, navboxes).",
}


def how_to_read(key: str) -> str:
    return next((text for start, text in sorted(HOW_TO_READ.items(), key=lambda kv: -len(kv[0]))
                 if key == start or (start.endswith("-") and key.startswith(start))), "")


def _charts(*charts: Chart) -> str:
    return "".join(chart.html(how_to_read(chart.key)) for chart in charts)


def _wiki_note(wikis: list[str]) -> str:
    return f" Summed over {len(wikis)} wikis ({', '.join(wikis)})." if len(wikis) > 1 else f" Wiki: {wikis[0]}." if wikis else ""


def count_groups(tables: Iterable[pa.Table], keys: list[str], sums: tuple[str, ...] = ()) -> dict[tuple, dict]:
    """Rows per distinct `keys` (and the sums of `sums`), accumulated batch by batch."""
    totals: dict[tuple, dict] = {}
    for table in tables:
        if not table.num_rows:
            continue
        grouped = table.group_by(keys).aggregate([(c, "sum") for c in sums] + [([], "count_all")])
        for row in grouped.to_pylist():
            entry = totals.setdefault(tuple(row[k] for k in keys), {"rows": 0, **{c: 0 for c in sums}})
            entry["rows"] += row["count_all"]
            for c in sums:
                entry[c] += row[f"{c}_sum"] or 0
    return totals


def _latest_revisions_only(data: ReportData) -> bool:
    """Whether `revisions` holds no more rows than `pages` (from the manifests: nothing is read)."""
    if not data.has("pages"):
        return False  # revisions from event dumps: edits as they happened
    return data.rows("revisions") <= data.rows("pages")


def _batches(dataset: ds.Dataset, columns: list[str], filter=None) -> Iterable[pa.Table]:
    for batch in dataset.to_batches(columns=columns, filter=filter):
        yield pa.Table.from_batches([batch])


# ---------------------------------------------------------------------------------------------------
# Every output: datasets and errors


def datasets_overview(data: ReportData) -> str:
    """Rows, files and bytes of every dataset, from the manifests."""
    rows = []
    for name, manifest in sorted(data.manifests.items()):
        partitions = manifest["partitions"]
        rows.append([name, len(partitions), data.rows(name), sum(len(p["files"]) for p in partitions),
                     format_bytes(sum(partition_bytes(p) for p in partitions)), manifest.get("schema_version", "?"),
                     ", ".join(sorted({f"{p['wiki_db']}/{p['snapshot']}" for p in partitions}))])
    counts = [row[2] for row in rows]
    chart = bar_chart("dataset-rows", "Rows per dataset, from each dataset's _manifest.json.", [r[0] for r in rows],
                      counts, x_label="rows", log=all(c > 0 for c in counts) and max(counts) > 100 * min(counts))
    return _table(["dataset", "partitions", "rows", "files", "size", "schema", "wiki_db/snapshot"], rows, "datasets") + _charts(chart)


def errors_by_stage(data: ReportData) -> str:
    """Bad records by job, stage and error type, dropped or kept after a repair."""
    dataset = data.dataset("errors", ["pipeline", "stage", "error_type", "record_dropped"])
    groups = count_groups(
        (t.set_column(t.schema.get_field_index("record_dropped"), "record_dropped", pc.cast(t["record_dropped"], pa.int64()))
         for t in _batches(dataset, ["pipeline", "stage", "error_type", "record_dropped"])),
        ["pipeline", "stage", "error_type"], ("record_dropped",))
    if not groups:
        return '<p class="good">No errors: every record the jobs read was written.</p>'
    rows = [[*key, entry["rows"], entry["record_dropped"], entry["rows"] - entry["record_dropped"]]
            for key, entry in sorted(groups.items(), key=lambda kv: (-kv[1]["rows"], kv[0]))]
    by_stage: dict[str, int] = defaultdict(int)
    for (pipeline, stage, _), entry in groups.items():
        by_stage[f"{pipeline} / {stage}"] += entry["rows"]
    stages = sorted(by_stage, key=lambda s: -by_stage[s])
    chart = bar_chart("errors-by-stage", "Error rows by job and stage (the errors dataset).", stages,
                      [by_stage[s] for s in stages], x_label="error rows")
    return (_table(["job", "stage", "error type", "rows", "records dropped", "kept after repair"], rows, "errors")
            + _charts(chart))


# ---------------------------------------------------------------------------------------------------
# revisions (history job)


def _editor_kind(table: pa.Table) -> pa.Array:
    """hidden (revision-deleted user), anonymous, temporary or registered, per revision."""
    kinds = pc.if_else(pc.fill_null(table["user_is_temporary"], False), "temporary account", "registered")
    kinds = pc.if_else(pc.fill_null(table["user_is_anonymous"], False), "anonymous (IP)", kinds)
    return pc.if_else(pc.fill_null(table["user_is_deleted"], False), "hidden user", kinds)


def edits_over_time(data: ReportData) -> str:
    """Edits per month by kind of editor, and the share of edits later identity-reverted; left out, with a
    note, for revisions of a current-revision dump, where they would date each page's last edit only."""
    if _latest_revisions_only(data):
        return ("<p class=\"note\">No edit history: these revisions are each page's latest only (no more revisions "
                "than pages, as a pages-articles or pages-meta-current dump gives), so their months date the pages' "
                "last edits and no revert can be seen. Edits per month and reverts need a history dump "
                "(pages-meta-history or stub-meta-history) or event dumps.</p>")
    needs = ["revision_timestamp", "user_is_anonymous", "user_is_temporary", "user_is_deleted",
             "revision_is_identity_reverted"]
    dataset = data.dataset("revisions", needs)

    def shaped(table: pa.Table) -> pa.Table:
        return pa.table({
            "month": pc.strftime(table["revision_timestamp"], format="%Y-%m"),
            "kind": _editor_kind(table),
            "reverted": pc.cast(pc.fill_null(table["revision_is_identity_reverted"], False), pa.int64()),
        })

    groups = count_groups((shaped(t) for t in _batches(dataset, needs)), ["month", "kind"], ("reverted",))
    if not groups:
        return "<p>No revisions.</p>"
    months = every_month(month for month, _ in groups if month is not None)
    kinds = [k for k in ("registered", "anonymous (IP)", "temporary account", "hidden user") if any(k == kind for _, kind in groups)]
    edits = {kind: [groups.get((m, kind), {}).get("rows", 0) for m in months] for kind in kinds}
    totals = [sum(edits[k][i] for k in kinds) for i in range(len(months))]
    reverted = [sum(groups.get((m, k), {}).get("reverted", 0) for k in kinds) for m in months]
    note = _wiki_note(data.wikis("revisions"))
    return _charts(
        stacked_bar_chart("edits-per-month", "Edits per month by kind of editor (revisions dataset)." + note, months,
                          edits, y_label="edits"),
        line_chart("reverted-share", "Share of each month's edits that were later identity-reverted." + note, months,
                   {"identity-reverted": [r / t if t else None for r, t in zip(reverted, totals)]},
                   y_label="share of edits", percent=True),
    )


# ---------------------------------------------------------------------------------------------------
# editor_activity (editor-activity job)


def _rollup(table: pa.Table, dimensions: dict[str, bool]) -> pa.Table:
    """Rows where each dimension column is set (True) or null (False); absent columns are ignored.

    The index carries rows per editor_type and activity_level "where it applies": totals are the rows
    where both are null, when there are such rows.
    """
    mask = None
    for column, is_set in dimensions.items():
        if column not in table.column_names:
            continue
        condition = pc.is_valid(table[column]) if is_set else pc.is_null(table[column])
        mask = condition if mask is None else pc.and_(mask, condition)
    return table if mask is None else table.filter(mask)


def _by_month(table: pa.Table, value: str, series: str | None, missing: float | None = 0) -> tuple[list[str], dict[str, list]]:
    """Sums of `value` per time_bucket, one series per distinct `series` value (or one series), over every
    month from the first to the last; a month without rows gets `missing` (0 for counts, None for rates)."""
    cells: dict[tuple[str, str], float] = defaultdict(float)
    keys = table.select(["time_bucket", value] + ([series] if series else [])).to_pylist()
    for row in keys:
        if row[value] is not None:
            cells[(row["time_bucket"], str(row[series]) if series else value)] += row[value]
    months = every_month(m for m, _ in cells)
    names = sorted({s for _, s in cells}, key=_natural)
    return months, {s: [cells.get((m, s), missing) for m in months] for s in names}


def every_month(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last of `months` (YYYY-MM), those without data included: a time
    axis of the report's charts is spaced evenly in time, and a gap shows as one."""
    present = sorted(set(months))
    if not present or not all(re.fullmatch(r"\d{4}-\d{2}", m) for m in present):
        return present
    year, month = map(int, present[0].split("-"))
    last = tuple(map(int, present[-1].split("-")))
    filled = []
    while (year, month) <= last:
        filled.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def _natural(label: str) -> tuple:
    """Activity levels in their numeric order ("5-24" before "100+"), other labels alphabetically."""
    match = re.match(r"\d+", label)
    return (0, int(match.group()), label) if match else (1, 0, label)


def editor_activity(data: ReportData) -> str:
    """Active editors over time, new editor retention by cohort, editors by type and activity level."""
    dataset = data.dataset("editor_activity", ["wiki_db", "time_bucket", "active_editors"])
    wanted = [c for c in ("wiki_db", "time_bucket", "editor_type", "activity_level", "editors", "active_editors",
                          "very_active_editors", "new_active_editors", "new_editor_retention") if c in dataset.schema.names]
    # The index has one row per wiki, month and (where it applies) type and level: small enough to read whole.
    table = dataset.to_table(columns=wanted)
    dimensions = [c for c in ("editor_type", "activity_level") if c in table.column_names]
    totals = _rollup(table, {c: False for c in dimensions})
    # Without total rows, counts of editors add up over the type and level rows; a retention rate does not.
    summed = bool(dimensions) and not totals.num_rows
    if summed:
        totals = table
    wikis = data.wikis("editor_activity")
    charts = []
    if len(wikis) > 1:
        months, series = _by_month(totals, "active_editors", "wiki_db")
        series = {f"{wiki} active editors": values for wiki, values in series.items()}
    else:
        months, series = [], {}
        for metric in ("active_editors", "very_active_editors", "new_active_editors"):
            if metric in totals.column_names:
                months, values = _by_month(totals, metric, None)
                series[metric.replace("_", " ")] = values[metric]
    charts.append(line_chart("active-editors", "Active editors per month: registered, non-bot, at least 5 content edits "
                             "(very active: 100)." + _wiki_note(wikis), months, series, y_label="editors"))
    if "new_editor_retention" in totals.column_names and not summed:
        cohorts = totals.filter(pc.is_valid(totals["new_editor_retention"]))
        months, series = _by_month(cohorts, "new_editor_retention", "wiki_db", missing=None)
        charts.append(line_chart("new-editor-retention", "New editor retention by cohort (registration month): share of "
                                 "new editors who edited again in days 30 to 60.", months, series,
                                 y_label="retained", percent=True))
    for dimension, label in (("editor_type", "type"), ("activity_level", "activity level")):
        if dimension not in table.column_names or "editors" not in table.column_names:
            continue
        other = "activity_level" if dimension == "editor_type" else "editor_type"
        rows = _rollup(table, {dimension: True, other: False})
        if not rows.num_rows:
            rows = _rollup(table, {dimension: True})
        if rows.num_rows:
            months, series = _by_month(rows, "editors", dimension)
            charts.append(stacked_bar_chart(f"editors-by-{dimension.replace('_', '-')}",
                                            f"Editors per month by {label}." + _wiki_note(wikis), months, series,
                                            y_label="editors"))
    return _charts(*charts)


# ---------------------------------------------------------------------------------------------------
# knowledge_gaps (knowledge-gaps job)


ITEM_ID = re.compile(r"^Q[1-9][0-9]*$")


def item_labels(data: ReportData, ids: set[str], wikis: list[str]) -> dict[str, str]:
    """"label (Q-id)" of each Wikidata item id the wikidata_entities dataset of the folder labels: in the
    language of the wikis (dewiki: de), else in English; the id stays beside it."""
    if not ids or not data.has("wikidata_entities"):
        return {}
    entities = data.dataset("wikidata_entities")
    if "labels" not in entities.schema.names:  # written before labels were kept
        return {}
    prefixes = [wiki.replace("_", "-") for wiki in wikis]
    named = {}
    for table in _batches(entities, ["entity_id", "labels"], ds.field("entity_id").isin(sorted(ids))):
        for entity, labels in zip(table["entity_id"].to_pylist(), table["labels"].to_pylist()):
            by_language = {label["language"]: label["value"] for label in labels or ()}
            local = [value for language, value in by_language.items()
                     if language != "en" and any(prefix.startswith(language) for prefix in prefixes)]
            label = local[0] if local else by_language.get("en")
            if label:
                named[entity] = f"{label} ({entity})"
    return named


def knowledge_gaps(data: ReportData) -> str:
    """Per content gap: the split of the articles that have a value over time, and mean quality per category.

    The share charts leave out the categories that say why an article has no value (no_item,
    not_a_person, unknown): otherwise a gender chart shows mostly articles that are not biographies.
    """
    dataset = data.dataset("knowledge_gaps", ["content_gap", "category", "time_bucket", "article_count"])
    columns = ["content_gap", "category", "time_bucket", "article_count"]
    has_quality = "quality_score" in dataset.schema.names
    table = dataset.to_table(columns=columns + (["quality_score"] if has_quality else []))
    note = _wiki_note(data.wikis("knowledge_gaps"))
    named = item_labels(data, {c for c in table["category"].to_pylist() if c and ITEM_ID.match(c)},
                        data.wikis("knowledge_gaps"))
    parts = []
    for gap in sorted(set(table["content_gap"].to_pylist()) - {None}):
        rows = table.filter(pc.equal(table["content_gap"], gap)).to_pylist()
        counts: dict[tuple[str, str], float] = defaultdict(float)
        quality: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for row in rows:
            counts[(row["time_bucket"], row["category"])] += row["article_count"] or 0
        months = every_month(m for m, _ in counts)
        latest = months[-1] if months else None
        ranked = sorted({c for _, c in counts}, key=lambda c: (-counts.get((latest, c), 0), c))
        valued = [c for c in ranked if c not in NO_VALUE_CATEGORIES]
        shown = valued[:TOP_CATEGORIES]
        bucket_totals = {m: sum(v for (month, c), v in counts.items() if month == m and c not in NO_VALUE_CATEGORIES)
                         for m in months}
        series = {named.get(c, str(c)): [counts.get((m, c), 0) / bucket_totals[m] if bucket_totals[m] else 0
                                          for m in months] for c in shown}
        if len(valued) > len(shown):
            series["other"] = [1 - sum(values[i] for values in series.values()) if bucket_totals[m] else 0
                               for i, m in enumerate(months)]
        left_out = sum(counts.get((latest, c), 0) for c in NO_VALUE_CATEGORIES)
        key = gap.replace("_", "-")
        charts = []
        if shown:
            charts.append(stacked_bar_chart(
                f"gap-share-{key}", f"{gap}: share of each category among the articles with a value, over time "
                f"(left out: {left_out:,.0f} articles in {latest} with no item, not about a person or without a "
                "value)." + note, months, series, y_label="share of articles", percent=True))
        if has_quality:
            for row in rows:
                if row["time_bucket"] == latest and row["quality_score"] is not None and row["article_count"]:
                    quality[row["category"]][0] += row["quality_score"] * row["article_count"]
                    quality[row["category"]][1] += row["article_count"]
            categories = [c for c in ranked[:TOP_CATEGORIES] if quality[c][1]]
            if categories:
                charts.append(bar_chart(f"gap-quality-{key}", f"{gap}: mean article quality score per category, "
                                        f"{latest}.", [named.get(c, str(c)) for c in categories],
                                        [quality[c][0] / quality[c][1] for c in categories],
                                        x_label="mean quality score (0-1)"))
        parts.append(f"<h3>{html.escape(gap)}</h3>" + (_charts(*charts) or "<p>No article has a value in this gap.</p>"))
    return "".join(parts) or "<p>No content gaps in the dataset.</p>"


# ---------------------------------------------------------------------------------------------------
# citations (content job)

HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?(?P<host>[^/:?#\s]+)"


def top_citations(data: ReportData) -> str:
    """The most cited DOIs and web domains (a `<ref name=x/>` reuse is not counted again)."""
    dataset = data.dataset("citations", ["doi", "url"])
    reuse = "is_reuse" in dataset.schema.names
    filter_ = (~ds.field("is_reuse") | ds.field("is_reuse").is_null()) if reuse else None

    def shaped(table: pa.Table) -> pa.Table:
        hosts = pc.struct_field(pc.extract_regex(table["url"], HOST), "host")
        return pa.table({"doi": pc.utf8_lower(table["doi"]), "host": pc.utf8_lower(hosts)})

    counts: dict[str, Counter] = {"doi": Counter(), "host": Counter()}
    for table in _batches(dataset, ["doi", "url"], filter_):
        table = shaped(table)
        for column, counter in counts.items():
            for key, entry in count_groups([table.select([column]).filter(pc.is_valid(table[column]))], [column]).items():
                counter[key[0]] += entry["rows"]
    note = _wiki_note(data.wikis("citations"))
    parts = []
    for column, label in (("doi", "DOIs"), ("host", "web domains")):
        top = sorted(counts[column].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CITED]
        if top and top[0][1] == 1:  # bars all of length 1 would rank nothing
            parts.append(f"<p>Each of the {len(counts[column]):,} {label} cited is cited once." + note + "</p>")
        elif top:
            parts.append(_charts(bar_chart(f"top-{column}s", f"The {len(top)} most cited {label} (citations dataset)."
                                           + note, [key for key, _ in top], [count for _, count in top],
                                           x_label="citations")))
    return "".join(parts) or "<p>No citation carries a DOI or a URL.</p>"


# ---------------------------------------------------------------------------------------------------
# the two sources of the content job (wikitext of an XML dump, rendered HTML of an Enterprise dump)


def _per_article(data: ReportData) -> tuple[str, dict[tuple, dict]]:
    """(source, {(wiki_db, page_id): {"chars", "wikilinks", "templated"}}) of one folder's content rows."""
    articles: dict[tuple, dict] = {}
    sources: set[str] = set()
    for table in _batches(data.dataset("plain_text", ["source", "text_chars"]), ["wiki_db", "page_id", "source",
                                                                               "text_chars"]):
        sources.update(table["source"].unique().to_pylist())
        for wiki, page, chars in zip(*(table[c].to_pylist() for c in ("wiki_db", "page_id", "text_chars"))):
            articles[(wiki, page)] = {"chars": chars, "wikilinks": 0, "templated": 0}
    wikilinks = ds.field("link_type") == "wikilink"
    for table in _batches(data.dataset("links", ["from_template"]), ["wiki_db", "page_id", "from_template"], wikilinks):
        for wiki, page, templated in zip(*(table[c].to_pylist() for c in ("wiki_db", "page_id", "from_template"))):
            if (wiki, page) in articles:
                articles[(wiki, page)]["wikilinks"] += 1
                articles[(wiki, page)]["templated"] += bool(templated)
    if len(sources) != 1:
        raise SectionUnavailable(f"{data.output} holds rows of {len(sources)} sources; each folder must hold one")
    return sources.pop(), articles


def two_sources(data: ReportData) -> str:
    """The same articles read from their wikitext and from their rendered HTML: text and wikilinks."""
    assert data.compare is not None
    first, second = _per_article(data), _per_article(data.compare)
    by_source = dict((first, second))
    if set(by_source) != {"wikitext", "html"}:
        raise SectionUnavailable("the two folders must hold the content job's rows of the two sources, wikitext "
                                 f"and html; they hold {first[0]} and {second[0]}")
    wikitext, rendered = by_source["wikitext"], by_source["html"]
    both = sorted(set(wikitext) & set(rendered))
    if not both:
        raise SectionUnavailable("the two folders have no article (wiki and page id) in common")
    rows = []
    for label, articles in (("wikitext (XML dump)", wikitext), ("html (Enterprise dump)", rendered)):
        rows.append([label, len(articles), round(median([articles[key]["chars"] for key in both])),
                     sum(articles[key]["wikilinks"] for key in both),
                     median([articles[key]["wikilinks"] for key in both]),
                     sum(articles[key]["templated"] for key in both) if articles is rendered else "n/a"])
    longer = median([rendered[key]["chars"] / max(1, wikitext[key]["chars"]) for key in both])
    written = sum(rendered[key]["wikilinks"] - rendered[key]["templated"] for key in both)
    chart = bar_chart("sources-wikilinks", f"Wikilinks of the {len(both):,} articles in both folders.",
                      ["from the wikitext", "html: written in the page", "html: made by templates"],
                      [rows[0][3], written, rows[1][5]], x_label="wikilinks")
    return (f"<p>{len(both):,} articles are in both folders. Their plain text from the rendered page is "
            f"{longer:.2f} times as long as from the wikitext (median per article). The wikitext cannot tell "
            "which links templates make: it has only those written in the page.</p>"
            + _table(["source", "articles", "median characters of text", "wikilinks", "median wikilinks per article",
                      "wikilinks made by templates"], rows, "sources")
            + _charts(chart))


# ---------------------------------------------------------------------------------------------------
# campaign_summary (campaign job)

CAMPAIGN_COLUMNS = (("wiki_db", "wiki"), ("campaign_start", "from"), ("campaign_end", "to (before)"),
                    ("participants_listed", "listed"), ("participants_active", "active"),
                    ("new_participants", "new"), ("edits", "edits"), ("content_edits", "content edits"),
                    ("bytes_added", "bytes added"), ("bytes_removed", "bytes removed"),
                    ("articles_created", "articles created"), ("articles_surviving", "alive 30 days later"),
                    ("reverted_48h_share", "reverted within 48 h"),
                    ("participants_edited_30_to_60_days_after", "edited 30-60 days after"))


def campaign(data: ReportData) -> str:
    """One line per campaign run into this folder (a wiki and snapshot each): its summary."""
    dataset = data.dataset("campaign_summary", [name for name, _ in CAMPAIGN_COLUMNS])
    rows = []
    for table in _batches(dataset, [name for name, _ in CAMPAIGN_COLUMNS]):
        for row in table.to_pylist():
            rows.append(["n/a" if row[name] is None else f"{row[name]:.1%}" if name == "reverted_48h_share"
                         else row[name] for name, _ in CAMPAIGN_COLUMNS])
    if not rows:
        return "<p>No campaign summary was written (under --privacy public, a campaign needs 3 active participants).</p>"
    return ("<p>Participants' figures during the campaign; definitions in docs/metrics.md. Per participant: the "
            "campaign_participants dataset.</p>" + _table([label for _, label in CAMPAIGN_COLUMNS], sorted(rows)))


SECTIONS = (
    Section("datasets", "Datasets", (), datasets_overview, ""),
    Section("errors", "Errors by stage", ("errors",), errors_by_stage, "any `wikidumps run` job"),
    Section("edits", "Edits over time", ("revisions",), edits_over_time, "wikidumps run history"),
    Section("editor-activity", "Editor activity", ("editor_activity",), editor_activity, "wikidumps run editor-activity"),
    Section("knowledge-gaps", "Knowledge gaps", ("knowledge_gaps",), knowledge_gaps, "wikidumps run knowledge-gaps"),
    Section("citations", "Top cited DOIs and domains", ("citations",), top_citations, "wikidumps run content"),
    Section("sources", "Wikitext and rendered HTML", ("plain_text", "links"), two_sources,
            "wikidumps report OUTPUT --compare OTHER_OUTPUT (`run content` on an XML dump and on an Enterprise "
            "HTML dump of the same wiki)", needs_comparison=True),
    Section("campaign", "Campaign", ("campaign_summary",), campaign, "wikidumps run campaign"),
)
