"""`wikidumps run editor-activity`: every number against a plain, independent implementation of the definitions.

The reference below is written from the definitions in docs/metrics.md alone, row by row with dicts and
datetime, sharing no code with transforms/editor_activity.py.
"""
from __future__ import annotations

import re
import shutil
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_wiki, event_file_names
from tests.conftest import SAMPLE_DUMPS, read_dataset

HISTORY = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
BOT = re.compile(r"(?i)^.*bot([^a-z].*$|$)")


def run(*args) -> int:
    return cli.main(["run", *map(str, args), "--workers", "1"])


# ---------------------------------------------------------------------------------------------------
# The reference implementation


def month(ts: datetime) -> str:
    return ts.strftime("%Y-%m")


def reference(revisions: list[dict], events: list[dict], content=frozenset({0})):
    """(editor months keyed by (wiki, month, user_text), index rows keyed by (wiki, month, type, level))."""
    snapshot = {}
    created, group_changes = {}, defaultdict(list)
    # Rights changes from recentchange name the account only: its id is its create event's.
    ids = {(e["wiki_db"], e["user_text"]): e["user_id"] for e in events
           if e["event_entity"] == "user" and e["event_type"] == "create" and e["user_id"] is not None}
    for e in events:
        user_id = e["user_id"] if e["user_id"] is not None else ids.get((e["wiki_db"], e["user_text"]))
        if e["event_entity"] == "user" and user_id is not None:
            key = (e["wiki_db"], user_id)
            if e["event_type"] == "create":
                created[key] = min(created.get(key, e["event_timestamp"]), e["event_timestamp"])
            if e["event_type"] in ("create", "altergroups") and e["user_groups"] is not None:
                group_changes[key].append((e["event_timestamp"], "bot" in e["user_groups"]))

    def bot_group_in(key, first_day: datetime, end: datetime, cutoff: datetime) -> bool:
        changes = sorted(group_changes.get(key, []))
        if changes and changes[-1][1]:
            return True  # in the bot group at the snapshot
        for i, (start, is_bot) in enumerate(changes):
            stop = changes[i + 1][0] if i + 1 < len(changes) else cutoff
            if is_bot and start < end and stop > first_day:
                return True
        return False

    edits_by_editor = defaultdict(list)
    for r in revisions:
        if r["user_is_deleted"] or r["user_text"] is None:
            continue
        snapshot[r["wiki_db"]] = r["snapshot"]
        who = r["user_id"] if r["user_id"] is not None else "ip:" + r["user_text"]
        edits_by_editor[(r["wiki_db"], who)].append(r)
    months = {}
    for (wiki, who), edits in edits_by_editor.items():
        cutoff = datetime.strptime(snapshot[wiki], "%Y%m%d").replace(tzinfo=timezone.utc)
        latest = max(edits, key=lambda r: r["revision_timestamp"])
        first = min(r["revision_timestamp"] for r in edits)
        anonymous = latest["user_is_anonymous"]
        registration = None
        if not anonymous:
            registration = created.get((wiki, who), first)
        for m in sorted({month(r["revision_timestamp"]) for r in edits}):
            these = [r for r in edits if month(r["revision_timestamp"]) == m]
            first_day = datetime.strptime(m, "%Y-%m").replace(tzinfo=timezone.utc)
            end = (first_day + timedelta(days=32)).replace(day=1)
            bot_by = []
            if not anonymous and BOT.match(latest["user_text"]):
                bot_by.append("name")
            if not anonymous and (any(r["user_groups"] and "bot" in r["user_groups"] for r in these)
                                  or bot_group_in((wiki, who), first_day, end, cutoff)):
                bot_by.append("group")
            months[(wiki, m, latest["user_text"])] = {
                "user_id": latest["user_id"], "anonymous": anonymous, "temporary": latest["user_is_temporary"],
                "bot_by": bot_by, "edits": len(these),
                "content_edits": sum(r["page_namespace"] in content for r in these),
                "reverted": sum(r["revision_is_identity_reverted"] for r in these),
                # Wikimedia's 48 hours: reverted at most 172,800 s after the edit.
                "reverted_48h": sum(r["revision_is_identity_reverted"] and r["revision_seconds_to_identity_revert"] <= 48 * 3600
                                    for r in these),
                "namespaces": sorted({r["page_namespace"] for r in these}),
                "registration": registration,
                "first_30": None if anonymous else sum(r["revision_timestamp"] < registration + timedelta(days=30) for r in edits),
                "days_30_60": None if anonymous else sum(
                    registration + timedelta(days=30) <= r["revision_timestamp"] < registration + timedelta(days=60) for r in edits),
                "cutoff": cutoff,
            }
    return months, index_from(months)


