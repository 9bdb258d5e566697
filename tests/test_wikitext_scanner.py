"""The one-pass wikitext scanner and link target resolution, one edge case at a time (no Beam)."""
from __future__ import annotations

import time

import pytest

from schemas import LINKS
from transforms.wikitext.engine import engine_of, rows_of_page, scan
from transforms.wikitext.scanner import ScanTimeout
from transforms.wikitext.titles import LinkTarget, TitleResolver
from transforms.xml.records import SiteInfo

ENWIKI = SiteInfo(wiki_db="enwiki", case="first-letter", namespaces={
    -2: "Media", -1: "Special", 0: "", 1: "Talk", 4: "Wikipedia", 6: "File", 10: "Template", 14: "Category"})
DEWIKI = SiteInfo(wiki_db="dewiki", case="first-letter", namespaces={
    -2: "Medium", -1: "Spezial", 0: "", 2: "Benutzer", 4: "Wikipedia", 6: "Datei", 10: "Vorlage", 14: "Kategorie"})
ARWIKI = SiteInfo(wiki_db="arwiki", case="first-letter", namespaces={0: "", 6: "ملف", 14: "تصنيف"})
WIKTIONARY = SiteInfo(wiki_db="enwiktionary", case="case-sensitive", namespaces={0: "", 14: "Category"},
                      namespace_cases={0: "case-sensitive", 14: "first-letter"})


def run(wikitext: str, siteinfo: SiteInfo = ENWIKI):
    return scan(wikitext, TitleResolver(siteinfo))


def links_of(wikitext: str, siteinfo: SiteInfo = ENWIKI) -> list[tuple]:
    columns = rows_of_page(wikitext, TitleResolver(siteinfo), (LINKS,), length=0)[LINKS]
    return list(zip(columns["link_type"], columns["target"], columns["target_namespace"], columns["anchor_text"]))


def test_nested_templates_count_once_per_occurrence_and_leave_no_text():
    found = run("Before {{Infobox|name={{lang|fr|Nom}}|map={{Location map|{{coord|1|2}}}}}} after.")
    assert found.text == "Before after."
    assert [t.name for t in found.templates] == ["lang", "coord", "Location map", "Infobox"]
    assert [row[:3] for row in links_of("{{a|{{b|{{c}}}}}}")] == [
        ("template", "A", 10), ("template", "B", 10), ("template", "C", 10)]


def test_refs_inside_templates_and_links_inside_refs_inside_tables():
    found = run("Claim.{{efn|A note<ref name=\"n\">{{cite book|isbn=978-0-306-40615-7}}</ref>}} Next.\n"
                "{|\n| cell <ref>[[Foo|{{lang|fr|bar}}]] text</ref>\n|}\nAfter.")
    assert found.text == "Claim. Next.\n\nAfter."
    assert [(r.name, r.is_reuse) for r in found.refs] == [("n", False), (None, False)]
    book = next(t for t in found.templates if t.key == "cite book")
    assert book.ref == 0 and book.args == ["isbn=978-0-306-40615-7"]
    assert links_of("{|\n| <ref>[[Foo|{{lang|fr|bar}}]]</ref>\n|}") == [
        ("wikilink", "Foo", 0, "bar"), ("template", "Lang", 10, None)]


def test_tables_inside_lists_are_dropped_and_the_list_stays_lines():
    found = run("* first item\n:{| class=\"wikitable\"\n! Head\n|-\n| cell [[In table]]\n|}\n* second item\n# third")
    assert found.text == "first item\n\nsecond item\nthird"
    assert [link.target for link in found.links] == ["In table"]  # links in tables still count


def test_unclosed_markup_becomes_text_without_markers():
    found = run("a <ref>never closed. {{unclosed template [[unclosed link <nowiki>unclosed\n\nB '''bold")
    assert found.text == "a never closed. unclosed template unclosed link unclosed\n\nB bold"
    assert found.refs == [] and found.templates == [] and found.links == []
    assert run("Text <!-- a comment that never ends\n== Heading ==").text == "Text"
    assert run("stray ]] and }} and </ref> here\n|}\nend").text == "stray and and here\n\nend"


