"""`make demo`: the jobs on the bundled samplewiki, one after the other into one folder; then a month later:
`stream` from a local replay of the month's page_change events and `run update` to the second snapshot;
then the report, with what the update changed."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from runners.cli.main import main as run_command
from runners.replay import SseServer, with_end_marker
from wikidumps.report import write_report

SAMPLE_DUMPS = Path(__file__).resolve().parents[2] / "sample_dumps"
HISTORY_DUMP = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
ARTICLES_DUMP = SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"
HTML_DUMP = SAMPLE_DUMPS / "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz"
# The content datasets from the rendered articles: a folder of their own inside the demo's, since the
# datasets of both sources share their names and partitions (the report compares the two).
HTML_OUTPUT = "enterprise-html"
WIKIDATA_DUMP = SAMPLE_DUMPS / "wikidata-20260101-all.json.gz"
PAGEVIEW_DUMPS = SAMPLE_DUMPS / "pageviews"
# samplewiki's editing campaign (sample_dumps/campaign.py writes who signed up): a fortnight of July 2025.
CAMPAIGN_PARTICIPANTS = SAMPLE_DUMPS / "samplewiki-campaign-participants.txt"
CAMPAIGN_START, CAMPAIGN_END = "2025-07-01", "2025-07-15"
EVENTS_DUMP = SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz"
# The events job writes revisions too: its output goes to a folder of its own inside the demo's, which
# readers of the demo's datasets pass over (it holds no _manifest.json of its own).
EVENTS_FOLDER = "event-dumps"
# A month later: the second snapshot's adds/changes dumps (sample_dumps/month.py, written by the demo), the
# page_change events streamed from a loopback replay, and a copy of the first snapshot's datasets brought to
# the second by `run update` (a folder of its own: the report's other sections read one snapshot).
MONTH_FOLDER, LIVE_FOLDER, UPDATE_FOLDER = "next-month", "live", "update"
STREAM = "mediawiki.page_change.v1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run wikidumps on the bundled samplewiki.")
    parser.add_argument("--output", default="demo-output", help="output folder (default %(default)s)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="local worker processes of each job (default: one per core)")
    args = parser.parse_args(argv)
    out = args.output
    html_out = str(Path(out) / HTML_OUTPUT)
    events = str(Path(out) / EVENTS_FOLDER)
    # Each job reads what the earlier ones published into the same folder: knowledge-gaps needs them all.
    steps = [
        ["run", "history", "--input", str(HISTORY_DUMP), "--output", out],
        ["run", "content", "--input", str(ARTICLES_DUMP), "--output", out],
        ["run", "content", "--input", str(HTML_DUMP), "--output", html_out],
        ["run", "wikidata", "--input", str(WIKIDATA_DUMP), "--wiki-db", "samplewiki", "--output", out],
        ["run", "pageviews", "--input", *sorted(str(p) for p in PAGEVIEW_DUMPS.iterdir()), "--output", out],
        ["run", "events", "--input", str(EVENTS_DUMP), "--output", events],
        ["run", "editor-activity", "--revisions", out, "--events", events, "--output", out],
        ["run", "campaign", "--revisions", out, "--events", events, "--participants", str(CAMPAIGN_PARTICIPANTS),
         "--start", CAMPAIGN_START, "--end", CAMPAIGN_END, "--wiki", "samplewiki", "--output", out],
        ["run", "knowledge-gaps", "--pages", out, "--revisions", out, "--links", out, "--quality", out,
         "--wikidata", out, "--pageviews", out, "--output", out],
    ]
    code = _run_steps(steps, args.workers)
    if code != 0:
        return code
    updated = Path(out) / UPDATE_FOLDER
    code = _a_month_later(Path(out), updated, args.workers)
    if code != 0:
        return code
    print(f"\nDatasets, data cards (_README.md) and manifests (_manifest.json) are in {Path(args.output).resolve()}")
    print(f"The same content datasets from the rendered articles (Enterprise HTML) are in {Path(html_out).resolve()}")
    print(f"The first snapshot brought to the second by `run update` is in {updated.resolve()}")
    print(f"Report (open it in a browser): {write_report(args.output, compare=html_out, update=updated).resolve()}")
    return 0


def _run_steps(steps: list[list[str]], workers: int | None) -> int:
    for step in steps:
        if workers and step[0] == "run":
            step = [*step[:2], "--workers", str(workers), *step[2:]]
        print(f"\n$ wikidumps {' '.join(_shown(step))}", flush=True)
        code = run_command(step)
        if code != 0:
            return code
    return 0


def _shown(step: list[str]) -> list[str]:
    """The command as printed: an option's long list of files shortened to its first and last."""
    shown, run = [], []
    for word in [*step, "--"]:
        if word.startswith("-") and len(run) > 3:
            shown[-len(run):] = [run[0], f"... ({len(run) - 2} more)", run[-1]]
        run = [] if word.startswith("-") else run + [word]
        shown.append(word)
    return shown[:-1]


def _a_month_later(out: Path, updated: Path, workers: int | None) -> int:
    """The month's adds/changes dumps written, its page_change events streamed from a replay server on
    loopback into hourly files, and `run update` of a copy of the first snapshot with both."""
    from pipelines.update import DATASETS as UPDATED
    from sample_dumps.generate import DEFAULT_SEED, build_wiki
    from sample_dumps.month import NEXT_DUMP_DATE, build_next_month, write_increments

    month = build_next_month(build_wiki(DEFAULT_SEED), DEFAULT_SEED)
    days = write_increments(month, out / MONTH_FOLDER / "incr")
    shutil.rmtree(updated, ignore_errors=True)
    for name in UPDATED:  # the first snapshot's datasets the update carries, as plain folders
        if name != "errors" and (out / name).is_dir():
            shutil.copytree((out / name).resolve(), updated / name)
    # The stream stops at --until, just before the replay's last event (ingested at the second snapshot).
    until = f"{NEXT_DUMP_DATE[:4]}-{NEXT_DUMP_DATE[4:6]}-{NEXT_DUMP_DATE[6:]}T00:00:00Z"
    events = with_end_marker([json.dumps(e, ensure_ascii=False).encode() for e in month.events], until)
    live = out / LIVE_FOLDER
    shutil.rmtree(live, ignore_errors=True)
    with SseServer(events, streams=(STREAM,)) as server:
        print(f"\n(a replay of samplewiki's {len(month.events)} page_change events of January 2026 at {server.base})")
        code = _run_steps([["stream", STREAM, "--url", server.base, "--output", str(live), "--until", until]], None)
    if code != 0:
        return code
    streamed = sorted(str(p) for p in (live / STREAM).glob("*.json"))
    return _run_steps([["run", "update", "--base", str(updated), "--increments", *map(str, days), "--events",
                        *streamed, "--snapshot", NEXT_DUMP_DATE]], workers)


if __name__ == "__main__":
    sys.exit(main())
