"""`citations` rows: one per `<ref>`, one per citation template outside refs, one per line that carries
bibliographic identifiers outside both (a "Further reading" entry with an ISBN, say).

A reference's fields come from its first citation template (`{{cite journal}}`, `{{citation}}`, and
localised ones such as `{{cita libro}}` or `{{Literatur}}`). Identifiers (DOI, ISBN, PMID, PMCID, arXiv,
ISSN) come from the templates' parameters, from identifier templates (`{{ISBN|...}}`), and from the text
itself (a DOI in a doi.org URL, "ISBN 978-...", "PMID 123", a PubMed URL), as mwcites and the Wikipedia
Citations dataset find them. ISBNs are kept only when their check digit is right, without hyphens.
"""
from __future__ import annotations

import bisect
import html
import operator
import re
from operator import itemgetter
from urllib.parse import unquote

from transforms.wikitext.scanner import Scan, Template
from transforms.wikitext.short_footnotes import (
    ANCHOR_TEMPLATES,
    SHORT_FOOTNOTES,
    anchor_of,
    anchor_year,
    citation_anchor,
    short_footnote,
)

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
IDENTIFIER_KINDS = ("doi", "isbn", "pmid", "pmcid", "arxiv", "issn")

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

LAST_NAME = re.compile(r"^(?:last|surname|author-last|nom|apellidos?|cognome|nachname)(\d*)$")
FIRST_NAME = re.compile(r"^(?:first|given|author-first|prénom|nombre|nome|vorname)(\d*)$")
FULL_NAME = re.compile(r"^(?:author|autor|auteur|autore|автор)(\d*)$")
YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")

# Identifiers in running text (also catches `|isbn=...` inside templates the parser did not keep). DOIs
# start with a literal the regex engine finds fast; the others are found with str.find on their usual
# spellings and read with an anchored pattern, which is many times faster than a case-insensitive search.
# SICI-style DOIs hold <...> or [...] around digits: 10.1175/1520-0493(1971)099<0818:TACOZM>2.3.CO;2
# A DOI in a URL may have its slash percent-encoded (doi.org/10.1000%2F182, as CS1 writes its links).
DOI = re.compile(r"10\.\d{4,9}(?:/|%2[Ff])(?:[^\s\"<>|\[\]{}]|[<>\[\]](?=\d))+")
# In a URL, a DOI ends where the path does (?, #, &) and before what publishers add after it: a format or
# view segment (/abstract, /full, /pdf, .pdf ...). OUP's article URLs add the article number:
# academic.oup.com/qje/article/135/4/1/doi/10.1093/qje/qjaa029/5858010 is 10.1093/qje/qjaa029.
URL_END = re.compile(r"[?#&]")
PUBLISHER_SUFFIX = re.compile(r"(?:/(?:abstract|full|pdf|epdf|fulltext|html|summary|meta|references|figures|citedby|"
                              r"suppl|issuetoc|toc|lookinside/.*)|\.(?:pdf|html?|xml))+/?$", re.IGNORECASE)
