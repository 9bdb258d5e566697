"""`wikidumps run events`: the samplewiki history as event dumps gives the XML path's revisions; bad input."""
from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import pytest

from runners.cli import main as cli
from sample_dumps.events import page_change_events, page_deletion_events, page_deletions
from sample_dumps.generate import build_wiki, event_file_names
from tests.conftest import SAMPLE_DUMPS, read_dataset
from transforms.events.history_tsv import HISTORY_LAYOUTS, convert_history_line, split_array, unescape_field
from transforms.events.inputs import describe_input
from transforms.events.reader import read_event_blocks
from transforms.events.records import REVISION_FIELDS

HISTORY = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
FORMATS = ("events_json", "events_avro", "history_tsv")


def run(kind: str, inputs, output: Path, *extra: str) -> int:
    args = ["run", kind, "--workers", "1", "--output", str(output), *extra]
    for path in inputs:
        args += ["--input", str(path)]
    return cli.main(args)


@pytest.fixture(scope="module")
def wiki():
    return build_wiki()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, wiki):
    """The XML history and each event format of the same samplewiki, each through its job."""
    root = tmp_path_factory.mktemp("events")
    assert run("history", [HISTORY], root / "xml") == 0
    names = event_file_names(wiki)
    for key in FORMATS:
        assert run("events", [SAMPLE_DUMPS / names[key]], root / key) == 0
    return root


@pytest.mark.parametrize("key", FORMATS)
def test_each_event_format_gives_the_revisions_of_the_xml_path(outputs, wiki, key):
    xml = {row["revision_id"]: row for row in read_dataset(outputs / "xml", "revisions")}
    events = {row["revision_id"]: row for row in read_dataset(outputs / key, "revisions")}
    assert len(events) == len(xml) == 2334
    groups = {}
    for page in wiki.pages:
        for rev in page.revisions:
            user = rev.contributor.user
            groups[rev.rev_id] = None if rev.contributor_deleted else sorted(user.groups) if user else []
    for rev_id, row in events.items():
        # Everything equal, byte diffs and identity reverts included; only events know the editor's groups.
        # Whether a revision left its page a redirect: the history TSV does not say (its page_is_redirect is
        # the page's state at the snapshot), nor does XML when the revision's text is deleted.
        unknown = {"user_groups"}
        if key == "history_tsv" or xml[rev_id]["revision_text_is_deleted"]:
            unknown.add("revision_is_redirect")
        assert {k: v for k, v in row.items() if k not in unknown} == \
            {k: v for k, v in xml[rev_id].items() if k not in unknown}, rev_id
        assert xml[rev_id]["user_groups"] is None
        assert row["user_groups"] == groups[rev_id], rev_id
        assert (row["revision_is_redirect"] is None) == (key == "history_tsv")
    redirects = {rev.rev_id for page in wiki.pages if page.redirect is not None for rev in page.revisions}
    assert {rev_id for rev_id, row in xml.items() if row["revision_is_redirect"]} == redirects
    assert sum(row["revision_is_identity_revert"] for row in events.values()) == 199


def test_user_and_page_events(outputs, wiki):
    by_format = {key: read_dataset(outputs / key, "events") for key in FORMATS}
    with_groups = [u for u in wiki.users if u.groups]
    for key in ("events_json", "history_tsv"):
        rows = by_format[key]
        creates = {r["user_text"]: r for r in rows if (r["event_entity"], r["event_type"]) == ("user", "create")}
        assert {name: (r["user_id"], r["event_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")) for name, r in creates.items()} \
            == {u.user_name: (u.user_id, u.registration) for u in wiki.users}
        granted = {r["user_text"]: r["user_groups"] for r in rows if r["event_type"] == "altergroups"}
        assert granted == {u.user_name: sorted(u.groups) for u in with_groups}
    page_events = [r for r in by_format["events_avro"] if r["event_entity"] == "page"]
    assert sorted(r["page_id"] for r in page_events if r["event_type"] == "create") == [p.page_id for p in wiki.pages]
    moves = [r for r in page_events if r["event_type"] == "move"]
    assert moves and all(r["page_title_before"] and r["page_title"] != r["page_title_before"] for r in moves)
    key = lambda r: (r["event_timestamp"], r["page_id"], r["event_type"])  # noqa: E731
    assert sorted(by_format["events_avro"], key=key) == \
        sorted((r for r in by_format["events_json"] if r["event_entity"] == "page"), key=key)


