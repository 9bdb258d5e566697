"""Crash-consistent, one-writer-at-a-time publishing (transforms/datasets/publish.py, storage.py).

A history run (`new`) is killed at each step of its publishing, over the output of an earlier run
(`old`); at every step each dataset must read, through its manifest and through a folder-wide glob,
exactly as old or exactly as new, `--resume` must see one of the two, and the next run must repair and
publish. The kills come from the fault-injection seam `publish.fault_point`, replaced in a child process,
so every step is tried, not whichever a timer happens to hit.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

import wikidumps
from runners.cli import main as cli
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.xmlkit import dump, page, revision
from transforms.datasets import publish
from transforms.datasets.publish import complete_partitions
from wikidumps.stores import StoreError

DATASETS = ("pages", "revisions", "errors")
STEPS = ["moved:pages", "prepared:pages", "moved:revisions", "prepared:revisions", "moved:errors",
         "prepared:errors", "journal", "switched:pages", "switched:revisions", "switched:errors", "committed",
         "retired:pages", "retired:revisions", "retired:errors", "cleanup"]
KILLED = 9

# A child process that runs `wikidumps ARGS...` with publishing's fault point replaced: it appends each
# step to RECORD and, at STEP, ends the process on the spot (os._exit: no clean-up, like kill -9) or, for
# STEP=wait:<name>, holds there until the file GO exists.
CHILD = """
import os, sys, time
from transforms.datasets import publish
step, record, go = sys.argv[1:4]
def fault_point(name):
    with open(record, "a") as handle:
        handle.write(name + "\\n")
    if name == step:
        os._exit(%d)
    if step == "wait:" + name:
        while not os.path.exists(go):
            time.sleep(0.02)
publish.fault_point = fault_point
from runners.cli.main import main
sys.exit(main(sys.argv[4:]))
""" % KILLED


def history_input(folder: Path, snapshot: str, pages: range, text: str = "Hello") -> Path:
    """A small history dump of testwiki: two revisions per page."""
    path = folder / f"testwiki-{snapshot}-pages-meta-history.xml"
    xml = "".join(page(i, f"P{i}", revision(i * 10, text=text) + revision(i * 10 + 1, "2024-02-01T00:00:00Z",
                                                                           parent=i * 10, text=text + " more"))
                  for i in pages)
    path.write_bytes(dump(xml))
    return path


def run_history(output: Path, inputs: list[Path], *options: str) -> int:
    arguments = ["run", "history", "--workers", "1", "--output", str(output), *options]
    for path in inputs:
        arguments += ["--input", str(path)]
    return cli.main(arguments)


def child(output: Path, inputs: list[Path], step: str, record: Path, go: Path | None = None) -> subprocess.Popen:
    """`wikidumps run history` in a child process whose publishing stops at `step` (see CHILD)."""
    arguments = ["run", "history", "--workers", "1", "--output", str(output)]
    for path in inputs:
        arguments += ["--input", str(path)]
    return subprocess.Popen([sys.executable, "-c", CHILD, step, str(record), str(go or record.with_suffix(".go")),
                             *arguments], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows(table: pa.Table) -> list:
    return sorted((tuple(sorted(row.items())) for row in table.to_pylist()), key=repr)


def reader_view(output: Path, name: str):
    """What every reader sees of a dataset: its rows through the manifest and through a glob of its
    folder, which must agree, and whose count must be the manifest's; None when there is no dataset."""
    try:
        opened = wikidumps.open_dataset(output, name)
    except StoreError:
        assert not (output / name).exists() or not any((output / name).glob("**/*.parquet")), name
        return None
    keys = ds.partitioning(pa.schema([("wiki_db", pa.string()), ("snapshot", pa.string())]), flavor="hive")
    by_manifest = rows(opened.to_table())
    by_glob = rows(ds.dataset(output / name, format="parquet", partitioning=keys).to_table())
    assert by_manifest == by_glob, f"{name}: manifest and glob readers disagree"
    manifest = json.loads((output / name / "_manifest.json").read_text())
    assert sum(p["rows"] for p in manifest["partitions"]) == len(by_manifest)
    assert all(p["rows"] == sum(f["rows"] for f in p["files"]) for p in manifest["partitions"])
    return by_manifest


def views(output: Path) -> dict:
    return {name: reader_view(output, name) for name in DATASETS}


def partitions_of(output: Path, name: str) -> set:
    path = output / name / "_manifest.json"
    if not path.exists():
        return set()
    return {(p["wiki_db"], p["snapshot"]) for p in json.loads(path.read_text())["partitions"]}


