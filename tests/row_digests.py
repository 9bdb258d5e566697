"""Row digests of every `wikidumps run` job, to prove that a change of code layout changed no output.

Runs each job as a user does (`python -m LAUNCHER run JOB ...` in the project folder) on the bundled
samplewiki and on the shared real dumps, and records per run its exit code, the manifest's counters and
accounting, and per dataset the row count, schema and a sha256 of its rows that ignores file splitting and
row order. Two such files are compared with --compare.

    git worktree add ../baseline HEAD                   # the code before the change
    python tests/row_digests.py --project ../baseline --out before.json
    python tests/row_digests.py --project . --out after.json
    python tests/row_digests.py --compare before.json after.json   # exit 1 when anything differs
    python tests/row_digests.py --only enterprise --out before.json  # only the cases naming "enterprise"

(Code from before the layout of docs/architecture.md starts its jobs with `--launcher runners.launch`.)

This is a standalone script, not a pytest module. Run it with the project's virtualenv python.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

# The shared real dumps (PROVENANCE.md there) beside the project; read in place, never copied.
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
# Sample inputs are passed relative to the project folder: errors rows carry `source_file` as given, and
# an absolute path would differ between two checkouts.
SAMPLE = "sample_dumps"
XML_FOLDERS = ("pages-articles", "multistream", "pages-meta-history",
               "pages-meta-history/pywikibot-compression-variants", "stub-meta-history")
# What the CLI asks for when a dump does not tell it: a wiki when <siteinfo> names none, a date when the
# file name carries none (a date given for a dated file would override its own).
WIKI_DB = {"gensim__enwiki-table-markup.xml.bz2": "enwiki"}
DATED = re.compile(r"[-_.](?:19|20)\d{6}[-_.]")
UNDATED_SNAPSHOT = "20200101"
JOB_TIMEOUT = 1800
ENTERPRISE_SAMPLE = "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz"


def enterprise_dump(real: Path, work: Path) -> Path:
    """The real Enterprise records as one dump of two members, with an older copy of one page, a line
    that is not JSON and a record without its HTML; written with fixed tar and gzip times."""
    import gzip
    import io
    import tarfile
    records = []
    for path in sorted((real / "enterprise-html").iterdir()):
        if path.name.endswith(".ndjson"):
            records += [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
        elif path.name.endswith(".json") and "structured-contents" not in path.name:
            records.append(json.loads(path.read_bytes()))
    older = json.loads(json.dumps(records[1]))
    older["version"]["identifier"] -= 1
    older["article_body"]["html"] = "<html><body><p>an older revision</p></body></html>"
    no_html = {key: value for key, value in records[2].items() if key != "article_body"}
    lines = [json.dumps(record).encode() for record in records]
    members = {"enwiki_namespace_0_0.ndjson": b"\n".join(lines[:4] + [b"{not json"]) + b"\n",
               "enwiki_namespace_0_1.ndjson": b"\n".join([json.dumps(older).encode(), *lines[4:],
                                                           json.dumps(no_html).encode()]) + b"\n"}
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            archive.addfile(info, io.BytesIO(data))
    path = work / "inputs" / "enwiki-NS0-20261201-ENTERPRISE-HTML.json.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(tar.getvalue(), mtime=0))
    return path


def xml_options(path: Path) -> list[str]:
    """The --wiki-db/--snapshot options a real XML dump needs."""
    options = ["--wiki-db", WIKI_DB[path.name]] if path.name in WIKI_DB else []
    return options if DATED.search(path.name) else [*options, "--snapshot", UNDATED_SNAPSHOT]


def cases(project: Path, work: Path, real: Path) -> list[tuple[str, list[str]]]:
    """(case name, arguments after `run`) of every run, in an order where each run's inputs exist.

    A case's output folder is `work/<case name>`; later cases read earlier ones' outputs from there.
    """
    def out(name: str) -> str:
        return str(work / name)

    sw = "samplewiki"
    history_dump = f"{SAMPLE}/samplewiki-20260101-pages-meta-history.xml.bz2"
    articles_dump = f"{SAMPLE}/samplewiki-20260101-pages-articles-multistream.xml.bz2"
    pageview_files = sorted(f"{SAMPLE}/pageviews/{name}" for name in os.listdir(project / SAMPLE / "pageviews"))
    runs = [
        # The chain of runners/cli/demo.py, each job in its own folder instead of one shared one.
        (f"{sw}/history", ["history", "--input", history_dump]),
        (f"{sw}/content", ["content", "--input", articles_dump]),
        (f"{sw}/wikidata", ["wikidata", "--input", f"{SAMPLE}/wikidata-20260101-all.json.gz", "--wiki-db", sw]),
        (f"{sw}/pageviews", ["pageviews", "--input", *pageview_files]),
        (f"{sw}/editor-activity", ["editor-activity", "--revisions", out(f"{sw}/history")]),
        (f"{sw}/knowledge-gaps", ["knowledge-gaps", "--pages", out(f"{sw}/history"),
                                  "--revisions", out(f"{sw}/history"), "--links", out(f"{sw}/content"),
                                  "--quality", out(f"{sw}/content"), "--wikidata", out(f"{sw}/wikidata"),
                                  "--pageviews", out(f"{sw}/pageviews")]),
        # Beyond the demo. `--namespaces` is left out: in this code any use of it crashes after the
        # parquet files are published (its frozenset is not JSON serializable in the manifest).
        (f"{sw}/content-all-revisions", ["content", "--input", history_dump, "--all-revisions"]),
        (f"{sw}/content-include-redirects", ["content", "--input", articles_dump, "--include-redirects"]),
    ]
    # The demo runs no events job: one run per sample event format (JSON lines, Avro, history TSV).
    for name in ("samplewiki-20260101-events.json.gz", "samplewiki-20260101-page_change.avro",
                 "2025-12.samplewiki.all-time.tsv.bz2"):
        runs.append((f"{sw}/events/{name}", ["events", "--input", f"{SAMPLE}/{name}"]))

    # Every file of those folders but the multistream indexes (`offset:page_id:title` lines, not XML).
    xml_dumps = sorted((path for folder in XML_FOLDERS for path in (real / folder).iterdir()
                        if path.is_file() and "-index" not in path.name), key=lambda p: p.name)
    for path in xml_dumps:
        runs.append((f"real/history/{path.name}", ["history", "--input", str(path), *xml_options(path)]))
    for path in xml_dumps:
        if path.parent.name != "stub-meta-history":
            runs.append((f"real/content/{path.name}", ["content", "--input", str(path), *xml_options(path)]))
    event_inputs = [arg for path in sorted((real / "eventstreams/page_change").glob("*.json"))
                    for arg in ("--input", str(path))]
    complete = sorted((real / "pageviews/kwnlp-pageviews-complete-202106").iterdir())
    aawiki = "real/history/dkpro-jwpl__aawiki-20260101-pages-meta-history.xml.7z"
    runs += [
        # The file names carry no date. One event (visibility_change) names no wiki that the CLI can see,
        # so the run is refused; the second run passes the wiki its message asks for, to read the rest.
        ("real/events/page_change", ["events", *event_inputs, "--snapshot", "20240101"]),
        ("real/events/page_change-wiki-db", ["events", *event_inputs, "--snapshot", "20240101",
                                             "--wiki-db", "testwikidatawiki"]),
        ("real/wikidata", ["wikidata", "--input", str(real / "wikidata-json/kwnlp__wikidata-20210705-all.json.bz2")]),
        ("real/pageviews/hourly", ["pageviews", "--input",
                                   str(real / "pageviews/pvstream__pageviews-20240803-060000.gz")]),
        ("real/pageviews/complete", ["pageviews", "--input", *map(str, complete)]),
        ("real/editor-activity", ["editor-activity", "--revisions", out(aawiki)]),
    ]
    # Enterprise HTML: the samplewiki's dump, each real record file alone, and the real records as one
    # dump with an older copy of a page, a line that is not JSON and a record without HTML (written into
    # work/inputs by enterprise_dump, the same bytes every time).
    runs.append((f"{sw}/content-enterprise", ["content", "--input", f"{SAMPLE}/{ENTERPRISE_SAMPLE}"]))
    for path in sorted((real / "enterprise-html").iterdir()):
        if path.name.endswith((".json", ".ndjson")) and "structured-contents" not in path.name:
            runs.append((f"real/content-enterprise/{path.name}",
                         ["content", "--input", str(path), "--snapshot", UNDATED_SNAPSHOT]))
    runs.append(("real/content-enterprise/dump", ["content", "--input", str(enterprise_dump(real, work)),
                                                  "--max-error-rate", "0.5"]))
    return [(name, [args[0], "--workers", "1", *args[1:], "--output", out(name)]) for name, args in runs]


def canonical(value):
    """A value whose repr does not depend on the order of a struct's fields."""
    if isinstance(value, dict):
        return sorted((key, canonical(item)) for key, item in value.items())
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def dataset_digest(folder: Path, work: Path) -> dict:
    """Row count, schemas and sha256 of a dataset's rows, with wiki_db and snapshot from the paths."""
    rows, schemas = [], set()
    for path in sorted(folder.rglob("*.parquet")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts):
            continue
        table = pq.ParquetFile(path).read()
        schemas.add(", ".join(f"{f.name} {f.type}{'' if f.nullable else ' not null'}" for f in table.schema))
        partition = dict(part.split("=", 1) for part in path.relative_to(folder).parent.parts)
        # Rows naming a dataset file (errors of jobs reading datasets) carry the --work folder: masked.
        rows += [repr(canonical(row | partition)).replace(str(work), "<work>") for row in table.to_pylist()]
    digest = hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()
    return {"rows": len(rows), "sha256": digest, "schemas": sorted(schemas)}