def editor_type(e: dict) -> str:
    if e["anonymous"] or e["temporary"]:
        return "anonymous"
    return "group_bot" if "group" in e["bot_by"] else "name_bot" if "name" in e["bot_by"] else "user"


def level(edits: int) -> str:
    return "100+" if edits >= 100 else "25-99" if edits >= 25 else "5-24" if edits >= 5 else "1-4"


def index_from(months: dict, cross_wiki: bool = False) -> dict:
    index = {}
    cells = defaultdict(list)
    for (wiki, m, name), e in months.items():
        cells[(wiki, m, None, None)].append(e)
        cells[(wiki, m, editor_type(e), None)].append(e)
        cells[(wiki, m, editor_type(e), level(e["edits"]))].append(e)
    for (wiki, m, kind, lvl), editors in cells.items():
        row = {"editors": len(editors), "edits": sum(e["edits"] for e in editors),
               "content_edits": sum(e["content_edits"] for e in editors)}
        row["non_content_edits"] = row["edits"] - row["content_edits"]
        row["constructive_edits"] = sum(e["edits"] - e["reverted_48h"] for e in editors if not e["bot_by"])
        if kind is None:
            active = [e for e in editors if editor_type(e) == "user" and e["content_edits"] >= 5]
            non_bot = [e for e in editors if not e["bot_by"]]
            row.update(active_editors=len(active), very_active_editors=sum(e["content_edits"] >= 100 for e in active),
                       new_active_editors=sum(month(e["registration"]) == m for e in active),
                       returning_active_editors=sum(month(e["registration"]) != m for e in active),
                       non_bot_edits=sum(e["edits"] for e in non_bot),
                       identity_reverted_non_bot_edits=sum(e["reverted"] for e in non_bot))
            row["revert_rate"] = row["identity_reverted_non_bot_edits"] / row["non_bot_edits"] if row["non_bot_edits"] else None
            if not cross_wiki:
                # Retained editors: logged-in (permanent) accounts that edited in the month before and in this one.
                before = (datetime.strptime(m, "%Y-%m") - timedelta(days=1)).strftime("%Y-%m")
                row["retained_editors"] = sum(1 for (w, mm, name), e in months.items()
                                              if w == wiki and mm == m and not e["anonymous"] and not e["temporary"]
                                              and (wiki, before, name) in months)
        index[(wiki, m, kind, lvl)] = row
    if cross_wiki:
        return index
    # New editors: one per permanent account, in the month it registered.
    accounts = {}
    for (wiki, m, name), e in months.items():
        if not e["anonymous"] and not e["temporary"]:
            accounts[(wiki, name)] = e
    cohorts = defaultdict(lambda: [0, 0])
    for (wiki, name), e in accounts.items():
        if e["first_30"]:
            cohorts[(wiki, month(e["registration"]))][0] += 1
            cohorts[(wiki, month(e["registration"]))][1] += e["days_30_60"] > 0
    cutoff = next(iter(months.values()))["cutoff"]
    for key, row in list(index.items()):
        if key[2] is None:
            first_day = datetime.strptime(key[1], "%Y-%m").replace(tzinfo=timezone.utc)
            complete = (first_day + timedelta(days=32)).replace(day=1) + timedelta(days=60) <= cutoff
            new, kept = cohorts.get((key[0], key[1]), (0, 0))
            row.update(new_editors=new if complete else None, retained_new_editors=kept if complete else None,
                       new_editor_retention=kept / new if complete and new else None)
    for (wiki, m), (new, kept) in cohorts.items():
        if (wiki, m, None, None) not in index:
            index[(wiki, m, None, None)] = {"cohort_only": (new, kept)}
    return index


