"""`article_quality`: the language-agnostic quality features of each page and their score."""
import pyarrow as pa

from schemas.content_keys import KEYS
from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="article_quality",
    version="1.1.0",
    description="One row per page (per revision with --all-revisions): the six features of Wikimedia "
    "Research's language-agnostic article quality model and its score. See docs/article_quality.md for the "
    "formulas, the normalisation and the weights.",
    licence=CC0,
    caveats=(
        "The score is relative to the wiki: each feature is normalised by the 95th percentile of the pages "
        "of the same wiki_db and snapshot in the job's output (never below the model's minimums), so it "
        "changes when other pages are read along with a page.",
        "Media and references added by templates (infobox images, {{sfn}}) are not counted, as in the model; "
        "html rows count them (they are in the rendered page), and their page_length is that of the "
        "record's wikitext when it carries one, else of the plain text.",
    ),
    columns=KEYS + (
        Column("revision_timestamp", TIMESTAMP, "When the revision was saved (UTC).", False),
        Column("page_length", pa.int64(), "Length of the wikitext in characters.", False),
        Column("num_refs", pa.int32(), "Number of <ref> tags, reuses included.", False),
        Column("num_headings", pa.int32(), "Number of level-2 and level-3 headings.", False),
        Column("num_wikilinks", pa.int32(), "Number of links of link_type wikilink.", False),
        Column("num_categories", pa.int32(), "Number of category links.", False),
        Column("num_media", pa.int32(), "Number of media links (file links and gallery entries).", False),
        Column("quality_score", pa.float64(), "Quality score in [0, 1]: weighted sum of the normalised features."),
    ),
)
