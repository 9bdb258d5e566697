"""Identity reverts: hand-worked cases, and agreement with a literal, slow reading of the rule."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.revisions.reverts import RevertInfo, identity_reverts


def flags(history):
    """history: list of (rev_id, timestamp, parent_id, sha1); returns {rev_id: RevertInfo}."""
    ids, times, parents, sha1s = zip(*history)
    return dict(zip(ids, identity_reverts(ids, times, parents, sha1s)))


def test_simple_revert():
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 35, 2, "A")])
    assert result[1] == RevertInfo(False, False, None, None)
    assert result[2] == RevertInfo(False, True, 3, 15)
    assert result[3] == RevertInfo(True, False, None, None)


def test_revert_over_several_edits():
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 30, 2, "C"), (4, 50, 3, "A")])
    assert result[2] == RevertInfo(False, True, 4, 30)
    assert result[3] == RevertInfo(False, True, 4, 20)
    assert result[4].is_revert and not result[4].is_reverted


def test_a_revert_reverted_by_a_wider_one():
    # r3 restores A (base r1); r4 restores B (base r2), so r3 is itself reverted.
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 30, 2, "A"), (4, 40, 3, "B")])
    assert result[1] == RevertInfo(False, False, None, None)
    assert result[2] == RevertInfo(False, True, 3, 10)
    assert result[3] == RevertInfo(True, True, 4, 10)
    assert result[4] == RevertInfo(True, False, None, None)


def test_inner_revert_chain_is_reverted_only_by_a_different_base():
    # Two reverts to A (r3, r5) then r6 restores B: r3 is reverted by r6 (different base), not by r5.
    result = flags([(1, 1, None, "A"), (2, 2, 1, "B"), (3, 3, 2, "A"), (4, 4, 3, "C"), (5, 5, 4, "A"), (6, 6, 5, "B")])
    assert result[3] == RevertInfo(True, True, 6, 3)
    assert result[4] == RevertInfo(False, True, 5, 1)
    assert result[5] == RevertInfo(True, True, 6, 1)


def test_null_edit_is_not_a_revert():
    result = flags([(1, 10, None, "A"), (2, 20, 1, "A")])
    assert result[2] == RevertInfo(False, False, None, None)
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 30, 2, "B"), (4, 40, 3, "A")])
    assert result[3] == RevertInfo(False, True, 4, 10)
    assert result[2] == RevertInfo(False, True, 4, 20)
    assert result[4] == RevertInfo(True, False, None, None)


def test_no_op_is_decided_by_the_parent_id_alone():
    # r3 has A's text and names r1, the previous A, as its parent: a no-op, whatever came between.
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 30, 1, "A")])
    assert result[3] == RevertInfo(False, False, None, None)
    assert result[2] == RevertInfo(False, False, None, None)
    # Without a parent id it is a revert.
    result = flags([(1, 10, None, "A"), (2, 20, 1, "B"), (3, 30, None, "A")])
    assert result[3].is_revert and result[2] == RevertInfo(False, True, 3, 10)


def test_revisions_without_sha1_can_be_reverted_but_never_revert():
    result = flags([(1, 10, None, "A"), (2, 20, 1, None), (3, 30, 2, None), (4, 40, 3, "A")])
    assert result[2] == RevertInfo(False, True, 4, 20)
    assert result[3] == RevertInfo(False, True, 4, 10)
    assert result[4].is_revert


def test_order_is_timestamp_then_id_not_dump_order():
    result = flags([(3, 30, 2, "A"), (1, 10, None, "A"), (2, 20, 1, "B")])
    assert result[2] == RevertInfo(False, True, 3, 10)
    # Equal timestamps fall back to revision ids.
    result = flags([(7, 5, None, "A"), (9, 5, 8, "A"), (8, 5, 7, "B")])
    assert result[8] == RevertInfo(False, True, 9, 0)


def literal_reverts(history):
    """The rule as the issue states it, with plain lists (slow, obviously right)."""
    ordered = sorted(history, key=lambda r: (r[1], r[0]))
    reverts_of = {}
    is_revert = {}
    series = {}
    for rev_id, ts, parent, sha1 in ordered:
        if sha1 is None:
            continue
        series.setdefault(sha1, []).append((rev_id, ts, parent))
    for members in series.values():
        base = members[0][0]
        for previous, current in zip(members, members[1:]):
            if current[2] != previous[0]:
                reverts_of.setdefault(base, []).append((current[1], current[0]))
                is_revert[current[0]] = True
    pending = []  # [((ts, id), base)] kept sorted
    out = {}
    times = {r[0]: r[1] for r in history}
    for rev_id, ts, _parent, _sha1 in ordered:
        reverted_by = None
        if pending and pending[0][0] == (ts, rev_id):
            _, base = pending.pop(0)
            wider = [p for p in pending if p[1] != base]
            if wider:
                reverted_by = wider[0][0][1]
        elif pending:
            reverted_by = pending[0][0][1]
        out[rev_id] = RevertInfo(is_revert.get(rev_id, False), reverted_by is not None, reverted_by,
                                 None if reverted_by is None else times[reverted_by] - ts)
        for key in reverts_of.get(rev_id, []):
            pending.append((key, rev_id))
        pending.sort()
    return out


histories = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(["A", "B", "C", "D", None]), st.booleans()),
    min_size=1, max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(histories)
def test_agrees_with_the_literal_rule(steps):
    history = []
    previous_id = None
    for index, (ts, sha1, link_parent) in enumerate(steps, start=1):
        history.append((index, ts, previous_id if link_parent else None, sha1))
        previous_id = index
    assert flags(history) == literal_reverts(history)