def published_index(output: Path) -> dict:
    return {(r["wiki_db"], r["time_bucket"], r["editor_type"], r["activity_level"]): r
            for r in read_dataset(output, "editor_activity")}


def assert_index_equals(output: Path, expected: dict, wikis: set[str]):
    got = {k: v for k, v in published_index(output).items() if k[0] in wikis}
    assert set(got) == set(expected)
    for key, want in expected.items():
        if "cohort_only" in want:
            continue
        row = got[key]
        for name, value in want.items():
            assert row[name] == pytest.approx(value) if isinstance(value, float) else row[name] == value, (key, name)


def assert_editor_months_equal(output: Path, months: dict):
    got = {(r["wiki_db"], r["month"], r["user_text"]): r for r in read_dataset(output, "editor_months")}
    assert set(got) == set(months)
    for key, e in months.items():
        row = got[key]
        assert (row["user_id"], row["user_is_anonymous"], row["user_is_temporary"], row["user_is_bot_by"], row["edits"],
                row["content_edits"], row["identity_reverted_edits"], row["identity_reverted_48h_edits"],
                row["namespaces_edited"],
                row["registration_timestamp"], row["edits_first_30_days"], row["edits_days_30_to_60"]) == (
            e["user_id"], e["anonymous"], e["temporary"], e["bot_by"], e["edits"], e["content_edits"], e["reverted"],
            e["reverted_48h"], e["namespaces"], e["registration"], e["first_30"], e["days_30_60"]), key


# ---------------------------------------------------------------------------------------------------
# Runs


@pytest.fixture(scope="module")
def samplewiki(tmp_path_factory):
    """samplewiki as XML revisions and as event revisions (+ events), each with its index."""
    root = tmp_path_factory.mktemp("editor-activity")
    wiki = build_wiki()
    assert run("history", "--input", HISTORY, "--output", root / "xml") == 0
    assert run("events", "--input", SAMPLE_DUMPS / event_file_names(wiki)["events_json"], "--output", root / "events") == 0
    assert run("editor-activity", "--revisions", root / "xml", "--output", root / "index-xml") == 0
    assert run("editor-activity", "--revisions", root / "xml", "--events", root / "events",
               "--output", root / "index-xml-events") == 0
    assert run("editor-activity", "--revisions", root / "events", "--events", root / "events",
               "--output", root / "index-events") == 0
    return root


def test_samplewiki_index_from_xml_equals_the_reference(samplewiki):
    months, index = reference(read_dataset(samplewiki / "xml", "revisions"), [])
    assert_editor_months_equal(samplewiki / "index-xml", months)
    assert_index_equals(samplewiki / "index-xml", index, {"samplewiki"})
    # From XML alone the group-only bot is not a bot; names tell the other two.
    assert {k[2] for k, e in months.items() if e["bot_by"]} == {"SampleBot", "ArchiverBot"}
    assert sum(r["active_editors"] or 0 for r in read_dataset(samplewiki / "index-xml", "editor_activity")) > 50
    # Both new counts are exercised: some edits are reverted within 48 hours, some later; editors come back.
    reverted = [e for e in months.values() if e["reverted"]]
    assert any(e["reverted_48h"] for e in reverted) and any(e["reverted_48h"] < e["reverted"] for e in reverted)
    assert sum(r["retained_editors"] or 0 for r in read_dataset(samplewiki / "index-xml", "editor_activity")) > 20


