"""The tables of the `citations` rows, which the engine builds (engine/src/citation_rows.rs): one row per
`<ref>`, one per citation template or short footnote outside refs, one per line that carries bibliographic
identifiers outside them (a "Further reading" entry with an ISBN, say).

A reference's fields come from its first citation template (`{{cite journal}}`, `{{citation}}`, and
localised ones such as `{{cita libro}}` or `{{Literatur}}`). Identifiers (DOI, ISBN, PMID, PMCID, arXiv,
ISSN) come from the templates' parameters, from identifier templates (`{{ISBN|...}}`), and from the text
itself (a DOI in a doi.org URL, "ISBN 978-...", "PMID 123", a PubMed URL), as mwcites and the Wikipedia
Citations dataset find them. ISBNs are kept only when their check digit is right, without hyphens.

The tables below are handed to the engine once per wiki (transforms.wikitext.engine.engine_for); the
Enterprise HTML path reads them too, and calls the engine's own readings of identifiers
(`normalise_identifier`, `text_identifiers`, `publication_year`, `type_from_identifiers`), re-exported here.
"""
from __future__ import annotations

from transforms.wikitext._engine import (
    normalise_identifier,
    publication_year,
    text_identifiers,
    type_from_identifiers,
)

__all__ = ["ANCHOR_TEMPLATES", "CITATION_PREFIXES", "FIELDS", "IDENTIFIER_TEMPLATES", "PARAMETER_FIELD",
           "QUOTATION_TEMPLATES", "RAW_LIMIT", "SHORT_FOOTNOTES", "SOURCE_TYPES", "is_citation_template",
           "normalise_identifier", "publication_year", "text_identifiers", "type_from_identifiers", "wants_args"]

RAW_LIMIT = 2000

# Citation templates by normalised name -> source type; None: decided from the parameters.
SOURCE_TYPES: dict[str, str | None] = {
    "citation": None, "cite": None, "vcite": None, "literatur": None, "ouvrage": "book", "article": "journal",
    "lien web": "web", "chapitre": "book", "cite journal": "journal", "cite book": "book", "cite news": "news",
    "cite newspaper": "news", "cite magazine": "news", "cite press release": "news", "cite web": "web",
    "cite conference": "conference", "cite thesis": "thesis", "cite encyclopedia": "book", "cite dictionary": "book",
    "cite arxiv": "journal", "cite biorxiv": "journal", "cite medrxiv": "journal", "cite ssrn": "journal",
    "cite report": "other", "cite tech report": "other", "cite av media": "other", "cite episode": "other",
    "cite map": "other", "cite podcast": "other", "cite speech": "other", "cite interview": "other",
    "cite court": "other", "cite patent": "other", "cite tweet": "web", "cite mailing list": "web",
    "cite newsgroup": "web", "cite sign": "other", "vcite journal": "journal", "vcite book": "book",
    "vcite news": "news", "vcite web": "web", "internetquelle": "web", "cita libro": "book",
    "cita publicación": "journal", "cita web": "web", "cita noticia": "news", "cita conferencia": "conference",
    "cita tesis": "thesis", "cita pubblicazione": "journal", "cita news": "news", "cita conferenza": "conference",
    "citar livro": "book", "citar web": "web", "citar periódico": "journal", "citar jornal": "news",
    "citeer web": "web", "citeer boek": "book", "citeer journal": "journal", "citeer nieuws": "news",
    "cytuj książkę": "book", "cytuj stronę": "web", "cytuj pismo": "journal", "webbref": "web", "bokref": "book",
    "tidskriftsref": "journal", "книга": "book", "статья": "journal", "публикация": None,
    "استشهاد بكتاب": "book", "استشهاد ويب": "web", "استشهاد بدورية محكمة": "journal", "استشهاد بخبر": "news",
    "یادکرد وب": "web", "یادکرد کتاب": "book", "یادکرد ژورنال": "journal", "یادکرد خبر": "news",
    "צ-ספר": "book", "צ-מאמר": "journal", "קישור כללי": "web",
}
CITATION_PREFIXES = ("cite ", "vcite ", "cita ", "citar ", "citeer ", "cytuj ")
IDENTIFIER_TEMPLATES = {"doi": "doi", "isbn": "isbn", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid",
                        "arxiv": "arxiv", "issn": "issn"}

FIELDS = {
    "title": ("title", "titel", "titre", "título", "titulo", "titolo", "заглавие", "название"),
    "url": ("url",),
    "archive_url": ("archive-url", "archiveurl", "archivurl", "archiv-url", "urlarchivio", "urlarchivo",
                    "archive-url1", "arquivourl"),
    "doi": ("doi",),
    "isbn": ("isbn", "isbn13", "isbn-13", "isbn10"),
    "pmid": ("pmid",),
    "pmcid": ("pmc", "pmcid"),
    "arxiv": ("arxiv", "eprint"),
    "issn": ("issn", "eissn"),
    "journal_or_work": ("journal", "work", "website", "newspaper", "magazine", "periodical", "encyclopedia",
                        "encyclopaedia", "sammelwerk", "périodique", "revue", "publicación", "periódico",
                        "opera", "pubblicazione", "издание", "журнал", "site", "jornal", "obra"),
    "publisher": ("publisher", "verlag", "éditeur", "editorial", "editore", "издательство", "editora"),
    "date": ("date", "datum", "fecha", "data", "дата"),
    "year": ("year", "jahr", "année", "año", "anno", "год", "ano"),
    "access_date": ("access-date", "accessdate", "zugriff", "consulté-le", "fechaacceso", "accesso",
                    "acessodata", "dataacesso"),
}
PARAMETER_FIELD = {name: field for field, names in FIELDS.items() for name in names}

# Short footnotes (Harvard references): surnames (up to four) and a year as positional parameters, pointing
# at the page's full citation whose anchor is CITEREF + surnames + year (sfnm: 1a1..1a4 and 1y for its first).
SHORT_FOOTNOTES = frozenset({
    "sfn", "sfnp", "sfnm", "sfnmp", "harv", "harvnb", "harvp", "harvtxt", "harvcol", "harvcolnb", "harvcoltxt",
    "harvs", "harvard citation", "harvard citation no brackets", "harvard citation text", "harvnb/core",
})
# What a full citation's ref= may hold instead of its default anchor: {{sfnref|Smith|Jones|2002}}.
ANCHOR_TEMPLATES = frozenset({"sfnref", "harvid"})

# Templates that share a citation template's name on other wikis but quote text there (frwiki's
# {{citation|...}} is an inline quotation): by wiki language, never citations.
QUOTATION_TEMPLATES: dict[str, frozenset[str]] = {"fr": frozenset({"citation"})}


def is_citation_template(key: str) -> bool:
    """Whether a template (by `template_key`) is a citation template on some wiki."""
    return key in SOURCE_TYPES or key.startswith(CITATION_PREFIXES)


def wants_args(key: str) -> bool:
    """Templates whose arguments the citations rows read (the engine's `wants_args`; the Python scanner that
    tests/engine_equality.py compares the engine with asks this module)."""
    return key in IDENTIFIER_TEMPLATES or is_citation_template(key) or key in SHORT_FOOTNOTES or key in ANCHOR_TEMPLATES
