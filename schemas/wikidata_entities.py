"""`wikidata_entities`: one row per entity of a Wikidata JSON dump, with the claims the knowledge gaps use."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

ITEM_IDS = pa.list_(pa.string())
SITELINK = pa.struct([("wiki_db", pa.string()), ("title", pa.string())])
LABEL = pa.struct([("language", pa.string()), ("value", pa.string())])
COORDINATE = pa.struct([("latitude", pa.float64()), ("longitude", pa.float64()), ("globe", pa.string())])
WIKIDATA_TIME = pa.struct([
    ("time", pa.string()),
    ("year", pa.int64()),
    ("precision", pa.int8()),
    ("calendar", pa.string()),
])

_TIME_DOC = (" (best-rank value: its Wikidata time string, signed year, precision 0-14 where 7 = century, "
             "9 = year, 10 = month, 11 = day, and calendar model item); null when none.")

SCHEMA = DatasetSchema(
    name="wikidata_entities",
    version="1.1.0",
    description="One row per entity (item, property, ...) of a Wikidata JSON entity dump: sitelinks to the "
    "requested wikis and the statements knowledge-gap metrics read (instance of, gender, sexual orientation, "
    "coordinates, countries, dates). Values are Wikidata's best-rank statements: preferred ones when a "
    "property has any, else normal ones; deprecated statements and 'unknown value'/'no value' snaks are left out.",
    licence=CC0,
    caveats=(
        "Partitioned as wiki_db=wikidatawiki/snapshot=<dump date>: the wiki is Wikidata itself, whatever the "
        "sitelinks point to.",
        "Sitelinks are kept only for the wikis given with --wiki-db (all sitelinks when none is given); labels "
        "only in English and those wikis' languages.",
        "Coordinates on another globe than Earth (Q2) are kept with their globe; they must never be "
        "reverse-geocoded.",
        "Lists keep statement order; single-valued columns (coordinates, dates) hold the first best-rank value.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Always wikidatawiki: the wiki the entities come from.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("entity_id", pa.string(), "Entity id: Q42 for items (the qid), P31 for properties.", False),
        Column("entity_type", pa.string(), "item, property, lexeme, ... as the dump's `type` says.", False),
        Column("labels", pa.list_(LABEL), "Labels in English and in the languages of the wikis given with --wiki-db (dewiki: de), as language and text; what reports show for an item (its id kept beside).", False),
        Column("sitelinks", pa.list_(SITELINK), "Pages about the entity on the requested wikis: wiki_db and title, spaces as underscores (namespace prefix kept, as Wikidata stores it).", False),
        Column("instance_of", ITEM_IDS, "P31 instance of: item ids.", False),
        Column("sex_or_gender", ITEM_IDS, "P21 sex or gender: item ids.", False),
        Column("sexual_orientation", ITEM_IDS, "P91 sexual orientation: item ids.", False),
        Column("country", ITEM_IDS, "P17 country: item ids.", False),
        Column("country_of_citizenship", ITEM_IDS, "P27 country of citizenship: item ids.", False),
        Column("country_of_origin", ITEM_IDS, "P495 country of origin: item ids.", False),
        Column("coordinates", COORDINATE, "P625 coordinate location: latitude, longitude (degrees) and globe item id (Q2 = Earth; Wikidata's default when the globe is missing); null when none."),
        Column("date_of_birth", WIKIDATA_TIME, "P569 date of birth" + _TIME_DOC),
        Column("date_of_death", WIKIDATA_TIME, "P570 date of death" + _TIME_DOC),
        Column("inception", WIKIDATA_TIME, "P571 inception" + _TIME_DOC),
        Column("publication_date", WIKIDATA_TIME, "P577 publication date" + _TIME_DOC),
        Column("start_time", WIKIDATA_TIME, "P580 start time" + _TIME_DOC),
        Column("point_in_time", WIKIDATA_TIME, "P585 point in time" + _TIME_DOC),
        Column("statement_count", pa.int32(), "Number of statements of the entity, all properties and ranks.", False),
        Column("source_offset", pa.int64(), "Byte offset of the entity's line in the decompressed dump.", False),
    ),
)
