"""samplewiki's pages outside the main namespace whose text does not depend on who edited when:
templates, modules, categories, files, project and help pages, CSS/JS, and redirects.

Talk pages, user pages and other signed discussions are written by history_discussions.py, which
knows the editors and timestamps that signatures must show.
"""

from __future__ import annotations

from .markup import Doc, Draft
from .world import PROVINCES, World

NS_PROJECT, NS_FILE, NS_MEDIAWIKI, NS_TEMPLATE, NS_HELP, NS_CATEGORY = 4, 6, 8, 10, 12, 14
NS_PORTAL, NS_DRAFT, NS_MODULE = 100, 118, 828


def _draft(ns: int, title: str, text: str, doc: Doc | None = None, role: str = "support",
           model: str = "wikitext", fmt: str = "text/x-wiki", facts: dict | None = None) -> Draft:
    return Draft(ns, title, text.strip() + "\n", list(doc.flags.values()) if doc else [], model=model,
                 format=fmt, role=role, facts=facts or {})


# ---------------------------------------------------------------------------------------------
# Templates (namespace 10): short but realistic template code; the documentation link and some
# parameters arrive in later revisions.

def _infobox_template(name: str, rows: list[tuple[str, str]], doc: Doc, above: str = "{{{name|{{PAGENAME}}}}}") -> str:
    lines = ["{{Infobox", "| bodyclass = ib-" + name.lower().replace(" ", "-"), f"| above = {above}",
             "| image = {{#if:{{{image|{{{image_skyline|}}}}}}|[[File:{{{image|{{{image_skyline}}}}}}|frameless|upright=1.1]]}}",
             "| caption = {{{caption|{{{image_caption|}}}}}}"]
    for i, (label, param) in enumerate(rows, start=1):
        row = f"| label{i} = {label}\n| data{i} = {{{{{{{param}|}}}}}}"
        lines.append(doc.opt(f"row{i}", "content", row) if i > 3 else row)
    lines.append("}}")
    body = "\n".join(lines)
    return (body + doc.opt("doc", "content", "<noinclude>\n{{Documentation}}\n</noinclude>", "<noinclude>[[Category:Infobox templates]]</noinclude>"))


