"""`revisions`: one row per revision, columns named as in WMF's mediawiki_history where they mean the same."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="revisions",
    version="1.2.0",
    description="One row per revision in the dump (edit history metadata, no text), with byte diffs "
    "and identity reverts computed as in mediawiki_history.",
    licence=CC0,
    caveats=(
        "Deleted and suppressed revisions are absent from public dumps; a revision reverted only by a "
        "deleted one is therefore not flagged.",
        "Identity reverts need a text sha1: a revision the dump gives none for (deleted text before export "
        "0.11) is never a revert or a revert base, but it can be reverted.",
        "For export versions without <sha1> (0.3) the sha1 is computed from the text as MediaWiki does.",
        "Edit summaries (revision_comment) are CC BY-SA like the page text.",
        "Rows read from event dumps (`wikidumps run events`) have null where the event type lacks a field: "
        "recentchange events carry no page id, user id, sha1, content model or groups; byte diffs and "
        "identity reverts are computed from the events' own revisions with the same rules as for XML.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("page_id", pa.int64(), "Id of the page the revision belongs to; null only for recentchange events, which do not carry it."),
        Column("page_namespace", pa.int32(), "Namespace of the page at dump time.", False),
        Column("page_title", pa.string(), "Page title at dump time, without namespace prefix, spaces as underscores.", False),
        Column("revision_id", pa.int64(), "Id of the revision.", False),
        Column("revision_parent_id", pa.int64(), "Id of the previous revision of the page (<parentid>); null for the first one."),
        Column("revision_timestamp", TIMESTAMP, "When the revision was saved (UTC).", False),
        Column("user_id", pa.int64(), "Id of the editor; null for IP editors and deleted contributors."),
        Column("user_text", pa.string(), "User name, or IP address for anonymous edits; null when the contributor is deleted."),
        Column("user_is_anonymous", pa.bool_(), "Whether the edit was made by an IP editor (<ip>).", False),
        Column("user_is_temporary", pa.bool_(), "Whether the editor is a temporary account (name like ~2025-12345-67).", False),
        Column("user_is_deleted", pa.bool_(), "Whether the contributor was deleted or suppressed (deleted=\"deleted\").", False),
        Column("user_groups", pa.list_(pa.string()), "Groups of the editor when the edit was made (bot, sysop, ...); null when the source does not carry them (XML dumps, recentchange events)."),
        Column("revision_minor_edit", pa.bool_(), "Whether the edit was flagged minor.", False),
        Column("revision_comment", pa.string(), "Edit summary, empty when none was given; null when deleted."),
        Column("revision_comment_is_deleted", pa.bool_(), "Whether the edit summary was deleted or suppressed.", False),
        Column("revision_text_bytes", pa.int64(), "Text size in bytes (<text bytes=..>, else UTF-8 length of the text); null when unknown."),
        Column("revision_text_bytes_diff", pa.int64(), "revision_text_bytes minus the parent revision's; equals revision_text_bytes without parent; null when the parent is not in the dump."),
        Column("revision_text_sha1", pa.string(), "Base-36 SHA-1 of the text, as MediaWiki stores it (<sha1>, else the sha1 attribute of <text>); null when the dump hides it."),
        Column("revision_text_is_deleted", pa.bool_(), "Whether the text was deleted or suppressed.", False),
        Column("revision_content_model", pa.string(), "Content model (wikitext, Scribunto, css, ...)."),
        Column("revision_content_format", pa.string(), "Serialisation format (text/x-wiki, text/css, ...)."),
        Column("revision_is_redirect", pa.bool_(), "Whether the page is a redirect as of this revision: its text starts with a redirect (#REDIRECT [[...]] or the wiki's own word) in XML dumps, page.is_redirect of page_change events, page_is_redirect of revision-create events; null where the source does not say (stub dumps, deleted text, MediaWiki history TSV, whose page_is_redirect is the page's state at the snapshot)."),
        Column("revision_is_identity_revert", pa.bool_(), "Whether the text equals an earlier revision's of the page (same sha1) and the revision is not a no-op edit.", False),
        Column("revision_is_identity_reverted", pa.bool_(), "Whether a later identity revert restored a text from before this revision.", False),
        Column("revision_first_identity_reverting_revision_id", pa.int64(), "Id of the first revision that identity-reverted this one; null when not reverted."),
        Column("revision_seconds_to_identity_revert", pa.int64(), "Seconds between this revision and its first identity revert; null when not reverted."),
    ),
)
