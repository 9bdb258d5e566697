"""`wikidumps run wikidata`: a Wikidata JSON entity dump into wikidata_entities and errors."""
from __future__ import annotations

import dataclasses


from pipelines import wikidata
from runners.job import JobSpec, records_progress, run_job
from runners.profiles import profile_from_args
from runners.inputs import job_options, resume_inputs, unique_paths
from runners.text_jobs import add_text_input_arguments, head_lines
from transforms.dump_inputs import SNAPSHOT, snapshot_from_name
from transforms.dumpfiles import UnusableInputError
from transforms.lines import TextInput, describe_text_input
from transforms.rows import Partition
from transforms.wikidata_json import WIKIDATA_WIKI

HELP = "Wikidata JSON entity dump -> wikidata_entities and errors"
DESCRIPTION = (
    "Stream a Wikidata JSON entity dump (latest-all.json, .json.gz or .json.bz2: one entity per line) into "
    "the wikidata_entities dataset (sitelinks, P31, P21, P91, P17, P27, P495, P625 and dates) and errors. "
    "Uncompressed files are read in parallel byte ranges; compressed files one per worker."
)


def add_arguments(parser) -> None:
    add_text_input_arguments(parser, "Wikidata JSON dump file")
    parser.add_argument("--wiki-db", action="extend", nargs="+", metavar="NAME",
                        help="keep sitelinks to these wikis only (enwiki dewiki ...); default: every sitelink")
    parser.add_argument("--snapshot", metavar="YYYYMMDD",
                        help="dump date when the file name does not carry it (latest-all.json)")


def plan_inputs(args) -> list[TextInput]:
    """Describes every input, refusing unusable ones with a one-line reason."""
    inputs = []
    for order, path in enumerate(unique_paths(args.input)):
        snapshot = args.snapshot or snapshot_from_name(path)
        if not snapshot:
            raise UnusableInputError(path, "cannot tell the dump date from the file name; pass --snapshot YYYYMMDD")
        if not SNAPSHOT.match(snapshot):
            raise UnusableInputError(path, f"snapshot {snapshot!r} is not a date YYYYMMDD")
        source = describe_text_input(path, order, "wikidata-json", snapshot)
        first = head_lines(source, 1)
        if first and not first[0].lstrip().startswith(("[", "{")):
            raise UnusableInputError(path, f"not a Wikidata JSON dump: it starts with {first[0][:60]!r}")
        inputs.append(source)
    return inputs


def partition_of(source: TextInput) -> Partition:
    return Partition(WIKIDATA_WIKI, source.snapshot)


def run(args, beam_args: list[str]) -> int:
    inputs = plan_inputs(args)
    if args.resume:
        inputs = resume_inputs(inputs, args.output, wikidata.DATASETS, partition_of)
        if not inputs:
            return 0
    config = wikidata.WikidataConfig(tuple(inputs), frozenset(args.wiki_db) if args.wiki_db else None,
                                     int(args.split_size_mb * 2**20))
    spec = JobSpec(
        pipeline=wikidata.NAME,
        build=wikidata.build,
        make_config=lambda progress_dir: dataclasses.replace(config, progress_dir=progress_dir),
        datasets=wikidata.DATASETS,
        inputs=inputs,
        partitions=sorted({partition_of(source) for source in inputs}, key=lambda p: p.path),
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        progress=records_progress,
        records=(("entities-read", "entities-dropped", "wikidata_entities"),),
    )
    return run_job(spec, profile_from_args(args, beam_args, wikidata.NAME)).exit_code
