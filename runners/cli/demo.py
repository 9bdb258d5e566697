"""`make demo`: the jobs on the bundled samplewiki, one after the other into one folder, then the report."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runners.cli.main import main as run_command
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
    for step in steps:
        if args.workers:
            step = [*step[:2], "--workers", str(args.workers), *step[2:]]
        print(f"\n$ wikidumps {' '.join(step)}", flush=True)
        code = run_command(step)
        if code != 0:
            return code
    print(f"\nDatasets, data cards (_README.md) and manifests (_manifest.json) are in {Path(args.output).resolve()}")
    print(f"The same content datasets from the rendered articles (Enterprise HTML) are in {Path(html_out).resolve()}")
    print(f"Report (open it in a browser): {write_report(args.output, compare=html_out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