def test_samplewiki_deletions_and_restorations_are_page_events_in_every_format(outputs, wiki):
    deletions = page_deletions(wiki)
    expected = sorted([(d.page.page_id, "delete", d.deleted, d.sysop.user_name) for d in deletions]
                      + [(d.page.page_id, "restore", d.restored, d.sysop.user_name) for d in deletions])
    assert len(expected) == 12
    for key in FORMATS:
        rows = read_dataset(outputs / key, "page_events")
        got = sorted((r["page_id"], r["event_type"], r["event_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                      r["event_user_text"]) for r in rows if r["event_type"] in ("delete", "restore"))
        assert got == expected, key
        # page_change says which pages were created as redirects; the history TSV has no page create rows.
        creates = {r["page_id"]: r["page_is_redirect"] for r in rows if r["event_type"] == "create"}
        if key == "history_tsv":
            assert creates == {}
        else:
            assert creates == {p.page_id: p.redirect is not None for p in wiki.pages}


def test_a_file_of_events_that_save_nothing_is_read_and_counted(real_data, tmp_path, capsys):
    """A visibility change names its wiki but gives no row: the file is still an event dump of that wiki."""
    path = real_data / "eventstreams" / "page_change" / "wdqs__wikibase__item-visibility-change.json"
    assert run("events", [path], tmp_path / "out", "--snapshot", "20241004") == 0, capsys.readouterr().err
    manifest = json.loads((tmp_path / "out" / "revisions" / "_manifest.json").read_text())
    assert [p["wiki_db"] for p in manifest["partitions"]] == ["testwikidatawiki"]
    run_info = next(iter(manifest["runs"].values()))
    assert run_info["accounting"]["records"] == {"read": 1, "written": 0, "dropped": 0, "filtered": 1,
                                                 "balanced": True}


def test_real_page_change_events(real_data, tmp_path):
    folder = real_data / "eventstreams" / "page_change"
    path = tmp_path / "page_change-20241101.json"
    path.write_text("".join(p.read_text().strip() + "\n" for p in sorted(folder.glob("*.json"))))
    assert run("events", [path], tmp_path / "out") == 0
    revisions = {r["revision_id"]: r for r in read_dataset(tmp_path / "out", "revisions")}
    # 13 events: 2 creates of items, 1 create of a user page, 1 lexeme create, 4 edits, 1 move (a null
    # revision); deletes, undeletes and the visibility change save no revision.
    assert sorted(revisions) == [686138, 686139, 686143, 686147, 686857, 930818273, 934984984, 935026237]
    edit = revisions[686139]
    assert (edit["wiki_db"], edit["page_id"], edit["page_title"], edit["revision_parent_id"]) == \
        ("testwikidatawiki", 330275, "Q235989", 686138)
    assert edit["revision_text_bytes_diff"] == 755 - 329 and edit["revision_content_model"] == "wikibase-item"
    assert revisions[686147]["user_groups"] == ["bot"]
    # The parent of this edit is not among the events: its size comes from the event's prior_state.
    assert revisions[934984984]["revision_text_bytes_diff"] == 2032 - 1871
    assert revisions[930818273]["page_title"] == "Jacobaea_vulgaris_-_Jakobs-Kreuzkraut.jpg"
    events = read_dataset(tmp_path / "out", "events")
    assert sorted((e["wiki_db"], e["event_type"]) for e in events) == sorted(
        [("commonswiki", "move")] + [("testwikidatawiki", t) for t in
                                     ("create", "create", "create", "delete", "delete", "restore", "restore")])
    suppressed = [e for e in events if e["event_type"] == "delete" and e["event_user_text"] is None]
    assert len(suppressed) == 1  # the suppression hid its performer
    manifest = json.loads((tmp_path / "out" / "revisions" / "_manifest.json").read_text())
    accounting = next(iter(manifest["runs"].values()))["accounting"]
    assert accounting["records"] == {"read": 13, "written": 12, "dropped": 0, "filtered": 1, "balanced": True}
    assert accounting["revisions"] == {"read": 8, "dropped": 0, "filtered": 0, "written": 8, "balanced": True}
    assert accounting["page-events"] == {"read": 8, "dropped": 0, "written": 8, "balanced": True}
    # Each page event as the files state it (performer.edit_count, page.is_redirect, prior_state.page).
    got = sorted((r["wiki_db"], r["event_type"], r["page_id"], r["event_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                  r["event_user_id"], r["event_user_text"], r["event_user_revision_count"], r["page_namespace"],
                  r["page_title"], r["page_namespace_before"], r["page_title_before"], r["page_is_redirect"])
                 for r in read_dataset(tmp_path / "out", "page_events"))
    dcausse = (2490, "DCausse (WMF)")
    assert got == sorted([
        ("commonswiki", "move", 49988679, "2024-09-30T22:33:39Z", 354438, "AnRo0002", 2098289, 6,
         "Jacobaea_vulgaris_-_Jakobs-Kreuzkraut.jpg", 6, "Jakobs-Kreuzkraut.jpg", False),
        ("testwikidatawiki", "create", 330275, "2024-10-04T15:09:55Z", *dcausse, 26, 0, "Q235989", None, None, False),
        ("testwikidatawiki", "delete", 330275, "2024-10-04T15:26:14Z", *dcausse, 29, 0, "Q235989", None, None, False),
        ("testwikidatawiki", "restore", 330275, "2024-10-04T15:27:28Z", *dcausse, 29, 0, "Q235989", None, None, False),
        ("testwikidatawiki", "delete", 330275, "2024-10-04T15:32:58Z", None, None, None, 0, "Q235989", None, None,
         False),  # the suppression hides its performer
        ("testwikidatawiki", "restore", 330275, "2024-10-04T15:37:46Z", *dcausse, 29, 0, "Q235989", None, None, False),
        ("testwikidatawiki", "create", 330276, "2024-10-04T16:36:23Z", *dcausse, 29, 2, "DCausse_(WMF)/Test", None,
         None, False),
        ("testwikidatawiki", "create", 330350, "2024-10-08T07:35:59Z", *dcausse, 30, 146, "L4227", None, None, False),
    ])


def history_line(**values) -> str:
    """A MediaWiki history TSV line of the 78-field layout holding `values`, every other field empty."""
    columns = HISTORY_LAYOUTS[78]
    fields = [""] * 78
    for name, value in values.items():
        fields[columns[name]] = value
    return "\t".join(fields)


def test_history_tsv_page_events_and_a_bad_one(tmp_path):
    page = {"wiki_db": "xwiki", "event_entity": "page", "page_id": "7", "page_namespace_historical": "0",
            "page_title_historical": "Alpha", "page_is_redirect": "true"}
    lines = [
        history_line(**page, event_type="create", event_timestamp="2024-01-01 10:00:00.0", event_user_id="3",
                     event_user_text_historical="Ann", event_user_revision_count="12"),
        history_line(**page, event_type="delete", event_timestamp="2024-01-05 10:00:00.0", event_user_id="4",
                     event_user_text_historical="Admin", event_comment="spam"),
        history_line(**page, event_type="restore", event_timestamp="2024-01-06 10:00:00.0", event_user_id="4",
                     event_user_text_historical="Admin"),
        history_line(**{**page, "page_id": "x7"}, event_type="delete", event_timestamp="2024-01-07 10:00:00.0"),
        history_line(wiki_db="xwiki", event_entity="user", event_type="create", event_timestamp="2024-01-01 09:00:00.0",
                     user_id="3", user_text_historical="Ann"),
    ]
    path = tmp_path / "2024-01.xwiki.all-time.tsv.bz2"
    path.write_bytes(bz2.compress("\n".join(lines).encode()))
    assert run("events", [path], tmp_path / "out", "--max-error-rate", "0.5") == 0
    got = sorted((r["event_type"], r["page_id"], r["event_timestamp"].strftime("%Y-%m-%d %H:%M"), r["event_user_id"],
                  r["event_user_text"], r["event_user_revision_count"], r["page_namespace"], r["page_title"],
                  r["page_is_redirect"], r["event_comment"]) for r in read_dataset(tmp_path / "out", "page_events"))
    # page_is_redirect of the TSV is the page's state at the snapshot, not at the event: null.
    assert got == [("create", 7, "2024-01-01 10:00", 3, "Ann", 12, 0, "Alpha", None, None),
                   ("delete", 7, "2024-01-05 10:00", 4, "Admin", None, 0, "Alpha", None, "spam"),
                   ("restore", 7, "2024-01-06 10:00", 4, "Admin", None, 0, "Alpha", None, None)]
    (error,) = read_dataset(tmp_path / "out", "errors")
    assert (error["source_line"], error["error_type"], error["record_dropped"]) == (4, "missing-field", True)
    assert "page_id is 'x7'" in error["message"]
    events = read_dataset(tmp_path / "out", "events")
    assert sorted((e["event_entity"], e["event_type"]) for e in events) == [
        ("page", "create"), ("page", "delete"), ("page", "restore"), ("user", "create")]
    manifest = json.loads((tmp_path / "out" / "page_events" / "_manifest.json").read_text())
    accounting = next(iter(manifest["runs"].values()))["accounting"]
    assert accounting["records"] == {"read": 5, "written": 4, "dropped": 1, "filtered": 0, "balanced": True}
    assert accounting["page-events"] == {"read": 3, "dropped": 0, "written": 3, "balanced": True}


def test_bad_lines_become_errors_and_the_rest_is_kept(tmp_path):
    lines = [
        '{"$schema": "/mediawiki/recentchange/1.0.0", "type": "edit", "wiki": "enwiki", "namespace": 1, '
        '"title": "Talk:Foo bar", "timestamp": 1700000000, "user": "192.0.2.7", "minor": false, '
        '"comment": "hi", "length": {"old": 100, "new": 130}, "revision": {"old": 10, "new": 11}}',
        '{"$schema": "/mediawiki/recentchange/1.0.0", "type": "categorize", "wiki": "enwiki"}',
        '{"$schema": "/mediawiki/recentchange/1.0.0", "type": "edit", "wiki": "enwiki", "namespace": 0}',
        '{"$schema": "/analytics/mediawiki/searchsatisfaction/1.0.0", "wiki": "enwiki"}',
        '{"truncated": ',
        "",
        '{"$schema": "/mediawiki/recentchange/1.0.0", "type": "log", "wiki": "enwiki", "namespace": 2, '
        '"title": "User:New person", "timestamp": 1700000100, "user": "New person", "log_type": "newusers", '
        '"log_action": "create", "log_params": {"userid": 77}}',
    ]
    path = tmp_path / "enwiki-recentchange-20231201.json.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert run("events", [path], tmp_path / "strict") == 1  # 3 bad of 6 records is over 1 %
    assert run("events", [path], tmp_path / "out", "--max-error-rate", "0.9") == 0
    errors = sorted(read_dataset(tmp_path / "out", "errors"), key=lambda r: r["source_line"])
    assert [(e["source_line"], e["error_type"], e["record_kind"]) for e in errors] == [
        (3, "missing-field", "event"), (4, "unknown-schema", "event"), (5, "malformed-line", "line")]
    assert all(e["source_file"] == str(path) and e["record_dropped"] and e["excerpt"] for e in errors)
    (revision,) = read_dataset(tmp_path / "out", "revisions")
    assert (revision["page_id"], revision["page_title"], revision["user_id"], revision["user_is_anonymous"],
            revision["revision_text_bytes_diff"], revision["revision_parent_id"], revision["revision_text_sha1"]) == \
        (None, "Foo_bar", None, True, 30, 10, None)
    (created,) = read_dataset(tmp_path / "out", "events")
    assert (created["user_id"], created["user_text"], created["snapshot"]) == (77, "New person", "20231201")


def test_unusable_inputs_exit_2(tmp_path, capsys):
    page = tmp_path / "enwiki-20240101-events.json"
    page.write_text("<!DOCTYPE html><html><body>404</body></html>\n")
    assert run("events", [page], tmp_path / "out") == 2
    assert capsys.readouterr().err.strip() == f"wikidumps: error: {page}: not an event dump (looks like markup or a binary file)"
    undated = tmp_path / "events.json"
    undated.write_text('{"$schema": "/mediawiki/page/change/1.2.0", "wiki_id": "enwiki"}\n')
    assert run("events", [undated], tmp_path / "out") == 2
    assert "pass --snapshot YYYYMMDD" in capsys.readouterr().err


def test_history_tsv_escaping_and_older_layouts():
    assert unescape_field(r"a\tb\nc\rd") == "a\tb\nc\rd"
    assert split_array(r"sysop,bot\,x,") == ["sysop", "bot,x", ""]
    columns = {name: i for name, i in HISTORY_LAYOUTS[70].items()}
    fields = [""] * 70
    for name, value in {"wiki_db": "xwiki", "event_entity": "revision", "event_type": "create",
                        "event_timestamp": "2019-05-01 10:00:00.0", "event_comment": r"tab\there",
                        "event_user_id": "5", "event_user_text": "Zed", "event_user_groups_historical": "bot,sysop",
                        "event_user_is_anonymous": "false", "page_id": "9", "page_title": "A_b",
                        "page_namespace": "0", "revision_id": "100", "revision_parent_id": "0",
                        "revision_minor_edit": "true", "revision_text_bytes": "40", "revision_text_bytes_diff": "40",
                        "revision_deleted_parts": "comment"}.items():
        fields[columns[name]] = value
    (row,) = convert_history_line("\t".join(fields)).revisions
    assert (row["revision_timestamp"], row["revision_comment"], row["revision_comment_is_deleted"],
            row["user_groups"], row["revision_parent_id"], row["revision_minor_edit"], row["parent_text_bytes"]) == \
        (1556704800, None, True, ["bot", "sysop"], None, True, 0)
    bad = convert_history_line("xwiki\trevision\tcreate")
    assert bad.problem.error_type == "malformed-line"


def _read_in_blocks(path: Path, block_records: int) -> tuple[int, list, list[tuple[int, str]], int]:
    """(blocks, (record number, revision id) of each revision, (record number, error type) of each problem, records)."""
    blocks = list(read_event_blocks(describe_input(str(path)), block_records=block_records))
    at = REVISION_FIELDS.index("revision_id")
    revisions = [(number, values[at]) for block in blocks
                 for number, values in zip(block.revision_records, block.revisions)]
    problems = [(number, problem.error_type) for block in blocks for number, problem in block.problems]
    return len(blocks), revisions, problems, sum(block.records for block in blocks)


def test_reading_in_blocks_keeps_record_numbers(tmp_path, wiki):
    """Errors name the right line however the file is cut into chunks and blocks (several of each here)."""
    events = page_change_events(wiki)
    lines = [json.dumps(event).encode() for event in events]
    lines[1:1] = [b'{"truncated": ']
    lines[999:999] = [b'\xff{"not": "utf-8"}']
    lines[1499:1499] = [b"  "]
    path = tmp_path / "samplewiki-20260101-events.json.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines)))  # the last line has no line break
    expected_revisions = [(number, event["revision"]["rev_id"]) for number, event in
                          zip([n for n in range(1, len(lines) + 1) if n not in (2, 1000, 1500)], events)]
    for block_records in (100, 1_000_000):
        blocks, revisions, problems, records = _read_in_blocks(path, block_records)
        assert revisions == expected_revisions
        assert problems == [(2, "malformed-line"), (1000, "invalid-utf8")]
        assert records == len(lines) - 1  # the blank line is no record
    assert blocks == 1 and _read_in_blocks(path, 100)[0] > 1

    avro = SAMPLE_DUMPS / event_file_names(wiki)["events_avro"]
    blocks, revisions, problems, records = _read_in_blocks(avro, 100)
    # The page_change events of the revisions, then the deletions and restorations, which save no revision.
    assert blocks > 10 and problems == [] and records == len(events) + len(page_deletion_events(wiki)) == len(events) + 12
    assert revisions == [(number, event["revision"]["rev_id"]) for number, event in enumerate(events, start=1)]