def assert_clean(output: Path) -> None:
    """Nothing of a finished run is left: no staging, lock or journal, one version per dataset."""
    assert not (output / "_staging").exists()
    assert not (output / "_lock").exists() and not (output / "_publishing.json").exists()
    for name in DATASETS:
        target = os.readlink(output / name)
        assert os.listdir(output / "_versions" / name) == [target.rsplit("/", 1)[1]]
    assert not [p for p in output.iterdir() if p.name.startswith(".") or p.name.startswith("_lock.")]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """`old`: a run on testwiki 20260101; `new`: a run replacing that partition with other pages and
    adding 20260201, with the steps of its publishing recorded."""
    folder = tmp_path_factory.mktemp("publishing")
    first = history_input(folder, "20260101", range(1, 4))
    replaced = folder / "new" / first.name
    replaced.parent.mkdir()
    history_input(replaced.parent, "20260101", range(1, 7), text="Changed")
    added = history_input(folder / "new", "20260201", range(10, 13))
    base = folder / "base"
    assert run_history(base, [first]) == 0
    reference = folder / "reference"
    shutil.copytree(base, reference, symlinks=True)
    record = folder / "steps.txt"
    process = child(reference, [replaced, added], "none", record)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert record.read_text().split() == STEPS
    old, new = views(base), views(reference)
    assert all(old[name] != new[name] for name in ("pages", "revisions"))
    return {"base": base, "inputs": [replaced, added], "old": old, "new": new,
            "old_partitions": {n: partitions_of(base, n) for n in DATASETS},
            "new_partitions": {n: partitions_of(reference, n) for n in DATASETS}}


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_leaves_each_dataset_old_or_new_and_the_next_run_repairs(two_runs, step, tmp_path,
                                                                                    capsys):
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    process = child(output, two_runs["inputs"], step, tmp_path / "steps.txt")
    process.communicate(timeout=300)
    assert process.returncode == KILLED
    old, new = two_runs["old"], two_runs["new"]
    seen = views(output)
    for name in DATASETS:
        assert seen[name] in (old[name], new[name]), f"{name} after a kill at {step} is neither old nor new"
    # --resume settles the output first (the dead run's switch is finished or undone), then trusts only
    # partitions whose files match their manifest: the old ones or the new ones, for every dataset alike.
    complete = {name: {(p.wiki_db, p.snapshot) for p in complete_partitions(str(output), name)} for name in DATASETS}
    settled = views(output)
    assert settled == old or settled == new, f"datasets disagree after a kill at {step}"
    expected = two_runs["old_partitions"] if settled == old else two_runs["new_partitions"]
    assert complete == expected
    assert not (output / "_staging").exists() and not (output / "_publishing.json").exists()
    capsys.readouterr()
    # The next run publishes everything.
    assert run_history(output, two_runs["inputs"]) == 0
    assert views(output) == new
    assert_clean(output)


def test_a_step_that_fails_in_process_leaves_old_or_new_and_one_line(two_runs, tmp_path, capsys, monkeypatch):
    for step, expected in (("prepared:revisions", "old"), ("switched:pages", "new"), ("retired:errors", "new")):
        output = tmp_path / step.replace(":", "-")
        shutil.copytree(two_runs["base"], output, symlinks=True)

        def full_disk(name, step=step):
            if name == step:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(output / "_versions"))

        monkeypatch.setattr(publish, "fault_point", full_disk)
        assert run_history(output, two_runs["inputs"]) == 1
        err = capsys.readouterr().err
        (line,) = [line for line in err.splitlines() if line.startswith("error:")]
        assert "no space left on device" in line and "Traceback" not in err
        assert ("nothing was published" in line) == (expected == "old")
        assert views(output) == two_runs[expected]
        assert_clean(output)


