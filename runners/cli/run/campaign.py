"""`wikidumps run campaign`: an editing campaign's participants and totals from published datasets."""
from __future__ import annotations

from runners.cli.run.options import UsageError
from transforms.common.files import UnusableInputError

NAME = "campaign"
HELP = "revisions (+ page events) and a participants list -> campaign_participants and campaign_summary"
DESCRIPTION = (
    "Compute what the participants of an editing campaign did on one wiki from --start to before --end: per "
    "participant edits, content edits, bytes added and removed, articles created and alive 30 days later, edits "
    "reverted within 48 hours, whether they were new and whether they edited again 30 to 60 days after; and the "
    "campaign's summary. Revisions come from `run history` or `run events`; page events (deletions) from "
    "`run events`. Definitions: docs/metrics.md."
)


def add_arguments(parser) -> None:
    parser.add_argument("--revisions", required=True, metavar="DIR", help="output folder holding the revisions dataset")
    parser.add_argument("--events", metavar="DIR",
                        help="output folder of `run events` holding page_events (for articles alive 30 days later)")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--participants", metavar="FILE",
                     help="the participants' user names, one per line (# starts a comment line)")
    who.add_argument("--participants-category", metavar="NAME",
                     help="participants: the users whose user page is in this category (links dataset, --links)")
    who.add_argument("--participants-linked-from", metavar="TITLE",
                     help="participants: everyone who edited, during the campaign, a page linked from this page "
                          "(its title without namespace prefix; links dataset, --links)")
    parser.add_argument("--links", metavar="DIR", help="output folder holding the links dataset (`run content`), "
                        "for --participants-category and --participants-linked-from")
    parser.add_argument("--start", required=True, metavar="T",
                        help="the campaign's first instant: YYYY-MM-DD (00:00 UTC) or YYYY-MM-DDTHH:MM:SSZ")
    parser.add_argument("--end", required=True, metavar="T", help="the first instant after the campaign (same forms)")
    parser.add_argument("--wiki", required=True, metavar="NAME", help="the wiki of the campaign (wiki_db, e.g. enwiki)")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--privacy", choices=("public", "none"), default="none",
                        help="public: WMF's public thresholds (counts rounded up to tens, small campaigns dropped)")


def plan(job, args):
    """The job's Config from the command line."""
    from transforms.indices.campaign import to_seconds

    if args.resume:
        raise UsageError("--resume is not supported by the campaign job: its figures are computed from every "
                         "partition of the wiki at once")
    times = {}
    for option, value in (("--start", args.start), ("--end", args.end)):
        try:
            times[option] = to_seconds(value)
        except ValueError:
            raise UsageError(f"{option} {value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from None
    source = None
    if args.participants is None:
        if not args.links:
            raise UsageError("--participants-category and --participants-linked-from need --links DIR")
        source = ("category", args.participants_category) if args.participants_category is not None \
            else ("linked-from", args.participants_linked_from)
        text = ""
    else:
        try:
            with open(args.participants, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UnusableInputError(args.participants, f"cannot read the participants file ({exc})") from None
    return job.plan(args.revisions, text, times["--start"], times["--end"], args.wiki, events_root=args.events,
                    public=args.privacy == "public", links_root=args.links, source=source)