def run_case(args: list[str], output: Path, project: Path, launcher: str, python: str, work: Path) -> dict:
    """Runs one job and digests what it published.

    Args:
        args: the job's arguments after `run`.
        output: the job's output folder (emptied first).
        project: folder the job runs from, first on its PYTHONPATH.
        launcher: module run as `python -m`.
        python: interpreter of the job.
        work: folder of all outputs; masked as `<work>` in what is recorded.

    Returns:
        exit_code, stderr (its last line, when the exit code is not 0), counters and accounting (when a
        manifest was written) and datasets (name -> rows, sha256, schemas).
    """
    shutil.rmtree(output, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(project)}
    try:
        done = subprocess.run([python, "-m", launcher, "run", *args], cwd=project, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=JOB_TIMEOUT)
        code, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        code, stderr = None, f"timed out after {JOB_TIMEOUT} s"
    result = {"exit_code": code}
    if code != 0:
        lines = stderr.strip().splitlines() or [""]
        result["stderr"] = lines[-1].replace(str(work), "<work>")
    datasets, runs = {}, []
    for manifest in sorted(output.glob("*/_manifest.json")) if output.is_dir() else []:
        datasets[manifest.parent.name] = dataset_digest(manifest.parent, work)
        # Only counters and accounting: run ids, times, code_version, options and inputs (absolute
        # paths, checksums) are not behaviour of the code under test.
        runs += [{"counters": run["counters"], "accounting": run["accounting"]}
                 for run in json.loads(manifest.read_text())["runs"].values()]
    if runs:
        if any(run != runs[0] for run in runs):
            raise SystemExit(f"{output}: manifests of one run disagree on counters or accounting")
        result.update(runs[0])
    result["datasets"] = datasets
    return result


