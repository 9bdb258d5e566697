"""Every option of every `run` job, exercised from the command line by a test that checks what it does.

`EXERCISED` names, for each job and option, the test that runs the job with it (most in this module); a new
option without such a test fails `test_every_option_of_every_job_is_exercised`.
"""
from __future__ import annotations

import argparse
import ast
import gzip
import json
import shutil
from pathlib import Path

import pytest

from runners.cli import main as cli
from runners.cli.run import JOB_COMMANDS
from runners.cli.run.options import add_run_options
from sample_dumps.generate import build_wiki
from tests.conftest import ROOT, SAMPLE_DUMPS, read_dataset
from tests.jobs import run_cli
from tests.xmlkit import SITEINFO, dump, page, revision

ARTICLES = SAMPLE_DUMPS / "samplewiki-20260101-pages-articles-multistream.xml.bz2"
WIKIDATA = SAMPLE_DUMPS / "wikidata-20260101-all.json.gz"
EVENTS = SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz"
RUN_OPTIONS = {"--runner": "test_cli_options::test_every_job_builds_a_dataflow_specification",
               "--dry-run": "test_cli_options::test_every_job_builds_a_dataflow_specification",
               "--workers": "test_cli_options::test_every_job_builds_a_dataflow_specification",
               "--max-error-rate": "test_cli_options::test_the_error_rate_option_of_every_job",
               "--resume": "test_cli_options::test_resume_skips_complete_inputs_or_is_refused"}
EXERCISED = {
    "history": {"--input": "test_cli::test_one_input_option_takes_several_paths_and_may_be_repeated",
                "--output": "test_cli::test_one_input_option_takes_several_paths_and_may_be_repeated",
                "--wiki-db": "test_cli_options::test_history_options_name_the_partition_and_the_kind",
                "--snapshot": "test_cli_options::test_history_options_name_the_partition_and_the_kind",
                "--dump-kind": "test_cli_options::test_history_options_name_the_partition_and_the_kind",
                "--split-size-mb": "test_history_job::test_multistream_with_two_workers_equals_one_sequential_read"},
    "content": {"--input": "test_cli_options::test_content_options",
                "--output": "test_cli_options::test_content_options",
                "--wiki-db": "test_cli_options::test_content_options",
                "--snapshot": "test_cli_options::test_content_options",
                "--dump-kind": "test_cli_options::test_content_options",
                "--split-size-mb": "test_cli_options::test_content_options",
                "--namespaces": "test_cli::test_content_namespaces_are_read_and_recorded",
                "--include-redirects": "test_cli_options::test_content_options",
                "--all-revisions": "test_samplewiki_content::test_all_revisions_gives_rows_per_revision",
                "--max-page-mb": "test_cli_options::test_content_options",
                "--datasets": "test_content_job::test_datasets_option_writes_only_the_datasets_asked_for_and_plain_text",
                "--page-timeout": "test_cli_options::test_content_options",
                "--math": "test_content_job::test_math_option_and_diagnostics_reach_plain_text_rows"},
    "events": {"--input": "test_cli::test_events_take_several_paths_after_one_input",
               "--output": "test_cli::test_events_take_several_paths_after_one_input",
               "--snapshot": "test_cli::test_events_take_several_paths_after_one_input",
               "--wiki-db": "test_history_job::test_jobs_sharing_an_output_keep_each_others_errors"},
    "editor-activity": {"--revisions": "test_cli_options::test_content_namespaces_of_editor_activity",
                        "--events": "test_editor_activity::test_events_and_xml_of_the_same_edits_give_the_same_index",
                        "--output": "test_cli_options::test_content_namespaces_of_editor_activity",
                        "--privacy": "test_editor_activity::test_public_privacy_rounds_drops_and_says_so",
                        "--content-namespaces": "test_cli_options::test_content_namespaces_of_editor_activity",
                        "--namespace-map": "test_cli_options::test_content_namespaces_of_editor_activity"},
    "campaign": {option: "test_campaign::test_participants_and_summary_as_worked_out_by_hand"
                 for option in ("--revisions", "--events", "--participants", "--start", "--end", "--wiki", "--output")}
                | {"--privacy": "test_campaign::test_without_page_events_survival_is_unknown_and_public_privacy"}
                | {option: "test_campaign::test_participants_from_a_category_or_from_the_pages_an_event_page_links_to"
                   for option in ("--participants-category", "--participants-linked-from", "--links")},
    "wikidata": {"--input": "test_wikidata_entities::test_command_splits_a_plain_dump_and_publishes",
                 "--output": "test_wikidata_entities::test_command_splits_a_plain_dump_and_publishes",
                 "--split-size-mb": "test_wikidata_entities::test_command_splits_a_plain_dump_and_publishes",
                 "--wiki-db": "test_wikidata_entities::test_command_splits_a_plain_dump_and_publishes",
                 "--snapshot": "test_cli_options::test_resume_skips_complete_inputs_or_is_refused"},
    "pageviews": {"--input": "test_pageviews::test_command_sums_months_and_refuses_mixed_kinds",
                  "--output": "test_pageviews::test_command_sums_months_and_refuses_mixed_kinds",
                  "--split-size-mb": "test_cli_options::test_pageview_splits_and_buckets_give_the_same_rows",
                  "--buckets": "test_cli_options::test_pageview_splits_and_buckets_give_the_same_rows"},
    "knowledge-gaps": {option: "test_cli_options::test_standard_quality_of_knowledge_gaps"
                       for option in ("--pages", "--revisions", "--links", "--quality", "--wikidata", "--pageviews",
                                      "--output", "--standard-quality")}
                      | {"--content-namespaces": "test_knowledge_gaps::test_inputs_that_cannot_make_an_index_are_refused"},
    "update": {option: "test_update_job::test_update_of_d1_equals_the_full_build_of_d2"
               for option in ("--base", "--increments", "--events", "--snapshot")}
              | {option: "test_update_job::test_bad_increments_and_events_are_errors_rows"
                 for option in ("--base-snapshot", "--wiki-db")}
              | {option: "test_update_job::test_update_into_iceberg_tables_equals_the_full_builds_at_each_snapshot"
                 for option in ("--table", "--table-buckets")},
}