def test_a_url_in_an_unclosed_link_keeps_no_mark_of_the_scan():
    """The scan marks where a removed tag split a run of apostrophes, and where `<math>` was; a bare URL read
    from the text of an unclosed external link keeps neither (they leaked into the links' target): the first
    is dropped, and the URL ends at the second, as it ended at the tag's `<`."""
    found = run("See [http://example.org/a''<imagemap>x</imagemap>''b and more.")
    assert [link.target for link in found.links] == ["http://example.org/a''''b"]
    assert found.text == "See http://example.org/ab and more."
    assert [link.target for link in run("See [http://a.org/b<math>x</math> c").links] == ["http://a.org/b"]


def test_named_reference_reuse():
    found = run('A<ref name="src">Source, 2001.</ref> B<ref name="src" /> C<ref name=src></ref> '
                "D<ref name='x' group=note>note</ref>")
    assert [(r.name, r.group, r.is_reuse) for r in found.refs] == [
        ("src", None, False), ("src", None, True), ("src", None, True), ("x", "note", False)]
    assert found.text == "A B C D"


def test_interwiki_and_interlanguage_links():
    assert links_of("[[fr:Paris]] [[:fr:Paris]] [[wikt:word|a word]] [[en:Local page]] [[Star Wars: Episode IV]]") == [
        ("interlanguage", "Paris", None, None), ("interwiki", "Paris", None, "fr:Paris"),
        ("interwiki", "word", None, "a word"), ("wikilink", "Local_page", 0, "en:Local page"),
        ("wikilink", "Star_Wars:_Episode_IV", 0, "Star Wars: Episode IV")]
    found = run("[[fr:Paris]] [[:fr:Paris]]")
    assert found.text == "fr:Paris"  # an interlanguage link shows nothing, an inline one its target


def test_namespace_aliases_and_localised_names_resolve_to_numbers():
    resolver = TitleResolver(DEWIKI)
    for written in ("Datei:Karte.png", "File:Karte.png", "Bild:Karte.png", "Image:Karte.png", "datei:karte.png"):
        assert resolver.resolve(written) == LinkTarget("media", 6, "Karte.png"), written
    for written in ("Kategorie:Berlin", "Category:Berlin", "kategorie:berlin"):
        assert resolver.resolve(written) == LinkTarget("category", 14, "Berlin"), written
    assert resolver.resolve(":Kategorie:Berlin") == LinkTarget("wikilink", 14, "Berlin")
    assert resolver.resolve("Benutzerin:Anna") == LinkTarget("wikilink", 2, "Anna")
    assert resolver.resolve("Medium:Ton.ogg") == LinkTarget("media", 6, "Ton.ogg")
    template = engine_of(resolver).template
    assert template("Vorlage:Infobox Ort") == (10, "Infobox Ort")
    assert template("Infobox Ort") == template(" infobox_Ort ") == template("Template:Infobox Ort") == (10, "Infobox Ort")
    assert template(":Berlin") == (0, "Berlin") and template("Benutzer:Anna/Vorlage") == (2, "Anna/Vorlage")
    assert template("DEFAULTSORT:Berlin") is None and template("#if:x") is None and template("defaultsort:B") is None
    assert template("subst:Infobox") is None and template("Int:Lang") is None and template("a|b") is None
    assert template("") is None and template("Vorlage:") is None
    arabic = TitleResolver(ARWIKI)
    assert arabic.resolve("ملف:خريطة.png").link_type == "media"
    assert arabic.resolve("صورة:خريطة.png").link_type == "media"  # the Arabic alias of File


