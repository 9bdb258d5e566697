"""`wikidumps run editor-activity`: editor_months and the editor_activity index from published datasets."""
from __future__ import annotations

import gzip
import json
from collections import defaultdict

from apache_beam.io.filesystems import FileSystems

from pipelines import editor_activity
from runners.inputs import job_options
from runners.job import JobSpec, records_progress, run_job
from runners.profiles import profile_from_args
from transforms.dumpfiles import UnusableInputError
from transforms.read_dataset import list_dataset_files

HELP = "revisions (+ events) -> editor_months and the editor_activity index, with WMF's definitions"
DESCRIPTION = (
    "Compute per-editor months and the editor-activity index (active, very active, new and returning editors, "
    "edits by editor type and page type, revert rate, new-editor retention) from a published revisions "
    "dataset, with user events (registrations, bot groups) from an events dataset when given. "
    "Definitions: docs/metrics.md."
)


def add_arguments(parser) -> None:
    parser.add_argument("--revisions", required=True, metavar="DIR", help="output folder holding the revisions dataset")
    parser.add_argument("--events", metavar="DIR", help="output folder holding the events dataset (user events)")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--privacy", choices=("public", "none"), default="none",
                        help="public: WMF's public thresholds (counts rounded up to tens, cells under 3 dropped)")
    parser.add_argument("--content-namespaces", metavar="N,N", default="0",
                        help="content namespaces of wikis the namespace map does not list (default: 0)")
    parser.add_argument("--namespace-map", metavar="PATH",
                        help="WMF's mediawiki_project_namespace_map as JSON lines (dbname, namespace, "
                             "namespace_is_content), plain or .gz")


def read_namespace_map(path: str, wikis: set[str]) -> dict[str, frozenset]:
    """Content namespaces per wiki from WMF's namespace map (JSON lines), for the given wikis."""
    content = defaultdict(set)
    try:
        with FileSystems.open(path) as handle:
            data = handle.read()
    except Exception as exc:
        raise UnusableInputError(path, f"cannot open: {exc}") from exc
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row["dbname"] in wikis and row["namespace_is_content"]:
                content[row["dbname"]].add(int(row["namespace"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise UnusableInputError(path, f"line {number} is not a namespace map row: {exc}") from None
    return {wiki: frozenset(namespaces) for wiki, namespaces in content.items()}


def run(args, beam_args: list[str]) -> int:
    files = list_dataset_files(args.revisions, "revisions")
    if not files:
        raise UnusableInputError(args.revisions, "no revisions dataset here (expected revisions/wiki_db=*/snapshot=*/*.parquet)")
    if args.events and not list_dataset_files(args.events, "events"):
        raise UnusableInputError(args.events, "no events dataset here (expected events/wiki_db=*/snapshot=*/*.parquet)")
    try:
        default = frozenset(int(n) for n in args.content_namespaces.split(",") if n.strip())
    except ValueError:
        raise UnusableInputError(args.content_namespaces, "--content-namespaces takes numbers separated by commas") from None
    partitions = sorted({f.partition for f in files}, key=lambda p: p.path)
    wikis_per_snapshot = defaultdict(set)
    for partition in partitions:
        wikis_per_snapshot[partition.snapshot].add(partition.wiki_db)
    config_values = dict(
        revisions_root=args.revisions, events_root=args.events, default_content=default,
        content_namespaces=read_namespace_map(args.namespace_map, {p.wiki_db for p in partitions}) if args.namespace_map else {},
        cross_wiki_snapshots=frozenset(s for s, wikis in wikis_per_snapshot.items() if len(wikis) > 1),
        public=args.privacy == "public",
    )
    spec = JobSpec(
        pipeline=editor_activity.NAME,
        build=editor_activity.build,
        make_config=lambda progress_dir: editor_activity.EditorActivityConfig(**config_values, progress_dir=progress_dir),
        datasets=editor_activity.DATASETS_WRITTEN,
        inputs=files,
        partitions=partitions,
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        records=(("revisions-read", "revisions-dropped", None, "edits-unattributed"),),
        progress=records_progress,
    )
    return run_job(spec, profile_from_args(args, beam_args, editor_activity.NAME)).exit_code
