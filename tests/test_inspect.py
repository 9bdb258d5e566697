"""`wikidumps inspect`: what a dump is, from its header and a full count."""
from __future__ import annotations

import json

from runners.cli import main as cli


def inspect(args, capsys):
    code = cli.main(["inspect", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_inspect_multistream_with_index(real_data, capsys):
    path = real_data / "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2"
    code, out, _ = inspect([path, "--json"], capsys)
    assert code == 0
    facts = json.loads(out)
    assert facts["kind"] == "pages-articles-multistream"
    assert facts["wiki_db"] == "ltgwiki" and facts["export_version"] == "0.10" and facts["compression"] == "bz2"
    assert facts["multistream_index"].endswith("DERIVED__ltgwiki-2017-pages-articles-multistream-index.txt.bz2")
    assert facts["streams"] == 21
    assert facts["pages"] == 2004 and facts["revisions"] == 2004  # PROVENANCE.md: 2004 pages


def test_inspect_guesses_a_history_export_and_reports_unknown_wiki(real_data, capsys):
    path = real_data / "pages-meta-history/pywikibot-compression-variants/pywikibot__article-pyrus.xml.7z"
    code, out, _ = inspect([path], capsys)
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert lines["kind"] == "pages-meta-history (guessed from content)"
    assert lines["compression"] == "7z" and lines["export_version"] == "0.3"
    assert lines["wiki_db"] == "enwiki" and lines["revisions"] == "6" and lines["pages"] == "1"
    assert lines["snapshot"].startswith("unknown")


def test_inspect_refuses_a_non_dump(tmp_path, capsys):
    path = tmp_path / "page.xml.bz2"
    path.write_bytes(b"BZh9 not really")
    code, out, err = inspect([path], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"wikidumps: error: {path}: ") and err.count("\n") == 1


def test_every_command_has_help(capsys):
    for args in (["--help"], ["run", "--help"], ["run", "history", "--help"], ["inspect", "--help"]):
        try:
            cli.main(args)
        except SystemExit as exit_:
            assert exit_.code == 0
        assert "usage: wikidumps" in capsys.readouterr().out


def test_inspect_recognises_stub_dumps_by_their_content(real_data, capsys):
    code, out, _ = inspect([real_data / "stub-meta-history/mwbzutils__sample-stubs.gz", "--json"], capsys)
    assert code == 0
    facts = json.loads(out)
    assert facts["kind"] == "stub-meta-history (guessed from content)"
    assert (facts["pages"], facts["revisions"]) == (20, 118)  # PROVENANCE.md: 20 pages, 118 revisions