def test_ctrl_c_in_publishing_leaves_old_or_new_and_removes_staging(two_runs, tmp_path, monkeypatch):
    for step, expected in (("moved:revisions", "old"), ("switched:revisions", "new")):
        output = tmp_path / step.replace(":", "-")
        shutil.copytree(two_runs["base"], output, symlinks=True)

        def interrupt(name, step=step):
            if name == step:
                raise KeyboardInterrupt

        monkeypatch.setattr(publish, "fault_point", interrupt)
        try:
            code = run_history(output, two_runs["inputs"])
        except KeyboardInterrupt:
            code = 130
        assert code == 130
        assert views(output) == two_runs[expected]
        assert_clean(output)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_mid_run_removes_staging_without_a_traceback(two_runs, tmp_path, sig):
    """The signal reaches the whole process group, as a terminal's Ctrl-C does, while a step runs."""
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    marker = tmp_path / "reading"
    script = ("import sys, time\nfrom transforms.datasets import write\noriginal = write.hash_input\n"
              "def slow(source):\n    open(sys.argv[1], 'w').close()\n    time.sleep(60)\n    return original(source)\n"
              "write.hash_input = slow\nfrom runners.cli.main import main\nsys.exit(main(sys.argv[2:]))\n")
    arguments = ["run", "history", "--workers", "1", "--output", str(output)]
    for path in two_runs["inputs"]:
        arguments += ["--input", str(path)]
    process = subprocess.Popen([sys.executable, "-c", script, str(marker), *arguments], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), process.communicate()[1]
    assert json.loads((output / "_lock").read_text())["pid"] == process.pid
    os.killpg(process.pid, sig)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "wikidumps: interrupted"
    assert views(output) == two_runs["old"]
    assert_clean(output)


def test_a_later_run_repairs_a_half_published_output_of_the_layout_before_versions(two_runs, tmp_path, capsys):
    """An output of the code before versions, killed as it was: a partition swapped in (new files), its
    manifest still the old one (listing a file that is gone), the data card named README.md."""
    output = tmp_path / "out"
    for name in DATASETS:
        shutil.copytree(two_runs["base"] / name, output / name)  # plain folders, as that code wrote them
        (output / name / "_README.md").rename(output / name / "README.md")
    partition = output / "pages" / "wiki_db=testwiki" / "snapshot=20260101"
    (listed,) = partition.glob("*.parquet")
    data = listed.read_bytes()
    listed.unlink()
    for i in range(2):
        (partition / f"part-0000{i}-of-00002.parquet").write_bytes(data)
    assert wikidumps.list_datasets(output) == sorted(DATASETS)  # old outputs are still read
    assert rows(wikidumps.open_dataset(output, "revisions").to_table()) == two_runs["old"]["revisions"]
    # --resume trusts only what matches; the broken partition is dropped, so glob readers agree again,
    # and cards get the name Parquet readers skip.
    assert complete_partitions(str(output), "pages") == set()
    err = capsys.readouterr().err
    assert f"wikidumps: repaired {output / 'pages'}: dropped partition(s) testwiki/20260101" in err
    assert f"wikidumps: renamed {output / 'revisions' / 'README.md'} to _README.md" in err
    assert reader_view(output, "pages") is None  # no partition left
    assert reader_view(output, "revisions") == two_runs["old"]["revisions"]
    assert not list(output.glob("*/README.md"))
    # A --resume run writes the partition again; every dataset moves to versions, cards to _README.md.
    first = two_runs["base"].parent / "testwiki-20260101-pages-meta-history.xml"
    assert run_history(output, [first], "--resume") == 0
    assert views(output) == two_runs["old"]
    assert_clean(output)
    assert all((output / name / "_README.md").is_file() and not (output / name / "README.md").exists()
               for name in DATASETS)


def test_resume_checks_sha256_and_runs_a_damaged_partition_again(two_runs, tmp_path, capsys):
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    first = two_runs["base"].parent / "testwiki-20260101-pages-meta-history.xml"
    assert run_history(output, [first], "--resume") == 0
    assert "nothing to do" in capsys.readouterr().err
    (path,) = (output / "revisions").glob("*/*/*.parquet")
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # same size: only the sha256 tells
    path.write_bytes(bytes(damaged))
    assert complete_partitions(str(output), "revisions") == set()
    assert run_history(output, [first], "--resume") == 0
    assert views(output) == two_runs["old"]
    assert_clean(output)


def test_stale_staging_versions_and_locks_of_dead_runs_are_removed(two_runs, tmp_path, capsys):
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    (output / "_staging" / "20260101T000000Z-dead00" / "pages").mkdir(parents=True)
    (output / "_staging" / "20260101T000000Z-dead00" / "pages" / "x.parquet").write_bytes(b"x" * 1000)
    (output / "_versions" / "pages" / "20260101T000000Z-dead00" / "wiki_db=a").mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    holder = {"run_id": "20260101T000000Z-dead00", "pid": int(dead.stdout), "host": socket.gethostname(),
              "started": "2026-01-01T00:00:00+00:00"}
    (output / "_lock").write_text(json.dumps(holder))
    assert run_history(output, two_runs["inputs"]) == 0
    err = capsys.readouterr().err
    assert (f"wikidumps: taking over {output / '_lock'}: run 20260101T000000Z-dead00 (pid {holder['pid']} on "
            f"{holder['host']} since 2026-01-01T00:00:00+00:00) is no longer running") in err
    assert views(output) == two_runs["new"]
    assert_clean(output)


