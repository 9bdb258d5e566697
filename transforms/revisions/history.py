"""Rows of the `pages` and `revisions` datasets for one page, computed while its revisions stream by.

Only each revision's metadata is kept until the page ends (byte diffs and reverts need the whole page);
the job reads without texts: the engine measures each text (size, sha1, redirect line) and drops it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import PAGES, REVISIONS
from transforms.common.naming import title_for_output
from transforms.common.problems import DUPLICATE_REVISION, Problem
from transforms.datasets.rows import Rows
from transforms.revisions.metadata import byte_diffs
from transforms.wikitext._engine import identity_reverts
from transforms.xml.records import Page


@dataclass
class PageHistory:
    """What one page contributes: its `pages` row, its `revisions` rows (as columns), and revisions it had to
    drop."""

    page_row: dict
    revisions: Rows
    problems: list[Problem] = field(default_factory=list)


def page_history(page: Page, *, is_history: bool) -> PageHistory:
    """Consumes `page.revisions` and returns the page's rows.

    Args:
        page: a page from `DumpReader`, revisions not yet read (texts are not needed: the reader measures them).
        is_history: whether the dump holds every revision (pages-meta-history, stub-meta-history);
            revision counts and first-revision timestamps are only meaningful then.
    """
    page_title = title_for_output(page.title)
    problems: list[Problem] = []
    seen_ids: set[int] = set()
    ids, parents, timestamps, sizes, sha1s = [], [], [], [], []
    user_ids, user_texts, anonymous, temporary, user_deleted = [], [], [], [], []
    minor, comments, comment_deleted, text_deleted, models, formats, redirects = [], [], [], [], [], [], []
    for revision in page.revisions:
        if revision.id in seen_ids:
            problems.append(Problem(
                DUPLICATE_REVISION, f"revision {revision.id} appears twice in page {page.page_id}; later copy dropped",
                "revision", True, page.offset, page.page_id, revision.id,
            ))
            continue
        seen_ids.add(revision.id)
        ids.append(revision.id)
        parents.append(revision.parent_id)
        timestamps.append(revision.timestamp)
        sizes.append(revision.text_bytes)
        sha1s.append(revision.sha1)
        user_ids.append(revision.user_id)
        user_texts.append(revision.user_text)
        anonymous.append(revision.user_is_anonymous)
        temporary.append(revision.user_is_temporary)
        user_deleted.append(revision.user_is_deleted)
        minor.append(revision.minor)
        comments.append(revision.comment)
        comment_deleted.append(revision.comment_is_deleted)
        text_deleted.append(revision.text_is_deleted)
        models.append(revision.model)
        formats.append(revision.format)
        redirects.append(revision.redirect_line)
    count = len(ids)
    # Byte diffs and identity reverts need the whole page: the engine computes them on its metadata.
    reverts = identity_reverts(ids, timestamps, parents, sha1s)
    columns = {
        "revision_id": ids,
        "revision_parent_id": parents,
        "revision_timestamp": timestamps,
        "user_id": user_ids,
        "user_text": user_texts,
        "user_is_anonymous": anonymous,
        "user_is_temporary": temporary,
        "user_is_deleted": user_deleted,
        "user_groups": [None] * count,  # XML dumps do not say which groups an editor was in
        "revision_minor_edit": minor,
        "revision_comment": comments,
        "revision_comment_is_deleted": comment_deleted,
        "revision_text_bytes": sizes,
        "revision_text_sha1": sha1s,
        "revision_text_is_deleted": text_deleted,
        "revision_content_model": models,
        "revision_content_format": formats,
        "revision_is_redirect": redirects,
        "revision_text_bytes_diff": byte_diffs(ids, parents, sizes),
        "revision_is_identity_revert": [info[0] for info in reverts],
        "revision_is_identity_reverted": [info[1] for info in reverts],
        "revision_first_identity_reverting_revision_id": [info[2] for info in reverts],
        "revision_seconds_to_identity_revert": [info[3] for info in reverts],
    }
    rows = Rows.keyed(columns, {"page_id": page.page_id, "page_namespace": page.namespace, "page_title": page_title},
                      counted="revision_id")
    return PageHistory(page_row(page, page_title, columns, is_history), rows, problems)


def history_rows(page: Page, *, is_history: bool):
    """`DumpReader` processor: yields the page's rows only once the whole page has been read."""
    history = page_history(page, is_history=is_history)
    yield from history.problems
    yield PAGES, history.page_row
    if history.revisions.count:
        yield REVISIONS, history.revisions


def page_row(page: Page, page_title: str, columns: dict[str, list], is_history: bool) -> dict:
    ids, timestamps = columns["revision_id"], columns["revision_timestamp"]
    latest = max(range(len(ids)), key=lambda i: (timestamps[i], ids[i]), default=None)
    has_latest = latest is not None
    return {
        "page_id": page.page_id,
        "page_namespace": page.namespace,
        "page_title": page_title,
        "page_is_redirect": page.is_redirect,
        "page_redirect_title": None if page.redirect_title is None else title_for_output(page.redirect_title),
        "page_latest_revision_id": ids[latest] if has_latest else None,
        "page_latest_revision_timestamp": timestamps[latest] if has_latest else None,
        "page_revision_count": len(ids) if is_history else None,
        "page_first_revision_timestamp": min(timestamps) if is_history and ids else None,
        "page_text_bytes": columns["revision_text_bytes"][latest] if has_latest else None,
        "page_content_model": columns["revision_content_model"][latest] if has_latest else None,
        "page_wikidata_item": None,  # an XML dump does not carry it
        "page_redirects": None,  # each redirect is a page row of its own
        "source": "wikitext",
    }
