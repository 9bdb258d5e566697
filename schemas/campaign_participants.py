"""`campaign_participants`: what each participant of an editing campaign did on a wiki (`wikidumps run campaign`)."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="campaign_participants",
    version="1.0.0",
    description="One row per campaign participant (a user name of the participants file) who saved a revision "
    "on the wiki at any time: edits, content edits, bytes added and removed, articles created and still alive 30 "
    "days later, edits reverted within 48 hours during the campaign, whether the participant was new (first edit "
    "within the campaign) and edited again 30 to 60 days after it. Definitions in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Participants with no revision in the data have no row; campaign_summary counts them as listed.",
        "Deleted revisions are not in dumps: edits to pages deleted since are missing from XML-based revisions.",
        "articles_surviving needs page events (`--events`); without them, or before the 30 days after the "
        "campaign are over at the snapshot, it is null.",
        "With --privacy public, rows of editors without an account id are left out and counts rounded up to tens.",
    ),
    privacy="rows of editors without an account id are left out and counts are rounded up to the nearest 10; "
    "rates are computed from the exact counts.",
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions, YYYYMMDD.", False),
        Column("user_text", pa.string(), "User name of the participant, as in the participants file (normalised).", False),
        Column("user_id", pa.int64(), "Account id; null when the revisions do not carry it."),
        Column("edits", pa.int64(), "Revisions saved during the campaign.", False),
        Column("content_edits", pa.int64(), "Of those, in content namespaces.", False),
        Column("bytes_added", pa.int64(), "Sum of the positive byte diffs of those revisions.", False),
        Column("bytes_removed", pa.int64(), "Sum of the negative byte diffs of those revisions, as a positive number.", False),
        Column("articles_created", pa.int64(), "Pages of a content namespace whose first revision the participant saved during the campaign.", False),
        Column("articles_surviving", pa.int64(), "Of those, not deleted 30 days after their creation (deleted and restored within the 30 days survives); null when unknown."),
        Column("reverted_48h_edits", pa.int64(), "Campaign edits identity-reverted within 48 hours (172,800 s).", False),
        Column("reverted_48h_share", pa.float64(), "reverted_48h_edits / edits; null without edits."),
        Column("is_new", pa.bool_(), "Whether the participant's first edit on the wiki was during the campaign.", False),
        Column("edited_30_to_60_days_after", pa.bool_(), "Whether the participant edited from 30 to before 60 days after the campaign's end; null until that window is over at the snapshot."),
    ),
)