def test_a_second_writer_exits_2_naming_the_first_and_no_partition_is_lost(two_runs, tmp_path):
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    go = tmp_path / "go"
    first = child(output, two_runs["inputs"][:1], "wait:prepared:pages", tmp_path / "first.txt", go)
    record, deadline = tmp_path / "first.txt", time.monotonic() + 120
    while not (record.exists() and "prepared:pages" in record.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    holder = json.loads((output / "_lock").read_text())
    assert holder["pid"] == first.pid and holder["host"] == socket.gethostname()
    second = subprocess.run([sys.executable, "-m", "runners.cli.main", "run", "history", "--workers", "1", "--output",
                             str(output), "--input", str(two_runs["inputs"][1])], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert second.returncode == 2
    assert second.stderr.strip() == (
        f"wikidumps: error: {output} is being written by run {holder['run_id']} (pid {first.pid} on {holder['host']} "
        f"since {holder['started']}); wait for it or remove {output / '_lock'} if that process is gone")
    go.touch()
    assert first.wait(timeout=300) == 0
    assert run_history(output, two_runs["inputs"][1:]) == 0
    assert views(output) == two_runs["new"]
    assert all(partitions_of(output, name) == two_runs["new_partitions"][name] for name in DATASETS)


def test_two_runs_started_together_never_lose_a_partition(two_runs, tmp_path):
    """Two real `wikidumps run history` processes on one output (samplewiki and a small testwiki dump):
    each publishes, or exits 2 naming the other; run again, the refused one publishes too, and every
    manifest has both partitions."""
    output = tmp_path / "out"
    inputs = [SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2", two_runs["inputs"][1]]
    commands = [[sys.executable, "-m", "runners.cli.launch", "run", "history", "--workers", "1", "--output", str(output),
                 "--input", str(path)] for path in inputs]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for command in commands]
    results = [(process.pid, *process.communicate(timeout=300), process.returncode) for process in processes]
    for i, (pid, out, err, code) in enumerate(results):
        assert code in (0, 2), err
        if code == 2:
            other_pid, other_out = results[1 - i][:2]
            other_run = re.search(r"\(run (\S+)\)", other_out).group(1)
            assert f"is being written by run {other_run} (pid {other_pid} on {socket.gethostname()} since" in err
            assert err.count("\n") == 1
            rerun = subprocess.run(commands[i], cwd=ROOT, capture_output=True, text=True, timeout=300)
            assert rerun.returncode == 0, rerun.stderr
    for name in DATASETS:
        assert partitions_of(output, name) == {("samplewiki", "20260101"), ("testwiki", "20260201")}
        reader_view(output, name)  # the counts add up
    assert len(reader_view(output, "pages")) == 261 + 3
    assert_clean(output)


def test_a_lock_naming_another_host_is_not_taken_over(tmp_path, capsys):
    output = tmp_path / "out"
    output.mkdir()
    holder = {"run_id": "20260101T000000Z-else00", "pid": 1, "host": "elsewhere.example", "started": "2026-01-01T00:00:00+00:00"}
    (output / "_lock").write_text(json.dumps(holder))
    assert run_history(output, [history_input(tmp_path, "20260101", range(1, 3))]) == 2
    assert capsys.readouterr().err.strip() == (
        f"wikidumps: error: {output} is being written by run 20260101T000000Z-else00 (pid 1 on elsewhere.example "
        f"since 2026-01-01T00:00:00+00:00); wait for it or remove {output / '_lock'} if that process is gone")
    assert sorted(p.name for p in output.iterdir()) == ["_lock"]


def test_a_full_disk_mid_run_is_one_line_and_removes_staging(two_runs, tmp_path, capsys, monkeypatch):
    from transforms.datasets import staged

    def full(self, batch):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(staged.StagedFileWriter, "write", full)
    output = tmp_path / "out"
    shutil.copytree(two_runs["base"], output, symlinks=True)
    assert run_history(output, two_runs["inputs"]) == 1
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line == ("error: the history job ended in state FAILED: no space left on device; nothing was published "
                    "(staging removed)")
    assert "Traceback" not in err
    assert views(output) == two_runs["old"]
    assert_clean(output)


def test_an_output_that_cannot_be_written_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run_history(blocker / "out", [history_input(tmp_path, "20260101", range(1, 3))]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("wikidumps: error: ") and str(blocker / "out") in line


def test_the_driver_refuses_an_output_it_cannot_lock_in_one_line(tmp_path, capsys):
    """Below the command line's own check of --output: the lock is the first thing a run writes."""
    from pipelines import driver, history

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    outcome = driver.run_job(history, None, str(blocker / "out"), runner=None, options=None)
    assert outcome.exit_code == 2
    assert capsys.readouterr().err.strip() == (
        f"wikidumps: error: cannot write to {blocker / 'out'}: not a directory ({blocker / 'out'})")


def test_a_gs_output_has_one_writer_and_a_killed_run_is_repaired(gcs_emulator, two_runs, tmp_path, capsys):
    """gs:// has no rename: the manifest, written last, is the switch, and a later run repairs what a
    killed one left (docs/decisions.md says what glob readers of a bucket may see meanwhile)."""
    from apache_beam.io.filesystems import FileSystems

    from wikidumps.gcs import client

    output = gcs_emulator.url("publishing")
    first = two_runs["base"].parent / "testwiki-20260101-pages-meta-history.xml"
    assert run_history(output, [first]) == 0
    bucket = client().bucket(gcs_emulator.bucket)
    assert bucket.get_blob("publishing/_lock") is None  # released
    holder = {"run_id": "20260101T000000Z-else00", "pid": 1, "host": "elsewhere.example", "started": "2026-01-01T00:00:00+00:00"}
    bucket.blob("publishing/_lock").upload_from_string(json.dumps(holder))
    capsys.readouterr()
    assert run_history(output, two_runs["inputs"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"wikidumps: error: {output} is being written by run 20260101T000000Z-else00 (pid 1 on elsewhere.example "
        f"since 2026-01-01T00:00:00+00:00); wait for it or remove {output}/_lock if that process is gone")
    bucket.blob("publishing/_lock").delete()
    process = child(output, two_runs["inputs"], "moved:revisions", tmp_path / "steps.txt")
    process.communicate(timeout=300)
    assert process.returncode == KILLED
    assert run_history(output, two_runs["inputs"]) == 0
    assert "is no longer running" in capsys.readouterr().err  # the dead run's lock, taken over
    for name in DATASETS:
        manifest = json.loads(FileSystems.open(f"{output}/{name}/_manifest.json").read())
        assert {(p["wiki_db"], p["snapshot"]) for p in manifest["partitions"]} == two_runs["new_partitions"][name]
        listed = {f"{output}/{name}/{f['path']}" for p in manifest["partitions"] for f in p["files"]}
        found = {m.path for m in FileSystems.match([f"{output}/{name}/wiki_db=*/snapshot=*/*"])[0].metadata_list}
        assert found == listed  # a glob of the bucket now reads what the manifest lists
        assert sum(p["rows"] for p in manifest["partitions"]) == len(two_runs["new"][name] or [])
    assert bucket.get_blob("publishing/_lock") is None
    assert not list(bucket.list_blobs(prefix="publishing/_staging/"))


def test_an_older_output_is_published_and_downloaded_with_the_new_card_name(two_runs, gcs_emulator, tmp_path):
    import pandas as pd

    from wikidumps.gcs import client
    from wikidumps.publish import publish
    from wikidumps.stores import download_dataset, open_store

    output = tmp_path / "old"
    for name in DATASETS:  # plain folders with README.md, as outputs were before
        shutil.copytree(two_runs["base"] / name, output / name)
        (output / name / "_README.md").rename(output / name / "README.md")
    target = gcs_emulator.url("legacy")
    bucket = client().bucket(gcs_emulator.bucket)
    bucket.blob("legacy/pages/README.md").upload_from_string("# pages\n")  # as an earlier publish left it
    result = publish(output, target)
    names = {blob.name for blob in bucket.list_blobs(prefix="legacy/")}
    assert all(f"legacy/{name}/_README.md" in names and f"legacy/{name}/README.md" not in names for name in DATASETS)
    assert "pages/README.md" in result.removed
    assert bucket.blob("legacy/pages/_README.md").download_as_text().startswith("# pages")
    download_dataset(open_store(target), "pages", tmp_path / "download")
    assert (tmp_path / "download" / "pages" / "_README.md").is_file()
    assert len(pd.read_parquet(tmp_path / "download" / "pages")) == len(two_runs["old"]["pages"])
