"""`wikidumps stream`: EventStreams into hourly files, run as a user runs it against a local replay server
(runners/replay.py; the long replays come from tests/sse_server.py) that injects disconnects, duplicates,
out-of-order and malformed events, a slow link, server errors and silence. What a user relies on: every
event exactly once across restarts and kills, complete files only, filters that keep what they say, and
files `run events` reads."""
from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runners.cli import main as cli
from tests.conftest import REAL, ROOT, SAMPLE_DUMPS, read_dataset
from tests.httpserver import FileServer
from runners.replay import SseServer
from tests.sse_server import replay_events
from transforms.events.hour_files import HourFiles, StreamStateError
from transforms.events.stream import SseParser

PAGE_CHANGE = "mediawiki.page_change.v1"
REAL_EVENTS = REAL / "eventstreams" / "page_change"
UNTIL = "2029-01-01T00:00:00Z"
SAMPLE_EVENTS = SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz"


@pytest.fixture(scope="module")
def real_events() -> list[bytes]:
    """The 13 real page_change events, in the order EventStreams sent them (by meta.dt)."""
    if not REAL_EVENTS.is_dir():
        pytest.skip(f"real EventStreams events not found at {REAL_EVENTS} (see DESIGN.md: ../shared/data/real)")
    events = [path.read_bytes().strip() for path in sorted(REAL_EVENTS.glob("*.json"))]
    return sorted(events, key=lambda data: json.loads(data)["meta"]["dt"])


def with_end(events: list[bytes]) -> list[bytes]:
    """`events` and, after them, one event ingested after UNTIL: where `--until UNTIL` stops."""
    last = json.loads(events[-1])
    last["meta"] = {**last["meta"], "dt": "2030-01-01T00:00:00Z", "id": "after-the-end"}
    return events + [json.dumps(last).encode()]


def stream_args(server: SseServer, output: Path, *extra: str) -> list[str]:
    return ["stream", PAGE_CHANGE, "--url", server.base, "--output", str(output), *extra]


def stream(server: SseServer, output: Path, *extra: str, capsys=None) -> int:
    """`wikidumps stream` in this process, to --until UNTIL."""
    code = cli.main(stream_args(server, output, "--until", UNTIL, *extra))
    if capsys is not None and code != 0:
        pytest.fail(capsys.readouterr().err)
    return code


