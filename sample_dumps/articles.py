"""The articles of samplewiki (namespace 0), written from the facts in world.py.

Each writer returns a Draft: the final wikitext with optional parts flagged, so the history builder
can replay how the article grew. The features that datasets are tested on (infoboxes with nested
templates, sections at three levels, cite templates with DOIs/ISBNs/PMIDs, named and grouped refs,
tables, media, interlanguage links, magic words, several scripts) are spread over many articles.

Where each kind is written: articles_places.py (towns, rivers, the country), articles_people.py,
articles_species.py, articles_albums.py, articles_misc.py (the hand-written ones); the Writer they
all use is in articles_writer.py. This module gives optional features to articles and runs the
writers in order (write_articles).
"""

from __future__ import annotations

import random

from .articles_albums import album_title, write_album
from .articles_misc import misc_titles, write_misc
from .articles_people import write_person
from .articles_places import write_river, write_town
from .articles_species import write_species
from .articles_writer import Writer
from .markup import Draft
from .world import World


# Features that only some articles carry: feature -> (how many articles, which kinds of article can
# carry it). Each goes to several articles of those kinds (see _assign_features).
_ALL = ("town", "river", "person", "species", "album", "misc")
OPTIONAL_FEATURES = {
    "image_alias": (6, ("species",)),                   # [[Image:...]] instead of [[File:...]]
    "table_in_list": (5, ("town", "album")),            # a :{| table |} hung under a list item
    "note_group": (9, ("town", "person", "river")),     # <ref group="note"> with {{Reflist|group=note}}
    "bare_doi": (5, ("river", "species")),              # <ref>https://doi.org/10.1000/...</ref>
    "references_tag": (10, _ALL),                       # <references /> instead of {{Reflist}}
    "notoc": (5, ("town",)),                            # __NOTOC__
    "gallery": (4, ("town",)),                          # <gallery>
    "interwiki": (14, ("town", "river", "person", "species")),  # [[wikt:...]], [[commons:Category:...]]
    "plain_isbn": (6, ("town",)),                       # "ISBN 978-..." as plain text
    "nowiki": (4, ("town",)),                           # <nowiki>
    "lowercase_links": (16, _ALL),                      # [[river Wend]]
    "underscore_links": (12, _ALL),                     # [[Calderon_Province]]
    "html_comment": (16, ("town", "river", "person", "species")),  # <!-- ... -->
    "interlang": (45, _ALL),                            # [[fr:...]] [[de:...]] at the bottom
}


def _assign_features(rng: random.Random, kinds: dict[str, str]) -> dict[str, set[str]]:
    """Give each optional feature to several articles that can carry it (title -> kind of article)."""
    assigned: dict[str, set[str]] = {k: set() for k in kinds}
    for feature, (count, allowed) in OPTIONAL_FEATURES.items():
        pool = [title for title, kind in kinds.items() if kind in allowed]
        for title in rng.sample(pool, min(count, len(pool))):
            assigned[title].add(feature)
    return assigned


def write_articles(rng: random.Random, world: World) -> list[Draft]:
    """Every content article (namespace 0, no redirects)."""
    jobs: list[tuple[str, object]] = []
    jobs += [(t["name"], ("town", t)) for t in world.towns]
    jobs += [(r["name"], ("river", r)) for r in world.rivers]
    jobs += [(p["name"], ("person", p)) for p in world.people]
    jobs += [(s["name"], ("species", s)) for s in world.species]
    jobs += [(album_title(a, world), ("album", a)) for a in world.albums]
    jobs += [(t, ("misc", t)) for t in misc_titles(world)]
    features = _assign_features(rng, {title: kind for title, (kind, _) in jobs
                                      if title not in ("Main Page", "Wend (disambiguation)")})
    drafts = []
    writers = {"town": write_town, "river": write_river, "person": write_person, "species": write_species,
               "album": write_album, "misc": write_misc}
    for title, (kind, data) in jobs:
        w = Writer(rng, world, title, features.get(title, set()))
        draft = writers[kind](w, data)
        draft.role = "article" if title not in ("Main Page",) else "main page"
        drafts.append(draft)
    return drafts