# The commands other than `run`: each option and the test that runs the command with it.
COMMAND_OPTIONS = {
    "stream": {"--output": "test_stream::test_real_events_through_faults_are_written_once_and_read_by_run_events",
               "--url": "test_stream::test_real_events_through_faults_are_written_once_and_read_by_run_events",
               "--until": "test_stream::test_kill_9_at_random_moments_loses_and_doubles_nothing",
               "--since": "test_stream::test_since_starts_a_first_run_and_the_checkpoint_every_later_one",
               "--wikis": "test_stream::test_filters_keep_wikis_namespaces_kinds_and_performers",
               "--namespaces": "test_stream::test_filters_keep_wikis_namespaces_kinds_and_performers",
               "--kinds": "test_stream::test_filters_keep_wikis_namespaces_kinds_and_performers",
               "--performers": "test_stream::test_filters_keep_wikis_namespaces_kinds_and_performers",
               "--newcomer-edits": "test_stream::test_filters_keep_wikis_namespaces_kinds_and_performers",
               "--hour-grace": "test_stream::test_events_later_than_their_hour_go_to_a_further_file_of_it",
               "--max-backoff": "test_stream::test_reconnects_after_server_errors_and_silence",
               "--idle-timeout": "test_stream::test_reconnects_after_server_errors_and_silence",
               "--status-every": "test_stream::test_status_line_shows_rate_counts_and_lag"},
}


def options_of(job: str) -> list[str]:
    parser = argparse.ArgumentParser(add_help=False)
    JOB_COMMANDS[job].add_arguments(parser)
    add_run_options(parser)
    return [name for action in parser._actions for name in action.option_strings]


