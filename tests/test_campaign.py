"""`wikidumps run campaign`: a small campaign whose every figure is worked out by hand from its revisions."""
from __future__ import annotations

import bz2
import json

import pytest

from runners.cli import main as cli
from tests.conftest import read_dataset
from tests.test_events_job import history_line


def run(*args) -> int:
    return cli.main(["run", *map(str, args), "--workers", "1"])


def revision(rev_id, page_id, namespace, when, user_id, name, parent, size, parent_size, sha1):
    return history_line(wiki_db="xwiki", event_entity="revision", event_type="create", event_timestamp=when,
                        event_user_id=str(user_id), event_user_text=name, event_user_is_anonymous="false",
                        page_id=str(page_id), page_namespace=str(namespace), page_title=f"P{page_id}",
                        revision_id=str(rev_id), revision_parent_id=str(parent), revision_text_bytes=str(size),
                        revision_text_bytes_diff=str(size - parent_size), revision_text_sha1=sha1)


def page(event_type, page_id, when):
    return history_line(wiki_db="xwiki", event_entity="page", event_type=event_type, event_timestamp=when,
                        event_user_id="9", event_user_text_historical="Admin", page_id=str(page_id),
                        page_namespace_historical="0", page_title_historical=f"P{page_id}")


# The campaign runs from 2024-03-01 to before 2024-03-08; the snapshot (2024-06-01) is after its 60 days.
LINES = [
    revision(1, 10, 0, "2024-01-10 00:00:00.0", 3, "Ann", 0, 100, 0, "a1"),  # Ann's first edit, before
    revision(2, 20, 0, "2024-03-02 00:00:00.0", 3, "Ann", 0, 50, 0, "b1"),  # Ann creates P20
    revision(3, 10, 0, "2024-03-03 00:00:00.0", 3, "Ann", 1, 130, 100, "a2"),  # +30
    revision(4, 10, 0, "2024-03-03 12:00:00.0", 7, "Dan", 3, 100, 130, "a1"),  # reverts Ann 12 h later
    revision(5, 30, 0, "2024-03-04 00:00:00.0", 5, "Bea", 0, 80, 0, "c1"),  # Bea's first edit creates P30
    revision(6, 31, 1, "2024-03-04 01:00:00.0", 5, "Bea", 0, 20, 0, "d1"),  # a talk page: no content
    revision(7, 10, 0, "2024-03-07 00:00:00.0", 5, "Bea", 4, 90, 100, "a3"),  # -10
    revision(8, 10, 0, "2024-03-12 00:00:00.0", 7, "Dan", 7, 100, 90, "a1"),  # reverts Bea 5 days later
    revision(9, 10, 0, "2024-04-15 00:00:00.0", 3, "Ann", 8, 110, 100, "a4"),  # Ann, 38 days after the end
    page("delete", 20, "2024-03-05 00:00:00.0"), page("restore", 20, "2024-03-06 00:00:00.0"),  # survives
    page("delete", 30, "2024-03-20 00:00:00.0"),  # deleted 16 days after creation, never restored
]
PARTICIPANTS = "Ann\nbea\n# the organiser asked Cy too\nUser:Cy\n\n"
COLUMNS = ("user_text", "user_id", "edits", "content_edits", "bytes_added", "bytes_removed", "articles_created",
           "articles_surviving", "reverted_48h_edits", "reverted_48h_share", "is_new", "edited_30_to_60_days_after")


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    root = tmp_path_factory.mktemp("campaign")
    path = root / "2024-05.xwiki.all-time.tsv.bz2"
    path.write_bytes(bz2.compress("\n".join(LINES).encode()))
    assert run("events", "--input", path, "--output", root / "events", "--snapshot", "20240601") == 0
    (root / "participants.txt").write_text(PARTICIPANTS)
    return root