def start(server: SseServer, output: Path, *extra: str) -> subprocess.Popen:
    """`wikidumps stream` as its own process, as a user starts it."""
    return subprocess.Popen([sys.executable, "-m", "runners.cli.launch", *stream_args(server, output, *extra)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def published(output: Path, folder: str = PAGE_CHANGE) -> dict[str, list[bytes]]:
    """The lines of each published file of a folder (hidden open parts are not published)."""
    found = {}
    for path in sorted((output / folder).glob("*.json")):
        found[path.name] = path.read_bytes().splitlines()
    return found


def all_lines(output: Path, folder: str = PAGE_CHANGE) -> list[bytes]:
    return sorted(line for lines in published(output, folder).values() for line in lines)


def open_parts(output: Path) -> list[str]:
    return sorted(p.name for p in output.rglob(".*.part"))


def written_bytes(output: Path) -> int:
    """Bytes in the stream's folder, hidden open parts included."""
    folder, total = output / PAGE_CHANGE, 0
    for name in os.listdir(folder) if folder.is_dir() else ():
        try:
            total += (folder / name).stat().st_size
        except FileNotFoundError:  # renamed or removed meanwhile
            pass
    return total


def meta_ids(lines) -> list[str]:
    return sorted(json.loads(line)["meta"]["id"] for line in lines)


# ---------------------------------------------------------------------------------------------------


def test_real_events_through_faults_are_written_once_and_read_by_run_events(real_events, tmp_path, capsys):
    # A duplicate (sent again two events later), two neighbours swapped, a line that is not JSON and an
    # event without a time, over a link that drops every 4 events mid-event and sends 7 bytes at a time.
    replay = list(real_events)
    replay[5], replay[6] = replay[6], replay[5]
    replay.insert(4, replay[2])
    replay.insert(8, b'{"meta": {"id": "x"')
    replay.insert(9, b'{"meta": {"stream": "mediawiki.page_change.v1"}, "page_change_kind": "edit"}')
    with SseServer(with_end(replay)) as server:
        server.cut_every, server.trickle = 4, 7
        assert stream(server, tmp_path / "out", capsys=capsys) == 0
    err = capsys.readouterr().err
    assert "stopped after 16 events (13 written, 0 filtered, 1 duplicates, 2 errors)" in err
    files = published(tmp_path / "out")
    # One file per hour of event time (`dt`); the move's `dt` is 4 seconds before its ingestion.
    assert sorted(files) == [f"{PAGE_CHANGE}-{hour}.json" for hour in (
        "20240930-22", "20241004-15", "20241004-16", "20241007-19", "20241007-20", "20241008-07")]
    assert all_lines(tmp_path / "out") == sorted(real_events)
    assert open_parts(tmp_path / "out") == []
    # Every reconnection asked for the events after the last one written (ids are the server's offsets).
    asked = [json.loads(h)[0]["offset"] if h else None for h in server.last_event_ids()]
    assert asked[0] is None and asked[1:] == sorted(asked[1:]) and len(asked) >= 4
    [errors] = published(tmp_path / "out", "errors").values()
    rows = [json.loads(line) for line in errors]
    assert [(r["error_type"], r["record_kind"], r["record_dropped"], r["pipeline"]) for r in rows] == [
        ("malformed-event", "event", True, "stream"), ("missing-field", "event", True, "stream")]
    assert rows[0]["raw_event"] == '{"meta": {"id": "x"' and "not JSON" in rows[0]["message"]
    assert "dt is missing" in rows[1]["message"]
    # `run events` reads the published hours as they are (one snapshot, as it is told): the revisions of the
    # 13 events. Without --snapshot, hours of several days are refused: each day would be a snapshot.
    inputs = sorted(str(p) for p in (tmp_path / "out" / PAGE_CHANGE).glob("*.json"))
    run_events = ["run", "events", "--workers", "1", "--output", str(tmp_path / "datasets"), "--input", *inputs]
    assert cli.main(run_events) == 2
    assert "one run writes one snapshot: pass --snapshot YYYYMMDD" in capsys.readouterr().err
    assert cli.main([*run_events, "--snapshot", "20241008"]) == 0
    revisions = sorted(r["revision_id"] for r in read_dataset(tmp_path / "datasets", "revisions"))
    assert revisions == [686138, 686139, 686143, 686147, 686857, 930818273, 934984984, 935026237]


def test_samplewiki_events_streamed_give_the_rows_of_the_dump(tmp_path, capsys):
    """The sample wiki's first 300 events (page_change and recentchange, the latter without meta.id; 269
    hours, as the wiki's edits are sparse) through the replay server give, read by `run events`, the rows
    the same events give as one dump file."""
    lines = gzip.decompress(SAMPLE_EVENTS.read_bytes()).splitlines()[:300]
    dump = tmp_path / "samplewiki-20260101-events.json"
    dump.write_bytes(b"".join(line + b"\n" for line in lines))
    with SseServer(with_end(lines), streams=(PAGE_CHANGE, "mediawiki.recentchange")) as server:
        server.cut_every = 70
        code = cli.main(["stream", PAGE_CHANGE, "mediawiki.recentchange", "--url", server.base, "--output",
                         str(tmp_path / "out"), "--until", UNTIL])
        assert code == 0, capsys.readouterr().err
    assert server.requests[0][0] == "/v2/stream/mediawiki.page_change.v1,mediawiki.recentchange"
    assert len(all_lines(tmp_path / "out")) + len(all_lines(tmp_path / "out", "mediawiki.recentchange")) == len(lines)
    streamed = sorted(str(p) for p in (tmp_path / "out").glob("mediawiki.*/*.json"))
    for name, inputs in (("streamed", streamed), ("dump", [str(dump)])):
        assert cli.main(["run", "events", "--workers", "1", "--snapshot", "20260101", "--output",
                         str(tmp_path / name), "--input", *inputs]) == 0

    def rows(name, dataset):
        return sorted(map(repr, read_dataset(tmp_path / name, dataset)))

    for dataset in ("revisions", "events"):
        assert rows("streamed", dataset) == rows("dump", dataset) and rows("dump", dataset), dataset


def test_kill_9_at_random_moments_loses_and_doubles_nothing(tmp_path):
    """100,000 events (from the real ones, else the sample wiki's page_change events) with duplicates,
    out-of-order pairs, malformed lines and a disconnect every 30,000 events; the stream is killed with
    -9 at random moments, restarted each time, and finally runs to the end."""
    if REAL_EVENTS.is_dir():
        templates = [path.read_bytes().strip() for path in sorted(REAL_EVENTS.glob("*.json"))]
    else:
        templates = [line for line in gzip.decompress(SAMPLE_EVENTS.read_bytes()).splitlines() if b"page_change" in line]
    replay, good, malformed = replay_events(templates, 100_000, seed=20)
    assert len(replay) == 100_000 + 100 + malformed  # 100 duplicates
    rng = random.Random(20)
    out = tmp_path / "out"
    size = sum(map(len, good))
    # The moments: when the bytes written (open parts and published files, cut back on each restart) first
    # pass a random share of the replay, plus up to 0.3 s: in the middle of appends, checkpoints, publications.
    shares = sorted(rng.uniform(0.05, 0.6) for _ in range(5))
    with SseServer(with_end(replay)) as server:
        server.cut_every = 30_000
        kills = 0
        for share in shares:
            process = start(server, out, "--until", UNTIL, "--status-every", "1000")
            deadline = time.monotonic() + 120
            while written_bytes(out) < share * size and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))
            if process.poll() is not None:
                break  # finished before this kill: the rest of the test still checks the files
            process.kill()
            process.wait()
            kills += 1
        final = start(server, out, "--until", UNTIL)
        _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert kills == len(shares)
    assert all_lines(out) == sorted(good)  # each of the 100,000 events once, none twice, none lost
    assert open_parts(out) == []
    errors = [json.loads(line) for line in all_lines(out, "errors")]
    assert len(errors) == malformed and {e["error_type"] for e in errors} == {"malformed-event"}