def test_every_option_of_every_job_is_exercised():
    tests = {}
    for path in (ROOT / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text())
        tests.update({f"{path.stem}::{node.name}": True for node in tree.body if isinstance(node, ast.FunctionDef)})
    for job in JOB_COMMANDS:
        table = EXERCISED[job] | RUN_OPTIONS
        assert sorted(table) == sorted(options_of(job)), job
        assert [test for test in table.values() if test not in tests] == [], job


def test_every_option_of_stream_is_exercised():
    from runners.cli.main import OTHER_COMMANDS

    tests = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        tests |= {f"{path.stem}::{node.name}" for node in ast.parse(path.read_text()).body
                  if isinstance(node, ast.FunctionDef)}
    for command, table in COMMAND_OPTIONS.items():
        parser = argparse.ArgumentParser(add_help=False)
        OTHER_COMMANDS[command].add_arguments(parser)
        assert sorted(table) == sorted(name for action in parser._actions for name in action.option_strings)
        assert [test for test in table.values() if test not in tests] == [], command


def run(args, capsys) -> tuple[int, str]:
    code = cli.main(["run", *map(str, args)])
    return code, capsys.readouterr().err


def write_dump(path: Path, pages: str, siteinfo: str = SITEINFO) -> Path:
    path.write_bytes(dump(pages, siteinfo=siteinfo))
    return path


NO_DBNAME = SITEINFO.replace("    <dbname>testwiki</dbname>\n", "").replace("test.example.org", "example.org")


def test_history_options_name_the_partition_and_the_kind(tmp_path, capsys):
    # An export named by no convention, its wiki not in <siteinfo>: --wiki-db and --snapshot name the
    # partition, --dump-kind says the one page with two revisions is the whole of a current dump's page.
    path = write_dump(tmp_path / "export.xml", page(1, "A", revision(1) + revision(2, "2024-02-01T00:00:00Z")),
                      NO_DBNAME)
    code, err = run(["history", "--workers", "1", "--input", path, "--output", tmp_path / "guessed",
                     "--wiki-db", "mywiki", "--snapshot", "20250101"], capsys)
    assert code == 0, err
    [row] = read_dataset(tmp_path / "guessed", "pages")
    assert (row["wiki_db"], row["snapshot"], row["page_revision_count"]) == ("mywiki", "20250101", 2)
    code, err = run(["history", "--workers", "1", "--input", path, "--output", tmp_path / "current", "--wiki-db",
                     "mywiki", "--snapshot", "20250101", "--dump-kind", "pages-meta-current"], capsys)
    assert code == 0, err
    [row] = read_dataset(tmp_path / "current", "pages")
    assert row["page_revision_count"] is None  # a current dump cannot know a page's revision count


def test_content_options(tmp_path, capsys):
    big = "word " * 300
    path = write_dump(tmp_path / "export.xml", page(1, "A", revision(1, text="Alpha [[B]].")) + page(
        2, "R", revision(2, text="#REDIRECT [[A]]"), extra='<redirect title="A" />') + page(3, "Big", revision(3, text=big)),
        NO_DBNAME)
    common = ["content", "--workers", "1", "--input", path, "--wiki-db", "mywiki", "--snapshot", "20250101",
              "--dump-kind", "pages-articles", "--split-size-mb", "1", "--max-error-rate", "1"]
    code, err = run([*common, "--output", tmp_path / "out", "--include-redirects", "--max-page-mb", "0.001"], capsys)
    assert code == 0, err
    assert sorted(row["page_id"] for row in read_dataset(tmp_path / "out", "plain_text")) == [1, 2]
    assert [(row["page_id"], row["error_type"], row["wiki_db"], row["snapshot"])
            for row in read_dataset(tmp_path / "out", "errors")] == [(3, "page-too-large", "mywiki", "20250101")]
    # No page is scanned within a nanosecond: each becomes an errors row, none a stall.
    code, err = run([*common, "--output", tmp_path / "slow", "--page-timeout", "0.000000001"], capsys)
    assert code == 0, err
    assert sorted((row["page_id"], row["error_type"]) for row in read_dataset(tmp_path / "slow", "errors")) == [
        (1, "page-timeout"), (3, "page-timeout")]