def templates() -> list[Draft]:
    """Template pages the articles call."""
    out = []
    infoboxes = {
        "Infobox settlement": [("Country", "subdivision_name"), ("Province", "subdivision_name1"),
                               ("First recorded", "established_date"), ("Area", "area_total_km2"),
                               ("Elevation", "elevation_m"), ("Population", "population_total"),
                               ("Website", "website")],
        "Infobox person": [("Born", "birth_date"), ("Birthplace", "birth_place"), ("Died", "death_date"),
                           ("Nationality", "nationality"), ("Fields", "fields"), ("Alma mater", "alma_mater")],
        "Infobox river": [("Country", "subdivision_name1"), ("Length", "length"),
                          ("Discharge", "discharge1_avg"), ("Basin size", "basin_size"), ("Mouth", "mouth")],
        "Infobox album": [("Type", "type"), ("Artist", "artist"), ("Released", "released"),
                          ("Studio", "studio"), ("Genre", "genre"), ("Length", "length"), ("Label", "label"),
                          ("Producer", "producer")],
    }
    for name, rows in infoboxes.items():
        doc = Doc()
        out.append(_draft(NS_TEMPLATE, name, _infobox_template(name, rows, doc), doc, role="template"))
    doc = Doc()
    out.append(_draft(NS_TEMPLATE, "Infobox", "{{#invoke:Infobox|infobox}}"
                      + doc.opt("doc", "content", "<noinclude>\n{{Documentation}}\n</noinclude>"), doc, role="template"))
    for kind in ["journal", "book", "web", "news"]:
        doc = Doc()
        text = (f"<includeonly>{{{{#invoke:Citation/CS1|citation\n|CitationClass={kind}\n}}}}</includeonly>"
                + doc.opt("doc", "content", "<noinclude>\n{{Documentation}}\n</noinclude>",
                          "<noinclude>Formats a citation to a " + kind + " source.</noinclude>"))
        out.append(_draft(NS_TEMPLATE, f"Cite {kind}", text, doc, role="template"))
    doc = Doc()
    out.append(_draft(NS_TEMPLATE, "Convert", "{{#invoke:Convert|convert}}" + doc.opt(
        "doc", "content", "<noinclude>\n{{Documentation}}\n[[Category:Conversion templates]]\n</noinclude>"), doc,
        role="template"))
    doc = Doc()
    out.append(_draft(NS_TEMPLATE, "Citation needed",
                      "<sup class=\"noprint Inline-Template Template-Fact\" style=\"white-space:nowrap;\">&#91;<i>"
                      "[[Wikipedia:Citation needed|<span title=\"This claim needs references to reliable sources"
                      "{{#if:{{{date|}}}|&#32;({{{date}}})}}\">citation needed</span>]]</i>&#93;</sup>"
                      "{{#if:{{{date|}}}|[[Category:Articles with unsourced statements]]}}"
                      + doc.opt("doc", "content", "<noinclude>\n{{Documentation}}\n</noinclude>"), doc, role="template"))
    doc = Doc()
    out.append(_draft(NS_TEMPLATE, "Reflist",
                      "<div class=\"reflist\" style=\"{{#if:{{{1|}}}|column-width: {{{1}}};}}\">\n"
                      "{{#tag:references|{{{refs|}}}|group={{{group|}}}|responsive={{#if:{{{1|}}}|0|1}}}}</div>"
                      + doc.opt("doc", "content", "<noinclude>\n{{Documentation}}\n</noinclude>"), doc, role="template"))
    simple = {
        "Coord": "{{#invoke:Coordinates|coord}}<noinclude>\n{{Documentation}}\n</noinclude>",
        "Short description": "{{#ifeq:{{lc:{{{1|}}}}}|none||<div class=\"shortdescription nomobile noexcerpt "
                             "noprint searchaux\" style=\"display:none\">{{{1|}}}</div>}}<noinclude>\n"
                             "{{Documentation}}\n</noinclude>",
        "Use dmy dates": "<includeonly>[[Category:Use dmy dates from {{{date|}}}]]</includeonly><noinclude>\n"
                         "This template marks articles that use day-month-year dates.\n</noinclude>",
        "Speciesbox": "{{#invoke:Autotaxobox|speciesbox}}<noinclude>\n{{Documentation}}\n</noinclude>",
        "Commons category": "<div class=\"sister-box\">Wikimedia Commons has media related to "
                            "'''[[commons:Category:{{{1|{{PAGENAME}}}}}|{{{1|{{PAGENAME}}}}}]]'''.</div>",
        "Disambiguation": "'''This [[Help:Disambiguation|disambiguation]] page lists articles associated with "
                          "the title {{PAGENAME}}.'''[[Category:Disambiguation pages]]",
        "Documentation": "<div class=\"documentation\">{{#ifexist:{{FULLPAGENAME}}/doc|{{{{FULLPAGENAME}}/doc}}"
                         "|This template has no documentation.}}</div><noinclude>[[Category:Documentation "
                         "templates]]</noinclude>",
        "Lang": "<span lang=\"{{{1}}}\" dir=\"{{#switch:{{{1}}}|ar|he|fa|ur=rtl|#default=ltr}}\">{{{2}}}</span>",
        "Welcome": "== Welcome! ==\nHello, {{BASEPAGENAME}}, and welcome to Samplewiki! Thank you for your "
                   "contributions. ~~~~<noinclude>\n[[Category:User talk templates]]\n</noinclude>",
    }
    for name, text in simple.items():
        out.append(_draft(NS_TEMPLATE, name, text, role="template"))
    return out