def test_sigterm_and_ctrl_c_stop_cleanly_and_the_next_start_goes_on(real_events, tmp_path):
    replay, good, _ = replay_events(real_events, 3_000, hours=3, seed=3)
    out = tmp_path / "out"
    with SseServer(with_end(replay)) as server:
        server.pause = 0.001  # a slow server: the stop comes in the middle of the replay
        for sig in (signal.SIGTERM, signal.SIGINT):
            before = len(published(out))
            process = start(server, out, "--status-every", "1000")
            deadline = time.monotonic() + 60
            while len(published(out)) == before and time.monotonic() < deadline:  # until it publishes an hour
                time.sleep(0.05)
            process.send_signal(sig)
            _, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            assert "Traceback" not in err and "kept open for the next start" in err.splitlines()[-1]
            # What is published is whole hours; the open hour waits, hidden, with the checkpoint.
            assert open_parts(out) and all(len(lines) > 0 for lines in published(out).values())
            assert json.loads((out / "_stream.json").read_text())["last_id"] is not None
        server.pause = 0
        process = start(server, out, "--until", UNTIL)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert all_lines(out) == sorted(good)
    assert [h is not None for h in server.last_event_ids()] == [False, True, True]


def test_memory_holds_the_keys_of_the_open_hours_only(real_events, tmp_path):
    """20,000 events over 10 hours (2,000 an hour): the duplicate keys held never pass the current hour's,
    with the previous hour's during its grace (300 s, about 170 events) and the late files'."""
    from transforms.events.stream import EventFilter
    from transforms.events.subscription import Subscription

    replay, good, _ = replay_events(real_events, 20_000, hours=10, seed=5)
    held = []
    with SseServer(with_end(replay)) as server:
        subscription = Subscription(f"{server.base}/{PAGE_CHANGE}", [PAGE_CHANGE], str(tmp_path / "out"),
                                    EventFilter(), until=1_860_000_000, status=lambda s: held.append(s.open_keys),
                                    status_every=0)
        stats = subscription.run()
    assert (stats.received, stats.written, stats.duplicates) == (len(replay), 20_000, len(replay) - 20_000 - 4)
    assert 2_000 <= max(held) <= 2_500 and held[-1] == 0
    assert all_lines(tmp_path / "out") == sorted(good)


