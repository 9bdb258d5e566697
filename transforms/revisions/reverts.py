"""Identity reverts of one page, with mediawiki_history's algorithm (DenormalizedRevisionsBuilder).

Per page and sha1, revisions ordered by (timestamp, revision id): the first is the revert base, the
others are reverts to it, except no-op edits whose parent is the previous revision of the same sha1
(null edits, page-merge artefacts). Walking the page in that order, a revision that is not itself the
next pending revert is reverted by the earliest pending revert; pending reverts of a base join once the
base is passed. A reverting revision is also reverted when a later pending revert has a different base
(a "wider" revert). No time window, no radius.

Only small metadata is needed, so a page's whole history fits here even for 15,000 revisions.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import Sequence


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
    n = len(revision_ids)
    order = sorted(range(n), key=lambda i: (timestamps[i], revision_ids[i]))

    series: dict[str, list[int]] = {}
    for i in order:
        if sha1s[i] is not None:
            series.setdefault(sha1s[i], []).append(i)

    is_revert = [False] * n
    reverts_of_base: dict[int, deque[int]] = {}
    for members in series.values():
        previous = members[0]
        real = deque()
        for i in members[1:]:
            if parent_ids[i] is None or parent_ids[i] != revision_ids[previous]:
                real.append(i)
                is_revert[i] = True
            previous = i
        if real:
            reverts_of_base[members[0]] = real

    def key(i: int) -> tuple[int, int]:
        return timestamps[i], revision_ids[i]

    # Heap of (key of a base's earliest pending revert, base). A base has at most one live entry: the
    # one matching the head of its deque; older entries are skipped when met.
    pending: list[tuple[tuple[int, int], int]] = []

    def live(entry) -> bool:
        queue = reverts_of_base.get(entry[1])
        return bool(queue) and key(queue[0]) == entry[0]

    def earliest(excluding_base: int | None = None):
        set_aside = []
        found = None
        while pending:
            entry = pending[0]
            if not live(entry):
                heapq.heappop(pending)
                continue
            if entry[1] == excluding_base:
                set_aside.append(heapq.heappop(pending))
                continue
            found = entry
            break
        for entry in set_aside:
            heapq.heappush(pending, entry)
        return found

    result: list[RevertInfo] = [NOT_REVERTED] * n
    for i in order:
        reverted_by = None
        head = earliest()
        if head is not None and head[0] == key(i):
            base = head[1]
            heapq.heappop(pending)
            queue = reverts_of_base[base]
            queue.popleft()
            if queue:
                heapq.heappush(pending, (key(queue[0]), base))
            wider = earliest(excluding_base=base)
            if wider is not None:
                reverted_by = reverts_of_base[wider[1]][0]
        elif head is not None:
            reverted_by = reverts_of_base[head[1]][0]
        if reverted_by is not None:
            result[i] = RevertInfo(is_revert[i], True, revision_ids[reverted_by], timestamps[reverted_by] - timestamps[i])
        elif is_revert[i]:
            result[i] = RevertInfo(True, False, None, None)
        queue = reverts_of_base.get(i)
        if queue:
            heapq.heappush(pending, (key(queue[0]), i))
    return result