OUP_ARTICLE_NUMBER = re.compile(r"^(10\.1093/[^/]+/[^/]+)/\d+$")
URL_LOOKBACK = 400  # characters searched back for the start of the URL a DOI may be in
ISBN_AFTER = re.compile(r"(?:-1[03])?\s*[:=]?\s*(97[89](?:[ -]?\d){10}|\d(?:[ -]?\d){8}[ -]?[\dXx])(?![\dXx])")
NUMBER_AFTER = re.compile(r"\s*[:=]?\s*(\d{1,9})(?!\d)")
PMCID_AFTER = re.compile(r"(?:ID|id)?\s*[:=]?\s*(?:PMC)?(\d{3,9})(?!\d)")
ARXIV_AFTER = re.compile(r"(?:\s*[:=]\s*|\.org/(?:abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?)")
ISSN_AFTER = re.compile(r"\s*[:=]?\s*(\d{4}-?\d{3}[\dXx])(?![\dXx])")
KEYWORDS = (
    ("isbn", ("ISBN", "isbn", "Isbn"), ISBN_AFTER),
    ("pmid", ("PMID", "pmid", "Pmid"), NUMBER_AFTER),
    ("pmid", ("pubmed.ncbi.nlm.nih.gov/",), NUMBER_AFTER),
    ("pmid", ("nih.gov/pubmed/",), NUMBER_AFTER),
    ("pmcid", ("PMC", "pmc", "Pmc"), PMCID_AFTER),
    ("arxiv", ("arXiv", "arxiv", "ARXIV", "ArXiv"), ARXIV_AFTER),
    ("issn", ("ISSN", "issn", "Issn"), ISSN_AFTER),
)
DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
DOI_VALUE = re.compile(r"^10\.\d{4,9}/\S+$")
ISBN_SEPARATORS = re.compile(r"[\s-]")
_KEYWORD_SEARCHES = tuple((kind, spellings[0].lower().encode("ascii"), frozenset(spellings), after)
                          for kind, spellings, after in KEYWORDS)
URL_IN_TEXT = re.compile(r"(?i:https?|ftp)://[^\s<>\[\]{}|\"]+")


# Templates that share a citation template's name on other wikis but quote text there (frwiki's
# {{citation|...}} is an inline quotation): by wiki language, never citations.
QUOTATION_TEMPLATES: dict[str, frozenset[str]] = {"fr": frozenset({"citation"})}


def is_citation_template(key: str) -> bool:
    """Whether a template (by `template_key`) is a citation template on some wiki."""
    return key in SOURCE_TYPES or key.startswith(CITATION_PREFIXES)


def _cites(key: str, language: str | None) -> bool:
    """Whether a template is a citation template on a wiki of this language."""
    return is_citation_template(key) and (language is None or key not in QUOTATION_TEMPLATES.get(language, ()))


def wants_args(key: str) -> bool:
    """Templates whose arguments the scanner must keep for this module."""
    return key in IDENTIFIER_TEMPLATES or is_citation_template(key) or key in SHORT_FOOTNOTES or key in ANCHOR_TEMPLATES


# -- identifiers -----------------------------------------------------------------------------------------


def isbn_is_valid(digits: str) -> bool:
    """Check digit of an ISBN-10 or ISBN-13 given without separators (X allowed last in ISBN-10)."""
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum(map(operator.mul, range(10, 1, -1), map(int, digits[:9])))
        return (total + (10 if digits[9] == "X" else int(digits[9]))) % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return (sum(map(int, digits[0::2])) + 3 * sum(map(int, digits[1::2]))) % 10 == 0
    return False