def test_a_reader_stopped_mid_stream_loses_nothing(real_events, tmp_path):
    """A slow reader: the process is suspended (SIGSTOP) while the server keeps sending, until the socket's
    buffers are full and the server waits; resumed, it reads on from where it was."""
    replay, good, _ = replay_events(real_events, 20_000, seed=7)
    out = tmp_path / "out"
    with SseServer(with_end(replay)) as server:
        process = start(server, out, "--until", UNTIL, "--status-every", "1000")
        deadline = time.monotonic() + 60
        while written_bytes(out) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGSTOP)
        time.sleep(1.0)
        process.send_signal(signal.SIGCONT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert all_lines(out) == sorted(good)
    assert len(server.requests) == 1  # one connection throughout


def variant(event: bytes, **performer) -> bytes:
    record = json.loads(event)
    record["performer"] = {**record.get("performer", {}), **performer}
    record["meta"] = {**record["meta"], "id": record["meta"]["id"] + "-" + "-".join(map(str, performer.values()))}
    return json.dumps(record).encode()


def test_filters_keep_wikis_namespaces_kinds_and_performers(real_events, tmp_path, capsys):
    edit = next(e for e in real_events if b'"4072ddcb' in e)  # an item edit by an account with 27 edits
    performers = [variant(edit, is_bot=True), variant(edit, is_temp=True, user_text="~2024-1"),
                  variant(edit, edit_count=3), variant(edit, user_id=None, user_text="192.0.2.1", edit_count=3)]
    replay = with_end(real_events + performers)

    def kept(name, *options):
        with SseServer(replay) as server:
            assert stream(server, tmp_path / name, *options, capsys=capsys) == 0
        return meta_ids(all_lines(tmp_path / name))

    assert kept("wiki", "--wikis", "commonswiki") == ["120bbbc5-0da9-4f73-bdb9-9a65e696f761",
                                                      "98d46c7d-322d-408e-a27f-edc634186a5f",
                                                      "b8347404-f361-4870-8586-406ce22f9cad"]
    # Namespaces 2 (a user page) and 146 (a lexeme), given as two options.
    assert kept("namespaces", "--namespaces", "2", "--namespaces", "146") == [
        "5de98095-b359-4f50-ba53-b82bba8de6fe", "f555013c-c5f5-4aca-bd60-5dd437037b45"]
    assert kept("kinds", "--wikis", "testwikidatawiki", "--kinds", "delete,undelete,visibility") == [
        "09e856d3-9901-4e97-95fb-650971492c45", "20b289d5-5591-4e55-b051-423d655aaa52",
        "3161448a-c58b-416f-b8a4-58f821a0ee8f", "5b7be9f7-208d-4ce6-b4a7-3fae6b7dea0a",
        "b9da7c08-48ee-4f8b-8e57-3edbf650360e"]
    ids = ["4072ddcb-f522-45e5-9a66-6f0b5a495d1f-" + s for s in ("True", "True-~2024-1", "3", "None-192.0.2.1-3")]
    # The real property edit is a bot's (is_bot, group bot).
    assert kept("bots", "--performers", "bot", "--kinds", "edit") == ["4072ddcb-f522-45e5-9a66-6f0b5a495d1f-True",
                                                                      "4cd43ee0-417a-4b89-8626-79bc8cde8bee"]
    assert kept("people", "--performers", "temporary,newcomer,anonymous") == sorted(ids[1:])
    # Drawn at 30 edits, the newcomers are the test account's events (26 to 29 edits) and the variant with 3;
    # the lexeme's creator had 30, the suppression names no performer.
    assert kept("newcomers", "--performers", "newcomer", "--newcomer-edits", "30") == [
        "20b289d5-5591-4e55-b051-423d655aaa52", "3161448a-c58b-416f-b8a4-58f821a0ee8f",
        "4072ddcb-f522-45e5-9a66-6f0b5a495d1f", ids[2], "5b7be9f7-208d-4ce6-b4a7-3fae6b7dea0a",
        "95cbd964-6e6e-420a-99c2-b774efc37796", "b9da7c08-48ee-4f8b-8e57-3edbf650360e",
        "f555013c-c5f5-4aca-bd60-5dd437037b45"]
    assert kept("unknown", "--performers", "unknown") == ["09e856d3-9901-4e97-95fb-650971492c45"]


def test_events_later_than_their_hour_go_to_a_further_file_of_it(real_events, tmp_path, capsys):
    """An hour is published once events ingested `--hour-grace` seconds after its end arrive; an event of
    that hour that comes later (its `dt` far behind `meta.dt`, Wikimedia task T409105) goes to `-2`."""
    base = json.loads(real_events[0])

    def event(name, happened, ingested):
        record = {**base, "dt": happened, "meta": {**base["meta"], "id": name, "dt": ingested}}
        return json.dumps(record).encode()

    replay = [event("a", "2024-10-04T10:59:00Z", "2024-10-04T10:59:00Z"),
              event("b", "2024-10-04T11:01:00Z", "2024-10-04T11:01:00Z"),
              event("c", "2024-10-04T10:59:30Z", "2024-10-04T11:01:30Z"),  # within the grace: hour 10
              event("d", "2024-10-04T11:03:00Z", "2024-10-04T11:03:00Z"),  # hour 10 is published
              event("e", "2024-10-04T10:58:00Z", "2024-10-04T11:04:00Z"),  # late: a further file
              # Ingested "in 2028", ahead of the wall clock: a bad stamp that does not move the clock (hour 11
              # stays open for g).
              event("f", "2024-10-04T11:04:30Z", "2028-01-01T00:00:00Z"),
              event("g", "2024-10-04T11:05:00Z", "2024-10-04T11:05:00Z")]
    with SseServer(with_end(replay)) as server:
        assert stream(server, tmp_path / "out", "--hour-grace", "120", capsys=capsys) == 0
    files = {name: meta_ids(lines) for name, lines in published(tmp_path / "out").items()}
    assert files == {f"{PAGE_CHANGE}-20241004-10.json": ["a", "c"], f"{PAGE_CHANGE}-20241004-10-2.json": ["e"],
                     f"{PAGE_CHANGE}-20241004-11.json": ["b", "d", "f", "g"]}


def test_since_starts_a_first_run_and_the_checkpoint_every_later_one(real_events, tmp_path, capsys):
    with SseServer(with_end(real_events)) as server:
        code = cli.main(stream_args(server, tmp_path / "out", "--since", "2024-10-07T00:00:00Z", "--until",
                                    "2024-10-07T20:00:00Z", "--hour-grace", "0"))
        assert code == 0, capsys.readouterr().err
        assert meta_ids(all_lines(tmp_path / "out")) == ["98d46c7d-322d-408e-a27f-edc634186a5f"]
        # The next start resumes from the checkpoint: --since no longer applies, and it says so.
        capsys.readouterr()
        assert stream(server, tmp_path / "out", "--since", "2024-01-01T00:00:00Z", capsys=capsys) == 0
        assert "holds a checkpoint: resuming from it, --since is ignored" in capsys.readouterr().err
    assert server.requests[0] == (f"/v2/stream/{PAGE_CHANGE}?since=2024-10-07T00%3A00%3A00Z", None)
    assert server.requests[1][0] == f"/v2/stream/{PAGE_CHANGE}" and server.requests[1][1] is not None
    assert meta_ids(all_lines(tmp_path / "out")) == ["5de98095-b359-4f50-ba53-b82bba8de6fe",
                                                     "98d46c7d-322d-408e-a27f-edc634186a5f",
                                                     "b8347404-f361-4870-8586-406ce22f9cad"]


def test_reconnects_after_server_errors_and_silence(real_events, tmp_path, capsys):
    with SseServer(with_end(real_events)) as server:
        server.fail_next = [503, 429, 500]
        server.stall_after = 5
        assert stream(server, tmp_path / "out", "--max-backoff", "0.05", "--idle-timeout", "0.5",
                      capsys=capsys) == 0
    assert all_lines(tmp_path / "out") == sorted(real_events)
    # Each failure is said on the status line, with the wait before the next attempt.
    said = [re.search(r"errors, lag [^;]*; (.*?)(: \{.*)?; reconnecting in [0-9.]+ s$", line).group(1)
            for line in capsys.readouterr().err.splitlines() if "reconnecting in" in line]
    assert said == [
        f"{server.base}/{PAGE_CHANGE} answered 503 Service Unavailable",
        f"{server.base}/{PAGE_CHANGE} answered 429 Too Many Requests",
        f"{server.base}/{PAGE_CHANGE} answered 500 Internal Server Error", "timed out"]
    # Three refusals, the connection that fell silent after 5 events, and the one that finished.
    ids = server.last_event_ids()
    assert ids[:4] == [None] * 4 and json.loads(ids[4])[0]["offset"] == 4 and len(ids) == 5


def test_status_line_shows_rate_counts_and_lag(real_events, tmp_path, capsys):
    with SseServer(with_end(real_events)) as server:
        assert stream(server, tmp_path / "out", "--status-every", "0", capsys=capsys) == 0
    lines = capsys.readouterr().err.splitlines()
    status = [line for line in lines if line.startswith("stream: ")]
    assert status and all("events/s" in line and " lag " in line and "(ingestion " in line for line in status)
    assert "13 read, 13 written, 0 filtered, 0 duplicates, 0 errors" in status[-1]


def test_unusable_options_urls_and_folders_are_one_line(real_events, tmp_path, capsys):
    def refused(*args):
        code = cli.main(list(args))
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        return code, err.strip()

    out = str(tmp_path / "out")
    assert refused("stream", PAGE_CHANGE, "--output", out, "--url", "ftp://example.org/v2/stream") == (
        2, "wikidumps stream: error: ftp://example.org/v2/stream/mediawiki.page_change.v1 is not an http:// or "
           "https:// URL")
    assert refused("stream", PAGE_CHANGE, "--output", out, "--kinds", "edit,purge")[1] == (
        "wikidumps: error: --kinds: purge not one of create, edit, delete, undelete, move, visibility")
    assert refused("stream", PAGE_CHANGE, "--output", out, "--namespaces", "main")[0] == 2
    assert refused("stream", PAGE_CHANGE, "--output", out, "--until", "tomorrow")[1] == (
        "wikidumps: error: --until 'tomorrow' is not a time (ISO 8601, e.g. 2026-01-07T00:00:00Z)")
    assert refused("stream", "page change", "--output", out)[0] == 2
    with SseServer(with_end(real_events)) as server:
        code, err = refused(*stream_args(server, tmp_path / "other", "--until", UNTIL)[:1], "mediawiki.nothing",
                            "--url", server.base, "--output", str(tmp_path / "other"))
        assert (code, err) == (2, f"wikidumps stream: error: {server.base}/mediawiki.nothing answered 404 Not Found: "
                                  '{"status": 404, "detail": "no such stream: mediawiki.nothing"}')
        assert stream(server, tmp_path / "out", capsys=capsys) == 0
        capsys.readouterr()
        # A URL that serves a file rather than an event stream.
        (tmp_path / "files").mkdir()
        (tmp_path / "files" / PAGE_CHANGE).write_text("<html>not a stream</html>")
        with FileServer(tmp_path / "files") as files:
            code, err = refused("stream", PAGE_CHANGE, "--url", files.url, "--output", str(tmp_path / "other"))
        assert (code, err) == (2, f"wikidumps stream: error: {files.url}/{PAGE_CHANGE} is not an event stream "
                                  "(Content-Type none, not text/event-stream)")
        # A folder holds one subscription, written by one process at a time.
        code, err = refused("stream", "mediawiki.recentchange", "--url", server.base, "--output", out)
        assert code == 2 and "holds the stream of" in err and "give another --output" in err
        holder = HourFiles(out, f"{server.base}/{PAGE_CHANGE}", 300)
        try:
            code, err = refused(*stream_args(server, tmp_path / "out"))
            assert (code, err) == (2, f"wikidumps stream: error: {out}: another `wikidumps stream` is writing to "
                                      "this folder")
        finally:
            holder.close()


def test_a_failed_write_stops_in_one_line_and_the_next_start_goes_on(real_events, tmp_path, capsys, monkeypatch):
    """A full disk in the middle of an hour: the command stops (exit 1) rather than retrying as if the
    network had failed, and the next start writes each event once."""
    real_add, calls = HourFiles.add, []

    def add(self, *args):
        calls.append(args)
        if len(calls) == 7:
            raise OSError(28, "No space left on device")
        return real_add(self, *args)

    with SseServer(with_end(real_events)) as server:
        monkeypatch.setattr(HourFiles, "add", add)
        assert cli.main(stream_args(server, tmp_path / "out", "--until", UNTIL)) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"wikidumps stream: error: writing to {tmp_path / 'out'}: [Errno 28] No space left on device; "
                       "the next start goes on from the last checkpoint"]
        monkeypatch.setattr(HourFiles, "add", real_add)
        assert stream(server, tmp_path / "out", capsys=capsys) == 0
    assert all_lines(tmp_path / "out") == sorted(real_events)


