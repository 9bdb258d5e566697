"""`wikidumps inspect PATH`: what a dump file is, before running a job on it."""
from __future__ import annotations

import json

from transforms.common.files import UnusableInputError
from transforms.events import inputs as event_inputs
from transforms.lines import pageviews, wikidata
from transforms.lines.inputs import first_lines
from transforms.xml.inputs import describe_input
from transforms.xml.inspection import count_pages
from transforms.xml.multistream import read_stream_offsets

HELP = "describe a dump file: kind, wiki, export version, compression, index, counts"
DESCRIPTION = (
    "Print the dump kind, wiki, export version, compression, whether a multistream index was found, "
    "and page and revision counts (a full read; --no-count skips it)."
)
# The families' checks want a date and a wiki that only matter to a job; to tell what a file is, any will do.
ANY_SNAPSHOT = "20000101"
ANY_WIKI = "unknown"
# The family of dump files each job reads (the other jobs read datasets).
FAMILY_OF_JOB = {"history": "xml", "content": "xml", "events": "events", "wikidata": "wikidata",
                 "pageviews": "pageviews"}
EVENT_FORMATS = {event_inputs.JSON_LINES: "an event dump (EventStreams JSON lines)",
                 event_inputs.AVRO: "an event dump (Avro event file)",
                 event_inputs.HISTORY_TSV: "an event dump (MediaWiki history TSV)"}


def add_arguments(parser) -> None:
    parser.add_argument("path", help="dump file (local path or gs://)")
    parser.add_argument("--no-count", action="store_true", help="do not read the whole file to count pages")
    parser.add_argument("--wiki-db", metavar="NAME", help="wiki database name when the dump has none")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def other_family(path: str) -> tuple[str, str] | None:
    """(what the file is, the job that reads it) when `path` is a dump of another family than XML.

    Each family's own input checks decide, in an order where the looser ones come last: a pageview dump
    by its name and fields, an event dump by its records, a Wikidata dump by the `[` line that opens its
    array or an entity on its first lines (any JSON passes the Wikidata job's own check, which only looks
    for `[` or `{`; and one entity line can be longer than the lines sniffed).
    """
    if named := pageviews.file_kind(path):
        try:
            pageviews.describe_inputs([path])
            return f"a pageview dump ({named[0]})", "pageviews"
        except UnusableInputError:
            pass
    try:
        source = event_inputs.describe_input(path, snapshot=ANY_SNAPSHOT, wiki_db=ANY_WIKI)
        return EVENT_FORMATS.get(source.format, "an event dump"), "events"
    except UnusableInputError:
        pass
    try:
        (source,) = wikidata.describe_inputs([path], snapshot=ANY_SNAPSHOT)
        lines = first_lines(source)
        opens_array = [line.strip() for line in lines[:1]] == ["["]
        if opens_array or any(wikidata.decode_line(line.encode("utf-8")) for line in lines):
            return "a Wikidata JSON entity dump", "wikidata"
    except (UnusableInputError, ValueError):
        pass
    return None


def with_family_hint(exc: UnusableInputError, job: str) -> UnusableInputError:
    """`exc`, refusing a file to `job`, or, when the file is a dump of another family, an error that says
    what it is and which job reads it."""
    if FAMILY_OF_JOB.get(job) is None:
        return exc
    try:
        describe_input(exc.path, strict=False)
        found: tuple[str, str] | None = ("a MediaWiki XML dump", "history")
    except UnusableInputError:
        found = other_family(exc.path)
    if found is None or FAMILY_OF_JOB[found[1]] == FAMILY_OF_JOB[job]:
        return exc
    what, reader = found
    readers = " or ".join(f"`wikidumps run {name}`" for name, family in FAMILY_OF_JOB.items()
                          if family == FAMILY_OF_JOB[reader])
    return UnusableInputError(exc.path, f"{what}, which `wikidumps run {job}` does not read; read it with {readers}")


def run(args, beam_args: list[str]) -> int:
    try:
        source = describe_input(args.path, wiki_db=args.wiki_db, strict=False)
    except UnusableInputError as exc:
        found = other_family(args.path)
        if found is None:
            raise
        what, job = found
        raise UnusableInputError(exc.path, f"{what}, not a MediaWiki XML dump (`wikidumps inspect` describes XML "
                                           f"dumps); read it with `wikidumps run {job}`") from None
    facts = {
        "path": source.path,
        "kind": source.kind + (" (guessed from content)" if source.kind_guessed else ""),
        "wiki_db": source.wiki_db or "unknown (no <dbname>; jobs need --wiki-db)",
        "snapshot": source.snapshot or "unknown (no date in the file name; jobs need --snapshot)",
        "export_version": source.export_version,
        "compression": source.compression,
        "size_bytes": source.size,
        "multistream_index": source.multistream_index or "none found",
    }
    if source.multistream_index:
        facts["streams"] = len(read_stream_offsets(source.multistream_index))
    if source.siteinfo:
        facts["namespaces"] = len(source.siteinfo.namespaces)
    if not args.no_count:
        facts.update(count_pages(source))
    if args.json:
        print(json.dumps(facts, indent=2))
    else:
        width = max(len(key) for key in facts)
        for key, value in facts.items():
            print(f"{key:<{width}}  {value:,}" if isinstance(value, int) else f"{key:<{width}}  {value}")
    return 0
