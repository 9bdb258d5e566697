"""What the engine needs to read the links of a page from its Parsoid HTML (engine/src/html_links.rs reads
them: wikilinks, categories, media, templates, external, interwiki and interlanguage links): the names of
the wiki's namespaces.

Namespaces of link targets: canonical English names and aliases as for wikitext, plus the wiki's own
names for templates, categories and files, learnt from the record (its `templates` and `categories`
lists and the media Parsoid marks), so that a French page's `Modèle:` and `Catégorie:` resolve without a
siteinfo.
"""
from __future__ import annotations

from collections import Counter

from transforms.wikitext.titles import CATEGORY, FILE, TitleResolver
from transforms.xml.records import SiteInfo

TEMPLATE = 10


def _local_prefix(names, fallback: str) -> str:
    """The namespace prefix most of a record's listed names carry (its wiki's own name for it)."""
    prefixes = Counter(name.partition(":")[0] for name in names if ":" in name)
    return prefixes.most_common(1)[0][0] if prefixes else fallback


def resolver_for(record: dict, media_prefix: str | None, cache: dict) -> TitleResolver:
    """A resolver that knows the record's wiki's local names of the Template, Category and File
    namespaces (learnt from the record; the File one from the page's media, which the engine finds),
    cached per wiki and names."""
    wiki = record["is_part_of"]["identifier"]
    templates = _local_prefix((t.get("name") or "" for t in record.get("templates") or () if type(t) is dict), "Template")
    categories = _local_prefix((c.get("name") or "" for c in record.get("categories") or () if type(c) is dict),
                               "Category")
    key = (wiki, templates, categories, media_prefix or "File")
    resolver = cache.get(key)
    if resolver is None:
        names = {TEMPLATE: templates, CATEGORY: categories, FILE: media_prefix or "File"}
        resolver = cache[key] = TitleResolver(SiteInfo(wiki_db=wiki, namespaces=names))
    return resolver
