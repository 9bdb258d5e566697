"""Rows of the `pages` and `revisions` datasets for one page, computed while its revisions stream by.

Only each revision's metadata is kept until the page ends (byte diffs and reverts need the whole page);
the job reads without texts: the engine measures each text (size, sha1, redirect line) and drops it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import PAGES, REVISIONS
from transforms.common.naming import title_for_output
from transforms.common.problems import DUPLICATE_REVISION, Problem
from transforms.revisions.metadata import add_byte_diffs, add_identity_reverts
from transforms.xml.records import Page


@dataclass
class PageHistory:
    """What one page contributes: its `pages` row, its `revisions` rows, and revisions it had to drop."""

    page_row: dict
    revision_rows: list[dict]
    problems: list[Problem] = field(default_factory=list)


def page_history(page: Page, *, is_history: bool) -> PageHistory:
    """Consumes `page.revisions` and returns the page's rows.

    Args:
        page: a page from `DumpReader`, revisions not yet read.
        is_history: whether the dump holds every revision (pages-meta-history, stub-meta-history);
            revision counts and first-revision timestamps are only meaningful then.
    """
    page_title = title_for_output(page.title)
    rows: list[dict] = []
    problems: list[Problem] = []
    seen_ids: set[int] = set()
    for revision in page.revisions:
        if revision.id in seen_ids:
            problems.append(Problem(
                DUPLICATE_REVISION, f"revision {revision.id} appears twice in page {page.page_id}; later copy dropped",
                "revision", True, page.offset, page.page_id, revision.id,
            ))
            continue
        seen_ids.add(revision.id)
        rows.append({
            "page_id": page.page_id,
            "page_namespace": page.namespace,
            "page_title": page_title,
            "revision_id": revision.id,
            "revision_parent_id": revision.parent_id,
            "revision_timestamp": revision.timestamp,
            "user_id": revision.user_id,
            "user_text": revision.user_text,
            "user_is_anonymous": revision.user_is_anonymous,
            "user_is_temporary": revision.user_is_temporary,
            "user_is_deleted": revision.user_is_deleted,
            "user_groups": None,  # XML dumps do not say which groups an editor was in
            "revision_minor_edit": revision.minor,
            "revision_comment": revision.comment,
            "revision_comment_is_deleted": revision.comment_is_deleted,
            "revision_text_bytes": revision.text_bytes,
            "revision_text_sha1": revision.sha1,
            "revision_text_is_deleted": revision.text_is_deleted,
            "revision_content_model": revision.model,
            "revision_content_format": revision.format,
            "revision_is_redirect": revision.redirect_line,
        })
    add_byte_diffs(rows)
    add_identity_reverts(rows)
    return PageHistory(_page_row(page, page_title, rows, is_history), rows, problems)


def history_rows(page: Page, *, is_history: bool):
    """`DumpReader` processor: yields the page's rows only once the whole page has been read."""
    history = page_history(page, is_history=is_history)
    yield from history.problems
    yield PAGES, history.page_row
    for row in history.revision_rows:
        yield REVISIONS, row


def _page_row(page: Page, page_title: str, rows: list[dict], is_history: bool) -> dict:
    latest = max(rows, key=lambda r: (r["revision_timestamp"], r["revision_id"]), default=None)
    return {
        "page_id": page.page_id,
        "page_namespace": page.namespace,
        "page_title": page_title,
        "page_is_redirect": page.is_redirect,
        "page_redirect_title": None if page.redirect_title is None else title_for_output(page.redirect_title),
        "page_latest_revision_id": latest and latest["revision_id"],
        "page_latest_revision_timestamp": latest and latest["revision_timestamp"],
        "page_revision_count": len(rows) if is_history else None,
        "page_first_revision_timestamp": (
            min(r["revision_timestamp"] for r in rows) if is_history and rows else None
        ),
        "page_text_bytes": latest and latest["revision_text_bytes"],
        "page_content_model": latest and latest["revision_content_model"],
        "page_wikidata_item": None,  # an XML dump does not carry it
        "page_redirects": None,  # each redirect is a page row of its own
        "source": "wikitext",
    }
