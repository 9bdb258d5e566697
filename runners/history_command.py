"""`wikidumps run history`: pages, revisions and errors from XML dumps."""
from __future__ import annotations

from pipelines import history
from runners.job import JobSpec, run_job
from runners.inputs import job_options, resume_inputs
from runners.profiles import profile_from_args
from runners.xml_jobs import add_xml_input_arguments, dump_partition, plan_inputs

HELP = "XML dumps -> pages, revisions (with identity reverts) and errors"
DESCRIPTION = (
    "Stream pages-articles, pages-meta-current, pages-meta-history or stub dumps (xml, bz2 incl. "
    "multistream, gz, xz, lzma, 7z) into the pages, revisions and errors datasets."
)


def add_arguments(parser) -> None:
    add_xml_input_arguments(parser)


def run(args, beam_args: list[str]) -> int:
    profile = profile_from_args(args, beam_args, history.NAME)
    inputs = plan_inputs(args)
    if args.resume:
        inputs = resume_inputs(inputs, args.output, history.DATASETS, dump_partition)
        if not inputs:
            return 0
    split_bytes = int(args.split_size_mb * 2**20)
    spec = JobSpec(
        pipeline=history.NAME,
        build=history.build,
        make_config=lambda progress_dir: history.HistoryConfig(tuple(inputs), split_bytes, progress_dir),
        datasets=history.DATASETS,
        inputs=inputs,
        partitions=[dump_partition(source) for source in inputs],
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        records=(("pages-read", "pages-dropped", "pages"), ("revisions-read", "revisions-dropped", None)),
    )
    outcome = run_job(spec, profile)
    return outcome.exit_code
