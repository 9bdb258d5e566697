"""`wikidumps run editor-activity`: editor_months and the editor_activity index from published datasets."""
from __future__ import annotations

from runners.cli.run.options import UsageError
from transforms.common.files import UnusableInputError

NAME = "editor-activity"
HELP = "revisions (+ events) -> editor_months, the editor_activity index, newcomer_cohorts, article_survival"
DESCRIPTION = (
    "Compute per-editor months and the editor-activity index (active, very active, new and returning editors, "
    "edits by editor type and page type, revert rate, constructive edits, new-editor retention, retained "
    "editors), newcomer cohorts by month of first edit, and, with --events, the 30-day survival of new articles "
    "by creator experience, from a published revisions dataset, with user events (registrations, bot groups) "
    "and page events (deletions, restorations) from a `run events` output when given. "
    "Definitions: docs/metrics.md."
)


def add_arguments(parser) -> None:
    parser.add_argument("--revisions", required=True, metavar="DIR", help="output folder holding the revisions dataset")
    parser.add_argument("--events", metavar="DIR", help="output folder of `run events` holding the events and page_events datasets")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--privacy", choices=("public", "none"), default="none",
                        help="public: WMF's public thresholds (counts rounded up to tens, cells under 3 dropped)")
    parser.add_argument("--content-namespaces", metavar="N,N", default="0",
                        help="content namespaces of wikis the namespace map does not list (default: 0)")
    parser.add_argument("--namespace-map", metavar="PATH",
                        help="WMF's mediawiki_project_namespace_map as JSON lines (dbname, namespace, "
                             "namespace_is_content), plain or .gz")


def plan(job, args):
    """The job's Config from the command line."""
    if args.resume:
        raise UsageError("--resume is not supported by the editor-activity job: its index is computed from every "
                         "partition of the revisions at once")
    try:
        default = frozenset(int(n) for n in args.content_namespaces.split(",") if n.strip())
    except ValueError:
        raise UnusableInputError(args.content_namespaces, "--content-namespaces takes numbers separated by commas") from None
    return job.plan(args.revisions, events_root=args.events, namespace_map=args.namespace_map,
                    default_content=default, public=args.privacy == "public")