def test_a_restart_makes_the_files_agree_with_the_checkpoint(tmp_path):
    """The three states a kill -9 can leave, made by hand: bytes after the checkpoint, a part opened after
    it, a part renamed before the checkpoint that would have forgotten it."""
    def line(name):
        return json.dumps({"meta": {"id": name}}).encode() + b"\n"

    files = HourFiles(str(tmp_path), "http://x/s", 60)
    files.add("s", "s", 10, "a", line("a"))
    files.add("s", "s", 11, "b", line("b"))
    files.checkpoint("id-2", 11 * 3600)
    files.add("s", "s", 11, "c", line("c"))  # after the checkpoint: cut off on restart
    files.add("s", "s", 12, "d", line("d"))  # a part opened after the checkpoint: removed
    for part in files.open.values():
        part.handle.flush()
    os.rename(tmp_path / files.open[("s", 10)].temp, tmp_path / files.open[("s", 10)].final)  # published, then killed
    files._lock.close()  # the process is gone (its lock with it)
    again = HourFiles(str(tmp_path), "http://x/s", 60)
    assert again.last_id == "id-2" and sorted(again.open) == [("s", 11)]
    assert (tmp_path / "s" / "s-19700101-10.json").read_bytes() == line("a")
    assert (tmp_path / "s" / ".s-19700101-11.json.part").read_bytes() == line("b")
    assert not (tmp_path / "s" / ".s-19700101-12.json.part").exists()
    assert again.add("s", "s", 11, "b", line("b")) is False  # its key came back with the part
    again.close()
    (tmp_path / "s" / ".s-19700101-11.json.part").write_bytes(b"")  # shorter than the checkpoint says
    with pytest.raises(StreamStateError, match="fewer than the 22 the checkpoint recorded"):
        HourFiles(str(tmp_path), "http://x/s", 60)


def test_sse_events_are_cut_from_chunks_of_any_size():
    wire = (b": keep-alive\r\nevent: message\r\nid: 1\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
            b"data: no id here\n\nid: 3\nretry: 10\ndata:x\n\n" + b"data: " + b"y" * 100 + b"\n\nid: 5\ndata: z\n\n")
    for size in (1, 2, 7, len(wire)):
        parser = SseParser(max_line=50)
        events = [e for at in range(0, len(wire), size) for e in parser.feed(wire[at: at + size])]
        assert events == [("1", b'{"a":\n1}'), ("1", b"no id here"), ("3", b"x"), ("3", None), ("5", b"z")], size