def test_content_namespaces_of_editor_activity(samplewiki_output: Path, tmp_path, capsys):
    wiki = build_wiki()

    def attributed_edits(namespaces) -> int:
        return sum(1 for page in wiki.pages if page.namespace in namespaces
                   for revision in page.revisions if not revision.contributor_deleted)

    code, err = run(["editor-activity", "--workers", "1", "--revisions", samplewiki_output, "--output",
                     tmp_path / "flag", "--content-namespaces", "0,2"], capsys)
    assert code == 0, err
    assert sum(row["content_edits"] for row in read_dataset(tmp_path / "flag", "editor_months")) == \
        attributed_edits({0, 2})
    # The map names samplewiki, so its namespaces win over --content-namespaces (for wikis it does not list).
    namespace_map = tmp_path / "namespaces.json.gz"
    namespace_map.write_bytes(gzip.compress(b"".join(
        b'{"dbname": "samplewiki", "namespace": %d, "namespace_is_content": %s}\n' % (number, content)
        for number, content in ((0, b"true"), (1, b"false"), (4, b"true")))))
    code, err = run(["editor-activity", "--workers", "1", "--revisions", samplewiki_output, "--output",
                     tmp_path / "map", "--content-namespaces", "2", "--namespace-map", namespace_map], capsys)
    assert code == 0, err
    assert sum(row["content_edits"] for row in read_dataset(tmp_path / "map", "editor_months")) == \
        attributed_edits({0, 4})


def test_pageview_splits_and_buckets_give_the_same_rows(tmp_path, capsys):
    plain = tmp_path / "pageviews-20240803-000000"  # uncompressed: split into byte ranges
    plain.write_bytes(b"".join(b"en Page_%d %d 0\n" % (n % 7, n) for n in range(1, 200)))
    code, err = run(["pageviews", "--workers", "1", "--input", plain, "--output", tmp_path / "one"], capsys)
    assert code == 0, err
    code, err = run(["pageviews", "--workers", "1", "--input", plain, "--output", tmp_path / "many",
                     "--split-size-mb", "0.0002", "--buckets", "3"], capsys)
    assert code == 0, err
    rows = sorted((row["page_title"], row["views"]) for row in read_dataset(tmp_path / "one", "pageviews"))
    assert sorted((row["page_title"], row["views"]) for row in read_dataset(tmp_path / "many", "pageviews")) == rows
    assert sum(views for _, views in rows) == sum(range(1, 200))


def test_standard_quality_of_knowledge_gaps(samplewiki_demo: Path, tmp_path, capsys):
    demo = samplewiki_demo
    inputs = ["--pages", demo, "--revisions", demo, "--links", demo, "--quality", demo, "--wikidata", demo,
              "--pageviews", demo]
    for threshold, expected in (("0", True), ("1", False)):
        out = tmp_path / threshold
        code, err = run(["knowledge-gaps", "--workers", "1", *inputs, "--output", out, "--standard-quality",
                         threshold], capsys)
        assert code == 0, err
        scored = [row for row in read_dataset(out, "article_gaps") if row["quality_score"] is not None]
        assert scored and {row["standard_quality"] for row in scored} == {expected}  # every score is in [0, 1)


@pytest.mark.parametrize("job", list(JOB_COMMANDS))
def test_the_error_rate_option_of_every_job(job, tmp_path, capsys):
    # A rate outside [0, 1] is no rate: refused before anything is read.
    code, err = run([job, "--input", ARTICLES, "--output", tmp_path / "out", "--max-error-rate", "2"]
                    if job not in ("editor-activity", "campaign", "knowledge-gaps", "update") else
                    [job, "--output", tmp_path / "out", "--max-error-rate", "-1", *required_inputs(job, tmp_path)],
                    capsys)
    assert code == 2 and "--max-error-rate" in err and err.count("\n") == 1


