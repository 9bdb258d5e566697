"""Columns of `revisions` that need a page's other revisions: byte diffs and identity reverts.

Both the XML path (one page streamed at a time) and the events path (a page's revision metadata
grouped after reading) call these on the metadata rows of one page, so the rules are the same.
"""
from __future__ import annotations

from transforms.revisions.reverts import identity_reverts
from transforms.wikitext._engine import byte_diffs as engine_byte_diffs


def add_byte_diffs(rows: list[dict]) -> None:
    """Sets `revision_text_bytes_diff` on each row of one page (see `byte_diffs`).

    Args:
        rows: `revisions` rows of one page (revision_id, revision_parent_id, revision_text_bytes).
    """
    diffs = byte_diffs([row["revision_id"] for row in rows], [row["revision_parent_id"] for row in rows],
                       [row["revision_text_bytes"] for row in rows])
    for row, diff in zip(rows, diffs):
        row["revision_text_bytes_diff"] = diff


def byte_diffs(revision_ids: list[int], parent_ids: list[int | None], sizes: list[int | None],
               stated_parent_sizes: list[int | None] | None = None) -> list[int | None]:
    """`revision_text_bytes_diff` of each revision of one page, as mediawiki_history computes it (in the
    engine, engine/src/history.rs).

    No parent: the diff is the size. Parent among the page's revisions: size minus the parent's size.
    Otherwise the parent's size the source itself carried (event dumps give it), else null.

    Args:
        revision_ids, parent_ids, sizes: the page's revisions, in any order.
        stated_parent_sizes: the parent's size as stated by the source, per revision (None: not stated).
    """
    return engine_byte_diffs(revision_ids, parent_ids, sizes, stated_parent_sizes)


def add_identity_reverts(rows: list[dict]) -> None:
    """Sets the four identity-revert columns on each row of one page (see transforms/reverts.py).

    Rows need revision_id, revision_timestamp (epoch seconds), revision_parent_id, revision_text_sha1.
    """
    infos = identity_reverts(
        [row["revision_id"] for row in rows],
        [row["revision_timestamp"] for row in rows],
        [row["revision_parent_id"] for row in rows],
        [row["revision_text_sha1"] for row in rows],
    )
    for row, info in zip(rows, infos):
        row["revision_is_identity_revert"] = info.is_revert
        row["revision_is_identity_reverted"] = info.is_reverted
        row["revision_first_identity_reverting_revision_id"] = info.first_reverting_revision_id
        row["revision_seconds_to_identity_revert"] = info.seconds_to_revert