def issn_is_valid(digits: str) -> bool:
    if len(digits) != 8 or not digits[:7].isdigit():
        return False
    check = (11 - sum((8 - i) * int(d) for i, d in enumerate(digits[:7])) % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def normalise_identifier(kind: str, value: str | None) -> str | None:
    """The identifier in its normal form, or None when it is not a valid one of its kind."""
    if not value:
        return None
    value = value.strip()
    if kind == "doi":
        if "%" in value:
            value = unquote(value)  # 10.1000%2F182
        value = _trim(DOI_PREFIX.sub("", value))
        return value if DOI_VALUE.match(value) else None
    if kind == "isbn":
        digits = ISBN_SEPARATORS.sub("", value).upper() if not value.isdigit() else value
        return digits if isbn_is_valid(digits) else None
    if kind == "pmid":
        return value if value.isdigit() and int(value) > 0 else None
    if kind == "pmcid":
        digits = value.upper().removeprefix("PMC")
        return f"PMC{digits}" if digits.isdigit() else None
    if kind == "arxiv":
        value = re.sub(r"^arxiv\s*:\s*", "", value, flags=re.IGNORECASE)
        return value if re.match(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?$", value) else None
    if kind == "issn":
        digits = value.replace("-", "").upper()
        return f"{digits[:4]}-{digits[4:]}" if issn_is_valid(digits) else None
    raise ValueError(kind)


def _in_url(text: str, position: int) -> bool:
    """Whether `position` is in the path or query of a URL (a "://" since the last space or bracket)."""
    low = max(0, position - URL_LOOKBACK)
    start = max(text.rfind(" ", low, position), text.rfind("\n", low, position), text.rfind("[", low, position),
                text.rfind("|", low, position))
    return text.find("://", max(start, low), position) >= 0


def doi_in_url(value: str) -> str:
    """The DOI at the start of a URL's path or query value, without what the URL adds after it."""
    end = URL_END.search(value)
    if end:
        value = value[:end.start()]
    value = PUBLISHER_SUFFIX.sub("", value)
    if match := OUP_ARTICLE_NUMBER.match(value):
        value = match.group(1)
    return value


def _trim(value: str) -> str:
    """Trailing punctuation is not part of an identifier or URL (nor a parenthesis it did not open)."""
    value = value.rstrip(".,;:'\"")
    while value.endswith(")") and value.count("(") < value.count(")"):
        value = value[:-1].rstrip(".,;:'\"")
    return value


def text_identifiers(text: str) -> list[tuple[int, str, str]]:
    """(position, kind, normalised value) of every identifier written in a text, in order."""
    found = []
    for match in DOI.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        if before.isalnum() or before == ".":
            continue
        written = match.group(0)
        doi = normalise_identifier("doi", doi_in_url(written) if _in_url(text, start) else written)
        if doi:
            found.append((start, "doi", doi))
    # Keywords are ASCII and their spellings differ only in case: in a Latin-1 copy of the text (other
    # characters become "?", so offsets stay) lower-cased byte by byte, one fast search finds them all.
    folded = text.encode("latin-1", "replace").lower()
    for kind, keyword, spellings, after in _KEYWORD_SEARCHES:
        size = len(keyword)
        position = folded.find(keyword)
        while position >= 0:
            # A keyword inside a longer word is none (but eISSN is an ISSN).
            before = text[position - 1] if position else " "
            if (not before.isalpha() or (kind == "issn" and before in "eE")) and text[position:position + size] in spellings:
                value_match = after.match(text, position + size)
                if value_match and (value := normalise_identifier(kind, value_match.group(1))):
                    found.append((position, kind, value))
            position = folded.find(keyword, position + size)
    found.sort()
    return found


# -- rows ------------------------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    """A parameter's text (already without markup) with entities decoded and whitespace collapsed."""
    if value is None:
        return None
    if "&" in value:
        value = html.unescape(value)
    return " ".join(value.split()) or None


def _author_parameter(key: str) -> tuple[str, int] | None:
    """("last" | "first" | "full" | "list", number) for parameters that name authors."""
    if key in ("authors", "vauthors", "autori"):
        return ("list", 0)
    for part, pattern in (("last", LAST_NAME), ("first", FIRST_NAME), ("full", FULL_NAME)):
        if match := pattern.match(key):
            return (part, int(match.group(1) or 1))
    return None


# What a parameter name (as written, spaces and all) means: (key, field, author part), or None when it
# names nothing (empty, or spread over lines). Names repeat across citations: each is read once.
_ROLES: dict[str, tuple[str, str | None, tuple[str, int] | None] | None] = {}


def _parameter_role(name: str) -> tuple[str, str | None, tuple[str, int] | None] | None:
    if name in _ROLES:
        return _ROLES[name]
    stripped = name.strip()
    role: tuple[str, str | None, tuple[str, int] | None] | None = None
    if stripped and "\n" not in stripped:
        # `Access_date ` -> `access-date`: lower case, words joined by hyphens.
        key = "-".join(stripped.lower().replace("_", " ").split())
        field = PARAMETER_FIELD.get(key)
        role = (key, field, None if field is not None else _author_parameter(key))
    if len(_ROLES) < 100_000:
        _ROLES[name] = role
    return role


def _author_names(parts: dict[str, dict[int, str]], listed: list[str]) -> list[str]:
    """Authors in order: "Last, First" (or Last alone) from numbered last/first parameters, else the
    full name from authorN, then the names of authors/vauthors lists."""
    last, first, full = parts["last"], parts["first"], parts["full"]
    names = []
    for number in sorted(set(last) | set(full)):
        if number in last:
            names.append(f"{last[number]}, {first[number]}" if number in first else last[number])
        else:
            names.append(full[number])
    return names + listed


def _source_type(key: str, fields: dict) -> str:
    declared = SOURCE_TYPES.get(key, "other" if key else None)
    if declared is not None:
        return declared
    if fields.get("journal_or_work") and any(fields.get(k) for k in ("doi", "pmid", "pmcid", "issn")):
        return "journal"
    if "journal" in fields.get("_names", ()):
        return "journal"
    if "newspaper" in fields.get("_names", ()) or "magazine" in fields.get("_names", ()):
        return "news"
    if "conference" in fields.get("_names", ()):
        return "conference"
    if "degree" in fields.get("_names", ()):
        return "thesis"
    if fields.get("isbn") or fields.get("publisher"):
        return "book"
    if fields.get("url") or "website" in fields.get("_names", ()):
        return "web"
    return "other"


def type_from_identifiers(identifiers: list[tuple[str, str]], url: str | None) -> str:
    """The type of a citation without a template, from the first identifier it carries."""
    if identifiers:
        return "book" if identifiers[0][0] == "isbn" else "journal"
    return "web" if url else "other"


def template_fields(template: Template) -> dict:
    """The citation fields a citation template gives (identifiers normalised, invalid ones dropped), the
    names of its parameters (`_names`) and its authors."""
    fields: dict = {}
    names = set()
    parts: dict[str, dict[int, str]] = {"last": {}, "first": {}, "full": {}}
    listed: list[str] = []
    for arg in template.args or ():
        name, equals, value = arg.partition("=")
        if not equals:
            continue  # positional arguments carry no field of a citation template
        role = _parameter_role(name)
        if role is None:
            continue
        key, field, author = role
        names.add(key)
        if field is not None:
            if field not in fields and (value := _clean(value)):
                if field in IDENTIFIER_KINDS:
                    value = normalise_identifier(field, value)
                if value:
                    fields[field] = value
            continue
        if author is not None and (value := _clean(value)):
            if author[0] == "list":
                listed += [item.strip() for item in re.split(r"[;,]", value) if item.strip()]
            else:
                parts[author[0]][author[1]] = value
    fields["_names"] = names
    fields["authors"] = _author_names(parts, listed)
    # What CS1 makes the citation's anchor of: the first four authors' surnames (full names when there are
    # none) and the year with its letter (2002a).
    surnames = {**parts["full"], **parts["last"]}
    fields["_surnames"] = [surnames[number] for number in sorted(surnames)[:4]]
    return fields


def _identifier_template(template: Template) -> tuple[str, str] | None:
    kind = IDENTIFIER_TEMPLATES.get(template.key)
    if kind is None or not template.args:
        return None
    positional = [a for a in template.args if "=" not in a]
    value = normalise_identifier(kind, _clean(positional[0]) if positional else None)
    return (kind, value) if value else None


def _row(section: int, start: int, raw: str, *, ref_name=None, ref_group=None, is_reuse=False,
         template: Template | None = None, fields: dict | None = None,
         identifiers: list[tuple[str, str]] | None = None, url: str | None = None, title: str | None = None,
         anchor: str | None = None, points_to: str | None = None) -> tuple:
    """A citation as (start offset, then the values of COLUMNS with position and full_citation_position None,
    then the anchor it gives itself and the one a short footnote points to)."""
    if is_reuse:
        return (start, section, None, ref_name, ref_group, True, None, None, None, None, None, None, None, None,
                None, None, None, None, None, None, None, [], None, [], raw[:RAW_LIMIT], None, None, None)
    fields = fields or {}
    identifiers = identifiers or []
    key = template.key if template is not None else None
    first: dict[str, str] = {}
    for kind, value in identifiers:
        first.setdefault(kind, value)
    get = fields.get
    url = get("url") or url
    date = get("date") or get("year")
    year = YEAR.search(date) if date else None
    return (
        start, section, None, ref_name, ref_group, False, key,
        _source_type(template.key, fields) if template is not None else type_from_identifiers(identifiers, url),
        get("title") or title, url, get("archive_url"),
        get("doi") or first.get("doi"), get("isbn") or first.get("isbn"), get("pmid") or first.get("pmid"),
        get("pmcid") or first.get("pmcid"), get("arxiv") or first.get("arxiv"), get("issn") or first.get("issn"),
        get("journal_or_work"), get("publisher"), date, int(year.group(1)) if year else None,
        get("authors") or [], get("access_date"), [f"{kind}:{value}" for kind, value in identifiers],
        raw[:RAW_LIMIT], None, anchor, points_to,
    )


def _unique(pairs) -> list[tuple[str, str]]:
    seen = set()
    ordered = []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            ordered.append(pair)
    return ordered


class _Hits:
    """The identifiers written in a page's source, found in one pass, looked up by span."""

    def __init__(self, source: str):
        self.found = text_identifiers(source)
        self.positions = [position for position, _, _ in self.found]

    def within(self, start: int, end: int) -> list[tuple[str, str]]:
        low = bisect.bisect_left(self.positions, start)
        high = bisect.bisect_left(self.positions, end, low)
        return [(kind, value) for _, kind, value in self.found[low:high]]


COLUMNS = ("section_index", "position", "ref_name", "ref_group", "is_reuse", "template_name", "source_type", "title",
           "url", "archive_url", "doi", "isbn", "pmid", "pmcid", "arxiv", "issn", "journal_or_work", "publisher",
           "publication_date", "publication_year", "authors", "access_date", "identifiers", "raw_wikitext",
           "full_citation_position")


def citation_columns(scan: Scan, language: str | None = None) -> dict[str, list]:
    """The page's citations in page order as columns (`COLUMNS`; `position` numbers them from 0), on a
    wiki of `language` (which decides what a few template names mean)."""
    found = _citations(scan, language)
    if not found:
        return {name: [] for name in COLUMNS}
    # A short footnote points at the first full citation of the page with its anchor.
    anchors: dict[str, int] = {}
    for position, row in enumerate(found):
        if row[-2] is not None:
            anchors.setdefault(row[-2], position)
    columns = dict(zip(COLUMNS, map(list, zip(*(row[:-2] for row in found)))))
    columns["position"] = list(range(len(found)))
    columns["full_citation_position"] = [None if row[-1] is None else anchors.get(row[-1]) for row in found]
    return columns


def _short_footnote_fields(template: Template) -> tuple[dict, str | None]:
    """The fields of a short footnote (its surnames as authors, its year) and the anchor it points to."""
    surnames, year = short_footnote(template)
    return {"authors": surnames, "year": year, "_names": set()}, anchor_of(surnames, anchor_year(year))


def _citations(scan: Scan, language: str | None) -> list[tuple]:
    """The values of COLUMNS for each citation of the page, in page order."""
    source = scan.source
    hits = _Hits(source)
    by_ref: dict[int, list[Template]] = {}
    loose_templates: list[Template] = []
    anchor_templates = [template for template in scan.templates if template.key in ANCHOR_TEMPLATES]
    for template in scan.templates:
        if template.ref >= 0:
            by_ref.setdefault(template.ref, []).append(template)
        else:
            loose_templates.append(template)
    external_by_start = [(link.start, link) for link in scan.links if link.kind == "external"]
    external_starts = [start for start, _ in external_by_start]
    rows = []
    covered: list[tuple[int, int]] = list(scan.skipped)

    for index, ref in enumerate(scan.refs):
        covered.append((ref.start, ref.end))
        raw = source[ref.start:ref.end]
        if ref.is_reuse:
            rows.append(_row(ref.section, ref.start, raw, ref_name=ref.name, ref_group=ref.group, is_reuse=True))
            continue
        templates = by_ref.get(index, [])
        citations = [t for t in templates if _cites(t.key, language)]
        primary = citations[0] if citations else None
        fields = template_fields(primary) if primary is not None else {}
        anchor = citation_anchor(primary, fields, anchor_templates) if primary is not None else None
        points_to = None
        if primary is None and (short := next((t for t in templates if t.key in SHORT_FOOTNOTES), None)):
            primary = short  # <ref>{{harvnb|Smith|2002|p=5}}</ref>: the reference is a short footnote
            fields, points_to = _short_footnote_fields(short)
        pairs = []
        for template in citations:
            extra = template_fields(template) if template is not primary else fields
            pairs += [(kind, extra[kind]) for kind in IDENTIFIER_KINDS if extra.get(kind)]
        pairs += [found for t in templates if (found := _identifier_template(t))]
        pairs += hits.within(ref.start, ref.end)
        url = title = None
        if not citations:
            # A bare reference: its first external link gives the URL and title.
            position = bisect.bisect_left(external_starts, ref.start)
            if position < len(external_by_start) and external_by_start[position][0] < ref.end:
                link = external_by_start[position][1]
                url, title = link.target, _clean(link.label)
            elif match := URL_IN_TEXT.search(ref.content):
                url = _trim(match.group(0))
        rows.append(_row(ref.section, ref.start, raw, ref_name=ref.name, ref_group=ref.group, template=primary,
                         fields=fields, identifiers=_unique(pairs), url=url, title=title, anchor=anchor,
                         points_to=points_to))

    for template in loose_templates:
        if _cites(template.key, language):
            covered.append((template.start, template.end))
            fields = template_fields(template)
            pairs = [(kind, fields[kind]) for kind in IDENTIFIER_KINDS if fields.get(kind)]
            pairs += hits.within(template.start, template.end)
            rows.append(_row(template.section, template.start, source[template.start:template.end],
                             template=template, fields=fields, identifiers=_unique(pairs),
                             anchor=citation_anchor(template, fields, anchor_templates)))
        elif template.key in SHORT_FOOTNOTES:  # {{sfn|Smith|2002}} makes its own footnote
            covered.append((template.start, template.end))
            fields, points_to = _short_footnote_fields(template)
            rows.append(_row(template.section, template.start, source[template.start:template.end],
                             template=template, fields=fields, identifiers=_unique(hits.within(template.start,
                                                                                               template.end)),
                             points_to=points_to))
    rows += _loose_lines(scan, hits, covered, loose_templates)
    rows.sort(key=itemgetter(0))
    return [row[1:] for row in rows]


def _loose_lines(scan: Scan, hits: _Hits, covered: list[tuple[int, int]],
                 loose_templates: list[Template]) -> list[tuple]:
    """Identifiers outside references and citation templates, one citation per line that has any."""
    spans = _merge(covered)
    starts = [start for start, _ in spans]

    def is_covered(position: int) -> bool:
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < spans[index][1]

    source = scan.source
    loose = [(position, kind, value) for position, kind, value in hits.found if not is_covered(position)]
    for template in loose_templates:
        if not is_covered(template.start) and (found := _identifier_template(template)):
            loose.append((template.start, *found))
    if not loose:
        return []
    section_starts = [section.start for section in scan.sections]
    lines: dict[int, list[tuple[str, str]]] = {}
    for position, kind, value in sorted(loose):
        line_start = source.rfind("\n", 0, position) + 1
        lines.setdefault(line_start, []).append((kind, value))
    rows = []
    for line_start, pairs in lines.items():
        line_end = source.find("\n", line_start)
        raw = source[line_start: len(source) if line_end < 0 else line_end]
        section = scan.sections[bisect.bisect_right(section_starts, line_start) - 1].index
        rows.append(_row(section, line_start, raw, identifiers=_unique(pairs)))
    return rows


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
