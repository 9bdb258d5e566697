"""The `run` command line as a user meets it: several paths after --input, options wikidumps does not know,
an --output it cannot write, a folder given as input, Ctrl-C."""
from __future__ import annotations

import glob
import importlib.metadata
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runners.cli import main as cli
from tests.conftest import ROOT, SAMPLE_DUMPS, read_dataset
from tests.xmlkit import dump, page, revision

ARTICLES = SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"
HISTORY = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"


def run(args, capsys) -> tuple[int, str, str]:
    code = cli.main(["run", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def xml_files(folder: Path, pages: dict[str, list[int]]) -> list[Path]:
    """One small dump per name, holding the given page ids."""
    paths = []
    for name, ids in pages.items():
        paths.append(folder / f"testwiki-20260101-pages-articles-{name}.xml")
        paths[-1].write_bytes(dump("".join(page(i, f"P{i}", revision(i * 10)) for i in ids)))
    return paths


def test_one_input_option_takes_several_paths_and_may_be_repeated(tmp_path, capsys):
    first, second, third = xml_files(tmp_path, {"a": [1, 2], "b": [3], "c": [4, 5]})
    out = tmp_path / "out"
    code, _, err = run(["history", "--workers", "1", "--input", first, second, "--input", third, "--output", out],
                       capsys)
    assert code == 0, err
    assert sorted(row["page_id"] for row in read_dataset(out, "pages")) == [1, 2, 3, 4, 5]


def test_events_take_several_paths_after_one_input(tmp_path, capsys):
    paths = []
    for rev_id in (1, 2):
        event = {"$schema": "/mediawiki/revision/create/2.0.0", "database": "testwiki", "page_id": rev_id,
                 "page_namespace": 0, "page_title": f"P{rev_id}", "rev_id": rev_id, "rev_timestamp": "2024-01-01T00:00:00Z",
                 "rev_len": 3, "performer": {"user_id": 7, "user_text": "Alice"}}
        paths.append(tmp_path / f"events-2024010{rev_id}.json.gz")
        paths[-1].write_bytes(gzip.compress(json.dumps(event).encode() + b"\n"))
    out = tmp_path / "out"
    code, _, err = run(["events", "--workers", "1", "--input", *paths, "--snapshot", "20240101", "--output", out], capsys)
    assert code == 0, err
    # --snapshot names the partition of both files, whatever date their names carry.
    assert sorted((row["revision_id"], row["snapshot"]) for row in read_dataset(out, "revisions")) == [
        (1, "20240101"), (2, "20240101")]


@pytest.mark.parametrize("job, inputs", [
    ("history", ["--input", str(ARTICLES)]),
    ("events", ["--input", str(SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz")]),
    ("wikidata", ["--input", str(SAMPLE_DUMPS / "wikidata-20260101-all.json.gz")]),
    ("editor-activity", ["--revisions", "out"]),
])
def test_a_misspelt_option_is_refused_with_the_closest_name(job, inputs, tmp_path, capsys):
    code, _, err = run([job, *inputs, "--output", tmp_path / "out", "--resmue"], capsys)
    assert code == 2
    assert err == ("wikidumps: error: unknown option --resmue (did you mean --resume?); Beam options are passed "
                   "on by name, anything after -- unchecked\n")
    assert not (tmp_path / "out").exists()


def test_beam_options_are_passed_by_name_and_anything_after_a_double_dash(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run(["history", "--workers", "1", "--input", ARTICLES, "--output", out,
                        "--direct_num_workers=1", "--", "--not-a-beam-option", "x"], capsys)
    assert code == 0, err
    assert len(read_dataset(out, "pages")) == 198
    code, _, err = run(["history", "--input", ARTICLES, "--output", out, "--direct_num_workrs=1"], capsys)
    assert (code, err.split(";")[0]) == (2, "wikidumps: error: unknown option --direct_num_workrs=1 "
                                             "(did you mean --direct_num_workers?)")


def test_a_stray_argument_is_refused(tmp_path, capsys):
    code, _, err = run(["history", "--input", ARTICLES, "--output", tmp_path / "out", "stray"], capsys)
    assert (code, err) == (2, "wikidumps: error: unexpected argument 'stray' (several paths go after one --input)\n")


def test_an_output_that_is_a_file_or_cannot_be_written_is_refused_before_the_job(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    code, _, err = run(["history", "--input", ARTICLES, "--output", taken / "out"], capsys)
    assert (code, err) == (2, f"wikidumps: error: --output {taken / 'out'}: {taken} is a file, not a folder\n")
    # /sys is read-only for everyone, root included: what a read-only mount or a folder without
    # permission gives a user.
    code, _, err = run(["history", "--input", ARTICLES, "--output", "/sys/wikidumps-out"], capsys)
    assert code == 2 and err.startswith("wikidumps: error: --output /sys/wikidumps-out: cannot write in /sys (")
    assert err.count("\n") == 1


@pytest.mark.parametrize("job", ["history", "content", "events"])
def test_a_folder_given_as_input_is_refused_in_one_line(job, tmp_path, capsys):
    code, _, err = run([job, "--input", SAMPLE_DUMPS, "--output", tmp_path / "out"], capsys)
    assert (code, err) == (2, f"wikidumps: error: {SAMPLE_DUMPS}: is a folder, not a dump file; give the files "
                              "in it (e.g. with a shell glob)\n")


def test_a_dump_without_wiki_or_date_asks_for_both_at_once(tmp_path, capsys):
    path = tmp_path / "export.xml"
    path.write_bytes(dump(page(1, "A", revision(1)), siteinfo=""))
    code, _, err = run(["history", "--input", path, "--output", tmp_path / "out"], capsys)
    assert (code, err) == (2, f"wikidumps: error: {path}: the dump names no wiki (<siteinfo><dbname>); cannot tell "
                              "the dump date from the file name; pass --wiki-db NAME --snapshot YYYYMMDD\n")


def test_content_namespaces_are_read_and_recorded(tmp_path, capsys):
    path = tmp_path / "testwiki-20260101-pages-articles.xml"
    path.write_bytes(dump(page(1, "A", revision(10, text="Main.")) + page(2, "User:B", revision(20, text="User."), ns=2)
                          + page(3, "Talk:C", revision(30, text="Talk."), ns=1)))
    out = tmp_path / "out"
    # README's example value, and the option repeated.
    code, _, err = run(["content", "--workers", "1", "--input", path, "--output", out, "--namespaces", "0,104",
                        "--namespaces", "2"], capsys)
    assert code == 0, err
    assert sorted(row["page_id"] for row in read_dataset(out, "plain_text")) == [1, 2]
    from wikidumps.stores import LocalStore, read_manifest
    (run_record,) = read_manifest(LocalStore(out), "plain_text")["runs"].values()
    assert run_record["options"]["namespaces"] == [[0, 104], [2]]


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_ends_the_job_in_one_line_and_leaves_nothing_behind(tmp_path):
    inputs = []
    for day in range(1, 5):  # enough work that the job is still reading when it is interrupted
        inputs.append(tmp_path / f"samplewiki-2026010{day}-pages-meta-history.xml.bz2")
        shutil.copy(HISTORY, inputs[-1])
    out = tmp_path / "out"
    # A new session, as a terminal gives a command: Ctrl-C reaches the whole process group.
    job = subprocess.Popen([sys.executable, "-m", "runners.cli.launch", "run", "content", "--all-revisions",
                            "--workers", "2", "--output", str(out), "--input", *map(str, inputs)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not glob.glob(str(out / "_staging" / "*" / "progress" / "*.json")):  # the workers are reading
        assert job.poll() is None and time.monotonic() < deadline, job.communicate()
        time.sleep(0.1)
    os.killpg(job.pid, signal.SIGINT)
    _, err = job.communicate(timeout=60)
    assert job.returncode == 130
    assert [line for line in err.splitlines() if not line.startswith("[content]")] == ["wikidumps: interrupted"]
    assert not glob.glob(str(out / "_staging" / "*")) and not (out / "plain_text").exists()
    deadline = time.monotonic() + 10
    while process_group_alive(job.pid):  # the workers end with the command, not long after
        assert time.monotonic() < deadline, "worker processes outlived the interrupted command"
        time.sleep(0.1)


HEAVY = {"apache_beam", "pyarrow", "pandas", "numpy", "grpc", "matplotlib", "pipelines"}
PARSE_ONLY = """
import contextlib, io, json, sys
from runners.cli.main import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(json.loads(sys.argv[1]))
print(json.dumps([code, err.getvalue(), sorted({name.split(".")[0] for name in sys.modules})]))
"""


def parse_only(args: list[str], cache: Path) -> tuple[int, str, set[str]]:
    """Exit code, stderr and the heavy packages imported when a fresh `wikidumps` process handles `args`."""
    env = dict(os.environ, WIKIDUMPS_CACHE=str(cache))
    done = subprocess.run([sys.executable, "-c", PARSE_ONLY, json.dumps(args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120, check=True)
    code, err, modules = json.loads(done.stdout)
    return code, err, set(modules) & HEAVY


def test_help_and_argument_errors_import_nothing_heavy(tmp_path):
    cache = tmp_path / "cache"
    for args in (["--help"], ["run", "--help"], ["run", "content", "--help"], ["inspect", "--help"],
                 ["fetch", "--help"], ["datasets", "download", "--help"], ["report", "--help"],
                 ["stream", "--help"]):
        assert parse_only(args, cache) == (0, "", set()), args
    assert parse_only(["run", "history", "--output", "out"], cache)[::2] == (2, set())  # --input missing
    misspelt = ["run", "history", "--input", str(ARTICLES), "--output", str(tmp_path / "out"), "--resmue"]
    said = ("wikidumps: error: unknown option --resmue (did you mean --resume?); Beam options are passed on by "
            "name, anything after -- unchecked\n")
    # The first time, Beam is imported to learn its options, and they are cached for the next commands.
    code, err, heavy = parse_only(misspelt, cache)
    assert (code, err, "apache_beam" in heavy) == (2, said, True)
    assert [path.name for path in cache.iterdir()] == [f"beam-options-{importlib.metadata.version('apache-beam')}.json"]
    assert parse_only(misspelt, cache) == (2, said, set())
    assert not (tmp_path / "out").exists()


ALLOCATORS = """
import json, sys
from runners.cli import main, run

def planned(name):  # the job is about to be planned: everything it loads from here on sees these
    import pyarrow
    from transforms.wikitext import _engine
    print(json.dumps([name, pyarrow.default_memory_pool().backend_name, _engine.__name__ in sys.modules]))
    raise SystemExit(0)

run.job_module = planned
main.main(json.loads(sys.argv[1]))
"""


def test_run_history_puts_arrow_on_the_c_allocator_before_anything_loads_it(tmp_path):
    # The job's peak memory on a long page (docs/performance.md): Arrow's own mimalloc pool held ~10 MB more.
    env = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    env["WIKIDUMPS_CACHE"] = str(tmp_path / "cache")
    argv = ["run", "history", "--input", str(ARTICLES), "--output", str(tmp_path / "out")]
    for cache in ("cold: Beam imported first, to learn its options", "warm"):
        done = subprocess.run([sys.executable, "-c", ALLOCATORS, json.dumps(argv)], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=120)
        assert done.stdout.splitlines()[-1:] == ['["history", "system", true]'], (cache, done.stderr[-2000:])
    content = subprocess.run([sys.executable, "-c", ALLOCATORS, json.dumps(["run", "content", *argv[2:]])],
                             capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    job, pool, _ = json.loads(content.stdout.splitlines()[-1])
    assert (job, pool != "system") == ("content", True)  # other jobs keep Arrow's default pool (mimalloc or jemalloc)


def test_the_cached_beam_options_parse_as_beams_own_parser_does(tmp_path, monkeypatch):
    from runners.cli.run import options

    monkeypatch.setenv("WIKIDUMPS_CACHE", str(tmp_path))
    args = ["--project", "p", "--streaming", "--experiments=a,b", "--num_workers", "3", "--labels", "x=y",
            "--no_use_public_ips", "--resmue", "stray", "--sdk_location=container", "--profile_cpu"]
    from apache_beam.options.pipeline_options import PipelineOptions

    parsers = []
    PipelineOptions([]).get_all_options(add_extra_args_fn=parsers.append)
    beams = parsers[0]  # Beam's own
    options.beam_option_parser()  # learnt from Beam, then cached
    assert list(tmp_path.iterdir())
    cached = options.beam_option_parser()  # read from the cache
    assert beams.parse_known_args(args)[1] == cached.parse_known_args(args)[1] == ["--resmue", "stray"]
    assert vars(cached.parse_known_args(args)[0])["num_workers"] == 3  # Beam's number types are kept
    # A cache another version of this code wrote (the first kept [names, nargs] pairs) is learnt again.
    (cache,) = tmp_path.iterdir()
    for stale in ("[[[\"--project\"], null]]", "{\"format\": 2, \"options\": [{\"names\": 1}]}", "{"):
        cache.write_text(stale)
        assert options.beam_option_parser().parse_known_args(args)[1] == ["--resmue", "stray"]
        assert json.loads(cache.read_text())["format"] == options.CACHE_FORMAT


def test_a_bad_value_of_a_beam_option_is_one_line(tmp_path, capsys):
    code, _, err = run(["history", "--input", ARTICLES, "--output", tmp_path / "out", "--num_workers", "abc"], capsys)
    assert (code, err) == (2, "wikidumps: error: argument --num_workers: invalid int value: 'abc' (a Beam option)\n")
    assert not (tmp_path / "out").exists()


def test_each_job_command_runs_the_job_of_its_name():
    from runners.cli.run import JOB_COMMANDS, job_module

    assert {name: job_module(name).NAME for name in JOB_COMMANDS} == {name: name for name in JOB_COMMANDS}
