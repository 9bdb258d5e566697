"""The citations of a page from its Parsoid HTML: the rendered reference lists, the markers that point
to them, and citations outside them.

A citation template leaves its fields in a COinS span (`span.Z3988`: an OpenURL query: rft.atitle,
rft.jtitle, rft.date, rft_id=info:doi/...), read here; identifiers are also found in the rendered text
and the links of a reference, as the wikitext path finds them in the wikitext.
"""
from __future__ import annotations

import json
import re
from urllib.parse import unquote, unquote_plus

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.enterprise.links import Context
from transforms.wikitext.citations import (
    RAW_LIMIT,
    SOURCE_TYPES,
    is_citation_template,
    normalise_identifier,
    publication_year,
    text_identifiers,
    type_from_identifiers,
)
from transforms.wikitext.scanner import template_key

CITE_NOTE = re.compile(r"^cite_note-(?:(?P<name>.+)-)?(?P<number>\d+)$")
CITATION_NODES = "sup.mw-ref, ol.references, span.Z3988, li, p, dd"  # what page_citations looks at
CONTEXT_NODES = "sup.mw-ref, ol.references, span.Z3988"  # those of them it asks a Context about
COINS_READ = frozenset({"rft_id", "rft.isbn", "rft.issn", "rft.atitle", "rft.btitle", "rft.title", "rft.date",
                        "rft.aulast", "rft.aufirst", "rft.au", "rft.jtitle", "rft.pub", "rft.genre"})  # what rows use
ARCHIVES = ("web.archive.org/", "archive.today/", "archive.ph/", "archive.is/", "webcitation.org/")
CITATION_COLUMNS = ("section_index", "ref_name", "ref_group", "is_reuse", "template_name", "source_type", "title",
                    "url", "archive_url", "doi", "isbn", "pmid", "pmcid", "arxiv", "issn", "journal_or_work",
                    "publisher", "publication_date", "publication_year", "authors", "access_date", "identifiers",
                    "raw_wikitext")


def _coins(reference: LexborNode) -> dict[str, list[str]]:
    """The fields of a reference's COinS span: an OpenURL query, key=value pairs joined by "&". Only the
    values of COINS_READ are decoded (unquote_plus is slow Python); the others keep their escapes."""
    span = reference.css_first("span.Z3988")
    fields: dict[str, list[str]] = {}
    for pair in (span.attrs.get("title") or "").split("&") if span is not None else ():
        key, equals, value = pair.partition("=")
        if equals and value:
            fields.setdefault(key, []).append(unquote_plus(value) if key in COINS_READ else value)
    return fields


def page_citations(tree: LexborHTMLParser, context: Context, section_numbers: dict[int, int],
                   prose: dict[int, str]) -> list[dict]:
    """Citations in page order, as the wikitext path counts them: one row per reference marker (a `<ref>`
    of the wikitext, or one a template such as {{sfn}} made), the first marker of a note carrying the
    fields of its entry in the reference list and the later ones rows of `is_reuse`; an entry no marker
    points to (a list-defined reference) at the list's place; one row per rendered citation outside the
    reference lists (a bibliography's {{cite book}} or {{Ouvrage}}: the COinS span citation templates
    leave beside what they render); and one per paragraph or list item outside them that carries a
    bibliographic identifier without a rendered citation ("ISBN 978-..." in further reading)."""
    notes: dict[str, tuple[LexborNode, str | None]] = {}
    for references in tree.css("ol.references"):
        group = references.attributes.get("data-mw-group") or None
        for item in references.iter():  # its own entries: a note's nested list is walked on its own
            if item.tag == "li" and (item.attributes.get("id") or "").startswith("cite_note-"):
                notes[item.attributes["id"]] = (item, group)
    rows = []
    cited: set[str] = set()
    body = tree.body
    if body is None:
        return rows
    prose = dict(prose)
    for item in body.css(".refbegin li, .refbegin p"):  # bibliographies are no prose, but cite works
        prose.setdefault(item.mem_id, item.text(deep=True))
    loose = {key for key, text in prose.items() if text_identifiers(text)}
    for node in body.css(CITATION_NODES):
        key = node.mem_id
        if key in loose:  # a paragraph or list item with identifiers (most of these nodes are not)
            if node.css_first("span.Z3988") is None:
                rows.append(_citation_row(node, None, section_numbers.get(context.section_of(node), 0), note=False))
            continue
        tag = node.tag
        if tag == "sup":
            link = node.css_first("a[href]")
            note = (link.attrs.get("href") or "").partition("#")[2] if link is not None else ""
            if note in notes:
                section = section_numbers.get(context.of(node), 0)
                if note in cited:
                    rows.append(_reuse_row(note, notes[note][1], section))
                else:
                    cited.add(note)
                    rows.append(_citation_row(notes[note][0], notes[note][1], section))
        elif tag == "ol":
            section = section_numbers.get(context.of(node), 0)
            for note, (item, group) in notes.items():
                if note not in cited and _inside(item, node):
                    cited.add(note)
                    rows.append(_citation_row(item, group, section))
        elif tag == "span" and not context.in_reference_list(node):  # a citation template's COinS
            rows.append(_citation_row(node.parent, None, section_numbers.get(context.of(node), 0), note=False))
    return rows


