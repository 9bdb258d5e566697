"""Templates that stand for words, per wiki: the rules the engine expands them by (no Lua, no template
definitions), handed to it once with the site data.

Every other template is dropped from the text, on purpose for navigation boxes, maintenance banners,
infoboxes, citations and "citation needed" (their content is not prose of the page; references and
infoboxes are read into their own datasets). The set was chosen by counting calls on the real pages
(`python -m benchmarks.template_frequency`; docs/decisions.md, "Templates that stand for words").

A rule is one string; adding a template is one entry (key: the name in lower case, spaces for underscores):

- `first`, `second`, `last`: that positional argument (`last`: the last one);
- `arg:text,quote,1`: the first of these that is given and not empty: named arguments by name,
  positional ones by their number;
- `format:{1}e siècle`: the pattern with `{1}`, `{2}` ... (positional) and `{name}` (named) replaced by
  the arguments (an absent one is empty);
- `convert`: value(s) and the first unit as written, `{{convert|60|and(-)|80|kg}}` -> `60 and 80 kg` (no
  conversion: the converted figures would need MediaWiki's rounding rules to match what readers see);
- `number`: the first argument with its digits grouped by thousands (`12345` -> `12,345` on English
  wikis), as `{{formatnum:}}` shows it; `number-unit`: the same, then the other positional arguments;
- `date`: year, month, day given as numbers (`{{birth date|1906|6|3}}`) -> `June 3, 1906` with the
  month's name in the wiki's language (ages and durations are left out: they depend on the day the page is
  read);
- `frac`: `{{frac|1|2}}` -> `1/2`, `{{frac|3|1|2}}` -> `3 1/2`;
- `join:-`: the positional arguments joined by what follows the colon (`{{respell|AN|ə|kiz|əm}}`);
- any other string: fixed text (`{{ndash}}` -> `–`).
"""
from __future__ import annotations

from functools import lru_cache

from transforms.wikitext.sitedata import wiki_language

# Every wiki (templates of these names behave alike across the large Wikipedias, or only exist on one).
COMMON = {
    # words in another language, transliterations, pronunciations
    "lang": "second", "langr": "second", "lang-rtl": "second", "transl": "last", "transliteration": "last",
    "translit": "last", "ipa": "first", "ipa-all": "first", "audio": "second",
    "nihongo": "first", "native name": "second", "korean": "arg:hangul,1",
    # formatting that keeps its text
    "nowrap": "first", "nobr": "first", "nobold": "first", "noitalic": "first", "small": "first",
    "smaller": "first", "big": "first", "larger": "first", "large": "first", "em": "first", "strong": "first",
    "abbr": "first", "sc": "first", "smallcaps": "first", "small caps": "first", "sc2": "first", "sic": "last",
    "code": "first", "var": "first", "mono": "first", "vr": "first", "nowrap begin": "", "midsize": "first",
    "serif": "first", "resize": "last", "font": "arg:text,1", "color": "second", "colour": "second",
    "highlight": "first", "uc": "first", "lc": "first", "ill": "arg:lt,1", "interlanguage link": "arg:lt,1",
    "illm": "arg:lt,1", "lien": "arg:trad,texte,1", "link-interwiki": "first",
    # quotations, as-of, dates and numbers
    "blockquote": "arg:text,quote,1", "quote": "arg:text,quote,1", "quotation": "arg:text,quote,1",
    "cquote": "arg:text,quote,1", "quote box": "arg:quote,text", "centered pull quote": "arg:text,quote,1",
    "poem quote": "arg:text,1", "bquote": "arg:text,quote,1", "\"": "arg:text,1", "qi": "arg:text,1",
    "as of": "format:As of {1}", "update after": "arg:text",
    "start date": "date", "end date": "date", "birth date": "date", "death date": "date",
    "birth date and age": "date", "death date and age": "date", "start date and age": "date",
    "dts": "date", "date": "format:{1} {2} {3}", "circa": "format:c. {1}", "c.": "format:c. {1}",
    "formatnum": "number", "val": "number-unit", "convert": "convert", "cvt": "convert", "frac": "frac",
    "fraction": "frac", "sfrac": "frac", "nts": "number",
    # characters
    "!": "|", "'": "'", "=": "=", "snd": " – ", "spaced ndash": " – ", "ndash": "–", "mdash": "—", "endash": "–", "emdash": "—", "en dash": "–", "em dash": "—",
    "spaced en dash": " – ", "nbsp": " ", "·": " · ", "dot": " · ", "•": " • ", "middot": "·", "-": "",
    "flag": "first", "flagcountry": "first", "flagu": "first", "respell": "join:-", "isbn": "format:ISBN {1}",
    "oclc": "format:OCLC {1}", "n/a": "N/A",
    "née": "format:née {1}", "nee": "format:née {1}", "okina": "ʻ", "thinsp": " ", "hair space": " ",
}

