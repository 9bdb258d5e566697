"""`wikidumps datasets publish|list|describe|download`: share datasets and get them back, verified.

Each action imports the stores (and with them Arrow) when it runs, not when the command line is parsed.
"""
from __future__ import annotations

import sys

from wikidumps.transfer import TransferError, VerificationError, format_bytes

HELP = "publish datasets to gs:// or a folder a web server serves, list and describe them, download them verified"
DESCRIPTION = (
    "SOURCE is a local output folder, gs://bucket/prefix or an https:// URL of a published prefix. "
    "Downloads stream, resume partial files and verify every file's sha256 against the manifest."
)


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    publish = actions.add_parser("publish", help="copy an output folder's datasets, manifests and data cards, "
                                                 "with the catalog https:// readers list them by")
    publish.add_argument("output", metavar="OUTPUT_DIR", help="output folder of `wikidumps run`")
    publish.add_argument("target", metavar="TARGET",
                         help="gs://BUCKET/PREFIX, or a folder to serve with any static web server (or share)")
    publish.add_argument("--dataset", action="append", metavar="NAME", help="publish only this dataset (repeatable)")
    publish.add_argument("--deltas", action="store_true",
                         help="also publish what changed between each wiki's consecutive snapshots (pages removed, "
                              "rows added), which `download --since` applies to a copy of the earlier one")
    listing = actions.add_parser("list", help="the datasets of a source, with partitions, rows and sizes")
    listing.add_argument("source", metavar="SOURCE")
    describe = actions.add_parser("describe", help="a dataset's description, licence, partitions and columns")
    describe.add_argument("source", metavar="SOURCE")
    describe.add_argument("dataset", metavar="DATASET")
    download = actions.add_parser("download", help="download a dataset (or some partitions), verified")
    download.add_argument("source", metavar="SOURCE")
    download.add_argument("dataset", metavar="DATASET")
    download.add_argument("--wiki-db", metavar="X", help="only this wiki's partitions")
    download.add_argument("--snapshot", metavar="YYYYMMDD", help="only this snapshot's partitions")
    download.add_argument("--since", metavar="YYYYMMDD",
                          help="bring a copy of this snapshot in DIR up to date: fetch only the published deltas after "
                               "it and apply them (see `publish --deltas`)")
    download.add_argument("--to", required=True, metavar="DIR", help="destination folder (the dataset goes to DIR/DATASET)")


def run(args, beam_args: list[str]) -> int:
    from wikidumps.stores import StoreError

    try:
        return ACTIONS[args.action](args)
    except (StoreError, TransferError, VerificationError, ValueError) as exc:
        print(f"wikidumps datasets {args.action}: error: {exc}", file=sys.stderr)
        return 1


def _publish(args) -> int:
    from wikidumps.publish import publish

    result = publish(args.output, args.target, args.dataset, deltas=args.deltas)
    print(f"published {', '.join(result.datasets)} to {args.target}: {len(result.uploaded)} file(s) uploaded, "
          f"{len(result.skipped)} already there, {len(result.removed)} stale file(s) removed")
    return 0


def _list(args) -> int:
    from wikidumps.stores import open_store, partition_bytes, read_manifest

    source = open_store(args.source)
    names = source.list_datasets()
    if not names:
        print(f"{source.location}: no datasets")
        return 0
    print(f"{'dataset':<20} {'partitions':>10} {'rows':>14} {'size':>11}  description")
    for name in names:
        manifest = read_manifest(source, name)
        partitions = manifest.get("partitions", [])
        rows = sum(p.get("rows", 0) for p in partitions)
        size = sum(partition_bytes(p) for p in partitions)
        first_sentence = (manifest.get("description") or "").split(". ")[0].rstrip(".")
        print(f"{name:<20} {len(partitions):>10,} {rows:>14,} {format_bytes(size):>11}  {first_sentence}")
    return 0


def _describe(args) -> int:
    from wikidumps.stores import open_store, partition_bytes, read_manifest

    manifest = read_manifest(open_store(args.source), args.dataset)
    print(f"{manifest.get('dataset', args.dataset)} (schema {manifest.get('schema_version', '?')})")
    print(manifest.get("description", ""))
    print(f"licence: {manifest.get('licence', 'unknown')}")
    print(f"partitioned by: {', '.join(manifest.get('partitioning', []))}")
    print()
    print(f"{'wiki_db':<16} {'snapshot':<10} {'rows':>14} {'files':>6} {'size':>11}")
    for p in manifest.get("partitions", []):
        print(f"{p['wiki_db']:<16} {p['snapshot']:<10} {p['rows']:>14,} {len(p['files']):>6} "
              f"{format_bytes(partition_bytes(p)):>11}")
    print()
    for column in manifest.get("columns", []):
        print(f"  {column['name']:<32} {column['type']:<24} {column['doc']}")
    return 0


def _download(args) -> int:
    from wikidumps.stores import download_dataset, open_store, partition_bytes

    if args.since:
        return _download_since(args)

    result = download_dataset(open_store(args.source), args.dataset, args.to, wiki_db=args.wiki_db,
                              snapshot=args.snapshot)
    size = sum(partition_bytes(p) for p in result.partitions)
    print(f"{args.dataset}: {len(result.partitions)} partition(s), {format_bytes(size)}, sha256 verified, in "
          f"{result.folder} ({len(result.downloaded)} file(s) downloaded, {len(result.present)} already there)")
    return 0


def _download_since(args) -> int:
    from wikidumps.deltas import apply_deltas
    from wikidumps.stores import open_store

    if args.snapshot:
        raise ValueError("--since and --snapshot: choose one (--since brings a copy of that snapshot up to date)")
    result = apply_deltas(open_store(args.source), args.dataset, args.to, args.since, wiki_db=args.wiki_db)
    for wiki, snapshot in sorted(result.at.items()):
        if wiki in result.stopped:
            print(f"wikidumps datasets download: {result.stopped[wiki]}", file=sys.stderr)
        else:
            none = " (the source publishes no deltas of it: `datasets publish --deltas`)" if wiki in result.unpublished else ""
            print(f"{args.dataset}: {wiki} at snapshot {snapshot} in {result.folder} "
                  f"({sum(1 for a in result.applied if a.startswith(wiki + ' '))} delta(s) applied since {args.since}){none}")
    return 1 if result.stopped else 0


ACTIONS = {"publish": _publish, "list": _list, "describe": _describe, "download": _download}
