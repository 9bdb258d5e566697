"""`wikidumps report`: one self-contained HTML page about an output folder's datasets, or a published source's.

The page has no script and loads nothing: styles are inline and charts are inline SVG, so it opens
offline, can be mailed, and shows the same thing in ten years. Sections come from
sections.py; those whose datasets are missing are listed with the command that makes them. Nothing here
needs more than pyarrow and the standard library: the reader install (`pip install wikidumps`) writes the
report of datasets somebody else published, after downloading what its sections read into the cache.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html
from pathlib import Path

from wikidumps.report import changes
from wikidumps.report.sections import SECTIONS, ReportData, SectionUnavailable
from wikidumps.stores import StoreError

REPORT_FILE = "report.html"
ALL_SECTIONS = (*SECTIONS, changes.SECTION)

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202122; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 1.5em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #c8ccd1; margin-top: 2em; }
.meta { color: #54595d; } nav ol { columns: 2; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; display: block; max-width: 100%;
        overflow-x: auto; }
th, td { border: 1px solid #c8ccd1; padding: 0.25em 0.6em; text-align: left; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
figure.chart { margin: 1.2em 0; } figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #54595d; font-size: 0.9em; } details summary { cursor: pointer; color: #36c; font-size: 0.85em; }
.how { color: #54595d; font-size: 0.85em; margin: 0.3em 0; }
@media (max-width: 600px) { main { padding: 0.8em; } nav ol { columns: 1; } body { font-size: 14px; } }
.good { color: #14866d; } .note { background: #fef6e7; border: 1px solid #fc3; padding: 0.5em 0.8em; }
"""


def build_report(output: str | Path, *, now: dt.datetime | None = None, compare: str | Path | None = None,
                 source: str | None = None, update: str | Path | None = None) -> str:
    """The report's HTML for an output folder (and, with `compare`, the content job's other source; with
    `update`, a folder `run update` wrote a later snapshot to); `source` names where the folder's datasets
    were published, when it is their downloaded copy."""
    data = ReportData(output, compare, update)
    now = now or dt.datetime.now(dt.timezone.utc)
    shown, missing = [], []
    for section in ALL_SECTIONS:
        if section.needs_comparison and (data.compare is None or not all(data.compare.has(n) for n in section.datasets)):
            missing.append(section)
        elif section.needs_update and (data.update is None or not all(data.update.has(n) for n in section.datasets)):
            missing.append(section)
        elif section.needs_update or all(data.has(name) for name in section.datasets):
            try:
                body = section.render(data)
            except SectionUnavailable as exc:
                body = f'<p class="note">{html.escape(str(exc))}</p>'
            shown.append((section, body))
        else:
            missing.append(section)
    named = source or str(Path(output).resolve())
    toc = "".join(f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s, _ in shown)
    sections = "".join(f'<section id="{s.key}" data-datasets="{" ".join(s.datasets)}"><h2>{html.escape(s.title)}</h2>'
                       f"{body}</section>" for s, body in shown)
    later = "".join(
        f"<li>{html.escape(s.title)}: needs {', '.join(f'<code>{d}</code>' for d in s.datasets)}, made by "
        f"<code>{html.escape(s.made_by)}</code></li>" for s in missing)
    pending = f'<section id="not-included"><h2>Not in this report</h2><ul>{later}</ul></section>' if missing else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>wikidumps report: {html.escape(named.rstrip('/').rsplit('/', 1)[-1])}</title><style>{STYLE}</style>"
        f"</head><body><main><h1>wikidumps report</h1><p class=\"meta\">{html.escape(named)}: "
        f"{len(data.manifests)} datasets. Written {now.strftime('%Y-%m-%d %H:%M UTC')}.</p>"
        f"<nav><ol>{toc}</ol></nav>{sections}{pending}</main></body></html>\n"
    )


def local_copy(source: str | Path, cache_dir: str | Path | None = None) -> Path:
    """The folder the report reads: `source` itself when it is local, else the cache folder into which the
    datasets its sections read are downloaded (verified, and not fetched again when already there)."""
    from wikidumps import cache_folder
    from wikidumps.stores import LocalStore, download_dataset, open_store

    store = open_store(source)
    if isinstance(store, LocalStore):
        return Path(source)
    folder = cache_folder(store.location, cache_dir)
    wanted = {name for section in SECTIONS for name in section.datasets}
    for name in sorted(wanted & set(store.list_datasets())):
        download_dataset(store, name, folder)
    return folder


def write_report(output: str | Path, path: str | Path | None = None, compare: str | Path | None = None,
                 update: str | Path | None = None) -> Path:
    """Writes the report of an output folder or published source (default: `<output>/report.html`; for a
    published source, `report.html` here) and returns its path. `update`: a local folder `run update` wrote
    a later snapshot to, whose changes get a section."""
    folder = local_copy(output)
    target = Path(path) if path else (folder / REPORT_FILE if folder == Path(output) else Path(REPORT_FILE))
    page = build_report(folder, compare=local_copy(compare) if compare is not None else None,
                        source=None if folder == Path(output) else str(output), update=update)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(target)
    except OSError as exc:  # a read-only or full disk: one line, not a traceback
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
