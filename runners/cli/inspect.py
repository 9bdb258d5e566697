"""`wikidumps inspect PATH`: what a dump file is, before running a job on it."""
from __future__ import annotations

import json

from runners.cli.run.options import require_extra
from transforms.common.files import UnusableInputError

HELP = "describe a dump file: kind, wiki, export version, compression, index, counts"
DESCRIPTION = (
    "Print the dump kind, wiki, export version, compression, whether a multistream index was found, "
    "and page and revision counts (a full read; --no-count skips it)."
)


def add_arguments(parser) -> None:
    parser.add_argument("path", help="dump file (local path or gs://)")
    parser.add_argument("--no-count", action="store_true", help="do not read the whole file to count pages")
    parser.add_argument("--wiki-db", metavar="NAME", help="wiki database name when the dump has none")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args, beam_args: list[str]) -> int:
    require_extra("apache_beam", "pipelines", "inspect")
    from runners.cli.families import other_family, readers_of
    from transforms.xml.inputs import describe_input
    from transforms.xml.inspection import count_pages
    from transforms.xml.multistream import read_stream_offsets

    try:
        source = describe_input(args.path, wiki_db=args.wiki_db, strict=False)
    except UnusableInputError as exc:
        found = other_family(args.path)
        if found is None:
            raise
        what, family = found
        raise UnusableInputError(exc.path, f"{what}, not a MediaWiki XML dump (`wikidumps inspect` describes XML "
                                           f"dumps); read it with {readers_of(family)}") from None
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