def test_titles_are_normalised_by_the_case_rule():
    resolver = TitleResolver(ENWIKI)
    assert resolver.resolve("river_wend#Course") == LinkTarget("wikilink", 0, "River wend", "Course")
    assert resolver.resolve("  Foo%20bar  &amp;  baz ") == LinkTarget("wikilink", 0, "Foo bar & baz")
    assert resolver.resolve("wikipedia:manual of style") == LinkTarget("wikilink", 4, "Manual of style")
    assert resolver.resolve("ßeta").title == "ßeta"  # no one-letter upper case exists
    assert resolver.resolve("#History") == LinkTarget("wikilink", 0, "", "History")
    assert resolver.resolve("{{PAGENAME}}").link_type == "invalid"
    wiktionary = TitleResolver(WIKTIONARY)
    assert wiktionary.resolve("word").title == "word"  # main namespace case-sensitive there
    assert wiktionary.resolve("category:english nouns").title == "English nouns"


def test_right_to_left_text_and_direction_marks():
    found = run("'''القاهرة''' هي عاصمة [[مصر|جمهورية مصر العربية]] وأكبر مدنها.\u200f [[تصنيف:عواصم]]\n"
                "[[\u200fالنيل]] נהר <span dir=\"rtl\">הנילוס</span>.", ARWIKI)
    assert found.text == "القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها.\u200f\n\u200fالنيل נהר הנילוס."
    assert [(l.resolved.link_type, l.resolved.title) for l in found.links] == [
        ("wikilink", "مصر"), ("category", "عواصم"), ("wikilink", "النيل")]


def test_sections_levels_anchors_and_parents():
    found = run("Lead [[link]].\n== History ==\nA.\n=== Early ===\nB.\n==== Detail ====\nC.\n== History ==\nD.\n"
                "=== [[Linked]] ''heading'' <!-- x --> ===\nE.\n== Unbalanced ===\nF.")
    rows = [(s.index, s.level, s.title, s.anchor, s.parent, s.text) for s in found.sections]
    assert rows == [
        (0, 0, "", "", None, "Lead link."),
        (1, 2, "History", "History", 0, "A."),
        (2, 3, "Early", "Early", 1, "B."),
        (3, 4, "Detail", "Detail", 2, "C."),
        (4, 2, "History", "History_2", 0, "D."),
        (5, 3, "Linked heading", "Linked_heading", 4, "E."),
        (6, 2, "Unbalanced =", "Unbalanced_=", 0, "F."),
    ]
    assert found.text.split("\n\n")[1] == "History\nA."


def test_nowiki_pre_math_and_code_blocks():
    found = run("Write <nowiki>[[link]] &amp; {{x}}</nowiki> literally. <math>\\frac{a}{b}</math> "
                "<syntaxhighlight lang=\"python\">print('[[x]]')</syntaxhighlight><pre>{{pre}}</pre>"
                "<source>x</source> <code>inline</code> end.")
    assert found.text == "Write [[link]] & {{x}} literally. \u27e6\\frac{a}{b}\u27e7 inline end."
    assert found.templates == [] and found.links == []
    # An unclosed <math> inside a reference does not hide a closed one later on the page.
    assert run("a<ref>b <math>x</ref> c <math>y^2</math> d").text == "a c \u27e6y^2\u27e7 d"


def test_links_files_categories_and_external_links():
    rows = links_of("[[Foo (band)|]] [[File:Photo_one.jpg|thumb|upright=1.2|A [[caption]] here]] "
                    "[[Category:Bands|Foo]] [[:Category:Bands]] [[#Members]] [[Media:Song.ogg]] "
                    "[https://example.org/a Example] https://bare.example/path_(x). "
                    "<gallery>\nFile:A.jpg|Caption\nB.png\n</gallery>")
    assert rows == [
        ("wikilink", "Foo_(band)", 0, "Foo (band)"),
        ("media", "Photo_one.jpg", 6, "A caption here"),
        ("wikilink", "Caption", 0, "caption"),
        ("category", "Bands", 14, None),
        ("wikilink", "Bands", 14, "Category:Bands"),
        ("wikilink", "Page", 0, "#Members"),
        ("media", "Song.ogg", 6, None),
        ("external", None, None, "Example"),
        ("external", None, None, None),
        ("media", "A.jpg", 6, "Caption"),
        ("media", "B.png", 6, None),
    ]
    found = run("[[Foo (band)|]] [https://example.org/a Example] https://bare.example/path_(x).")
    assert found.text == "Foo Example https://bare.example/path_(x)."
    assert [l.target for l in found.links if l.kind == "external"] == ["https://example.org/a",
                                                                        "https://bare.example/path_(x)"]