def modules() -> list[Draft]:
    """Scribunto modules: Lua source, model "Scribunto", format "text/plain"."""
    convert = """-- Converts a value between units, e.g. {{convert|12|km|mi}} -> 12 kilometres (7.5 mi).
local p = {}

local units = {
	km = { name = 'kilometres', symbol = 'km', factor = 1000 },
	mi = { name = 'miles', symbol = 'mi', factor = 1609.344 },
	m = { name = 'metres', symbol = 'm', factor = 1 },
	ft = { name = 'feet', symbol = 'ft', factor = 0.3048 },
}

local function round(x, places)
	local mult = 10 ^ (places or 0)
	return math.floor(x * mult + 0.5) / mult
end

function p.convert(frame)
	local args = frame:getParent().args
	local value = tonumber(args[1]) or 0
	local from, to = units[args[2]], units[args[3]]
	if not from or not to then
		return '<span class="error">Convert: unknown unit</span>'
	end
	local converted = round(value * from.factor / to.factor, 1)
	if args.abbr == 'on' then
		return string.format('%s&nbsp;%s (%s&nbsp;%s)', args[1], from.symbol, converted, to.symbol)
	end
	return string.format('%s %s (%s %s)', args[1], from.name, converted, to.symbol)
end

return p
"""
    infobox = """local p = {}

-- Renders the rows of an infobox from labelN/dataN pairs; rows without data are skipped.
function p.infobox(frame)
	local args = frame:getParent().args
	local root = mw.html.create('table'):addClass('infobox')
	if args.above then
		root:tag('tr'):tag('th'):attr('colspan', 2):wikitext(args.above)
	end
	for i = 1, 50 do
		local data = args['data' .. i]
		if data and data ~= '' then
			local row = root:tag('tr')
			row:tag('th'):wikitext(args['label' .. i] or '')
			row:tag('td'):wikitext(data)
		end
	end
	return tostring(root)
end

return p
"""
    arguments = """-- Normalises template arguments: trims whitespace and drops empty strings.
local p = {}

function p.getArgs(frame)
	local args = {}
	for k, v in pairs(frame:getParent().args) do
		v = mw.text.trim(v)
		if v ~= '' then
			args[k] = v
		end
	end
	return args
end

return p
"""
    cs1 = """require('strict')
local p = {}

-- Minimal citation formatter for samplewiki: enough to render journal, book, web and news citations.
local function identifier(label, value, url)
	if not value or value == '' then return '' end
	return string.format(' %s:[%s%s %s]', label, url, mw.uri.encode(value, 'PATH'), value)
end

function p.citation(frame)
	local args = require('Module:Arguments').getArgs(frame)
	local class = frame.args.CitationClass or 'web'
	local parts = { args.last1 or args.last or '', args.year and ('(' .. args.year .. ')') or '',
		"''" .. (args.title or '') .. "''" }
	local out = table.concat(parts, ' ')
	out = out .. identifier('doi', args.doi, 'https://doi.org/')
	out = out .. identifier('PMID', args.pmid, 'https://pubmed.ncbi.nlm.nih.gov/')
	out = out .. identifier('ISBN', args.isbn, 'Special:BookSources/')
	return '<cite class="citation ' .. class .. '">' .. out .. '</cite>'
end

return p
"""
    out = []
    for name, code in [("Convert", convert), ("Infobox", infobox), ("Arguments", arguments), ("Citation/CS1", cs1)]:
        out.append(Draft(NS_MODULE, name, code.rstrip() + "\n", [], model="Scribunto", format="text/plain",
                         role="module"))
    doc = Doc()
    # The later revision of Module:Convert adds a unit; the earlier one lacks it.
    mod = out[0]
    mod.marked = mod.marked.replace("\tft = { name = 'feet', symbol = 'ft', factor = 0.3048 },\n",
                                    doc.opt("unit-ft", "content",
                                            "\tft = { name = 'feet', symbol = 'ft', factor = 0.3048 },\n"))
    mod.flags = list(doc.flags.values())
    return out


