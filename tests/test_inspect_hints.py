"""`wikidumps inspect` on a dump of another family: one line saying what it is and which job reads it."""
from __future__ import annotations

import pytest

from runners.cli import main as cli
from tests.conftest import SAMPLE_DUMPS


def inspect(path, capsys):
    code = cli.main(["inspect", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def hint(path, what: str, job: str) -> str:
    return (f"wikidumps: error: {path}: {what}, not a MediaWiki XML dump (`wikidumps inspect` describes XML dumps); "
            f"read it with `wikidumps run {job}`\n")


@pytest.mark.parametrize("name,what,job", [
    ("wikidata-20260101-all.json.gz", "a Wikidata JSON entity dump", "wikidata"),
    ("pageviews/pageviews-20251201-000000.gz", "a pageview dump (pageviews-hourly)", "pageviews"),
    ("pageviews/pageviews-20250901-user.bz2", "a pageview dump (pageviews-complete)", "pageviews"),
    ("samplewiki-20260101-events.json.gz", "an event dump (EventStreams JSON lines)", "events"),
    ("samplewiki-20260101-page_change.avro", "an event dump (Avro event file)", "events"),
    ("2025-12.samplewiki.all-time.tsv.bz2", "an event dump (MediaWiki history TSV)", "events"),
    ("samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz", "a Wikimedia Enterprise HTML dump", "content"),
])
def test_sample_dumps_of_other_families_name_their_job(capsys, name, what, job):
    path = SAMPLE_DUMPS / name
    assert inspect(path, capsys) == (2, "", hint(path, what, job))


@pytest.mark.parametrize("name,what,job", [
    # A `[` line, then an entity line longer than the lines sniffed.
    ("wikidata-json/kwnlp__wikidata-20210705-all.json.bz2", "a Wikidata JSON entity dump", "wikidata"),
    ("wikidata-json/wikibase-dump-filter__Q22.json", "a Wikidata JSON entity dump", "wikidata"),
    ("pageviews/pvstream__pageviews-20240803-060000.gz", "a pageview dump (pageviews-hourly)", "pageviews"),
    ("pageviews/kwnlp-pageviews-complete-202106/kwnlp__pageviews-20210601-user.bz2",
     "a pageview dump (pageviews-complete)", "pageviews"),
    ("eventstreams/page_change/wdqs__wikibase__item-edit.json", "an event dump (EventStreams JSON lines)", "events"),
    ("enterprise-html/wikimedia-enterprise__frwiki__Calvi.json", "a Wikimedia Enterprise HTML dump", "content"),
    ("enterprise-html/wme-sdk-go__articles-de-en-ru-Squirrel.ndjson", "a Wikimedia Enterprise HTML dump", "content"),
])
def test_real_dumps_of_other_families_name_their_job(real_data, capsys, name, what, job):
    path = real_data / name
    assert inspect(path, capsys) == (2, "", hint(path, what, job))


def test_files_no_family_reads_keep_the_xml_refusal(real_data, capsys):
    """An API response holding one entity is no Wikidata dump, and a SQL dump is read by no job."""
    for name, start in [
        ("wikidata-json/wdtk__wbgetentities-Douglas-Adams.json", '{"entities":{"Q42":{"id":"Q42","type":"item",'),
        ("sql/mwsql__simplewiki-change_tag_def.sql.gz", "-- MySQL dump 10.18  Distrib 10.3.27-MariaDB,"),
    ]:
        code, out, err = inspect(real_data / name, capsys)
        assert (code, out) == (2, "")
        assert err.startswith(f"wikidumps: error: {real_data / name}: not a MediaWiki XML dump (starts with '{start}")
        assert err.count("\n") == 1


def run_job(job: str, path, capsys, *extra: str):
    code = cli.main(["run", job, "--input", str(path), "--output", str(path.parent / "never-written"), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("job,name,what,readers", [
    ("history", "wikidata-20260101-all.json.gz", "a Wikidata JSON entity dump", "`wikidumps run wikidata`"),
    ("content", "pageviews/pageviews-20251201-000000.gz", "a pageview dump (pageviews-hourly)",
     "`wikidumps run pageviews`"),
    ("history", "samplewiki-20260101-page_change.avro", "an event dump (Avro event file)", "`wikidumps run events`"),
    ("events", "samplewiki-20260101-pages-meta-history.xml.bz2", "a MediaWiki XML dump",
     "`wikidumps run history` or `wikidumps run content`"),
    ("wikidata", "2025-12.samplewiki.all-time.tsv.bz2", "an event dump (MediaWiki history TSV)",
     "`wikidumps run events`"),
    ("history", "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz", "a Wikimedia Enterprise HTML dump",
     "`wikidumps run content`"),
    ("events", "samplewiki-NS0-20260101-ENTERPRISE-HTML.json.tar.gz", "a Wikimedia Enterprise HTML dump",
     "`wikidumps run content`"),
])
def test_a_job_given_another_familys_dump_names_the_job_that_reads_it(tmp_path, capsys, job, name, what, readers):
    path = tmp_path / name.rsplit("/", 1)[-1]
    path.symlink_to(SAMPLE_DUMPS / name)
    extra = ["--snapshot", "20260101"] if job == "wikidata" else []
    assert run_job(job, path, capsys, *extra) == (
        2, "", f"wikidumps: error: {path}: {what}, which `wikidumps run {job}` does not read; read it with {readers}\n")
    assert not (tmp_path / "never-written").exists()


def test_a_job_given_a_broken_dump_of_its_own_family_says_what_is_wrong(tmp_path, capsys):
    path = tmp_path / "samplewiki-20260101-pages-articles.xml"
    path.write_text("<html><body>502 Bad Gateway</body></html>\n")
    code, out, err = run_job("history", path, capsys)
    assert (code, out) == (2, "") and err.startswith(f"wikidumps: error: {path}: not a MediaWiki XML dump (starts with")