def test_formatting_entities_magic_words_and_inline_templates():
    found = run("'''Bold''' ''it'' ''''four'''' &amp; &eacute;&#160;x __NOTOC__ {{DEFAULTSORT:X}} "
                "{{convert|87|km|mi}} long, {{lang|fr|''bonjour''}} and {{nowrap|no wrap}} {{citation needed}}.")
    assert found.text == "Bold it 'four' & é x 87 km long, bonjour and no wrap."


def test_pathological_input_stays_linear():
    # Inputs that make backtracking parsers explode; the scanner must finish well inside the time guard.
    deadline = time.perf_counter() + 20
    for text in ("{{" * 50_000, "[[" * 50_000 + "]]" * 10, "<ref>" * 30_000, "''" * 100_000,
                 "{{a|" * 20_000 + "}}" * 20_000, "[http://x " * 20_000, "<!--" * 50_000,
                 "\n==" * 30_000, "{|\n" * 20_000, "<nowiki>" * 30_000 + "<math>" * 30_000):
        found = scan(text, TitleResolver(ENWIKI), deadline=deadline)
        assert isinstance(found.text, str)


def test_deadline_raises_scan_timeout():
    with pytest.raises(ScanTimeout):
        scan("[[a]] {{b}} " * 5_000, TitleResolver(ENWIKI), deadline=time.perf_counter() - 1)


@pytest.mark.parametrize("page", [
    "{{Infobox\n|c = [[Foo]]\n|}}\nHello.",
    "{{Infobox\n| c = [[Foo|the foo]] and [[Bar]]\n|}}\nHello.",
    "{{Infobox\n|c = [[Foo]]\n  |}}\nHello.",
    "{{Infobox\n|c = [http://x.org X]\n|}}\nHello.",
    "{{Infobox\n|c = [[Foo]] {{nowrap|1 m}}\n|}}\nHello.",
    "{{Outer|\n{{Infobox\n|c = [[Foo]]\n|}}\n|}}\nHello.",
])
def test_a_template_that_closes_with_a_pipe_at_the_start_of_a_line_is_closed(page):
    # `\n|}}` in a template's arguments is a pipe, then the braces that close the template, as MediaWiki's
    # preprocessor reads it (it pairs braces before any table is read), not the end of a table.
    found = run(page)
    assert found.text == "Hello."
    assert found.templates[-1].name in ("Infobox", "Outer", "Box")
    assert found.source[found.templates[-1].end:] == "\nHello."


def test_a_table_in_a_template_argument_does_not_take_the_template_braces():
    found = run("{{Box|\n{|\n| [[In a table]]\n|}}}\nHello.")
    assert found.text == "Hello."  # the third brace is left over, shown by MediaWiki, dropped as stray markup
    assert found.source[found.templates[-1].end:] == "}\nHello."


def test_a_table_still_ends_at_a_pipe_and_brace_outside_templates():
    assert run("{|\n| [[Foo]]\n|}\nHello.").text == "Hello."
    assert run("{|\n| {{nowrap|a}}\n|}\n\nHello {{nowrap|b}}.").text == "Hello b."