def site_scripts() -> list[Draft]:
    """MediaWiki:Common.css and MediaWiki:Common.js (models css and javascript)."""
    doc = Doc()
    css = ("/* CSS placed here will be applied to all skins */\n\n"
           ".infobox {\n\tborder: 1px solid #a2a9b1;\n\tbackground-color: #f8f9fa;\n\tfloat: right;\n"
           "\tmargin: 0 0 1em 1em;\n\twidth: 22em;\n}\n\n"
           + doc.opt("reflist", "content", ".reflist {\n\tfont-size: 90%;\n\tmargin-bottom: 0.5em;\n}\n\n")
           + doc.opt("rtl", "content", "/* Right-to-left scripts in {{lang}} */\nspan[dir=\"rtl\"] {\n\t"
                     "unicode-bidi: embed;\n}\n\n")
           + ".mp-welcome {\n\tfont-size: 120%;\n\ttext-align: center;\n}\n")
    js = ("/* Any JavaScript here will be loaded for all users on every page load. */\n"
          "mw.loader.using( [ 'mediawiki.util' ] ).then( function () {\n"
          "\t// Collapse long reference lists on small screens.\n"
          "\tif ( window.innerWidth < 720 ) {\n\t\t$( '.reflist' ).addClass( 'reflist-collapsed' );\n\t}\n} );\n")
    return [Draft(NS_MEDIAWIKI, "Common.css", css, list(doc.flags.values()), model="css", format="text/css",
                  role="site-css"),
            Draft(NS_MEDIAWIKI, "Common.js", js, [], model="javascript", format="text/javascript", role="site-js")]


def categories(world: World) -> list[Draft]:
    """Category pages (some categories used by articles stay red, as on real wikis)."""
    out = []
    specs = [("Eastmarch", "Articles about the island country of [[Eastmarch]].", []),
             ("Rivers of Eastmarch", "Rivers of [[Eastmarch]]. See also [[List of rivers of Eastmarch]].", ["Eastmarch"]),
             ("Eastmarch scientists", "Scientists from [[Eastmarch]].", [("People from Eastmarch", "Scientists")]),
             ("Living people", "Biographies of living people. Please observe the [[Wikipedia:Biographies of living "
                               "persons|policy]].", []),
             ("Mammals of Eastmarch", "", ["Fauna of Eastmarch"]),
             ("Fishes of Eastmarch", "", ["Fauna of Eastmarch"]),
             ("Fauna of Eastmarch", "Animals found in [[Eastmarch]].", ["Eastmarch"]),
             ("Provinces of Eastmarch", "", ["Eastmarch"]),
             ("Articles with unsourced statements", "__HIDDENCAT__\nArticles tagged with {{tl|Citation needed}}.", []),
             ("Infobox templates", "", []),
             ("Disambiguation pages", "__HIDDENCAT__", []),
             ("Programming languages", "", []),
             ("2018 albums", "", [("Albums by year", "2018")])]
    for prov in PROVINCES:
        specs.append((f"Towns in {prov['name']}", f"Towns in [[{prov['name']}]].", [(prov["name"], " Towns"),
                                                                                   "Towns in Eastmarch"]))
    for name, intro, parents in specs:
        doc = Doc()
        links = "".join(doc.opt(f"parent{i}", "category", f"\n[[Category:{p[0]}|{p[1]}]]" if isinstance(p, tuple)
                                else f"\n[[Category:{p}]]") for i, p in enumerate(parents))
        text = (intro + ("\n" if intro else "") + links) if (intro or links) else ""
        if not text.strip():
            text = doc.opt("stub", "content", "{{Category diffuse}}", "")
        out.append(Draft(NS_CATEGORY, name, text.strip() + "\n", list(doc.flags.values()), role="category"))
    return out


def files(world: World) -> list[Draft]:
    """File description pages for a few locally uploaded images."""
    out = []
    uploads = [f"{world.towns[0]['name']} high street.jpg", f"{world.towns[1]['name']} high street.jpg",
               "River Wend near its source.jpg", "Sorex calderonensis.jpg", "Wend minnow.png",
               "Lanterns Over Wend cover.jpg", "Eastmarch location map.svg", "Information.svg"]
    for i, name in enumerate(uploads):
        doc = Doc()
        lic = "{{self|cc-by-sa-4.0}}" if not name.endswith("cover.jpg") else "{{Non-free album cover}}"
        text = ("== Summary ==\n{{Information\n|description=" + name.rsplit(".", 1)[0]
                + "\n|source={{own}}\n|date=2024-0" + str(3 + i % 6) + "-1" + str(i) + "\n|author=[[User:Brackenwood|Brackenwood]]\n}}\n\n"
                "== Licensing ==\n" + doc.opt("license", "content", lic, "{{Untagged}}")
                + doc.opt("cat", "category", "\n[[Category:Images of Eastmarch]]"))
        out.append(Draft(NS_FILE, name, text + "\n", list(doc.flags.values()), role="file"))
    return out