# Per language of the wiki (its database name's language: frwiki -> fr).
BY_LANGUAGE = {
    "fr": {
        # centuries: {{s-|XV}} -> XVe siècle; {{-s|III}} -> IIIe siècle av. J.-C.; {{sp-|XV|XVI}} two of them
        "s": "format:{1}e siècle", "s-": "format:{1}e siècle", "siècle": "format:{1}e siècle",
        "-s": "format:{1}e siècle av. J.-C.", "-s-": "format:{1}e siècle av. J.-C.", "sp": "format:{1}e et {2}e siècles",
        "sp-": "format:{1}e et {2}e siècles", "s2": "format:{1}e et {2}e siècles",
        "s2-": "format:{1}e et {2}e siècles", "millénaire": "format:{1}e millénaire", "-millénaire": "format:{1}e millénaire av. J.-C.",
        "nobr": "first", "unité": "number-unit", "nombre": "number-unit", "nb": "number-unit", "heure": "format:{1} h {2}",
        "date": "format:{1} {2} {3}", "date-": "format:{1} {2} {3}", "date de naissance": "format:{1} {2} {3}",
        "date de décès": "format:{1} {2} {3}", "date de naissance-": "format:{1} {2} {3}",
        "1er": "1er", "er": "er", "e": "e", "ier": "Ier", "ire": "re", "re": "re", "2e": "2e", "3e": "3e",
        "xe": "format:{1}e", "nd": "nd", "citation": "first", "citation bloc": "first", "lang": "arg:texte,2",
        "japonais": "first", "rom": "first", "romain": "first", "guil": "format:« {1} »", "abréviation": "first",
        "petites capitales": "first", "pc": "first", "sp.": "first", "lnobr": "first", "formatnum": "number",
        "souverain": "format:{1} {2}", "souverain-": "format:{1} {2}", "souverain2": "format:{1} {2}",
        ",": ",", "en": "(en)", "numéro": "no", "p.": "p.", "grec ancien": "first", "isbn": "format:ISBN {1}",
        "référence nécessaire": "first", "refnec": "first", "lire en ligne": "format:lire en ligne",
    },
    # {{enS}}: "englisch", the language of the word that follows
    "de": {"lang": "arg:text,2", "polytonisch": "first", "bruch": "frac", "ens": "englisch", "frs": "französisch",
           "las": "lateinisch", "grcs": "altgriechisch", "des": "deutsch"},
    # {{lang-en|Squirrel}}: "англ. Squirrel", the language named before the words
    "ru": {"lang-en": "format:англ. {1}", "lang-de": "format:нем. {1}", "lang-fr": "format:фр. {1}",
           "lang-la": "format:лат. {1}", "нп": "first", "tr-en": "format:с англ. — «{1}»", "ref-en": "(англ.)",
           "ref-de": "(нем.)", "ref-fr": "(фр.)"},
}

# Month names for the `date` rule, per language (English for the others).
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
}
# The thousands separator of `number` (MediaWiki's formatnum), per language (a comma for the others).
THOUSANDS = {"fr": "\u202f", "de": ".", "ru": "\u00a0", "el": ".", "es": "\u00a0", "it": ".", "pt": "\u00a0"}


@lru_cache(maxsize=64)
def rules(language: str | None) -> dict[str, str]:
    """The rules of a wiki of this language: COMMON, then its own (one dict per language: do not change it)."""
    return {**COMMON, **BY_LANGUAGE.get(language or "", {})}


def rule_for(wiki_db: str, key: str) -> str | None:
    """The rule a template of this key follows on the wiki `wiki_db` (None when it is dropped)."""
    language = wiki_language(wiki_db)
    if key.startswith("lang-") and key not in rules(language):
        return "first"
    return rules(language).get(key)


def site_rules(language: str | None) -> tuple[dict[str, str], list[str], str]:
    """What the engine is handed: the rules, the month names and the thousands separator of the wiki."""
    return dict(rules(language)), MONTHS.get(language or "", MONTHS["en"]), THOUSANDS.get(language or "", ",")