@pytest.mark.parametrize("table", [
    '{| class="wikitable sortable" style="width:100%"\n|+ Caption [[x]]\n! scope="col" | Head !! Two\n|-\n'
    '| style="color:red" | cell || [[a|b]]\n|-\n|}',
    '{|\n|\n{| class="inner"\n| nested || x\n|}\n|-\n| outer\n|}',
    '  {| class=x\n  | indented\n  |}',
    ':{|\n| in a list item\n|}',
    '{{{!}} class="wikitable"\n{{!}}-\n{{!}} written with the pipe template\n{{!}}}',
    '<table class="x"><tr><td>cell</td></tr></table>',
    '{| class=x\n| unclosed [[link\n|}',
    "{|\n| '''bold''' &nbsp; <ref>r</ref> [http://x.org y\n|}",
    '{|\n|-\n| {{flagicon|FR}} [[France]]\n|}\n{|\n| second\n|}',
    '{|\n| a\n== A heading in a table ==\n| b\n|}',
])
def test_tables_leave_no_markup_whatever_their_attributes_nesting_or_position(table):
    assert run(f"Before.\n{table}\nAfter.").text == "Before.\n\nAfter."
    if "unclosed" not in table:  # an unclosed link keeps a template open (the preprocessor's rule too)
        assert run(f"Before.{{{{Box|\n{table}\n}}}}\nAfter.").text == "Before.\nAfter."  # inside a template


def test_a_table_right_after_text_on_the_next_line_is_dropped():
    assert run("Before text\n{|\n| a\n|}After.").text == "Before text\nAfter."


FRWIKI = SiteInfo(wiki_db="frwiki", case="first-letter", namespaces={0: "", 6: "Fichier", 14: "Catégorie"})


@pytest.mark.parametrize("wikitext, siteinfo, expected", [
    ("weight is typically between {{convert|60|and(-)|80|kg}}.", ENWIKI, "weight is typically between 60 and 80 kg."),
    ("{{convert|3|-|12|cm|in}} and {{cvt|87|km|mi}}", ENWIKI, "3-12 cm and 87 km"),
    ("in 325&nbsp;{{sc|bc}}, particularly {{vr|ai}}, {{vr|au}} and {{smallcaps|x}}.", ENWIKI,
     "in 325 bc, particularly ai, au and x."),
    ("Algeria ({{lang-ar|{{large|الجزائر}}}}; {{lang|fr|''Algérie''}}) {{transl|ar|al-Jazā'ir}} {{IPA|/ælˈdʒɪəriə/}}",
     ENWIKI, "Algeria (الجزائر; Algérie) al-Jazā'ir /ælˈdʒɪəriə/"),
    ("{{nowrap|1 m}} {{formatnum:1234567.5}} {{formatnum:950}} {{frac|1|2}} {{frac|3|1|4}}", ENWIKI,
     "1 m 1,234,567.5 950 1/2 3 1/4"),
    ("Born {{birth date and age|1954|7|17}}, from {{start date|2005|11|22|df=y}} to {{end date|2010}}.", ENWIKI,
     "Born July 17, 1954, from November 22, 2005 to 2010."),
    ("{{blockquote|The records say.|Someone}}\n{{quote|text=Quoted words|author=X}} {{as of|2020}}", ENWIKI,
     "The records say.\nQuoted words As of 2020"),
    ("Au {{s-|XV}} et au {{-s|III}}, XIX{{e}} {{siècle|XVI}}, le {{1er}} mai", FRWIKI,
     "Au XVe siècle et au IIIe siècle av. J.-C., XIXe XVIe siècle, le 1er mai"),
    ("{{unité|5000|m}}, {{nombre|12345|habitants}}, le {{date|21|janvier|2015}}", FRWIKI,
     "5\u202f000 m, 12\u202f345 habitants, le 21 janvier 2015"),
    ("A {{citation needed}} claim{{cn}}.{{Navbox|x}}\n{{Infobox person|name=X}}{{cite web|title=T}}", ENWIKI,
     "A claim."),
])
def test_inline_templates_that_stand_for_words_are_expanded_by_the_rules_of_the_wiki(wikitext, siteinfo, expected):
    assert run(wikitext, siteinfo).text == expected