def required_inputs(job: str, folder: Path) -> list:
    if job == "update":
        return ["--base", folder, "--increments", folder, "--snapshot", "20260201"]
    if job == "editor-activity":
        return ["--revisions", folder]
    if job == "campaign":
        participants = Path(folder) / "participants.txt"
        participants.parent.mkdir(parents=True, exist_ok=True)
        participants.write_text("Quentin Abernethy\nKeskiyö\n")
        return ["--revisions", folder, "--participants", participants, "--start", "2024-03-01", "--end", "2024-04-01",
                "--wiki", "samplewiki"]
    return [part for option in ("--pages", "--revisions", "--links", "--quality", "--wikidata")
            for part in (option, folder)]


def test_resume_skips_complete_inputs_or_is_refused(tmp_path, capsys):
    undated = tmp_path / "latest-all.json.gz"
    shutil.copy(WIKIDATA, undated)
    out = tmp_path / "out"
    command = ["wikidata", "--workers", "1", "--input", undated, "--snapshot", "20250101", "--output", out]
    code, err = run(command, capsys)
    assert code == 0, err
    assert {row["snapshot"] for row in read_dataset(out, "wikidata_entities")} == {"20250101"}
    code, err = run([*command, "--resume"], capsys)
    assert (code, err.splitlines()[-1]) == (0, "nothing to do: every partition is complete")
    for job, inputs in (("events", ["--input", EVENTS]), ("pageviews", ["--input", *sorted(
            (SAMPLE_DUMPS / "pageviews").iterdir())]), ("editor-activity", ["--revisions", out]),
                        ("campaign", required_inputs("campaign", out)),
                        ("knowledge-gaps", required_inputs("knowledge-gaps", out)), ("update", ["--increments", out])):
        output = ["--base" if job == "update" else "--output", tmp_path / job]
        code, err = run([job, *inputs, *output, *(["--snapshot", "20260201"] if job == "update" else []), "--resume"],
                        capsys)
        assert code == 2 and err.startswith(f"wikidumps: error: --resume is not supported by the {job} job: "), err


@pytest.mark.parametrize("job", list(JOB_COMMANDS))
def test_every_job_builds_a_dataflow_specification(job, gcs_emulator, samplewiki_demo, tmp_path):
    if job == "update":  # its --base is its output: a local one is refused in one line, before any upload
        result = run_cli("run", "update", "--runner", "dataflow", "--dry-run", "--project", "wikidumps-test",
                         "--base", str(samplewiki_demo), "--increments", str(tmp_path), "--snapshot", "20260201")
        assert (result.returncode, result.stderr.strip()) == (
            2, "wikidumps: error: --runner dataflow writes where Dataflow's workers can: give --output gs://BUCKET/...")
        return
    inputs = {"history": ["--input", str(ARTICLES)], "content": ["--input", str(ARTICLES)],
              "events": ["--input", str(EVENTS)], "wikidata": ["--input", str(WIKIDATA)],
              "pageviews": ["--input", *map(str, sorted((SAMPLE_DUMPS / "pageviews").iterdir()))],
              "editor-activity": ["--revisions", str(samplewiki_demo)],
              "campaign": [*map(str, required_inputs("campaign", tmp_path)[2:]), "--revisions", str(samplewiki_demo),
                           "--events", str(samplewiki_demo / "event-dumps")],
              "knowledge-gaps": list(map(str, required_inputs("knowledge-gaps", samplewiki_demo)))}[job]
    template = tmp_path / "job.json"
    result = run_cli("run", job, "--runner", "dataflow", "--dry-run", "--workers", "3", "--project", "wikidumps-test",
                     *inputs, "--output", gcs_emulator.url(f"dry-run/{job}"), f"--template_location={template}")
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"wikidumps {job}: Dataflow job specification written to {template} (no job started)" in result.stdout
    options = json.loads(template.read_text())["environment"]["sdkPipelineOptions"]["options"]
    assert options["max_num_workers"] == 3  # --workers on Dataflow: the most workers it may scale to
