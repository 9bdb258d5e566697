"""`events`: page and user events from event dumps, in mediawiki_history's event vocabulary."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="events",
    version="1.0.0",
    description="One row per page or user event (page create, move, delete, restore; user create, rename, "
    "group change, block change) read from event dumps; edits themselves are in `revisions`.",
    licence=CC0,
    caveats=(
        "Only what the source carries is filled: EventStreams recentchange log events have no page or user "
        "ids, page_change events have no user events, MediaWiki history dumps have both.",
        "Comments (event_comment) are CC BY-SA like the page text.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("event_entity", pa.string(), "What the event is about: page or user (as mediawiki_history).", False),
        Column("event_type", pa.string(), "page: create, move, delete, restore, merge; user: create, rename, altergroups, alterblocks.", False),
        Column("event_timestamp", TIMESTAMP, "When the event happened (UTC).", False),
        Column("event_comment", pa.string(), "Log comment of the event; null when none is known."),
        Column("event_user_id", pa.int64(), "Id of the user who performed the event; null when unknown or anonymous."),
        Column("event_user_text", pa.string(), "Name (or IP) of the user who performed the event; null when unknown."),
        Column("page_id", pa.int64(), "Page the event is about (page events); null when the source does not carry it."),
        Column("page_namespace", pa.int32(), "Namespace of the page after the event (page events)."),
        Column("page_title", pa.string(), "Title of the page after the event, without namespace prefix, spaces as underscores (page events)."),
        Column("page_namespace_before", pa.int32(), "Namespace before a move; null for other events."),
        Column("page_title_before", pa.string(), "Title before a move, without namespace prefix; null for other events."),
        Column("user_id", pa.int64(), "Id of the user the event is about (user events); null when the source does not carry it."),
        Column("user_text", pa.string(), "Name of the user the event is about, after the event (user events)."),
        Column("user_text_before", pa.string(), "Name before a rename; null for other events."),
        Column("user_groups", pa.list_(pa.string()), "Groups of the user after the event (user create and altergroups events); null when unknown."),
        Column("user_groups_before", pa.list_(pa.string()), "Groups of the user before an altergroups event; null otherwise."),
        Column("user_blocks", pa.list_(pa.string()), "Blocks of the user after an alterblocks event (nocreate, noemail, ...); null otherwise."),
    ),
)