def _inside(node: LexborNode, container: LexborNode) -> bool:
    """Whether `node` is within `container` and not within a nested reference list of it."""
    current = node.parent
    while current is not None:
        if current.tag == "ol" and "references" in (current.attributes.get("class") or "").split():
            return current.mem_id == container.mem_id
        current = current.parent
    return False


def _reuse_row(note: str, group: str | None, section: int) -> dict:
    match = CITE_NOTE.match(note)
    row = dict.fromkeys(CITATION_COLUMNS)
    row.update(section_index=section, ref_name=match.group("name") if match else None, ref_group=group,
               is_reuse=True, authors=[], identifiers=[], raw_wikitext="")
    return row


def _citation_row(item: LexborNode, group: str | None, section: int, *, note: bool = True) -> dict:
    """The row of a reference list's entry (`note`), or of an element holding a citation outside them."""
    match = CITE_NOTE.match(item.attributes.get("id") or "") if note else None
    name = match.group("name") if match else None
    body = (item.css_first(".mw-reference-text") or item) if note else item
    text = " ".join(body.text(deep=True).split())
    hrefs = [a.attributes.get("href") or "" for a in body.css("a[href]")]
    external = [href for href in hrefs if href.startswith(("http://", "https://", "//"))]
    coins = _coins(body)
    cite = body.css_first("cite")
    classes = (cite.attributes.get("class") or "").split() if cite is not None else []
    kind = next((c for c in classes[1:] if c != "cs1" and c != "cs2"), None) if classes[:1] == ["citation"] else None
    found = text_identifiers(text + " " + " ".join(unquote(h) for h in external))
    for key in coins.get("rft_id", ()):
        if key.startswith("info:doi/"):
            found.append((len(text), "doi", normalise_identifier("doi", key[9:])))
        elif key.startswith("info:pmid/"):
            found.append((len(text), "pmid", normalise_identifier("pmid", key[10:])))
    for kind_name, field in (("isbn", "rft.isbn"), ("issn", "rft.issn")):
        for value in coins.get(field, ()):
            found.append((len(text), kind_name, normalise_identifier(kind_name, value)))
    identifiers: list[tuple[str, str]] = []
    for _, id_kind, value in found:
        if value and (id_kind, value) not in identifiers:
            identifiers.append((id_kind, value))
    first = {}
    for id_kind, value in identifiers:
        first.setdefault(id_kind, value)
    archive = next((href for href in external if any(a in href for a in ARCHIVES)), None)
    title = _first(coins, "rft.atitle", "rft.btitle", "rft.title")
    if coins:  # a citation template's url= is its COinS rft_id; its other links resolve identifiers, and
        # CS1 marks the rft_id it made from an identifier (a PMC page) with "#id-name="
        url = next((value for value in coins.get("rft_id", ())
                    if value.startswith(("http://", "https://")) and "#id-name=" not in value), None)
    else:  # a bare reference: its first link gives the URL and, when it has one, the title
        link = next((a for a in body.css("a[rel~='mw:ExtLink']")
                     if not any(archived in (a.attrs.get("href") or "") for archived in ARCHIVES)), None)
        url = link.attrs.get("href") if link is not None else None
        shown = " ".join(link.text(deep=True).split()) if link is not None else ""
        title = shown if shown and shown != url else None
    date = _first(coins, "rft.date")
    authors = []  # CS1 gives the first author as aulast and aufirst, the others as au
    if "rft.aulast" in coins:
        last, first_name = _first(coins, "rft.aulast"), _first(coins, "rft.aufirst")
        authors.append(f"{last}, {first_name}" if first_name else last)
    authors += [" ".join(a.split()) for a in coins.get("rft.au", []) if a.strip()]
    accessed = body.css_first(".reference-accessdate")
    template = _citation_template(body)
    # A short footnote's text links to its full citation's anchor (`#CITEREF...`), which CS1 gives its <cite>.
    anchor = (cite.attributes.get("id") or "") if cite is not None else ""
    points_to = None if cite is not None else next(
        (href.partition("#")[2] for href in hrefs if "#CITEREF" in href), None)
    template_type = SOURCE_TYPES.get(template or "") or (SOURCE_TYPES.get(f"cite {kind}") if kind else None)
    return {
        "section_index": section, "ref_name": name, "ref_group": group, "is_reuse": False, "template_name": template,
        "source_type": template_type or _type_of(identifiers, url, coins),
        "title": title, "url": url, "archive_url": archive,
        "doi": first.get("doi"), "isbn": first.get("isbn"), "pmid": first.get("pmid"), "pmcid": first.get("pmcid"),
        "arxiv": first.get("arxiv"), "issn": first.get("issn"),
        "journal_or_work": _first(coins, "rft.jtitle"), "publisher": _first(coins, "rft.pub"),
        "publication_date": date, "publication_year": publication_year(date), "authors": authors,
        "access_date": _access_date(accessed.text(deep=True)) if accessed is not None else None,
        "identifiers": [f"{k}:{v}" for k, v in identifiers], "raw_wikitext": text[:RAW_LIMIT],
        "_anchor": anchor if anchor.startswith("CITEREF") else None, "_points_to": points_to,
    }