def test_an_inline_template_rule_is_one_entry_of_the_table(monkeypatch):
    from transforms.wikitext import engine, inline

    assert run("a {{my words|x|y}} b").text == "a b"
    monkeypatch.setitem(inline.COMMON, "my words", "format:{2} and {1}")
    engine._ENGINES.clear()
    inline.rules.cache_clear()
    try:
        assert run("a {{my words|x|y}} b").text == "a y and x b"
    finally:
        engine._ENGINES.clear()
        inline.rules.cache_clear()


@pytest.mark.parametrize("math, expected, out_of_range", [
    ("tex", "where \u27e6p = \\frac{a}{b}\u27e7 is the albedo, \u27e6D\u27e7 the diameter.", []),
    ("placeholder", "where \u27e6math\u27e7 is the albedo, \u27e6math\u27e7 the diameter.", []),
    ("drop", "where is the albedo, the diameter.", ["math-dropped"]),
])
def test_math_is_tex_between_markers_a_placeholder_or_dropped_and_said(math, expected, out_of_range):
    found = scan("where <math>p =\n \\frac{a}{b}</math> is the albedo, <math>D</math> the diameter.",
                 TitleResolver(ENWIKI), math=math)
    assert found.text == expected
    assert found.out_of_range == out_of_range


def test_sub_and_sup_keep_their_text_in_order_between_italics():
    assert run("''θ''<sub>''i''</sub> and '''x'''<sup>2</sup>, H<sub>2</sub>O").text == "θi and x2, H2O"
    assert run("[[Foo|''a''<sub>''b''</sub>]]").links[0].label == "ab"


def test_constructs_out_of_range_are_named_once_each():
    found = run("a {{b|[[c}} <ref>x {{d|e")
    assert found.out_of_range == ["unclosed-link", "unclosed-tag", "unclosed-template"]
    assert run("{{a}} [[b]] <ref>c</ref>").out_of_range == []
    assert run("{{a|" * 150 + "x").out_of_range == ["nesting-too-deep", "unclosed-template"]


def test_a_fragment_of_wikitext_reads_as_plain_text_does():
    from transforms.wikitext.engine import fragment_text

    value = "[[Horst Köhler]] {{nowrap|(2005–2010)}}<ref>x</ref>{{efn|note}}"
    assert fragment_text(value, TitleResolver(ENWIKI)) == "Horst Köhler (2005–2010)"
    assert fragment_text("{{convert|3|m}}<math>x</math>", TitleResolver(ENWIKI), math="drop") == "3 m"


def test_a_template_left_open_in_a_table_does_not_take_the_rest_of_the_page():
    # No `}}` later on the page can close `{{b`: MediaWiki shows its braces as text and the table ends at `|}`.
    found = run("Before.\n{| class=x\n| a {{b\n|}\nAfter {{nowrap|this}} and {{c|d}}.")
    assert found.text == "Before.\n\nAfter this and."
    assert found.out_of_range == ["unclosed-template"]
    # A `}}` that pairs with it later does close it, as in MediaWiki: the table's end was in its arguments.
    assert run("Before.\n{|\n| a {{b\n|}\nAfter.}}").text == "Before."


def test_rows_of_a_table_whose_ends_are_written_by_templates_leave_no_markup():
    # frwiki's {{ÉluDébut}} writes `{|`, {{ÉluFin}} writes `|}`: the rows between are table markup.
    found = run("Maires.\n{{ÉluDébut|Titre=Liste}}\n| 1959 || 1971 ||[[Jean Orabona|Jean]]||align=\"center\"| UDR\n"
                "|-\n! Début !! Fin\n| Vers 1947 : Adolphe Landry\n{{ÉluFin}}\n! Not a row: prose after the table.")
    assert found.text == "Maires.\n\n! Not a row: prose after the table."
    assert found.out_of_range == ["table-rows-outside-table"]
    assert [link.target for link in found.links] == ["Jean Orabona"]
