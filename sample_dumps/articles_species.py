"""Species articles: one per species of world.py ({{Speciesbox}}, taxonomy, conservation).

Separate from the other kinds of article, which share nothing with it but the Writer.
"""

from __future__ import annotations

from .articles_writer import MONTHS, Writer
from .markup import Draft, tpl
from .world import COUNTRY


# ---------------------------------------------------------------------------------------------
# Species

STATUS_NAMES = {"LC": "Least Concern", "NT": "Near Threatened", "VU": "Vulnerable", "EN": "Endangered",
                "CR": "Critically Endangered", "DD": "Data Deficient"}


def write_species(w: Writer, s: dict) -> Draft:
    """A species article: {{Speciesbox}}, italic binomial, sizes with {{Convert}}, conservation."""
    doc, rng, name = w.doc, w.rng, s["name"]
    parts = s["binomial"].split()
    genus, epithet = parts[0], " ".join(parts[1:])
    describer = w.world.person(s["describer"])
    params = [("image", f"{s['binomial']}.jpg"), ("image_caption", f"Adult {name.lower()}"),
              ("status", s["status"]), ("status_system", "IUCN3.1"),
              ("genus", genus), ("species", epithet), ("authority", f"{s['describer']}, {s['year']}")]
    if len(parts) == 3:
        params = [("image", f"{s['binomial']}.jpg"), ("status", s["status"]), ("status_system", "IUCN3.1"),
                  ("taxon", s["binomial"]), ("authority", f"{s['describer']}, {s['year']}")]
    box = tpl("Speciesbox" if len(parts) == 2 else "Subspeciesbox", params, block=True)
    infobox = doc.opt("infobox", "infobox", box + "\n")
    lead = (f"The '''{name}''' (''{s['binomial']}'') is a {'subspecies' if len(parts) == 3 else 'species'} of "
            f"{s['group']} in the family {w.wl(s['family'])}. It is {rng.choice(['endemic', 'native'])} to {w.wl(COUNTRY)}."
            + w.journal_ref(f"the {name.lower()}", name=f"{genus.lower()}{s['year']}",
                            biomedical=s["group"] in ("mammal", "fish"), taxon=True))
    tax = (f"The {name.lower()} was described by {w.wl(describer['name'], s['describer'])} in {s['year']} "
           f"from specimens collected on the {w.wl(s['rivers'][0])}.{w.reuse(genus.lower() + str(s['year']))}"
           f" The specific name refers to the type locality.")
    if rng.random() < 0.4:
        tax += f" A {doc.typo('separate')} population on the {w.wl(s['rivers'][1])} may be a distinct subspecies.{w.cn()}"
    size_lo = rng.randint(3, 30)
    unit = "cm" if s["group"] not in ("moss", "lichen") else "mm"
    size = tpl("Convert", [("", str(size_lo)), ("", "–"), ("", str(size_lo + rng.randint(2, 9))), ("", unit),
                           ("", "in")])
    desc = f"Adults measure {size} in length."
    if s["group"] in ("mammal", "fish", "bird"):
        desc += (" Body mass scales with length roughly as <math>M \\propto L^{3}</math>, as in most "
                 "related species.")
    desc += " " + w.media(f"{s['binomial'].replace(' ', '_')}_{rng.randint(1, 9)}.jpg",
                          f"Illustration from {s['describer']}'s original description ({s['year']})", upright=True)
    habitat = rng.choice(["slow backwaters", "upland bogs", "wet meadows", "gravel riffles", "sea cliffs"])
    dist = (f"It is found along the {w.wl(s['rivers'][0])} and the {w.wl(s['rivers'][1])}"
            f", {doc.typo('particularly')} in {habitat}."
            + w.web_ref(f"https://biodiversity.eastmarch.example/taxa/{s['binomial'].replace(' ', '-').lower()}",
                        f"{s['binomial']} – species account", "Eastmarch Biodiversity Record"))
    food = rng.choice(["insect larvae", "algae", "seeds", "small crustaceans", "detritus"])
    diet = doc.section("s:diet", "Diet", f"Its diet consists mainly of {food}.", level=3, parent="s:ecology")
    repro = doc.section("s:repro", "Reproduction",
                        f"Breeding takes place between {rng.choice(MONTHS[2:5])} and {rng.choice(MONTHS[6:9])}.",
                        level=3, parent="s:ecology")
    eco = doc.section("s:ecology", "Behaviour and ecology", "Little is known of its behaviour in winter.\n"
                      + diet + repro, tidy=True)
    cons = (f"The species is listed as {STATUS_NAMES[s['status']]} on the [[IUCN Red List]]."
            + w.comment("update when the 2026 assessment is published")
            + w.web_ref(f"https://www.iucnredlist.example/species/{rng.randint(10000, 99999)}",
                        f"{s['binomial']}", "IUCN Red List of Threatened Species"))
    if "bare_doi" in w.features:
        cons += w.bare_doi_ref(f"{genus.lower()}.{s['year']}")
    sections = [doc.section("s:tax", "Taxonomy", tax, tidy=True),
                doc.section("s:desc", "Description", desc, tidy=True),
                doc.section("s:dist", "Distribution and habitat", dist), eco,
                doc.section("s:cons", "Conservation", cons)]
    if rng.random() < 0.3:
        subs = "".join(f"|-\n| ''{genus} {epithet} {x}'' || {y} || {w.wl(r)}\n"
                       for x, y, r in [("typicus", s["year"], s["rivers"][0]),
                                       (rng.choice(["minor", "borealis", "occidentalis"]), s["year"] + rng.randint(3, 30), s["rivers"][1])])
        sections.insert(1, doc.section("s:subspecies", "Subspecies",
                                       "{| class=\"wikitable sortable\"\n! Subspecies !! Described !! Range\n"
                                       + subs + "|}", level=3, parent="s:tax"))
    body = "".join(sections) + w.references_section()
    if "interwiki" in w.features:
        body += doc.section("s:ext", "External links",
                            f"* {tpl('Commons category', [('', s['binomial'])])}\n"
                            f"* {tpl('Wikispecies', [('', s['binomial'])])}\n"
                            f"* [[wikt:{epithet.split()[-1]}]] in Wiktionary")
        w.ledger.interwiki.append(("wikt", epithet.split()[-1]))
    body += w.categories([f"{s['group'].capitalize()}s of {COUNTRY}", (s["family"], epithet),
                          f"Animals described in {s['year']}" if s["group"] not in ("plant", "moss", "lichen")
                          else f"Plants described in {s['year']}"])
    body += w.interlanguage({"de": s["binomial"], "es": s["binomial"], "nl": s["binomial"]})
    text = infobox + lead + "\n" + body
    facts = {"kind": "species", "instance_of": "taxon", "taxon_name": s["binomial"], "family": s["family"],
             "iucn_status": s["status"], "described_by": describer["name"], "year_described": s["year"]}
    return w.draft(text, facts)