def _citation_template(body: LexborNode) -> str | None:
    """The citation template that rendered a reference, as the wikitext path names it ("cite journal"),
    when Parsoid kept the transclusion's data-mw in the reference's body."""
    for node in body.css("[typeof~='mw:Transclusion'][data-mw]"):
        try:
            parts = json.loads(node.attributes.get("data-mw") or "{}").get("parts") or ()
        except (ValueError, AttributeError):
            continue
        for part in parts:
            target = ((part.get("template") or {}).get("target") or {}) if type(part) is dict else {}
            key = template_key(target.get("wt") or "") if type(target.get("wt")) is str else ""
            if key and is_citation_template(key):
                return key
    return None


def _first(coins: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        values = coins.get(key)
        if values and values[0].strip():
            return " ".join(values[0].split())
    return None


def _type_of(identifiers: list[tuple[str, str]], url: str | None, coins: dict) -> str:
    genre = _first(coins, "rft.genre")
    if genre in ("book", "bookitem"):
        return "book"
    if genre == "article" and _first(coins, "rft.jtitle"):
        return "journal"
    return type_from_identifiers(identifiers, url)


def _access_date(text: str) -> str | None:
    """". Retrieved April 29, 2022" -> "April 29, 2022" (the label is in the wiki's language)."""
    text = " ".join(text.split()).strip(" .")
    head, _, rest = text.partition(" ")
    return (rest if head.endswith(("Retrieved", "retrieved", "Consulté", "consulté", "Abgerufen", "abgerufen"))
            else text) or None
