"""Tests of samplewiki's second month (sample_dumps/month.py): the second snapshot, the daily adds/changes
dumps and the page_change events of the same edits.

Checked with the standard library (bz2, gzip, hashlib, json, xml.etree) against the model, so that a
failure points at the generator, not at the project's readers.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from sample_dumps.generate import DEFAULT_SEED, build_wiki, mediawiki_sha1
from sample_dumps.month import NEXT_DUMP_DATE, build_next_month, increment_file_names, write_next_month

NS = "{http://www.mediawiki.org/xml/export-0.11/}"


@pytest.fixture(scope="module")
def first():
    return build_wiki(DEFAULT_SEED)


@pytest.fixture(scope="module")
def month(first, tmp_path_factory):
    out = tmp_path_factory.mktemp("month")
    return write_next_month(first, out, DEFAULT_SEED), out


def _pages(path) -> list[tuple[int, str, list[dict]]]:
    opener = bz2.open if str(path).endswith(".bz2") else gzip.open
    with opener(path) as handle:
        root = ET.parse(handle).getroot()
    pages = []
    for page in root.iter(f"{NS}page"):
        revisions = []
        for rev in page.iter(f"{NS}revision"):
            text = rev.find(f"{NS}text")
            revisions.append({"id": int(rev.find(f"{NS}id").text), "timestamp": rev.find(f"{NS}timestamp").text,
                              "text": text.text, "deleted": text.get("deleted"), "sha1": rev.find(f"{NS}sha1").text})
        pages.append((int(page.find(f"{NS}id").text), page.find(f"{NS}title").text, revisions))
    return pages


def test_the_month_is_the_same_for_a_seed_and_leaves_the_first_snapshot_alone(first):
    a, b = build_next_month(first, DEFAULT_SEED), build_next_month(first, DEFAULT_SEED)
    assert a.events == b.events
    assert [(d.date, d.max_rev_id, [(p.page_id, [r.rev_id for r in revs]) for p, revs in d.pages]) for d in a.days] == \
        [(d.date, d.max_rev_id, [(p.page_id, [r.rev_id for r in revs]) for p, revs in d.pages]) for d in b.days]
    again = build_wiki(DEFAULT_SEED)
    assert [(p.page_id, p.full_title, [(r.rev_id, r.text_deleted, r.contributor_deleted) for r in p.revisions])
            for p in first.pages] == \
        [(p.page_id, p.full_title, [(r.rev_id, r.text_deleted, r.contributor_deleted) for r in p.revisions])
         for p in again.pages]
    assert build_next_month(first, DEFAULT_SEED + 1).events != a.events


def test_one_adds_changes_dump_per_day_in_wikimedias_layout(month, first):
    generated, out = month
    folders = sorted((out / "incr" / "samplewiki").iterdir())
    assert [f.name for f in folders] == [f"202601{d:02d}" for d in range(2, 32)] + ["20260201"]
    previous = max(r.rev_id for _, r in first.revisions())
    seen = []
    for folder in folders:
        names = increment_file_names("samplewiki", folder.name)
        assert sorted(p.name for p in folder.iterdir()) == sorted(names.values())
        assert (folder / "status.txt").read_text() == "done\n"
        max_rev = int((folder / "maxrevid.txt").read_text())
        sums = dict(reversed(line.split("  ")) for line in (folder / names["md5sums"]).read_text().splitlines())
        for role in ("pages", "stubs"):
            assert sums[names[role]] == hashlib.md5((folder / names[role]).read_bytes()).hexdigest()
        pages = _pages(folder / names["pages"])
        stubs = _pages(folder / names["stubs"])
        assert [(i, t, [r["id"] for r in revs]) for i, t, revs in pages] == \
            [(i, t, [r["id"] for r in revs]) for i, t, revs in stubs]
        made = f"{folder.name[:4]}-{folder.name[4:6]}-{folder.name[6:]}T00:00:00Z"
        for _, _, revisions in pages:
            for rev in revisions:
                # Only what was saved since the previous run, with its text.
                assert previous < rev["id"] <= max_rev and rev["timestamp"] < made
                assert mediawiki_sha1(rev["text"]) == rev["sha1"]
                seen.append(rev["id"])
        assert max_rev >= previous
        previous = max_rev
    # Every revision of the month once: those of the second snapshot, and those of the page deleted with them.
    month_revisions = {r.rev_id for _, r in generated.wiki.revisions()} - {r.rev_id for _, r in first.revisions()}
    assert len(seen) == len(set(seen))
    spam = {r["id"] for d in generated.days for p, revs in d.pages if p.page_id in generated.deleted_page_ids
            for r in [{"id": r.rev_id} for r in revs]}
    assert set(seen) == month_revisions | spam and spam


def test_the_second_snapshot_holds_the_months_edits_deletions_moves_and_hidden_revisions(month, first):
    generated, out = month
    pages = {i: (t, revs) for i, t, revs in _pages(out / "dumps" / f"samplewiki-{NEXT_DUMP_DATE}-pages-meta-history.xml.bz2")}
    before = {p.page_id: p for p in first.pages}
    deleted = [i for i in before if i not in pages]
    assert len(deleted) == 1 and deleted == [i for i in generated.deleted_page_ids if i in before]
    created = sorted(set(pages) - set(before))
    assert [pages[i][0] for i in created] == ["Harbour Lights Festival", "Eastmarch tidal mill", "Ossian Reed",
                                              "River Dunmere"]
    assert pages[created[-1]][1][0]["text"].startswith("#REDIRECT [[River Dunmere (Eastmarch)]]")
    renamed = {i: (before[i].full_title, pages[i][0]) for i in pages if i in before and before[i].full_title != pages[i][0]}
    assert renamed == {112: ("River Dunmere", "River Dunmere (Eastmarch)")}
    # Revision deletion of revisions already in the first snapshot: text hidden and no sha1 given.
    hidden = [(i, r["id"]) for i, (_, revs) in pages.items() for r in revs if r["deleted"]]
    hidden_before = [(p.page_id, r.rev_id) for p in first.pages for r in p.revisions if r.text_deleted]
    assert len(hidden) == len(hidden_before) + 1
    (page_id, rev_id), = set(hidden) - set(hidden_before)
    assert rev_id in {r.rev_id for r in before[page_id].revisions}
    assert [r["sha1"] for r in pages[page_id][1] if r["id"] == rev_id] == [None]
    # An edit that restores the revision before the first snapshot's latest.
    reverts = [(i, revs[-1]) for i, (_, revs) in pages.items() if i in before and len(revs) > 1
               and revs[-1]["id"] > 2482 and revs[-1]["sha1"] == before[i].revisions[-2].sha1]
    assert len(reverts) == 1


def test_page_change_events_of_every_kind_in_hourly_files(month, first):
    generated, out = month
    files = sorted((out / "events" / "mediawiki.page_change.v1").iterdir())
    events = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    assert events == generated.events
    assert all(f.name == f"mediawiki.page_change.v1-{e['meta']['dt'][:10].replace('-', '')}-{e['meta']['dt'][11:13]}.json"
               for f in files for e in map(json.loads, f.read_text().splitlines()))
    assert [e["meta"]["dt"] for e in events] == sorted(e["meta"]["dt"] for e in events)
    assert len({e["meta"]["id"] for e in events}) == len(events)
    kinds = Counter(e["page_change_kind"] for e in events)
    month_revisions = {r.rev_id for _, r in generated.wiki.revisions()} - {r.rev_id for _, r in first.revisions()}
    assert kinds["create"] + kinds["edit"] + kinds["move"] == len(month_revisions) + 1  # and the spam page
    assert (kinds["delete"], kinds["undelete"], kinds["move"], kinds["visibility_change"]) == (3, 1, 1, 2)
    restored = {e["page"]["page_id"] for e in events if e["page_change_kind"] == "undelete"}
    deleted = {e["page"]["page_id"] for e in events if e["page_change_kind"] == "delete"}
    assert deleted - restored == set(generated.deleted_page_ids)
    hidden = [e for e in events if e["page_change_kind"] == "visibility_change"]
    assert sorted((e["revision"]["is_content_visible"], e["revision"]["is_comment_visible"],
                   e["revision"]["is_editor_visible"]) for e in hidden) == [(False, False, True), (True, True, False)]
    assert all(e["prior_state"]["revision"] == {"is_content_visible": True, "is_comment_visible": True,
                                                "is_editor_visible": True} for e in hidden)
    move = next(e for e in events if e["page_change_kind"] == "move")
    assert (move["prior_state"]["page"]["page_title"], move["page"]["page_title"]) == \
        ("River_Dunmere", "River_Dunmere_(Eastmarch)")