def test_events_and_xml_of_the_same_edits_give_the_same_index(samplewiki):
    events = read_dataset(samplewiki / "events", "events")
    months, index = reference(read_dataset(samplewiki / "events", "revisions"), events)
    assert_editor_months_equal(samplewiki / "index-events", months)
    assert_index_equals(samplewiki / "index-events", index, {"samplewiki"})
    assert {k[2] for k, e in months.items() if "group" in e["bot_by"]} == {"SampleBot", "ArchiverBot", "Tidy helper"}
    strip = lambda rows, key: sorted(({k: v for k, v in r.items() if k != "snapshot"} for r in rows), key=key)  # noqa: E731
    by_month = lambda r: (r["time_bucket"], r["editor_type"] or "", r["activity_level"] or "")  # noqa: E731
    assert strip(read_dataset(samplewiki / "index-events", "editor_activity"), by_month) == \
        strip(read_dataset(samplewiki / "index-xml-events", "editor_activity"), by_month)
    by_editor = lambda r: (r["month"], r["user_text"])  # noqa: E731
    assert strip(read_dataset(samplewiki / "index-events", "editor_months"), by_editor) == \
        strip(read_dataset(samplewiki / "index-xml-events", "editor_months"), by_editor)
    # Registrations come from the user create events, not from first edits.
    assert not any(r["registration_is_first_edit"] for r in read_dataset(samplewiki / "index-events", "editor_months")
                   if not r["user_is_anonymous"])


def test_real_aawiki_and_a_cross_wiki_total(real_data, samplewiki, tmp_path):
    aawiki = real_data / "pages-meta-history/dkpro-jwpl__aawiki-20260101-pages-meta-history.xml.7z"
    shutil.copytree(samplewiki / "xml" / "revisions", tmp_path / "both" / "revisions")
    assert run("history", "--input", aawiki, "--output", tmp_path / "aawiki") == 0
    shutil.copytree(tmp_path / "aawiki" / "revisions" / "wiki_db=aawiki", tmp_path / "both" / "revisions" / "wiki_db=aawiki")
    assert run("editor-activity", "--revisions", tmp_path / "both", "--output", tmp_path / "index") == 0
    revisions = read_dataset(tmp_path / "both", "revisions")
    aawiki_revisions = [r for r in revisions if r["wiki_db"] == "aawiki"]
    months, index = reference(aawiki_revisions, [])
    assert_index_equals(tmp_path / "index", index, {"aawiki"})
    assert len(months) > 100 and any(e["bot_by"] for e in months.values())
    # Cross-wiki: a user name counted once, its content edits summed over the wikis.
    all_months, _ = reference(revisions, [])
    merged = defaultdict(lambda: {"edits": 0, "content_edits": 0, "bot_by": set(), "registration": None})
    for (wiki, m, name), e in all_months.items():
        entry = merged[(m, e["anonymous"], name)]
        entry["edits"] += e["edits"]
        entry["content_edits"] += e["content_edits"]
        entry["bot_by"] |= set(e["bot_by"])
        entry["temporary"] = e["temporary"]
        entry["anonymous"] = e["anonymous"]
        if e["registration"] is not None:
            entry["registration"] = min(filter(None, (entry["registration"], e["registration"])))
    got = {k[1]: v for k, v in published_index(tmp_path / "index").items() if k[0] == "all" and k[2] is None}
    for m in {key[0] for key in merged}:
        users = [e for (mm, _, _), e in merged.items() if mm == m]
        active = [e for e in users if not e["anonymous"] and not e["temporary"] and not e["bot_by"]
                  and e["content_edits"] >= 5]
        assert got[m]["editors"] == len(users)
        assert got[m]["active_editors"] == len(active), m
        assert got[m]["new_active_editors"] == sum(month(e["registration"]) == m for e in active)
        assert got[m]["new_editors"] is None


