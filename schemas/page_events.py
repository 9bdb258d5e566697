"""`page_events`: one row per page event (create, delete, restore, move, merge), with what survival needs."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="page_events",
    version="1.0.0",
    description="One row per page event (create, delete, restore, move, merge) read from event dumps "
    "(mediawiki.page_change.v1, mediawiki.recentchange log events, MediaWiki history TSV), with the performer, "
    "the title before and after, and the performer's edit count and the page's redirect state at the event "
    "when the source gives them. XML dumps leave deleted pages out; this dataset is where deletions are data.",
    licence=CC0,
    caveats=(
        "Only what the source carries is filled: recentchange log events have no page id and no namespace "
        "after a move; MediaWiki history TSV lines give no title before a move and no redirect state at the "
        "event (its page_is_redirect is the page's state at the snapshot, so it is not used).",
        "event_user_revision_count is the source's own counter: page_change's performer.edit_count (MediaWiki's "
        "user_editcount, deleted edits included) or mediawiki_history's event_user_revision_count, which "
        "Wikimedia fills for revision events only, so it is mostly null for history TSV page events.",
        "A suppression (deletion hiding the performer) has a null performer.",
        "Comments (event_comment) are CC BY-SA like the page text.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("page_id", pa.int64(), "Page the event is about; null when the source does not carry it (recentchange)."),
        Column("event_type", pa.string(), "create, delete, restore (undelete), move or merge (mediawiki_history's vocabulary).", False),
        Column("event_timestamp", TIMESTAMP, "When the event happened (UTC).", False),
        Column("event_user_id", pa.int64(), "Id of the performer; null when unknown, anonymous or hidden."),
        Column("event_user_text", pa.string(), "Name (or IP) of the performer; null when unknown or hidden."),
        Column("event_user_revision_count", pa.int64(), "The performer's edit count at the event as the source states it; null when it does not."),
        Column("page_namespace", pa.int32(), "Namespace of the page after the event; null when unknown."),
        Column("page_title", pa.string(), "Title after the event, without namespace prefix, spaces as underscores; null when unknown."),
        Column("page_namespace_before", pa.int32(), "Namespace before a move; null for other events or when unknown."),
        Column("page_title_before", pa.string(), "Title before a move, without namespace prefix; null for other events or when unknown."),
        Column("page_is_redirect", pa.bool_(), "Whether the page was a redirect at the event (page_change's page.is_redirect); null when the source does not say."),
        Column("event_comment", pa.string(), "Log comment of the event; null when none is known."),
    ),
)
