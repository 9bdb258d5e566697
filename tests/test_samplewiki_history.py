"""Golden tests: the history job on the bundled samplewiki against the generator's own model.

The generator knows every page and revision it wrote (and what revision deletion hid), so each row
is checked against facts that do not come from the code under test.
"""
from __future__ import annotations

import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_wiki, find_identity_reverts
from tests.conftest import SAMPLE_DUMPS, read_dataset

HISTORY = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
STUBS = SAMPLE_DUMPS / "samplewiki-20260101-stub-meta-history.xml.gz"
ARTICLES = SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


def run_history(path, output, *extra):
    assert cli.main(["run", "history", "--workers", "1", "--input", str(path), "--output", str(output), *extra]) == 0


@pytest.fixture(scope="module")
def history_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("history")
    run_history(HISTORY, output)
    return output


def test_every_revision_matches_the_model(wiki, history_output):
    rows = {row["revision_id"]: row for row in read_dataset(history_output, "revisions")}
    expected = [(page, rev) for page in wiki.pages for rev in page.revisions]
    assert len(rows) == len(expected) == 2334
    for page, rev in expected:
        row = rows[rev.rev_id]
        assert (row["wiki_db"], row["snapshot"]) == ("samplewiki", "20260101")
        assert (row["page_id"], row["page_namespace"]) == (page.page_id, page.namespace)
        assert row["page_title"] == page.title.replace(" ", "_")
        assert row["revision_parent_id"] == rev.parent_id
        assert row["revision_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ") == rev.timestamp
        assert row["revision_minor_edit"] == rev.minor
        assert row["revision_content_model"] == rev.model and row["revision_content_format"] == rev.format
        assert row["revision_text_bytes"] == rev.bytes
        # Export 0.11 keeps the slot's sha1 on <text> even when the text is deleted.
        assert row["revision_text_sha1"] == rev.sha1
        assert row["revision_text_is_deleted"] == rev.text_deleted
        assert row["revision_comment_is_deleted"] == rev.comment_deleted
        assert row["revision_comment"] == (None if rev.comment_deleted else rev.comment)
        assert row["user_is_deleted"] == rev.contributor_deleted
        if rev.contributor_deleted:
            assert row["user_text"] is None and row["user_id"] is None
        else:
            assert row["user_text"] == rev.contributor.name
            assert row["user_id"] == rev.contributor.user_id
            assert row["user_is_anonymous"] == rev.contributor.is_anonymous
            assert row["user_is_temporary"] == (rev.contributor.user is not None and rev.contributor.user.is_temporary)


def test_byte_diffs_follow_parents(wiki, history_output):
    rows = {row["revision_id"]: row for row in read_dataset(history_output, "revisions")}
    for page in wiki.pages:
        sizes = {rev.rev_id: rev.bytes for rev in page.revisions}
        for rev in page.revisions:
            expected = rev.bytes - sizes[rev.parent_id] if rev.parent_id else rev.bytes
            assert rows[rev.rev_id]["revision_text_bytes_diff"] == expected


def test_identity_reverts_match_the_generators_reverts(wiki, history_output):
    rows = {row["revision_id"]: row for row in read_dataset(history_output, "revisions")}
    reverting = set()
    for page in wiki.pages:
        for revert in find_identity_reverts(page.revisions):
            reverting.add(revert.rev_id)
            for reverted in revert.reverted_rev_ids:
                assert rows[reverted]["revision_is_identity_reverted"], reverted
    flagged = {rev_id for rev_id, row in rows.items() if row["revision_is_identity_revert"]}
    assert flagged == reverting and len(flagged) == 199
    labelled = {rev.rev_id for page in wiki.pages for rev in page.revisions if rev.kind == "revert"}
    assert labelled <= flagged
    for rev_id, row in rows.items():
        if row["revision_is_identity_reverted"]:
            reverter = rows[row["revision_first_identity_reverting_revision_id"]]
            assert reverter["revision_is_identity_revert"] and reverter["page_id"] == row["page_id"]
            seconds = (reverter["revision_timestamp"] - row["revision_timestamp"]).total_seconds()
            assert row["revision_seconds_to_identity_revert"] == seconds >= 0


def test_pages_match_the_model(wiki, history_output):
    rows = {row["page_id"]: row for row in read_dataset(history_output, "pages")}
    assert len(rows) == len(wiki.pages) == 261
    for page in wiki.pages:
        row = rows[page.page_id]
        latest = max(page.revisions, key=lambda r: (r.timestamp, r.rev_id))
        assert row["page_latest_revision_id"] == latest.rev_id
        assert row["page_revision_count"] == len(page.revisions)
        assert row["page_first_revision_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ") == min(r.timestamp for r in page.revisions)
        assert row["page_is_redirect"] == (page.redirect is not None)
        assert row["page_redirect_title"] == (page.redirect.replace(" ", "_") if page.redirect else None)
        assert row["page_content_model"] == latest.model and row["page_text_bytes"] == latest.bytes


def test_stub_history_gives_the_same_revision_rows(history_output, tmp_path):
    """The same rows from stubs as from the full history, but whether a revision is a redirect: a stub has
    no text to tell (null)."""
    run_history(STUBS, tmp_path)
    key = lambda row: row["revision_id"]  # noqa: E731
    stubs = sorted(read_dataset(tmp_path, "revisions"), key=key)
    full = sorted(read_dataset(history_output, "revisions"), key=key)
    assert {row["revision_is_redirect"] for row in stubs} == {None}
    assert {row["revision_is_redirect"] for row in full} == {True, False, None}  # None: deleted texts
    assert [{**row, "revision_is_redirect": None} for row in stubs] == [{**row, "revision_is_redirect": None} for row in full]


def test_multistream_articles_give_the_latest_revisions(wiki, history_output, tmp_path):
    run_history(ARTICLES, tmp_path, "--split-size-mb", "0.01")
    pages = {row["page_id"]: row for row in read_dataset(tmp_path, "pages")}
    history_pages = {row["page_id"]: row for row in read_dataset(history_output, "pages")}
    from sample_dumps.generate import in_pages_articles

    assert set(pages) == {p.page_id for p in wiki.pages if in_pages_articles(p.namespace)}
    for page_id, row in pages.items():
        reference = history_pages[page_id]
        for column in ("page_title", "page_namespace", "page_latest_revision_id", "page_latest_revision_timestamp",
                       "page_is_redirect", "page_redirect_title", "page_text_bytes", "page_content_model"):
            assert row[column] == reference[column], (page_id, column)
        assert row["page_revision_count"] is None and row["page_first_revision_timestamp"] is None
