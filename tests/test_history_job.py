"""`wikidumps run history` end to end: real dumps, bad inputs, manifests, exit codes."""
from __future__ import annotations

import bz2
import json
import lzma
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import py7zr
import pytest

from runners.cli import main as cli
from tests.conftest import read_dataset
from tests.test_reverts import literal_reverts
from tests.xmlkit import dump, page, revision


def run(args, capsys):
    code = cli.main(["run", "history", "--workers", "1", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def independent_parse(xml: bytes) -> list[dict]:
    """Revisions of an export file read with ElementTree alone, as a reference."""
    rows = []
    root = ET.fromstring(xml)
    ns = root.tag[: root.tag.index("}") + 1]
    for page_el in root.iter(f"{ns}page"):
        page_id = int(page_el.findtext(f"{ns}id"))
        page_ns = page_el.findtext(f"{ns}ns")
        for rev in page_el.iter(f"{ns}revision"):
            contributor = rev.find(f"{ns}contributor")
            ip = contributor.findtext(f"{ns}ip")
            user_id = contributor.findtext(f"{ns}id")
            parent = rev.findtext(f"{ns}parentid")
            rows.append({
                "page_id": page_id, "page_namespace": None if page_ns is None else int(page_ns),
                "revision_id": int(rev.findtext(f"{ns}id")),
                "revision_parent_id": None if parent is None else int(parent),
                "revision_text_sha1": rev.findtext(f"{ns}sha1") or None,
                "user_text": ip if ip is not None else contributor.findtext(f"{ns}username"),
                "user_id": None if user_id is None else int(user_id),
                "user_is_anonymous": ip is not None,
                "timestamp": rev.findtext(f"{ns}timestamp"),
            })
    return rows


def manifest(output: Path, dataset: str) -> dict:
    return json.loads((output / dataset / "_manifest.json").read_text())


@pytest.fixture(scope="module")
def aawiki_history(real_data, tmp_path_factory):
    """The real aawiki full history (7z) and the XML inside it."""
    folder = tmp_path_factory.mktemp("aawiki")
    path = real_data / "pages-meta-history/dkpro-jwpl__aawiki-20260101-pages-meta-history.xml.7z"
    with py7zr.SevenZipFile(path) as archive:
        archive.extractall(folder)
    return path, next(folder.glob("*.xml")).read_bytes()


def test_real_7z_history_equals_an_independent_parse(aawiki_history, tmp_path, capsys):
    path, xml = aawiki_history
    code, out, err = run(["--input", path, "--output", tmp_path], capsys)
    assert code == 0, err
    expected = independent_parse(xml)
    rows = read_dataset(tmp_path, "revisions")
    assert len(rows) == len(expected) == 1307  # PROVENANCE.md: 1307 revisions
    by_id = {row["revision_id"]: row for row in rows}
    for want in expected:
        got = by_id[want["revision_id"]]
        for column in ("page_id", "page_namespace", "revision_parent_id", "revision_text_sha1", "user_text",
                       "user_id", "user_is_anonymous"):
            assert got[column] == want[column], (want["revision_id"], column)
        assert got["revision_timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ") == want["timestamp"]
        assert got["wiki_db"] == "aawiki" and got["snapshot"] == "20260101"
    # Identity reverts equal the literal rule applied to the independent parse.
    by_page: dict[int, list] = {}
    for want in expected:
        seconds = int(by_id[want["revision_id"]]["revision_timestamp"].timestamp())
        by_page.setdefault(want["page_id"], []).append(
            (want["revision_id"], seconds, want["revision_parent_id"], want["revision_text_sha1"]))
    reverts = reverted = 0
    for history in by_page.values():
        for rev_id, info in literal_reverts(history).items():
            got = by_id[rev_id]
            assert (got["revision_is_identity_revert"], got["revision_is_identity_reverted"],
                    got["revision_first_identity_reverting_revision_id"],
                    got["revision_seconds_to_identity_revert"]) == (
                info.is_revert, info.is_reverted, info.first_reverting_revision_id, info.seconds_to_revert)
            reverts += info.is_revert
            reverted += info.is_reverted
    assert reverts > 0 and reverted > 0
    pages = read_dataset(tmp_path, "pages")
    assert len(pages) == 507
    counts = {p["page_id"]: p["page_revision_count"] for p in pages}
    for page_id, history in by_page.items():
        assert counts[page_id] == len(history)
    accounting = manifest(tmp_path, "pages")["runs"]
    run_info = next(iter(accounting.values()))
    assert run_info["accounting"]["pages"] == {"read": 507, "dropped": 0, "written": 507, "balanced": True}
    assert run_info["inputs"][0]["sha256"] and run_info["inputs"][0]["size"] == path.stat().st_size


def test_outputs_have_data_cards_manifests_and_checksums(aawiki_history, tmp_path, capsys):
    import hashlib

    path, _ = aawiki_history
    code, out, _ = run(["--input", path, "--output", tmp_path], capsys)
    assert code == 0
    for dataset in ("pages", "revisions", "errors"):
        card = (tmp_path / dataset / "_README.md").read_text()
        assert card.startswith(f"# {dataset}") and "## Columns" in card and "Licence" in card
        assert "dkpro-jwpl__aawiki-20260101-pages-meta-history.xml.7z" in card
        info = manifest(tmp_path, dataset)
        (partition,) = info["partitions"]
        assert partition["path"] == "wiki_db=aawiki/snapshot=20260101" and partition["complete"]
        for entry in partition["files"]:
            data = (tmp_path / dataset / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        assert f"{dataset}" in out
    assert not (tmp_path / "_staging").exists()
    # An empty errors dataset still has a readable file with the declared columns.
    assert read_dataset(tmp_path, "errors") == []


def test_export_03_with_derived_wiki_and_required_snapshot(real_data, tmp_path, capsys):
    path = real_data / "pages-meta-history/pywikibot__article-pear.xml"
    code, _, err = run(["--input", path, "--output", tmp_path], capsys)
    assert code == 2
    assert err.strip() == f"wikidumps: error: {path}: cannot tell the dump date from the file name; pass --snapshot YYYYMMDD"
    code, _, err = run(["--input", path, "--output", tmp_path, "--snapshot", "20090101"], capsys)
    assert code == 0, err
    rows = read_dataset(tmp_path, "revisions")
    assert {r["wiki_db"] for r in rows} == {"enwiki"}  # from <base> https://en.wikipedia.org/...
    assert len(rows) == 4 and {r["page_namespace"] for r in rows} == {0}
    assert all(len(r["revision_text_sha1"]) == 31 for r in rows)  # computed: export 0.3 has no <sha1>
    (page_row,) = read_dataset(tmp_path, "pages")
    assert page_row["page_title"] == "Pear" and page_row["page_revision_count"] == 4


@pytest.mark.parametrize("compression", ["bz2", "xz"])
def test_truncated_input_keeps_complete_pages(real_data, tmp_path, capsys, compression):
    xml = bz2.decompress((real_data / "pages-articles/dumpster-dive__ltgwiki-2017-pages-articles.xml.bz2").read_bytes())
    packed = bz2.compress(xml, 1) if compression == "bz2" else lzma.compress(xml)
    cut = tmp_path / f"ltgwiki-20170101-pages-articles.xml.{compression}"
    cut.write_bytes(packed[: len(packed) // 2])
    # What survives the cut, decoded independently: whole pages before the last decodable byte.
    decoder = bz2.BZ2Decompressor() if compression == "bz2" else lzma.LZMADecompressor()
    survived = decoder.decompress(packed[: len(packed) // 2])
    complete_pages = survived.count(b"</page>")
    page_id_seen = re.search(rb"<id>(\d+)</id>", survived[survived.rindex(b"<page>"):])
    cut_page_id = int(page_id_seen.group(1)) if page_id_seen else None

    code, out, err = run(["--input", cut, "--output", tmp_path / "out"], capsys)
    assert code == 0, err
    assert f"warning: {cut}:" in err and "pages before it are kept" in err
    pages = read_dataset(tmp_path / "out", "pages")
    assert len(pages) == complete_pages > 300
    errors = read_dataset(tmp_path / "out", "errors")
    assert [(e["error_type"], e["page_id"], e["record_dropped"]) for e in errors] == [("truncated-input", cut_page_id, True)]
    accounting = next(iter(manifest(tmp_path / "out", "pages")["runs"].values()))["accounting"]
    assert accounting["pages"] == {"read": complete_pages + 1, "dropped": 1, "written": complete_pages,
                                   "balanced": True}
    # The cut page's revisions that were begun are read, and dropped with their page.
    begun = survived[survived.rindex(b"<page>"):].count(b"<revision>")
    written = len(read_dataset(tmp_path / "out", "revisions"))
    assert accounting["revisions"] == {"read": written + begun, "dropped": begun, "written": written,
                                       "balanced": True}


@pytest.mark.parametrize("content,name", [
    (os.urandom(4096), "random-20260101-pages-articles.xml.bz2"),
    (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n",
     "enwiki-20260101-pages-articles.xml"),
    (bz2.compress(b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"), "enwiki-20260101-pages-articles.xml.bz2"),
    (b"", "empty-20260101-pages-articles.xml"),
])
def test_not_a_dump_exits_2_with_one_line(tmp_path, capsys, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wikidumps: error: {path}: ")
    assert not (tmp_path / "out").exists()


def test_a_missing_input_exits_2_naming_it(tmp_path, capsys):
    path = tmp_path / "enwiki-20260101-pages-articles.xml.bz2"
    code, _, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 2
    assert err.strip() == f"wikidumps: error: {path}: no such file"


def test_entity_expansion_is_refused(tmp_path, capsys):
    path = tmp_path / "laughs-20260101-pages-articles.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;">]>\n'
                     + dump(page(1, "A", revision(1, text="&lol1;"))))
    code, _, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 2 and "refusing to expand" in err


def test_duplicate_pages_across_files_keep_the_first_input(tmp_path, capsys):
    first = tmp_path / "testwiki-20260101-pages-meta-history1.xml"
    second = tmp_path / "testwiki-20260101-pages-meta-history2.xml"
    first.write_bytes(dump(page(1, "A", revision(10)) + page(3, "C", revision(30) + revision(31, parent=30))))
    second.write_bytes(dump(page(3, "C copy", revision(32)) + page(4, "D", revision(40))))
    code, _, err = run(["--input", first, "--input", second, "--output", tmp_path / "out", "--max-error-rate", "0.5"],
                       capsys)
    assert code == 0, err
    pages = sorted((p["page_id"], p["page_title"]) for p in read_dataset(tmp_path / "out", "pages"))
    assert pages == [(1, "A"), (3, "C"), (4, "D")]
    revisions = sorted(r["revision_id"] for r in read_dataset(tmp_path / "out", "revisions"))
    assert revisions == [10, 30, 31, 40]
    errors = read_dataset(tmp_path / "out", "errors")
    assert [(e["error_type"], e["page_id"], e["source_file"], e["stage"]) for e in errors] == [
        ("duplicate-page", 3, str(second), "dedupe")]
    run_info = next(iter(manifest(tmp_path / "out", "pages")["runs"].values()))
    assert run_info["accounting"]["pages"] == {"read": 4, "dropped": 1, "written": 3, "balanced": True}
    assert run_info["accounting"]["revisions"] == {"read": 5, "dropped": 1, "written": 4, "balanced": True}
    assert run_info["counters"]["error:duplicate-page"] == 1


def test_a_revision_id_is_written_once_whichever_pages_and_files_repeat_it(tmp_path, capsys):
    first = tmp_path / "testwiki-20260101-pages-meta-history1.xml"
    second = tmp_path / "testwiki-20260101-pages-meta-history2.xml"
    first.write_bytes(dump(page(50, "A", revision(4999) + revision(5000, parent=4999))
                           + page(51, "B", revision(5000) + revision(5001, parent=5000))))
    second.write_bytes(dump(page(60, "C", revision(5000) + revision(6000, parent=5000))))
    code, _, err = run(["--input", first, second, "--output", tmp_path / "out", "--max-error-rate", "0.5"], capsys)
    assert code == 0, err
    revisions = sorted((r["revision_id"], r["page_id"]) for r in read_dataset(tmp_path / "out", "revisions"))
    assert revisions == [(4999, 50), (5000, 50), (5001, 51), (6000, 60)]
    errors = sorted(read_dataset(tmp_path / "out", "errors"), key=lambda e: e["page_id"])
    assert [(e["error_type"], e["stage"], e["page_id"], e["revision_id"], e["record_kind"], e["record_dropped"],
             e["source_file"], e["message"]) for e in errors] == [
        ("duplicate-revision", stage, page_id, 5000, "revision", True, str(path),
         f"revision id 5000 is also in page 50 of {first}, read first; this copy is dropped")
        for stage, page_id, path in (("read", 51, first), ("dedupe", 60, second))]
    # The pages keep their other revisions.
    assert sorted(p["page_id"] for p in read_dataset(tmp_path / "out", "pages")) == [50, 51, 60]
    run_info = next(iter(manifest(tmp_path / "out", "revisions")["runs"].values()))
    assert run_info["accounting"]["revisions"] == {"read": 6, "dropped": 2, "written": 4, "balanced": True}
    assert run_info["counters"]["error:duplicate-revision"] == 2


def test_the_revisions_of_a_dropped_page_are_counted_as_dropped(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-meta-history.xml"
    xml = dump(page(1, "P", revision(1) + revision(2, parent=1))
               + page(2, "Q", revision(3) + revision(4, parent=3) + revision(5, parent=4) + revision(6, parent=5))
               + page(3, "R", revision(7)))
    # Page 2 breaks inside its third revision: the two before it were read, and all three are dropped with
    # the page; the reader resumes at the next page.
    path.write_bytes(xml.replace(b"<id>5</id>", b"<id>5</id><id>5</i>"))
    code, _, err = run(["--input", path, "--output", tmp_path / "out", "--max-error-rate", "0.6"], capsys)
    assert code == 0, err
    assert sorted(r["revision_id"] for r in read_dataset(tmp_path / "out", "revisions")) == [1, 2, 7]
    [error] = read_dataset(tmp_path / "out", "errors")
    assert (error["error_type"], error["record_kind"], error["page_id"], error["record_dropped"]) == (
        "xml-syntax", "page", 2, True)
    accounting = next(iter(manifest(tmp_path / "out", "revisions")["runs"].values()))["accounting"]
    assert accounting["pages"] == {"read": 3, "dropped": 1, "written": 2, "balanced": True}
    assert accounting["revisions"] == {"read": 6, "dropped": 3, "written": 3, "balanced": True}


def test_too_many_bad_pages_fail_the_job_and_publish_only_errors(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    pages = [page(i, f"P{i}", revision(i)) for i in range(1, 11)]
    pages[4] = pages[4].replace("</timestamp>", "</oops>")
    path.write_bytes(dump("".join(pages)))
    code, _, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 1
    assert "1 of 10 pages (10.00%) could not be used, more than --max-error-rate 0.01" in err
    assert not (tmp_path / "out" / "pages").exists()
    assert [e["page_id"] for e in read_dataset(tmp_path / "out", "errors")] == [5]
    code, _, _ = run(["--input", path, "--output", tmp_path / "out2", "--max-error-rate", "0.2"], capsys)
    assert code == 0
    assert len(read_dataset(tmp_path / "out2", "pages")) == 9


def test_rerun_replaces_the_partition_and_resume_skips_it(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    path.write_bytes(dump(page(1, "A", revision(1)) + page(2, "B", revision(2))))
    out = tmp_path / "out"
    assert run(["--input", path, "--output", out], capsys)[0] == 0
    first_run = manifest(out, "pages")["partitions"][0]["run_id"]
    path.write_bytes(dump(page(1, "A", revision(1))))
    assert run(["--input", path, "--output", out], capsys)[0] == 0
    assert [p["page_id"] for p in read_dataset(out, "pages")] == [1]
    info = manifest(out, "pages")
    assert len(info["partitions"]) == 1 and info["partitions"][0]["run_id"] != first_run
    assert list(info["runs"]) == [info["partitions"][0]["run_id"]]
    code, _, err = run(["--input", path, "--output", out, "--resume"], capsys)
    assert code == 0 and "partition is complete (--resume)" in err


def test_unknown_tags_and_edge_cases_are_counted_in_the_manifest(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-meta-history.xml"
    path.write_bytes(dump(
        page(1, "A", revision(1, extra="<newtag>x</newtag>") + revision(2, text="", parent=1))
        + "  <page><title>Empty</title><ns>0</ns><id>2</id></page>\n"
        + page(3, "B", revision(3, text="caf\u00e9"))
    ).replace("caf\u00e9".encode(), b"caf\xe9"))
    code, _, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 0, err
    counters = next(iter(manifest(tmp_path / "out", "pages")["runs"].values()))["counters"]
    assert counters["unknown-tag:newtag"] == 1 and counters["unknown-tags"] == 1
    assert counters["empty-texts"] == 1 and counters["pages-without-revisions"] == 1
    assert counters["error:invalid-utf8"] == 1
    pages = {p["page_id"]: p for p in read_dataset(tmp_path / "out", "pages")}
    assert pages[2]["page_revision_count"] == 0 and pages[2]["page_latest_revision_id"] is None
    (error,) = read_dataset(tmp_path / "out", "errors")
    assert (error["error_type"], error["page_id"], error["record_dropped"]) == ("invalid-utf8", 3, False)


def test_multistream_with_two_workers_equals_one_sequential_read(real_data, tmp_path, capsys):
    path = real_data / "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2"
    whole = tmp_path / "whole.xml.bz2"
    shutil.copy(path, whole)  # without its index beside it: read as one plain stream
    common = ["--snapshot", "20170101"]
    code = cli.main(["run", "history", "--workers", "2", "--split-size-mb", "0.05", "--input", str(path),
                     "--output", str(tmp_path / "split"), *common])
    assert code == 0
    assert run(["--input", whole, "--output", tmp_path / "one", *common], capsys)[0] == 0
    for dataset in ("pages", "revisions"):
        split_rows = sorted(read_dataset(tmp_path / "split", dataset), key=lambda r: tuple(map(str, r.values())))
        one_rows = sorted(read_dataset(tmp_path / "one", dataset), key=lambda r: tuple(map(str, r.values())))
        assert split_rows == one_rows and len(one_rows) == 2004
    files = manifest(tmp_path / "split", "pages")["partitions"][0]["files"]
    assert len(files) > 5  # one file per split


def test_a_failing_step_ends_with_one_line_and_publishes_nothing(tmp_path, capsys, monkeypatch):
    from transforms.datasets import write

    def unreadable(source):
        raise OSError(f"{source.path}: gone while the job ran")

    monkeypatch.setattr(write, "hash_input", unreadable)
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    path.write_bytes(dump(page(1, "A", revision(1))))
    code, out, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 1
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "the history job ended in state FAILED" in line and "gone while the job ran" in line
    assert not (tmp_path / "out" / "pages").exists()
    # The staging is removed; the traceback, for a bug report, is kept outside the output.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []
    traceback_file = Path(line.rsplit("traceback in ", 1)[1].split(";", 1)[0])
    assert "gone while the job ran" in traceback_file.read_text()
    traceback_file.unlink()


def test_counts_that_do_not_add_up_fail_the_job_and_publish_nothing(tmp_path, capsys, monkeypatch):
    from pipelines import history
    from pipelines.driver import Balance
    from transforms.common import counters

    # A job that loses records: here, one whose accounting takes pages for revisions.
    monkeypatch.setattr(history, "accounting", lambda config: (Balance(counters.REVISIONS, written="pages"),))
    path = tmp_path / "testwiki-20260101-pages-meta-history.xml"
    path.write_bytes(dump(page(1, "A", revision(1) + revision(2, parent=1))))
    code, out, err = run(["--input", path, "--output", tmp_path / "out"], capsys)
    assert code == 1 and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line == ('error: the counts of the history job do not add up (read = written + dropped + filtered): '
                    '{"revisions": {"read": 2, "written": 1, "dropped": 0, "balanced": false}}; nothing was '
                    'published (staging removed)')
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []


def test_jobs_sharing_an_output_keep_each_others_errors(tmp_path, capsys):
    """history and a second job write `errors` for the same partition: each replaces only its own files."""
    bad = tmp_path / "testwiki-20260101-pages-articles.xml"
    pages = [page(i, f"P{i}", revision(i)) for i in range(1, 5)]
    pages[1] = pages[1].replace("</timestamp>", "</oops>")
    bad.write_bytes(dump("".join(pages)))
    out = tmp_path / "out"
    assert run(["--input", bad, "--output", out, "--max-error-rate", "0.5"], capsys)[0] == 0
    events = tmp_path / "testwiki-20260101-events.json"
    account = {"$schema": "/mediawiki/recentchange/1.0.0", "type": "log", "log_type": "newusers", "log_action": "create",
               "log_params": {"userid": 5}, "meta": {"dt": "2025-01-02T03:04:05Z", "stream": "mediawiki.recentchange"},
               "namespace": 2, "title": "User:Newbie", "timestamp": 1735787045, "user": "Newbie", "wiki": "testwiki"}
    events.write_text(json.dumps(account) + "\n" + "garbage\n")
    assert cli.main(["run", "events", "--workers", "1", "--input", str(events), "--output", str(out),
                     "--wiki-db", "testwiki", "--max-error-rate", "1"]) == 0
    capsys.readouterr()
    errors = read_dataset(out, "errors")
    assert sorted({e["pipeline"] for e in errors}) == ["events", "history"]
    history_errors = [e for e in errors if e["pipeline"] == "history"]
    assert [(e["error_type"], e["page_id"]) for e in history_errors] == [("xml-syntax", 2)]
    (partition,) = manifest(out, "errors")["partitions"]
    names = sorted(f["path"].rsplit("/", 1)[-1] for f in partition["files"])
    assert names == ["part-events-00000-of-00001.parquet", "part-history-00000-of-00001.parquet"]
    # The events job wrote no pages: the history job's pages partition is untouched.
    assert sorted(p["page_id"] for p in read_dataset(out, "pages")) == [1, 3, 4]
    # Re-running history replaces its own errors only.
    bad.write_bytes(dump("".join(page(i, f"P{i}", revision(i)) for i in range(1, 5))))
    assert run(["--input", bad, "--output", out], capsys)[0] == 0
    assert {e["pipeline"] for e in read_dataset(out, "errors")} == {"events"}
