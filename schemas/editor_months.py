"""`editor_months`: one row per editor and month, the basis of the editor-activity index."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="editor_months",
    version="1.1.0",
    description="One row per editor, wiki and calendar month (UTC) in which the editor saved at least one "
    "revision; definitions in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Edits whose contributor was hidden by revision deletion cannot be attributed and are not counted.",
        "Bot groups are known only from event dumps; from XML dumps alone user_is_bot_by can only say name.",
        "With --privacy public, counts are rounded up to the nearest 10 and rows of IP editors are dropped.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions the row was computed from, YYYYMMDD.", False),
        Column("month", pa.string(), "Calendar month of the edits, YYYY-MM (UTC).", False),
        Column("user_id", pa.int64(), "Id of the editor; null for IP editors."),
        Column("user_text", pa.string(), "User name (latest seen in the month), or IP address for IP editors.", False),
        Column("user_is_anonymous", pa.bool_(), "Whether the editor is an IP editor.", False),
        Column("user_is_temporary", pa.bool_(), "Whether the editor is a temporary account.", False),
        Column("user_is_bot_by", pa.list_(pa.string()), "Why the editor counts as a bot this month: name (matches (?i)^.*bot([^a-z].*$|$)) and/or group (in the bot group at an edit of the month or at the snapshot); empty when not a bot.", False),
        Column("edits", pa.int64(), "Revisions saved in the month.", False),
        Column("content_edits", pa.int64(), "Revisions saved in the month in content namespaces.", False),
        Column("identity_reverted_edits", pa.int64(), "Revisions of the month that were later identity-reverted.", False),
        Column("identity_reverted_48h_edits", pa.int64(), "Of those, revisions identity-reverted within 48 hours (172,800 s) of being saved.", False),
        Column("namespaces_edited", pa.list_(pa.int32()), "Namespaces edited in the month, ascending.", False),
        Column("first_edit_timestamp", TIMESTAMP, "The editor's first edit on this wiki (any month).", False),
        Column("registration_timestamp", TIMESTAMP, "Account registration (user create event), else the first edit; null for IP editors."),
        Column("registration_is_first_edit", pa.bool_(), "Whether registration_timestamp is the first edit because no user create event was seen; null for IP editors."),
        Column("edits_first_30_days", pa.int64(), "Edits made before registration + 30 days (the same in every month of the editor); null for IP editors."),
        Column("edits_days_30_to_60", pa.int64(), "Edits made from registration + 30 days to before registration + 60 days; null for IP editors."),
    ),
)
