"""README's examples, as a reader copies them.

The shell examples run in README's order, in one folder, with `wikidumps` on the PATH as `source
.venv/bin/activate` puts it there; each must end with exit code 0, print no traceback and write what README
says it writes. README names dumps of enwiki and simplewiki that a test cannot download: the folder holds
samplewiki's dumps under those names (`stand_ins`), and where a command names wikis to keep (`--wiki-db`,
`--wiki`, `--wikis`) samplewiki is meant. What stands for the network: the dumps mirror (`fetch`, through
$WIKIDUMPS_MIRROR) and the GCS API (`datasets publish`, through $STORAGE_EMULATOR_HOST) are servers on
loopback, and so is the web server of README's published source (https://storage.googleapis.com/BUCKET,
holding the samplewiki demo's datasets); `stream` is given `--url` of a loopback replay of samplewiki's page_change events, and `--until`
past their end where a reader would press Ctrl-C. Nothing else of a command line is changed.

The Python and SQL snippets run against the samplewiki output, published on a loopback web server where
README names a bucket.
"""
from __future__ import annotations

import bz2
import glob
import gzip
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from runners.cli.run import JOB_COMMANDS
from tests.conftest import ROOT, SAMPLE_DUMPS, read_dataset
from tests.httpserver import FileServer
from runners.replay import SseServer
from wikidumps.publish import publish

README = (ROOT / "README.md").read_text(encoding="utf-8")
SAMPLE_WIKI = "samplewiki"
README_WIKIS = re.compile(r"\b(?:en|de|simple)wiki\b")
WIKI_OPTIONS = ("--wiki-db", "--wiki", "--wikis")
UNTIL = "2029-01-01T00:00:00Z"  # after samplewiki's last event: where the reader would press Ctrl-C
PUBLISHED = "https://storage.googleapis.com/BUCKET"

def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def readme_commands() -> list[list[str]]:
    """Every `wikidumps ...` line of README's shell blocks, in order (continuations joined, comments dropped);
    `--input ...` ("and the other files") is left out."""
    commands = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["wikidumps"]:
                commands.append(" ".join(words).replace(" --input ... ", " ").split(" "))
    return commands


def stand_ins(folder: Path) -> None:
    """samplewiki's dumps under the names README gives its inputs."""
    links = {
        "enwiki-20260101-pages-meta-history1.xml-p1p812.bz2": "samplewiki-20260101-pages-meta-history.xml.bz2",
        "enwiki-20260101-pages-articles-multistream.xml.bz2": "samplewiki-20260101-pages-articles-multistream.xml.bz2",
        "enwiki-20260101-pages-articles-multistream-index.txt.bz2":
            "samplewiki-20260101-pages-articles-multistream-index.txt.bz2",
        "enwiki-NS0-20261201-ENTERPRISE-HTML.json.tar.gz": "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz",
        "2026-08.enwiki.2025.tsv.bz2": "2025-12.samplewiki.all-time.tsv.bz2",
        "page_change.json.gz": "samplewiki-20260101-events.json.gz",
        "participants.txt": "samplewiki-campaign-participants.txt",
    }
    for name, sample in links.items():
        (folder / name).symlink_to(SAMPLE_DUMPS / sample)
    # README's glob `pageviews-202601*-user.bz2`: the six daily files of samplewiki, as the first six days of 2026.
    for day, daily in enumerate(sorted((SAMPLE_DUMPS / "pageviews").glob("*-user.bz2")), start=1):
        (folder / f"pageviews-202601{day:02d}-user.bz2").symlink_to(daily)
    # README's `incr/enwiki/2026*`: the daily adds/changes dumps of samplewiki's second month.
    from sample_dumps.generate import DEFAULT_SEED, build_wiki
    from sample_dumps.month import build_next_month, write_increments

    write_increments(build_next_month(build_wiki(DEFAULT_SEED), DEFAULT_SEED), folder / "incr-written")
    (folder / "incr").mkdir()
    (folder / "incr-written" / SAMPLE_WIKI).rename(folder / "incr" / "enwiki")
    (folder / "incr-written").rmdir()
    (folder / "latest-all.json.bz2").write_bytes(
        bz2.compress(gzip.decompress((SAMPLE_DUMPS / "wikidata-20260101-all.json.gz").read_bytes())))