def project_pages() -> list[Draft]:
    """Wikipedia:, Help:, Portal: and Draft: pages without signatures."""
    out = []
    doc = Doc()
    mos = ("{{Policy|guideline}}\nThe '''Manual of Style''' is samplewiki's style guide.\n"
           + doc.section("s:dates", "Dates", "Articles about Eastmarch use day–month–year dates "
                         "({{tl|Use dmy dates}}).")
           + doc.section("s:refs", "References", "Use {{tl|Cite web}}, {{tl|Cite book}} and similar templates. "
                         "Write <code>access-date</code>, not the deprecated <code>accessdate</code>.")
           + doc.section("s:scripts", "Names in other scripts",
                         "Give native names with {{tl|lang}}, e.g. {{lang|ar|ليلى حداد}}.")
           + doc.section("s:units", "Units", "Give metric units first and convert with {{tl|Convert}}."))
    out.append(Draft(NS_PROJECT, "Manual of Style", mos, list(doc.flags.values()), role="project"))
    doc = Doc()
    about = ("'''Samplewiki''' is an encyclopedia about [[Eastmarch]] that anyone can edit. It was started in "
             "March 2024." + doc.section("s:policies", "Policies", "* [[Wikipedia:Manual of Style]]\n* "
                                         "[[Wikipedia:Bots]]")
             + doc.section("s:contact", "Contact", "Questions go to the [[Wikipedia:Village pump|village pump]]."))
    out.append(Draft(NS_PROJECT, "About", about, list(doc.flags.values()), role="project"))
    doc = Doc()
    bots = ("This page lists the approved bots of samplewiki.\n\n{| class=\"wikitable\"\n! Bot !! Operator !! Task\n"
            "|-\n| [[User:SampleBot|SampleBot]] || [[User:Marisol Ferreira|Marisol Ferreira]] || citation parameter fixes\n"
            + doc.opt("archiver", "content", "|-\n| [[User:ArchiverBot|ArchiverBot]] || [[User:Brackenwood|Brackenwood]] "
                      "|| archiving links and talk pages\n")
            + doc.opt("tidy", "content", "|-\n| [[User:Tidy helper|Tidy helper]] || [[User:Keskiyö|Keskiyö]] || "
                      "heading and whitespace fixes (runs without a bot-like name)\n")
            + "|}")
    out.append(Draft(NS_PROJECT, "Bots", bots, list(doc.flags.values()), role="project"))
    doc = Doc()
    help_text = ("This page explains how to edit samplewiki.\n"
                 + doc.section("s:links", "Links", "Write <code><nowiki>[[River Wend]]</nowiki></code> for a link and "
                               "<code><nowiki>[[River Wend|the Wend]]</nowiki></code> for a labelled link.")
                 + doc.section("s:refs", "References", "Put sources in <code><nowiki><ref>...</ref></nowiki></code> "
                               "and add <code><nowiki>{{Reflist}}</nowiki></code> at the end.")
                 + doc.section("s:tables", "Tables", "{| class=\"wikitable\"\n! Markup !! Result\n|-\n| "
                               "<code><nowiki>'''bold'''</nowiki></code> || '''bold'''\n|-\n| "
                               "<code><nowiki>''italic''</nowiki></code> || ''italic''\n|}"))
    out.append(Draft(NS_HELP, "Editing", help_text, list(doc.flags.values()), role="help"))
    doc = Doc()
    portal = ("{{Portal header|title=Eastmarch}}\n'''Eastmarch''' is an island country in the North Atlantic.\n"
              + doc.section("s:selected", "Selected article", "'''[[Festival of Lanterns]]''' is held each October.")
              + doc.section("s:topics", "Topics", "* [[:Category:Rivers of Eastmarch|Rivers]]\n"
                            "* [[:Category:Eastmarch scientists|Scientists]]\n* [[List of rivers of Eastmarch]]")
              + "\n[[Category:Eastmarch]]")
    out.append(Draft(NS_PORTAL, "Eastmarch", portal, list(doc.flags.values()), role="portal"))
    doc = Doc()
    draft = (doc.opt("afc", "maint", "{{AfC submission|d|nn|u=Heron Quill|ns=118|decliner=Marisol Ferreira}}\n")
             + "'''Quillon Lighthouse''' is a lighthouse on the north coast of [[Eastmarch]], built in 1872."
             + "<ref>{{cite web |url=https://lighthouses.example.org/quillon |title=Quillon Lighthouse "
               "|website=Lighthouses of the North Atlantic |access-date=2025-04-02}}</ref>\n"
             + doc.section("s:history", "History", "The light was automated in 1991.")
             + "\n== References ==\n{{Reflist}}")
    out.append(Draft(NS_DRAFT, "Quillon Lighthouse", draft, list(doc.flags.values()), role="draft"))
    return out


