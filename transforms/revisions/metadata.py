"""The `revisions` column that needs a page's other revisions' sizes: byte diffs (identity reverts are in
reverts.py).

Both the XML path (one page streamed at a time) and the events path (a page's revision metadata
grouped after reading) call these on the metadata of one page, so the rules are the same.
"""
from __future__ import annotations

from transforms.wikitext._engine import byte_diffs as engine_byte_diffs


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
