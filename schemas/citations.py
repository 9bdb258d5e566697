"""`citations`: references and citation templates, with their bibliographic identifiers."""
import pyarrow as pa

from schemas.content_keys import KEYS, SECTION_INDEX
from schemas.dataset import CC_BY_SA, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="citations",
    version="1.2.0",
    description="One row per <ref> tag (reuses included), per citation template outside references, and per "
    "line outside both that carries a DOI, ISBN, PMID, PMCID, arXiv id or ISSN (\"ISBN 978-...\" in a list of "
    "further reading). Fields come from the first citation template of a reference; identifiers are also "
    "found in the reference's text and URLs.",
    licence=CC_BY_SA,
    caveats=(
        "Template parameters are read as written: a citation built by a template that is not a citation "
        "template (e.g. {{efn}}) is not expanded. A short footnote ({{sfn}}, {{harvnb}}, ...) is a row with "
        "its surnames as authors and its year, and full_citation_position names the full citation it points at.",
        "A reuse (<ref name=x />) row carries only the name: join on ref_name to its definition.",
        "html rows: one row per reference marker (template-made references such as {{sfn}} included), "
        "fields from the citation's COinS metadata; raw_wikitext holds the reference's rendered text and "
        "template_name is null where the HTML does not name the template.",
        "raw_wikitext and titles are CC BY-SA text from the wiki.",
    ),
    columns=KEYS + (
        SECTION_INDEX,
        Column("position", pa.int32(), "Order of the citation in the page, from 0.", False),
        Column("ref_name", pa.string(), "name attribute of the <ref>; null for citations outside references."),
        Column("ref_group", pa.string(), "group attribute of the <ref> (e.g. note); null when none."),
        Column("is_reuse", pa.bool_(), "Whether the row is a reuse of a named reference (<ref name=x/>), which has no content of its own.", False),
        Column("template_name", pa.string(), "Citation template, normalised: lower case, spaces (cite journal, citation, cite web, cita libro, ...); null for references without one."),
        Column("source_type", pa.string(), "journal, book, news, web, conference, thesis or other: from the template, else from the identifiers and URL; null for reuses."),
        Column("title", pa.string(), "Title of the cited work (title parameter, or the label of a bare reference's link)."),
        Column("url", pa.string(), "URL of the cited work (url parameter, or the first URL of a bare reference)."),
        Column("archive_url", pa.string(), "archive-url parameter."),
        Column("doi", pa.string(), "DOI as written (without doi: or resolver prefix), the first of the citation."),
        Column("isbn", pa.string(), "ISBN-10 or ISBN-13 with a valid check digit, digits only (X last for ISBN-10); invalid ISBNs are left out."),
        Column("pmid", pa.string(), "PubMed id (PMID), digits only."),
        Column("pmcid", pa.string(), "PubMed Central id, as PMC followed by digits."),
        Column("arxiv", pa.string(), "arXiv identifier (arxiv or eprint parameter, arXiv: text, arxiv.org URL)."),
        Column("issn", pa.string(), "ISSN with a valid check digit, as NNNN-NNNC."),
        Column("journal_or_work", pa.string(), "journal, work, website, newspaper, magazine or periodical parameter."),
        Column("publisher", pa.string(), "publisher parameter."),
        Column("publication_date", pa.string(), "date parameter as written, else year."),
        Column("publication_year", pa.int32(), "Four-digit year found in publication_date."),
        Column("authors", pa.list_(pa.string()), "Authors in order: \"Last, First\" from last/first pairs, else author/authors as written.", False),
        Column("access_date", pa.string(), "access-date parameter as written."),
        Column("identifiers", pa.list_(pa.string()), "Every identifier found in the citation, as kind:value (doi:10.1000/x, isbn:9780123456789, ...), in order of appearance.", False),
        Column("raw_wikitext", pa.string(), "The citation's wikitext (comments removed), cut at 2,000 characters.", False),
        Column("full_citation_position", pa.int32(), "Short footnotes ({{sfn}}, {{sfnp}}, {{harvnb}}, {{harv}}, ... alone or in a <ref>): position of the page's full citation they point at, the first whose Harvard anchor (CITEREF + author surnames + year, or its ref=/{{sfnref}}) is theirs; null when the page has none and for other citations. html rows: the citation whose <cite> id is the anchor a reference's text links to (#CITEREF...)."),
    ),
)
