"""`editor_activity`: the editor-activity index, per wiki and month, with WMF's definitions."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="editor_activity",
    version="1.1.0",
    description="The editor-activity index: per wiki and month (time_bucket), one summary row (editor_type "
    "and activity_level null) with active, new and returning editors, revert rate and new-editor retention, "
    "plus rows per editor_type and per editor_type and activity_level. wiki_db=all holds the cross-wiki "
    "total of a multi-wiki run, counting each user name once. Definitions in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Deleted revisions are absent from dumps, so edit counts are lower than WMF's internal figures.",
        "Bot groups are known only from event dumps; from XML dumps alone bots are found by name.",
        "New-editor cohorts whose 60-day window is not complete at the snapshot are not reported (null).",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name; `all` for the cross-wiki total.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions, YYYYMMDD.", False),
        Column("time_bucket", pa.string(), "Calendar month, YYYY-MM (UTC).", False),
        Column("editor_type", pa.string(), "anonymous, group_bot, name_bot or user (in that precedence); null on the month's summary row."),
        Column("activity_level", pa.string(), "Edits of the editor in the month: 1-4, 5-24, 25-99 or 100+; null on summary and per-type rows."),
        Column("editors", pa.int64(), "Editors with at least one edit in the month (in this editor_type and activity_level).", False),
        Column("edits", pa.int64(), "Edits of those editors in the month.", False),
        Column("content_edits", pa.int64(), "Of those, edits in content namespaces.", False),
        Column("non_content_edits", pa.int64(), "Of those, edits in other namespaces.", False),
        Column("constructive_edits", pa.int64(), "Of those, edits by non-bot editors not identity-reverted within 48 hours (172,800 s); 0 in bot rows.", False),
        Column("active_editors", pa.int64(), "Registered (not temporary), non-bot editors with >= 5 content edits in the month; summary rows only."),
        Column("very_active_editors", pa.int64(), "Active editors with >= 100 content edits in the month; summary rows only."),
        Column("new_active_editors", pa.int64(), "Active editors registered in the month; summary rows only."),
        Column("returning_active_editors", pa.int64(), "Active editors registered before the month; summary rows only."),
        Column("non_bot_edits", pa.int64(), "Edits by editors that are not bots this month; summary rows only."),
        Column("identity_reverted_non_bot_edits", pa.int64(), "Of those, edits later identity-reverted; summary rows only."),
        Column("revert_rate", pa.float64(), "identity_reverted_non_bot_edits / non_bot_edits; null without non-bot edits; summary rows only."),
        Column("new_editors", pa.int64(), "Accounts registered in the month with >= 1 edit in their first 30 days; null when the cohort is under 60 days old at the snapshot; summary rows only."),
        Column("retained_new_editors", pa.int64(), "Of those, accounts with >= 1 edit from day 30 to day 60 after registration; summary rows only."),
        Column("new_editor_retention", pa.float64(), "retained_new_editors / new_editors; null when not reported; summary rows only."),
        Column("retained_editors", pa.int64(), "Registered (not temporary) accounts with >= 1 edit in the previous month that also edited in this month (Wikimedia's retained editors); null in the cross-wiki total; summary rows only."),
    ),
)