def extension_modules(project: Path) -> list[str]:
    """Compiled modules in the project's tree. Python prefers them to the .py beside them, so two
    checkouts where one has them (mypyc, setup.py) do not run quite the same code."""
    return sorted(str(p.relative_to(project)) for top in project.iterdir()
                  if top.is_dir() and not top.name.startswith(".") for p in top.rglob("*.so"))


def digest_all(options: argparse.Namespace) -> int:
    """Runs every case and writes the digests to `options.out`; returns the exit code (0)."""
    project = Path(options.project).resolve()
    work = Path(options.work or tempfile.mkdtemp(prefix="row-digests-")).resolve()
    began = time.monotonic()
    results = {}
    for name, args in cases(project, work, Path(options.real).resolve()):
        if options.only and not any(part in name for part in options.only):
            continue
        clock = time.monotonic()
        results[name] = run_case(args, work / name, project, options.launcher, options.python, work)
        print(f"{time.monotonic() - clock:6.1f} s  exit {results[name]['exit_code']}  {name}", flush=True)
    report = {"meta": {"project": str(project), "launcher": options.launcher,
                       "extension_modules": extension_modules(project)}, "cases": results}
    Path(options.out).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    if not options.work:
        shutil.rmtree(work)
    datasets = sum(len(case["datasets"]) for case in results.values())
    print(f"{len(results)} cases, {datasets} datasets in {time.monotonic() - began:.0f} s: {options.out}")
    return 0


