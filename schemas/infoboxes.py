"""`infoboxes`: the parameters of every infobox call of a page, one row per parameter."""
import pyarrow as pa

from schemas.content_keys import KEYS, SECTION_INDEX
from schemas.dataset import CC_BY_SA, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="infoboxes",
    version="1.0.0",
    description="One row per parameter with a value of each infobox template call of a page (per revision with "
    "--all-revisions), in the order written; an infobox without such a parameter has one row with the "
    "parameter columns null. Infoboxes are the templates whose name starts with a prefix of the wiki's list "
    "(Infobox everywhere; Taxobox, Speciesbox, Chembox ... on enwiki; Taxobox on frwiki; Ficha de on eswiki; "
    "transforms/wikitext/structures.py INFOBOXES). Group by (page_id, revision_id, infobox_index) for one "
    "infobox; pivot on parameter for one column per field.",
    licence=CC_BY_SA,
    caveats=(
        "html rows (Enterprise HTML dumps): an infobox is an element rendered with the class infobox (frwiki's "
        "infobox_v2/v3 too); its parameters are the rows that show a label and a value, as the reader sees "
        "them (the template's own parameter names are only in the wikitext); rows without a label (image, "
        "caption, headings) are left out.",
        "wikitext rows: the parameters as written in the page; what the infobox template adds (labels, values "
        "from Wikidata, defaults) is not there, and templates inside a value keep only the words the plain "
        "text keeps of them.",
        "Parameters with an empty value are left out (an infobox shows nothing for them).",
        "An infobox made by another template (a navbox, a module call) is not seen; one nested in the values "
        "of three other infoboxes is left out (a bound that keeps adversarial pages linear; real pages nest one "
        "or two).",
        "value_text and value_wikitext are CC BY-SA text from the wiki.",
    ),
    columns=KEYS + (
        SECTION_INDEX,
        Column("infobox_index", pa.int32(), "Order of the infobox among the page's infoboxes, from 0 (a nested infobox counts where it starts).", False),
        Column("template", pa.string(), "Template name normalised as the wiki does: without its namespace prefix (Template:, Modèle:, Vorlage:), first letter upper case, spaces (Infobox settlement); html rows: the template the infobox's transclusion names, null when it names none."),
        Column("parameter_index", pa.int32(), "Order of the parameter in the call, from 0, counting those with a value; null for an infobox without any."),
        Column("parameter", pa.string(), "wikitext rows: the parameter name as written (stripped), positional ones named 1, 2, ...; html rows: the row's label as shown (Born, Occupation(s))."),
        Column("value_text", pa.string(), "The value as plain text (as plain_text reads wikitext: links as their labels, markup removed)."),
        Column("value_wikitext", pa.string(), "The value as written (comments removed, stripped); null for html rows."),
        Column("value_links", pa.list_(pa.string()), "Targets of the wikilinks in the value, spelt as the links dataset's target (first letter cased, underscores)."),
        Column("value_link_namespaces", pa.list_(pa.int32()), "Namespace of each of value_links, in the same order."),
    ),
)
