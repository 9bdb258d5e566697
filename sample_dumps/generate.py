"""Deterministic generator of "samplewiki", the synthetic wiki the project's demo and tests run on.

Two layers:
1. build_wiki(seed) -> SampleWiki: a pure in-memory model (siteinfo, users, pages, revisions), made
   from one random.Random(seed) and fixed dates only, so every run gives the same model.
2. Writers that serialise the model: write_xml_dumps(wiki, out_dir) writes the XML dumps and
   dumpstatus.json; write_event_dumps(wiki, out_dir) the same history as EventStreams JSON, Avro and a
   MediaWiki history TSV (sample_dumps/events.py); write_wikidata_dump the Wikidata entity dump
   (sample_dumps/wikidata.py) and write_pageview_dumps the hourly and pageviews-complete files
   (sample_dumps/pageviews.py); write_enterprise_dump the articles' latest revisions as a Wikimedia
   Enterprise HTML dump, rendered to Parsoid-shaped HTML (sample_dumps/enterprise.py). New formats are added as further writers over the same model.
3. A month later (sample_dumps/month.py): build_next_month(wiki, seed) replays January 2026 on the model,
   write_next_month(wiki, out_dir, seed) writes the 20260201 snapshot's XML dumps, the daily adds/changes
   dumps between the two snapshots and the month's page_change events (not committed: tests write them).

Run `python sample_dumps/generate.py [--out DIR]` to (re)write the committed files; the default DIR
is this folder. Golden tests import the model from here:

    from sample_dumps.generate import build_wiki, mediawiki_sha1
    wiki = build_wiki()
    wiki.pages[0].revisions[-1].sha1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the repository root importable so the package imports below work.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_dumps.history import SITEINFO, TEMP_ACCOUNTS_FROM, WIKI_END, WIKI_START, build_wiki  # noqa: E402
from sample_dumps.model import (  # noqa: E402
    DUMP_DATE,
    Contributor,
    IdentityRevert,
    Namespace,
    Page,
    Revision,
    SampleWiki,
    SiteInfo,
    User,
    find_identity_reverts,
    in_pages_articles,
    isbn_is_valid,
    mediawiki_sha1,
)
from sample_dumps.enterprise import enterprise_file_name, enterprise_records, write_enterprise_dump  # noqa: E402
from sample_dumps.campaign import write_campaign  # noqa: E402
from sample_dumps.events import event_file_names, write_event_dumps  # noqa: E402
from sample_dumps.pageviews import build_pageview_files, write_pageview_dumps  # noqa: E402
from sample_dumps.wikidata import build_entities, write_wikidata_dump  # noqa: E402
from sample_dumps.xmldump import PAGES_PER_STREAM, dump_file_names, write_xml_dumps  # noqa: E402

DEFAULT_SEED = 20260101
SAMPLE_DIR = Path(__file__).resolve().parent

__all__ = [
    "DEFAULT_SEED", "DUMP_DATE", "PAGES_PER_STREAM", "SAMPLE_DIR", "SITEINFO", "TEMP_ACCOUNTS_FROM",
    "WIKI_END", "WIKI_START", "Contributor", "IdentityRevert", "Namespace", "Page", "Revision", "SampleWiki",
    "SiteInfo", "User", "build_entities", "build_pageview_files", "build_wiki", "dump_file_names",
    "enterprise_file_name", "enterprise_records", "event_file_names", "find_identity_reverts", "in_pages_articles", "isbn_is_valid", "main", "mediawiki_sha1",
    "write_enterprise_dump", "write_event_dumps", "write_pageview_dumps", "write_wikidata_dump", "write_xml_dumps",
]


def main(argv: list[str] | None = None) -> int:
    """Command line: build the model and write every output into --out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="output folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="random seed; the committed files use the default")
    args = parser.parse_args(argv)
    wiki = build_wiki(args.seed)
    paths = list((write_xml_dumps(wiki, args.out) | write_event_dumps(wiki, args.out)).values())
    paths.append(write_wikidata_dump(wiki, args.out))
    paths += write_pageview_dumps(wiki, args.out, args.seed)
    paths.append(write_campaign(args.out))
    paths.append(write_enterprise_dump(wiki, args.out))
    for path in paths:
        print(f"{path.stat().st_size:>9}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