def mirror(root: Path) -> None:
    """A dumps mirror whose simplewiki 20260101 run is samplewiki's history dump (same bytes and checksums)."""
    run = root / "simplewiki" / "20260101"
    run.mkdir(parents=True)
    status = json.loads((SAMPLE_DUMPS / "dumpstatus.json").read_text())
    job = status["jobs"]["metahistorybz2dump"]
    (run / "dumpstatus.json").write_text(json.dumps(status).replace("samplewiki", "simplewiki"))
    for name in job["files"]:
        shutil.copyfile(SAMPLE_DUMPS / name, run / name.replace("samplewiki", "simplewiki"))  # served: no links


def page_change_events() -> list[bytes]:
    lines = gzip.decompress((SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz").read_bytes()).splitlines()
    events = [line for line in lines if b'"/mediawiki/page/change/' in line]
    last = json.loads(events[-1])  # one event ingested after UNTIL, where `--until` stops
    last["meta"] = {**last["meta"], "dt": "2030-01-01T00:00:00Z", "id": "after-the-end"}
    return events + [json.dumps(last).encode()]


def as_run_here(argv: list[str], folder: Path, stream_url: str, site_url: str) -> list[str]:
    """README's command with samplewiki for its wikis, the loopback web server for its published source, and
    `stream` pointed at the loopback replay."""
    named, option = [], ""
    for word in argv:
        option = word if word.startswith("-") else option
        word = word.replace(PUBLISHED, site_url)
        named.append(README_WIKIS.sub(SAMPLE_WIKI, word) if option in WIKI_OPTIONS else word)
    argv = named
    if argv[1] == "stream":
        argv += ["--url", stream_url, "--until", UNTIL]
    expanded = []
    for word in argv:  # the shell's globbing
        expanded += sorted(glob.glob(word, root_dir=folder)) or [word] if "*" in word else [word]
    return expanded


def partition_rows(folder: Path, dataset: str) -> dict[tuple[str, str], list[dict]]:
    """A dataset's rows by (wiki_db, snapshot)."""
    by_partition: dict[tuple[str, str], list[dict]] = {}
    for row in read_dataset(folder, dataset):
        by_partition.setdefault((row["wiki_db"], row["snapshot"]), []).append(row)
    return by_partition


def test_readme_shell_examples_run_in_order(gcs_emulator, samplewiki_demo, tmp_path):
    from google.cloud import storage

    bucket = storage.Client(project="wikidumps-test").create_bucket("team-bucket")
    here = tmp_path / "reader"
    here.mkdir()
    stand_ins(here)
    mirror(tmp_path / "mirror")
    publish(samplewiki_demo, str(tmp_path / "site" / "wikidumps" / "2026-01"), ["pages", "revisions", "errors"])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "WIKIDUMPS_CACHE": str(tmp_path / "cache")}
    printed = {}
    stream_events = page_change_events()
    with FileServer(tmp_path / "mirror") as dumps, FileServer(tmp_path / "site") as site, \
            SseServer(stream_events) as events:
        env["WIKIDUMPS_MIRROR"] = dumps.url
        for argv in readme_commands():
            argv = as_run_here(argv, here, events.base, site.url)
            done = subprocess.run(argv, cwd=here, env=env, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0 and "Traceback" not in done.stderr, (argv, done.stderr[-3000:])
            printed[" ".join(argv[1:3]).replace(site.url, PUBLISHED)] = done.stdout

    # The affiliate's lines: the published datasets listed, and their report written here.
    source = f"{PUBLISHED}/wikidumps/2026-01"
    assert [line.split()[:3] for line in printed["datasets list"].splitlines()[1:]] == [
        ["errors", "2", "0"], ["pages", "1", "261"], ["revisions", "1", "2,334"]]  # errors: samplewiki, wikidatawiki
    assert printed[f"report {source}"].strip() == str(here / "report.html")
    assert '<section id="edits" data-datasets="revisions">' in (here / "report.html").read_text(encoding="utf-8")
    # What README says each command gives, on samplewiki's dumps.
    history = "simplewiki/20260101/simplewiki-20260101-pages-meta-history.xml.bz2"
    assert (here / "dumps" / history).read_bytes() == (SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
                                                       ).read_bytes()
    assert "enwiki-20260101-pages-articles-multistream.xml.bz2" in printed["inspect enwiki-20260101-pages-articles-multistream.xml.bz2"]
    assert printed["report out/"].strip() == str((here / "out" / "report.html").resolve())
    assert bucket.get_blob("wikidumps/2026-01/_catalog.json") is not None
    out = here / "out"
    dump = (SAMPLE_WIKI, "20260101")
    assert len(partition_rows(out, "revisions")[dump]) == 2334
    for dataset in ("plain_text", "article_quality", "article_gaps"):
        assert len(partition_rows(out, dataset)[dump]) == 117
    # `run update` wrote the next snapshot beside it. Its events are the stream's, all before 20260101, so
    # nothing is deleted: D1's revisions and the 29 of the month's adds/changes dumps.
    assert len(partition_rows(out, "revisions")[(SAMPLE_WIKI, "20260201")]) == 2334 + 29
    (html_text,) = partition_rows(here / "out-html", "plain_text").values()
    assert len(html_text) == 117 and {row["source"] for row in html_text} == {"html"}
    assert len(read_dataset(out, "wikidata_entities")) == 114
    assert (SAMPLE_WIKI, "20260101") in partition_rows(out, "pageviews")
    # The events, the editor-activity index and the campaign over them, in the snapshot README gives them.
    assert (SAMPLE_WIKI, "20260901") in partition_rows(here / "index", "editor_activity")
    participants = {"Fennimore", "Brackenwood", "Zarnitsa", "RiverRat42", "北風", "Lisbeth Nobody"}  # as the file names them
    assert {row["user_text"] for row in partition_rows(here / "campaign", "campaign_participants")[
        (SAMPLE_WIKI, "20260901")]} <= participants
    # `stream --kinds create,edit,delete`: every such page_change event of samplewiki once; `run events` reads
    # the revisions of those in the snapshot it is given.
    kinds = [json.loads(event)["page_change_kind"] for event in stream_events[:-1]]
    lines = [line for path in (here / "live" / "mediawiki.page_change.v1").glob("*.json")
             for line in path.read_text().splitlines()]
    assert len(lines) == sum(kind in ("create", "edit", "delete") for kind in kinds)
    assert len(partition_rows(out, "revisions")[(SAMPLE_WIKI, "20261207")]) == sum(
        kind in ("create", "edit") for kind in kinds)

def test_readme_names_every_command_and_job():
    named = {" ".join(argv[1:3]) if argv[1] == "run" else argv[1] for argv in readme_commands()}
    assert {f"run {job}" for job in JOB_COMMANDS} | {"fetch", "inspect", "report", "datasets", "stream"} <= named


def test_readme_python_and_sql_snippets_run(samplewiki_demo, tmp_path, monkeypatch):
    affiliate, pandas_snippet = blocks("python")
    (sql,) = blocks("sql")
    site = tmp_path / "site"
    publish(samplewiki_demo, str(site / "wikidumps" / "2026-01"), ["revisions"])
    monkeypatch.setenv("WIKIDUMPS_CACHE", str(tmp_path / "cache"))
    *lines, last = affiliate.strip().splitlines()
    assert last.startswith("duckdb.sql(")
    with FileServer(site) as server:
        names: dict = {}
        # The snippet's last line shows a result in a notebook; here it is kept to be compared.
        exec("\n".join([*lines, f"top = {last}.fetchall()"]).replace("https://storage.googleapis.com/BUCKET", server.url)
             .replace('wiki_db="simplewiki"', 'wiki_db="samplewiki"'), names)
    top = names["top"]
    assert len(names["df"]) == 2334 and len(top) == 10 and top[0] == ("Eastmarch", 21)

    monkeypatch.chdir(tmp_path)
    shutil.copytree(samplewiki_demo, tmp_path / "demo-output", symlinks=True)
    names = {}
    exec(pandas_snippet, names)
    assert len(names["revisions"]) == 2334
    reverts = duckdb.sql(sql).fetchall()
    assert reverts[0] == top[0] and [count for _, count in reverts] == [count for _, count in top]
