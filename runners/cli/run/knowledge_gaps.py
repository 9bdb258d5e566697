"""`wikidumps run knowledge-gaps`: article_gaps and the knowledge_gaps index from published datasets."""
from __future__ import annotations

from runners.cli.run.options import UsageError
from transforms.common.files import UnusableInputError
from transforms.defaults import STANDARD_QUALITY

NAME = "knowledge-gaps"
HELP = "pages, revisions, links, article_quality, wikidata_entities (+ pageviews) -> article_gaps, knowledge_gaps"
DESCRIPTION = (
    "Put every article (content namespace, not a redirect) in a category of each knowledge gap (gender, sexual "
    "orientation, country, continent, Wikimedia region, time, illustration) from its Wikidata item and media "
    "links, and compute Wikimedia's content-gap metrics per category and month: articles, creations, views, "
    "revisions, quality. Definitions: docs/knowledge-gaps.md."
)


def add_arguments(parser) -> None:
    parser.add_argument("--pages", required=True, metavar="DIR", help="output folder holding the pages dataset")
    parser.add_argument("--revisions", required=True, metavar="DIR", help="output folder holding the revisions dataset")
    parser.add_argument("--links", required=True, metavar="DIR", help="output folder holding the links dataset")
    parser.add_argument("--quality", required=True, metavar="DIR",
                        help="output folder holding the article_quality dataset")
    parser.add_argument("--wikidata", required=True, metavar="DIR",
                        help="output folder holding the wikidata_entities dataset (one Wikidata dump)")
    parser.add_argument("--pageviews", metavar="DIR", help="output folder holding the pageviews dataset")
    parser.add_argument("--output", required=True, metavar="DIR", help="output folder (local or gs://)")
    parser.add_argument("--content-namespaces", default="0", metavar="N[=PREFIX],...",
                        help="content namespaces (default: 0); others need the title prefix sitelinks and pageview "
                             "dumps write, e.g. 0,104=Author")
    parser.add_argument("--standard-quality", type=float, default=STANDARD_QUALITY, metavar="SCORE",
                        help="article_quality score at or above which an article is of standard quality "
                             "(default %(default)g, see docs/knowledge-gaps.md)")


def content_namespaces(value: str) -> dict[int, str]:
    """`0,104=Author` -> {0: "", 104: "Author"}."""
    namespaces = {}
    for item in value.split(","):
        number, _, prefix = item.strip().partition("=")
        if not number.strip().lstrip("-").isdigit():
            raise UnusableInputError(value, "--content-namespaces takes N or N=PREFIX separated by commas")
        namespace = int(number)
        if namespace != 0 and not prefix.strip():
            raise UnusableInputError(value, f"namespace {namespace} needs its title prefix (e.g. {namespace}=Author): "
                                            "sitelinks and pageview dumps name pages by prefixed title")
        namespaces[namespace] = prefix.strip().replace(" ", "_") if namespace else ""
    return namespaces


def plan(job, args):
    """The job's Config from the command line."""
    if args.resume:
        raise UsageError("--resume is not supported by the knowledge-gaps job: its index is computed from all of "
                         "its input datasets at once")
    return job.plan(args.pages, args.revisions, args.links, args.quality, args.wikidata, pageviews_root=args.pageviews,
                    namespaces=content_namespaces(args.content_namespaces), standard_quality=args.standard_quality)