def test_participants_and_summary_as_worked_out_by_hand(campaign):
    out = campaign / "out"
    assert run("campaign", "--revisions", campaign / "events", "--events", campaign / "events", "--participants",
               campaign / "participants.txt", "--start", "2024-03-01", "--end", "2024-03-08", "--wiki", "xwiki",
               "--output", out) == 0
    rows = sorted(tuple(r[c] for c in COLUMNS) for r in read_dataset(out, "campaign_participants"))
    assert rows == [
        # Ann: revisions 2 and 3 (+50 as a new page, +30); P20 was deleted and restored within 30 days;
        # revision 3 was reverted within 12 hours; her first edit was in January; she edited on 2024-04-15.
        ("Ann", 3, 2, 2, 80, 0, 1, 1, 1, 0.5, False, True),
        # Bea: revisions 5, 6 (talk) and 7 (-10); P30 stayed deleted; revision 7 was reverted after 5 days.
        ("Bea", 5, 3, 2, 100, 10, 1, 0, 0, 0.0, True, False),
    ]  # Cy never edited: no row
    (summary,) = read_dataset(out, "campaign_summary")
    assert {k: v for k, v in summary.items() if k not in ("wiki_db", "snapshot")} == {
        "campaign_start": "2024-03-01T00:00:00Z", "campaign_end": "2024-03-08T00:00:00Z",
        "participants_listed": 3, "participants_active": 2, "new_participants": 1, "edits": 5, "content_edits": 4,
        "bytes_added": 180, "bytes_removed": 10, "articles_created": 2, "articles_surviving": 1,
        "reverted_48h_edits": 1, "reverted_48h_share": 0.2, "participants_edited_30_to_60_days_after": 1}
    manifest = json.loads((out / "campaign_summary" / "_manifest.json").read_text())
    accounting = next(iter(manifest["runs"].values()))["accounting"]
    # Dan's two revisions are read and left out; the participants' seven are summed into their rows.
    assert accounting["revisions"] == {"read": 9, "written": 7, "dropped": 0, "filtered": 2, "balanced": True}

    # The report gains a campaign section: the summary's line, as the reader sees it.
    from wikidumps.report import write_report

    page = write_report(out).read_text()
    row = ["xwiki", "2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z", "3", "2", "1", "5", "4", "180", "10", "2", "1",
           "20.0%", "1"]
    assert 'id="campaign"' in page and "<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" in page


def test_without_page_events_survival_is_unknown_and_public_privacy(campaign):
    out = campaign / "public"
    assert run("campaign", "--revisions", campaign / "events", "--participants", campaign / "participants.txt",
               "--start", "2024-03-01T00:00:00Z", "--end", "2024-03-08T00:00:00Z", "--wiki", "xwiki",
               "--output", out, "--privacy", "public") == 0
    rows = sorted((r["user_text"], r["edits"], r["bytes_added"], r["articles_surviving"], r["reverted_48h_share"])
                  for r in read_dataset(out, "campaign_participants"))
    assert rows == [("Ann", 10, 80, None, 0.5), ("Bea", 10, 100, None, 0.0)]  # counts rounded up to tens
    assert read_dataset(out, "campaign_summary") == []  # 2 active participants: under the threshold of 3
    assert "rounded up to the nearest 10" in (out / "campaign_participants" / "_README.md").read_text()


def test_bad_campaign_options_are_refused(campaign, capsys):
    common = ["campaign", "--revisions", campaign / "events", "--wiki", "xwiki", "--output", campaign / "bad"]
    assert run(*common, "--participants", campaign / "participants.txt", "--start", "March", "--end",
               "2024-03-08") == 2
    assert "--start 'March' is not YYYY-MM-DD" in capsys.readouterr().err
    assert run(*common, "--participants", campaign / "participants.txt", "--start", "2024-03-08", "--end",
               "2024-03-01") == 2
    assert "must end after it starts" in capsys.readouterr().err
    empty = campaign / "nobody.txt"
    empty.write_text("# nobody yet\n")
    assert run(*common, "--participants", empty, "--start", "2024-03-01", "--end", "2024-03-08") == 2
    assert "names nobody" in capsys.readouterr().err
    assert run("campaign", "--revisions", campaign / "events", "--wiki", "ywiki", "--output", campaign / "bad",
               "--participants", campaign / "participants.txt", "--start", "2024-03-01", "--end", "2024-03-08") == 2
    assert "no partition of ywiki" in capsys.readouterr().err


