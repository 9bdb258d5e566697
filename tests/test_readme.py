"""README's examples, as a reader copies them: every command line is one the command accepts, and the
Python and SQL snippets run (against the samplewiki output, published on a loopback web server where
README names a bucket)."""
from __future__ import annotations

import re
import shlex
import shutil

import duckdb
import pytest

from runners.cli.main import build_parser
from runners.cli.run import JOB_COMMANDS
from runners.cli.run.options import beam_arguments
from tests.conftest import ROOT
from tests.httpserver import FileServer
from wikidumps.publish import publish

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def command_lines() -> list[list[str]]:
    """Each `wikidumps ...` line of README's shell blocks (continuations joined, comments dropped)."""
    lines = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["wikidumps"]:
                lines.append(words[1:])
    return lines


@pytest.mark.parametrize("argv", command_lines(), ids=lambda argv: " ".join(argv[:2]))
def test_every_readme_command_line_is_one_the_command_accepts(argv):
    args, extras = build_parser().parse_known_args(argv)
    if args.command == "run":
        assert beam_arguments(JOB_COMMANDS[args.job], extras) == extras == []
    else:
        assert extras == []


def test_readme_names_every_command_and_job():
    named = {" ".join(argv[:2]) if argv[0] == "run" else argv[0] for argv in command_lines()}
    assert {f"run {job}" for job in JOB_COMMANDS} | {"fetch", "inspect", "report", "datasets"} <= named


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
