"""`wikidumps run knowledge-gaps`: article_gaps and the knowledge_gaps index from published datasets."""
from __future__ import annotations

from collections import defaultdict

from pipelines import knowledge_gaps
from runners.inputs import job_options
from runners.job import JobSpec, RecordCount, records_progress, run_job
from runners.profiles import build_profile
from transforms.dumpfiles import UnusableInputError
from transforms.knowledge_gaps import DEFAULT_STANDARD_QUALITY
from transforms.read_dataset import DatasetFile, list_dataset_files

HELP = "pages, revisions, links, article_quality, wikidata_entities (+ pageviews) -> article_gaps, knowledge_gaps"
DESCRIPTION = (
    "Put every article (content namespace, not a redirect) in a category of each knowledge gap (gender, sexual "
    "orientation, country, continent, Wikimedia region, time, illustration) from its Wikidata item and media "
    "links, and compute Wikimedia's content-gap metrics per category and month: articles, creations, views, "
    "revisions, quality. Definitions: docs/knowledge-gaps.md."
)
# Datasets that must hold a partition for every partition of pages: they come from the same dumps.
SAME_DUMP = (("revisions", "revisions"), ("links", "links"), ("quality", "article_quality"))


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
    parser.add_argument("--standard-quality", type=float, default=DEFAULT_STANDARD_QUALITY, metavar="SCORE",
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


def dataset_files(root: str, dataset: str) -> list[DatasetFile]:
    files = list_dataset_files(root, dataset)
    if not files:
        raise UnusableInputError(root, f"no {dataset} dataset here (expected {dataset}/wiki_db=*/snapshot=*/*.parquet)")
    return files


def run(args, beam_args: list[str]) -> int:
    namespaces = content_namespaces(args.content_namespaces)
    if not 0 <= args.standard_quality <= 1:
        raise UnusableInputError(str(args.standard_quality), "--standard-quality is a score between 0 and 1")
    pages = dataset_files(args.pages, "pages")
    partitions = sorted({f.partition for f in pages}, key=lambda p: p.path)
    wikis = frozenset(p.wiki_db for p in partitions)
    inputs = list(pages)
    for option, dataset in SAME_DUMP:
        root = getattr(args, option)
        files = dataset_files(root, dataset)
        present = {f.partition for f in files}
        missing = [p.path for p in partitions if p not in present]
        if missing:
            raise UnusableInputError(root, f"{dataset} has no partition {missing[0]}: pages, revisions, links and "
                                           "article_quality must come from dumps of the same wiki and date")
        inputs += [f for f in files if f.partition.wiki_db in wikis]
    entities = dataset_files(args.wikidata, "wikidata_entities")
    snapshots = sorted({f.partition.snapshot for f in entities})
    if len(snapshots) > 1:
        raise UnusableInputError(args.wikidata, f"wikidata_entities of several dumps ({', '.join(snapshots)}); "
                                                "give a folder holding one")
    inputs += entities
    covered = defaultdict(set)
    if args.pageviews:
        views = [f for f in dataset_files(args.pageviews, "pageviews") if f.partition.wiki_db in wikis]
        for file in views:
            covered[file.partition.wiki_db].add(f"{file.partition.snapshot[:4]}-{file.partition.snapshot[4:6]}")
        inputs += views
    config_values = dict(
        pages_root=args.pages, revisions_root=args.revisions, links_root=args.links, quality_root=args.quality,
        wikidata_root=args.wikidata, pageviews_root=args.pageviews,
        wikis=wikis,
        covered_months={wiki: frozenset(months) for wiki, months in covered.items()},
        namespaces=namespaces, standard_quality=args.standard_quality,
    )
    spec = JobSpec(
        pipeline=knowledge_gaps.NAME,
        build=knowledge_gaps.build,
        make_config=lambda progress_dir: knowledge_gaps.KnowledgeGapsConfig(**config_values, progress_dir=progress_dir),
        datasets=knowledge_gaps.DATASETS_WRITTEN,
        inputs=inputs,
        partitions=partitions,
        output=args.output,
        options=job_options(args, beam_args),
        max_error_rate=args.max_error_rate,
        records=(RecordCount("pages-read", "pages-dropped", "article_gaps", "pages-filtered"),
                 RecordCount("entities-read", "entities-dropped")),
        progress=records_progress,
    )
    return run_job(spec, build_profile(args.runner, beam_args, workers=args.workers)).exit_code