def differences(a: dict, b: dict) -> list[str]:
    """One line per case, dataset or field that differs between two digest files' cases."""
    lines = []
    for name in sorted(a.keys() | b.keys()):
        if name not in a or name not in b:
            lines.append(f"{name}: only in {'the first' if name in a else 'the second'} file")
            continue
        x, y = a[name], b[name]
        for field in ("exit_code", "stderr", "counters", "accounting"):
            if x.get(field) != y.get(field):
                lines.append(f"{name}: {field}: {describe_change(x.get(field), y.get(field))}")
        for dataset in sorted(x["datasets"].keys() | y["datasets"].keys()):
            dx, dy = x["datasets"].get(dataset), y["datasets"].get(dataset)
            if dx is None or dy is None:
                lines.append(f"{name}: {dataset}: only in {'the first' if dy is None else 'the second'} file")
            elif dx != dy:
                changed = [f"rows {dx['rows']} -> {dy['rows']}" if dx["rows"] != dy["rows"] else "",
                           "rows' sha256 differs" if dx["sha256"] != dy["sha256"] else "",
                           "schema differs" if dx["schemas"] != dy["schemas"] else ""]
                lines.append(f"{name}: {dataset}: {', '.join(c for c in changed if c)}")
    return lines


def describe_change(x, y) -> str:
    """`a -> b`, or for two dicts only the keys whose values differ."""
    if isinstance(x, dict) and isinstance(y, dict):
        return ", ".join(f"{key} {x.get(key)} -> {y.get(key)}" for key in sorted(x.keys() | y.keys())
                         if x.get(key) != y.get(key))
    return f"{x!r} -> {y!r}"


def compare(first: str, second: str) -> int:
    """Prints what differs between two digest files; returns 1 when anything does, else 0."""
    a, b = (json.loads(Path(path).read_text()) for path in (first, second))
    if a["meta"]["extension_modules"] != b["meta"]["extension_modules"]:
        print("note: the two projects hold different compiled modules (extension_modules in meta): "
              "a difference may come from mypyc rather than from the code")
    lines = differences(a["cases"], b["cases"])
    for line in lines:
        print(line)
    datasets = sum(len(case["datasets"]) for case in a["cases"].values())
    print(f"{len(lines)} difference(s)" if lines else f"identical: {len(a['cases'])} cases, {datasets} datasets")
    return 1 if lines else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", default=".", help="project folder to run the jobs from (default: .)")
    parser.add_argument("--launcher", default="runners.cli.launch",
                        help="module run as `python -m` (default %(default)s)")
    parser.add_argument("--python", default=sys.executable, help="interpreter of the jobs (default: this one)")
    parser.add_argument("--real", default=str(REAL), help="folder of the shared real dumps (default %(default)s)")
    parser.add_argument("--work", help="folder for the jobs' outputs, kept (default: a temporary folder, removed)")
    parser.add_argument("--out", help="digest file to write (JSON)")
    parser.add_argument("--only", action="append", metavar="TEXT",
                        help="run only the cases whose name holds TEXT (repeatable), e.g. --only enterprise")
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"), help="compare two digest files")
    options = parser.parse_args()
    if options.compare:
        return compare(*options.compare)
    if not options.out:
        parser.error("--out is required unless --compare is given")
    return digest_all(options)


if __name__ == "__main__":
    sys.exit(main())
