"""Which input family a file belongs to, so that a refusal can name the job that reads it (`wikidumps
inspect` on a Wikidata file, `wikidumps run history` on a pageview dump, ...)."""
from __future__ import annotations

from transforms.common.files import UnusableInputError
from transforms.enterprise import inputs as enterprise_inputs
from transforms.events import inputs as event_inputs
from transforms.lines import pageviews, wikidata
from transforms.lines.inputs import first_lines
from transforms.xml.inputs import describe_input

# The families' checks want a date and a wiki that only matter to a job; to tell what a file is, any will do.
ANY_SNAPSHOT = "20000101"
ANY_WIKI = "unknown"
# The families of dump files each job reads (the other jobs read datasets).
FAMILIES_OF_JOB = {"history": ("xml",), "content": ("xml", "enterprise"), "events": ("events",),
                   "wikidata": ("wikidata",), "pageviews": ("pageviews",)}
EVENT_FORMATS = {event_inputs.JSON_LINES: "an event dump (EventStreams JSON lines)",
                 event_inputs.AVRO: "an event dump (Avro event file)",
                 event_inputs.HISTORY_TSV: "an event dump (MediaWiki history TSV)"}


def other_family(path: str) -> tuple[str, str] | None:
    """(what the file is, its family) when `path` is a dump of another family than XML.

    Each family's own input checks decide, in an order where the looser ones come last: a pageview dump
    by its name and fields, an Enterprise HTML dump by its tar of NDJSON records, an event dump by its records, a Wikidata dump by the `[` line that opens its
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
        enterprise_inputs.describe_input(path, snapshot=ANY_SNAPSHOT, wiki_db=ANY_WIKI)
        return "a Wikimedia Enterprise HTML dump", "enterprise"
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
    if job not in FAMILIES_OF_JOB:
        return exc
    try:
        describe_input(exc.path, strict=False)
        found: tuple[str, str] | None = ("a MediaWiki XML dump", "xml")
    except UnusableInputError:
        found = other_family(exc.path)
    if found is None or found[1] in FAMILIES_OF_JOB[job]:
        return exc
    what, family = found
    return UnusableInputError(exc.path, f"{what}, which `wikidumps run {job}` does not read; read it with "
                                        f"{readers_of(family)}")


def readers_of(family: str) -> str:
    """The jobs that read a family's dumps, as a user types them."""
    return " or ".join(f"`wikidumps run {job}`" for job, families in FAMILIES_OF_JOB.items() if family in families)