def test_public_privacy_rounds_drops_and_says_so(samplewiki, tmp_path):
    assert run("editor-activity", "--revisions", samplewiki / "xml", "--output", tmp_path, "--privacy", "public") == 0
    exact = published_index(samplewiki / "index-xml")
    public = published_index(tmp_path)
    for key, row in exact.items():
        threshold = row["active_editors"] if key[2] is None else row["editors"]
        if threshold < 3:
            assert key not in public
            continue
        assert public[key]["editors"] == -(-row["editors"] // 10) * 10
        assert public[key]["edits"] == -(-row["edits"] // 10) * 10
    assert public and len(public) < len(exact)
    months = read_dataset(tmp_path, "editor_months")
    assert months and not any(r["user_is_anonymous"] for r in months) and all(r["edits"] % 10 == 0 for r in months)
    card = (tmp_path / "editor_activity" / "_README.md").read_text()
    assert "--privacy public" in card and "rounded up to the nearest 10" in card


def test_dataset_reader_gives_partitions_and_reads_files_older_than_the_schema(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from schemas import DATASETS
    from transforms.datasets.read import list_dataset_files, read_dataset_file

    folder = tmp_path / "revisions" / "wiki_db=xwiki" / "snapshot=20240101"
    folder.mkdir(parents=True)
    schema = DATASETS["revisions"].file_schema
    before_groups = pa.schema([f for f in schema if f.name != "user_groups"])  # revisions 1.0.0 files
    row = {name: False for name in before_groups.names if before_groups.field(name).type == pa.bool_()}
    row.update(page_id=1, page_namespace=0, page_title="A", revision_id=5, revision_timestamp=1_700_000_000)
    pq.write_table(pa.Table.from_pylist([row], schema=before_groups), folder / "part-00000-of-00001.parquet")
    (file,) = list_dataset_files(str(tmp_path), "revisions")
    assert (file.partition.wiki_db, file.partition.snapshot) == ("xwiki", "20240101")
    (batch,) = read_dataset_file(file, DATASETS["revisions"], ["revision_id", "revision_timestamp", "user_groups"])
    assert batch.schema.field("revision_timestamp").type == pa.timestamp("s", tz="UTC")
    assert batch.to_pylist()[0]["revision_id"] == 5 and batch.to_pylist()[0]["user_groups"] is None


# ---------------------------------------------------------------------------------------------------
# Newcomer cohorts and article survival, against their definitions in docs/metrics.md

DAY = timedelta(days=1)


def month_after(m: str) -> datetime:
    return (datetime.strptime(m, "%Y-%m").replace(tzinfo=timezone.utc) + timedelta(days=32)).replace(day=1)


def bucket(edits: int) -> str:
    return "100+" if edits >= 100 else "10-99" if edits >= 10 else "1-9" if edits >= 1 else "0"


def attributed(revisions: list[dict]) -> dict:
    """Each editor's revisions in time order: accounts by id, IP editors by address; hidden editors left out."""
    by_editor = defaultdict(list)
    for r in revisions:
        if not r["user_is_deleted"] and r["user_text"] is not None:
            by_editor[r["user_id"] if r["user_id"] is not None else "ip:" + r["user_text"]].append(r)
    return {who: sorted(edits, key=lambda r: r["revision_timestamp"]) for who, edits in by_editor.items()}


def is_article_creation(r: dict) -> bool:
    """A page's first revision in the main namespace that is not a redirect (docs/metrics.md)."""
    return r["revision_parent_id"] is None and r["page_namespace"] == 0 and r["page_id"] is not None \
        and not r["revision_is_redirect"]


def reference_survival(revisions: list[dict], page_events: list[dict]) -> dict:
    """(month, bucket) -> (creators, created, surviving, deleted) of one wiki; surviving and deleted None when
    the month's 30 days are not over at the snapshot."""
    cutoff = datetime.strptime(revisions[0]["snapshot"], "%Y%m%d").replace(tzinfo=timezone.utc)
    events = defaultdict(list)
    for e in page_events:
        events[e["page_id"]].append(e)
    cells = defaultdict(lambda: [set(), 0, 0])
    for who, edits in attributed(revisions).items():
        for r in edits:
            if not is_article_creation(r):
                continue
            created = r["revision_timestamp"]
            page = sorted(events[r["page_id"]], key=lambda e: e["event_timestamp"])
            creates = [e for e in page if e["event_type"] == "create"]
            if creates and creates[0]["page_is_redirect"]:
                continue  # a redirect at creation is no article
            window = [e for e in page if e["event_type"] in ("delete", "restore")
                      and created <= e["event_timestamp"] <= created + 30 * DAY]
            cell = cells[(month(created), bucket(sum(o["revision_timestamp"] < created for o in edits)))]
            cell[0].add(who)
            cell[1] += 1
            cell[2] += bool(window) and window[-1]["event_type"] == "delete"
    out = {}
    for (m, b), (creators, created, deleted) in cells.items():
        done = month_after(m) + 30 * DAY <= cutoff
        out[(m, b)] = (len(creators), created, created - deleted if done else None, deleted if done else None)
    return out


def reference_cohorts(revisions: list[dict], months: dict) -> dict:
    """month of first edit -> newcomer_cohorts counts of one wiki (windows not over at the snapshot: None)."""
    cutoff = datetime.strptime(revisions[0]["snapshot"], "%Y%m%d").replace(tzinfo=timezone.utc)
    cohorts = defaultdict(lambda: defaultdict(int))
    for who, edits in attributed(revisions).items():
        first = edits[0]["revision_timestamp"]
        e = months[(edits[0]["wiki_db"], month(first), edits[-1]["user_text"])]
        if editor_type(e) != "user":
            continue  # newcomers: registered, not temporary, not a bot in their first month
        c = cohorts[month(first)]
        c["newcomers"] += 1
        for r in edits:
            age = r["revision_timestamp"] - first
            if age < 30 * DAY:
                c["edits_first_day"] += age < DAY
                c["edits_first_7_days"] += age < 7 * DAY
                c["edits_first_30_days"] += 1
                c["reverted_48h_edits_first_30_days"] += (r["revision_is_identity_reverted"]
                                                         and r["revision_seconds_to_identity_revert"] <= 172_800)
                c["articles_created_first_30_days"] += is_article_creation(r)
        c["active_second_month"] += any(30 * DAY <= r["revision_timestamp"] - first < 60 * DAY for r in edits)
    out = {}
    for m, c in cohorts.items():
        first_done = month_after(m) + 30 * DAY <= cutoff
        second_done = month_after(m) + 60 * DAY <= cutoff
        row = {"newcomers": c["newcomers"]}
        for name in ("edits_first_day", "edits_first_7_days", "edits_first_30_days",
                     "reverted_48h_edits_first_30_days", "articles_created_first_30_days"):
            row[name] = c[name] if first_done else None
        row["active_second_month"] = c["active_second_month"] if second_done else None
        row["second_month_retention"] = c["active_second_month"] / c["newcomers"] if second_done else None
        row["reverted_48h_share_first_30_days"] = (c["reverted_48h_edits_first_30_days"] / c["edits_first_30_days"]
                                                   if first_done and c["edits_first_30_days"] else None)
        out[m] = row
    return out


@pytest.mark.parametrize("revisions", ["events", "xml"])
def test_article_survival_equals_the_reference(samplewiki, revisions):
    index = samplewiki / ("index-events" if revisions == "events" else "index-xml-events")
    expected = reference_survival(read_dataset(samplewiki / revisions, "revisions"),
                                  read_dataset(samplewiki / "events", "page_events"))
    rows = read_dataset(index, "article_survival")
    got = {(r["time_bucket"], r["creator_experience"]): (r["creators"], r["articles_created"],
                                                         r["articles_surviving"], r["articles_deleted"]) for r in rows}
    assert got == expected
    for r in rows:  # counts add up, and the rate is theirs
        if r["articles_surviving"] is not None:
            assert r["articles_created"] == r["articles_surviving"] + r["articles_deleted"]
            assert r["survival_rate"] == pytest.approx(r["articles_surviving"] / r["articles_created"])
    # The samplewiki deletions: 3 restored within 30 days (survive), 2 restored after (deleted at day 30), one
    # deleted after day 30 (survives); redirects are not articles.
    assert sum(r["articles_deleted"] or 0 for r in rows) == 2
    wiki = build_wiki()
    articles = sum(p.namespace == 0 and p.redirect is None for p in wiki.pages)
    assert sum(r["articles_created"] for r in rows) == articles
    assert {r["creator_experience"] for r in rows} == {"0", "1-9", "10-99", "100+"}


def test_newcomer_cohorts_equal_the_reference(samplewiki):
    revisions = read_dataset(samplewiki / "events", "revisions")
    months, _ = reference(revisions, read_dataset(samplewiki / "events", "events"))
    expected = reference_cohorts(revisions, months)
    got = {r["time_bucket"]: {k: v for k, v in r.items() if k not in ("wiki_db", "snapshot", "time_bucket")}
           for r in read_dataset(samplewiki / "index-events", "newcomer_cohorts")}
    assert set(got) == set(expected)
    for m, want in expected.items():
        for name, value in want.items():
            assert got[m][name] == (pytest.approx(value) if isinstance(value, float) else value), (m, name)
    assert sum(row["newcomers"] for row in got.values()) > 20
    assert any(row["reverted_48h_edits_first_30_days"] for row in got.values())


def test_public_privacy_of_cohorts_and_survival(samplewiki, tmp_path):
    assert run("editor-activity", "--revisions", samplewiki / "events", "--events", samplewiki / "events",
               "--output", tmp_path, "--privacy", "public") == 0
    exact = {r["time_bucket"]: r for r in read_dataset(samplewiki / "index-events", "newcomer_cohorts")}
    public = {r["time_bucket"]: r for r in read_dataset(tmp_path, "newcomer_cohorts")}
    assert set(public) == {m for m, r in exact.items() if r["newcomers"] >= 3} and public
    for m, r in public.items():
        assert r["newcomers"] == -(-exact[m]["newcomers"] // 10) * 10
        assert r["second_month_retention"] == exact[m]["second_month_retention"]
    survival = read_dataset(tmp_path, "article_survival")
    exact_survival = read_dataset(samplewiki / "index-events", "article_survival")
    assert sorted((r["time_bucket"], r["creator_experience"], r["articles_created"]) for r in survival) == sorted(
        (r["time_bucket"], r["creator_experience"], r["articles_created"]) for r in exact_survival if r["creators"] >= 3)
    assert "fewer than 3 newcomers" in (tmp_path / "newcomer_cohorts" / "_README.md").read_text()
    assert "fewer than 3 creators" in (tmp_path / "article_survival" / "_README.md").read_text()


def test_real_page_change_deleted_and_restored_item_survives(real_data, tmp_path):
    """testwikidatawiki's Q235989: created, deleted, restored, suppressed, restored within the hour."""
    folder = real_data / "eventstreams" / "page_change"
    path = tmp_path / "page_change.json"
    path.write_text("".join(p.read_text().strip() + "\n" for p in sorted(folder.glob("*.json"))))
    assert run("events", "--input", path, "--output", tmp_path / "events", "--snapshot", "20250101") == 0
    assert run("editor-activity", "--revisions", tmp_path / "events", "--events", tmp_path / "events",
               "--output", tmp_path / "index") == 0
    revisions = [r for r in read_dataset(tmp_path / "events", "revisions") if r["wiki_db"] == "testwikidatawiki"]
    page_events = [e for e in read_dataset(tmp_path / "events", "page_events") if e["wiki_db"] == "testwikidatawiki"]
    rows = [r for r in read_dataset(tmp_path / "index", "article_survival") if r["wiki_db"] == "testwikidatawiki"]
    got = {(r["time_bucket"], r["creator_experience"]): (r["creators"], r["articles_created"], r["articles_surviving"],
                                                         r["articles_deleted"]) for r in rows}
    assert got == reference_survival(revisions, page_events)
    # The one item of the main namespace survives: its deletions were undone within the 30 days. Its creator's
    # earlier edits are not in the data (bucket 0), though page_change says the account had 26 edits.
    assert got == {("2024-10", "0"): (1, 1, 1, 0)}
    assert [e["event_user_revision_count"] for e in page_events
            if e["event_type"] == "create" and e["page_title"] == "Q235989"] == [26]


def test_history_tsv_articles_deleted_for_good_are_counted(tmp_path):
    """From a MediaWiki history dump, pages that stayed deleted keep their revisions: their creations count."""
    import bz2

    from tests.test_events_job import history_line

    def revision(rev_id, page_id, namespace, when, user_id, name):
        return history_line(wiki_db="xwiki", event_entity="revision", event_type="create", event_timestamp=when,
                            event_user_id=str(user_id), event_user_text=name, event_user_is_anonymous="false",
                            page_id=str(page_id), page_namespace=str(namespace), page_title=f"P{page_id}",
                            revision_id=str(rev_id), revision_parent_id="0", revision_text_bytes="10",
                            revision_text_sha1=f"sha{rev_id}", revision_is_deleted_by_page_deletion="false")

    def page(event_type, page_id, when):
        return history_line(wiki_db="xwiki", event_entity="page", event_type=event_type, event_timestamp=when,
                            event_user_id="9", event_user_text_historical="Admin", page_id=str(page_id),
                            page_namespace_historical="0", page_title_historical=f"P{page_id}")

    lines = [
        revision(1, 10, 0, "2024-01-01 00:00:00.0", 3, "Ann"),  # Ann's first edit: experience 0
        revision(2, 11, 0, "2024-01-02 00:00:00.0", 3, "Ann"),  # one edit before: 1-9
        revision(3, 12, 1, "2024-01-03 00:00:00.0", 3, "Ann"),  # a talk page: no article
        revision(4, 13, 0, "2024-01-05 00:00:00.0", 4, "Bob"),
        page("delete", 10, "2024-01-10 00:00:00.0"),  # never restored: deleted
        page("delete", 11, "2024-01-03 00:00:00.0"), page("restore", 11, "2024-01-04 00:00:00.0"),  # survives
        page("delete", 13, "2024-02-10 00:00:00.0"),  # 36 days after creation: survived its 30 days
    ]
    path = tmp_path / "2024-05.xwiki.all-time.tsv.bz2"
    path.write_bytes(bz2.compress("\n".join(lines).encode()))
    assert run("events", "--input", path, "--output", tmp_path / "events", "--snapshot", "20240601") == 0
    assert run("editor-activity", "--revisions", tmp_path / "events", "--events", tmp_path / "events",
               "--output", tmp_path / "index") == 0
    rows = read_dataset(tmp_path / "index", "article_survival")
    got = {(r["time_bucket"], r["creator_experience"]): (r["creators"], r["articles_created"], r["articles_surviving"],
                                                         r["articles_deleted"], r["survival_rate"]) for r in rows}
    assert got == {("2024-01", "0"): (2, 2, 1, 1, 0.5), ("2024-01", "1-9"): (1, 1, 1, 0, 1.0)}
    expected = reference_survival(read_dataset(tmp_path / "events", "revisions"),
                                  read_dataset(tmp_path / "events", "page_events"))
    assert {k: v[:4] for k, v in got.items()} == expected
