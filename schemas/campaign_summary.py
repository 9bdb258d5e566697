"""`campaign_summary`: one editing campaign's totals on a wiki (`wikidumps run campaign`)."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="campaign_summary",
    version="1.0.0",
    description="One row per wiki: the campaign's participants (listed, active, new), their edits, content edits, "
    "bytes added and removed, articles created and surviving 30 days, share of edits reverted within 48 hours, "
    "and participants who edited again 30 to 60 days after the campaign. Definitions in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Sums of the campaign_participants rows of participants active during the campaign (exact counts).",
        "With --privacy public, a campaign with fewer than 3 active participants has no row and counts are "
        "rounded up to tens.",
    ),
    privacy="a campaign with fewer than 3 active participants has no row; counts are rounded up to the nearest 10; "
    "rates are computed from the exact counts.",
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions, YYYYMMDD.", False),
        Column("campaign_start", pa.string(), "First instant of the campaign (UTC, ISO 8601).", False),
        Column("campaign_end", pa.string(), "First instant after the campaign (UTC, ISO 8601).", False),
        Column("participants_listed", pa.int64(), "Distinct user names in the participants file.", False),
        Column("participants_active", pa.int64(), "Participants with at least one edit during the campaign.", False),
        Column("new_participants", pa.int64(), "Of those, participants whose first edit on the wiki was during the campaign.", False),
        Column("edits", pa.int64(), "Their edits during the campaign.", False),
        Column("content_edits", pa.int64(), "Of those, in content namespaces.", False),
        Column("bytes_added", pa.int64(), "Sum of positive byte diffs.", False),
        Column("bytes_removed", pa.int64(), "Sum of negative byte diffs, as a positive number.", False),
        Column("articles_created", pa.int64(), "Articles created during the campaign.", False),
        Column("articles_surviving", pa.int64(), "Of those, not deleted 30 days after creation; null when unknown."),
        Column("reverted_48h_edits", pa.int64(), "Campaign edits identity-reverted within 48 hours.", False),
        Column("reverted_48h_share", pa.float64(), "reverted_48h_edits / edits; null without edits."),
        Column("participants_edited_30_to_60_days_after", pa.int64(), "Active participants who edited from 30 to before 60 days after the campaign; null until that window is over."),
    ),
)
