"""Identity reverts of one page, with mediawiki_history's algorithm (DenormalizedRevisionsBuilder).

Per page and sha1, revisions ordered by (timestamp, revision id): the first is the revert base, the
others are reverts to it, except no-op edits whose parent is the previous revision of the same sha1 (null
edits, page-merge artefacts). Walking the page in that order, a revision that is not itself the next
pending revert is reverted by the earliest pending revert; pending reverts of a base join once the base is
passed. A reverting revision is also reverted when a later pending revert has a different base (a "wider"
revert). No time window, no radius.

The algorithm runs in the engine (engine/src/history.rs); only small metadata is needed, so a page's
whole history fits there even for 15,000 revisions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from transforms.wikitext._engine import identity_reverts as engine_identity_reverts


@dataclass(frozen=True)
class RevertInfo:
    is_revert: bool
    is_reverted: bool
    first_reverting_revision_id: int | None
    seconds_to_revert: int | None


NOT_REVERTED = RevertInfo(False, False, None, None)


def identity_reverts(
    revision_ids: Sequence[int],
    timestamps: Sequence[int],
    parent_ids: Sequence[int | None],
    sha1s: Sequence[str | None],
) -> list[RevertInfo]:
    """Revert flags for each revision of one page, in the order given.

    Args:
        revision_ids: unique revision ids of the page.
        timestamps: seconds since the epoch, same order.
        parent_ids: parent revision ids (None when absent), same order.
        sha1s: text sha1s; None for revisions without one (deleted text), which are never bases or
            reverts but can be reverted.
    """
    found = engine_identity_reverts(list(revision_ids), list(timestamps), list(parent_ids), list(sha1s))
    return [NOT_REVERTED if info == (False, False, None, None) else RevertInfo(*info) for info in found]