# ---------------------------------------------------------------------------------------------
# Redirects that editors create (redirects left by page moves are made by history.py).

def redirects(world: World, article_titles: set[str]) -> list[Draft]:
    """Redirect pages: alternative names, spellings, sections, other namespaces, one broken one."""
    rng_towns = [t["name"] for t in world.towns]
    specs: list[tuple[int, str, str, str]] = [
        # namespace, title, text, redirect target as <redirect title=...> gives it
        (0, f"{rng_towns[0]}, Eastmarch", f"#REDIRECT [[{rng_towns[0]}]]\n\n{{{{R from disambiguation}}}}", rng_towns[0]),
        (0, f"{rng_towns[1]}, Eastmarch", f"#REDIRECT [[{rng_towns[1]}]]", rng_towns[1]),
        (0, "Ornsby", "#REDIRECT [[Ørnsby]]\n\n{{R from title without diacritics}}", "Ørnsby"),
        (0, "Wend", "#REDIRECT [[River Wend]]", "River Wend"),
        (0, "Wend River", "#redirect [[River Wend]]", "River Wend"),
        (0, "Aske", "#REDIRECT[[River Aske]]", "River Aske"),
        (0, "Sorex calderonensis", "#REDIRECT [[Calderon shrew]]\n\n{{Redirect category shell|\n"
                                   "{{R from scientific name}}\n}}", "Calderon shrew"),
        (0, "Phoxinus wendensis", "#REDIRECT [[Wend minnow]] {{R from scientific name}}", "Wend minnow"),
        (0, "Saint Aubins Bridge", "#REDIRECT [[Saint Aubin's Bridge]]", "Saint Aubin's Bridge"),
        (0, "Marrow and Flint", "#REDIRECT [[Marrow & Flint]]", "Marrow & Flint"),
        (0, "Northbound Sessions", "#REDIRECT [[\"Northbound\" Sessions]]", "\"Northbound\" Sessions"),
        (0, "Wend Valley line", "#REDIRECT [[Wend Valley Railway#Stations]]", "Wend Valley Railway"),
        (0, "Tamlin language", "#REDIRECT [[Tamlin (programming language)]]", "Tamlin (programming language)"),
        (0, "Lantern Keepers discography", "#REDIRECT [[The Lantern Keepers discography]]",
         "The Lantern Keepers discography"),
        (0, "Republic of Eastmarch", "#REDIRECT [[Eastmarch]]\n\n{{R from official name}}", "Eastmarch"),
        (10, "Cite Journal", "#REDIRECT [[Template:Cite journal]]", "Template:Cite journal"),
        (10, "Cn", "#REDIRECT [[Template:Citation needed]]", "Template:Citation needed"),
        (4, "MOS", "#REDIRECT [[Wikipedia:Manual of Style]]", "Wikipedia:Manual of Style"),
        (14, "Rivers in Eastmarch", "#REDIRECT [[:Category:Rivers of Eastmarch]]\n{{Category redirect|Rivers of Eastmarch}}",
         "Category:Rivers of Eastmarch"),
    ]
    out = []
    for ns, title, text, target in specs:
        out.append(Draft(ns, title, text + "\n", [], role="redirect", redirect=target))
    return out