def test_participants_from_a_category_or_from_the_pages_an_event_page_links_to(tmp_path, capsys):
    from tests.xmlkit import dump, page, revision

    def by(name, user_id):
        return f"<username>{name}</username><id>{user_id}</id>"

    xml = dump(
        page(1, "Editathon 2024", revision(1, "2024-02-20T00:00:00Z", user=by("Org", 1), text="[[Alpha]], [[beta]]"))
        + page(2, "Alpha", revision(2, "2024-02-01T00:00:00Z", user=by("Dan", 7), text="a")  # before: not a participant
               + revision(3, "2024-03-02T00:00:00Z", parent=2, user=by("Ann", 3), text="ab"))
        + page(3, "Beta", revision(4, "2024-03-03T00:00:00Z", user=by("Bea", 5), text="b"))
        + page(4, "Gamma", revision(5, "2024-03-04T00:00:00Z", user=by("Cy", 6), text="g"))  # not linked
        + page(5, "User:Ann", revision(6, "2024-01-05T00:00:00Z", user=by("Ann", 3),
                                       text="Hi [[Category:Editathon participants]]"), ns=2)
        + page(6, "User:Cy/Editathon", revision(7, "2024-01-06T00:00:00Z", user=by("Cy", 6),
                                                text="[[Category:Editathon_participants]]"), ns=2))
    path = tmp_path / "testwiki-20240601-pages-meta-history.xml"
    path.write_bytes(xml)
    out = tmp_path / "out"
    assert run("history", "--input", path, "--output", out) == 0
    assert run("content", "--input", path, "--output", out, "--namespaces", "0,2") == 0
    window = ["--start", "2024-03-01", "--end", "2024-03-08", "--wiki", "testwiki", "--revisions", out, "--links", out]
    assert run("campaign", *window, "--participants-category", "Editathon participants",
               "--output", tmp_path / "category") == 0
    assert sorted((r["user_text"], r["edits"]) for r in read_dataset(tmp_path / "category", "campaign_participants")) \
        == [("Ann", 1), ("Cy", 1)]
    assert read_dataset(tmp_path / "category", "campaign_summary")[0]["participants_listed"] == 2
    assert run("campaign", *window, "--participants-linked-from", "Editathon 2024",
               "--output", tmp_path / "linked") == 0
    assert sorted((r["user_text"], r["edits"]) for r in read_dataset(tmp_path / "linked", "campaign_participants")) \
        == [("Ann", 1), ("Bea", 1)]
    capsys.readouterr()
    assert run("campaign", "--start", "2024-03-01", "--end", "2024-03-08", "--wiki", "testwiki", "--revisions", out,
               "--participants-category", "X", "--output", tmp_path / "nolinks") == 2
    assert "need --links DIR" in capsys.readouterr().err


def test_samplewiki_campaign_of_make_demo_counts_the_participants_edits(samplewiki_demo):
    """`make demo` runs samplewiki's July fortnight; each participant's edits, content edits and articles
    created are those the generator's model holds for the window (a sign-up who never edited has no row)."""
    from runners.cli.demo import CAMPAIGN_END, CAMPAIGN_START
    from sample_dumps.campaign import PARTICIPANTS
    from sample_dumps.generate import build_wiki

    names = {name.removeprefix("User:") for name in PARTICIPANTS}
    expected: dict[str, list[int]] = {}
    for page in build_wiki().pages:
        for position, rev in enumerate(page.revisions):
            user = rev.contributor.user
            if user and user.user_name in names and not rev.contributor_deleted \
                    and CAMPAIGN_START <= rev.timestamp[:10] < CAMPAIGN_END:
                counts = expected.setdefault(user.user_name, [0, 0, 0])
                counts[0] += 1
                counts[1] += page.namespace == 0
                counts[2] += position == 0 and page.namespace == 0 and page.redirect is None
    rows = {r["user_text"]: [r["edits"], r["content_edits"], r["articles_created"]]
            for r in read_dataset(samplewiki_demo, "campaign_participants")}
    assert rows == expected and "Lisbeth Nobody" not in rows and len(rows) == 5
    (summary,) = read_dataset(samplewiki_demo, "campaign_summary")
    assert (summary["participants_listed"], summary["participants_active"]) == (6, 5)
    assert summary["edits"] == sum(counts[0] for counts in expected.values())
