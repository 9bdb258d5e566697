"""Pages written by editors in their own voice: talk pages (with an archive), user talk warnings
and welcomes, the village pump, and user pages.

Separate because these are written post by post with signatures that must match their editors
and timestamps, rather than replayed from a draft (history_planning.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .articles_writer import MONTHS
from .history_editors import Cast, Editor
from .history_edits import Edit, PlannedPage, _rand_time, _summary_text
from .history_site import UTC, WIKI_END, _full_title


# ---------------------------------------------------------------------------------------------
# Discussions: talk pages, user talk, village pump

def signature(editor: Editor, ts: datetime) -> str:
    """What ~~~~ expands to."""
    when = f"{ts:%H:%M}, {ts.day} {MONTHS[ts.month - 1]} {ts.year} (UTC)"
    if editor.is_ip:
        return f"[[Special:Contributions/{editor.name}|{editor.name}]] ([[User talk:{editor.name}|talk]]) {when}"
    return f"[[User:{editor.name}|{editor.name}]] ([[User talk:{editor.name}|talk]]) {when}"


@dataclass
class Post:
    """One signed comment in a discussion thread."""

    editor: Editor
    ts: datetime
    body: str
    depth: int = 0
    summary: str = ""


@dataclass
class Thread:
    heading: str
    posts: list[Post]


def discussion_edits(header: str, header_editor: Editor | None, header_ts: datetime | None,
                     threads: list[Thread], header_summary: str = "",
                     archive: tuple[datetime, int, str] | None = None) -> tuple[list[Edit], list[Thread]]:
    """A page that grows one signed post at a time. With `archive` (time, number of threads, archive
    title) the archiving bot later moves the oldest threads away; they are returned for the archive."""
    events = []
    if header_editor is not None:
        events.append((header_ts, -1, -1))
    for t_i, thread in enumerate(threads):
        for p_i, post in enumerate(thread.posts):
            events.append((post.ts, t_i, p_i))
    events.sort()
    shown: dict[int, int] = {}
    archived: set[int] = set()
    edits: list[Edit] = []

    def render() -> str:
        parts = [header] if header else []
        for t_i in sorted(shown, key=lambda k: threads[k].posts[0].ts):
            if t_i in archived:
                continue
            thread = threads[t_i]
            lines = [f"== {thread.heading} =="]
            for post in thread.posts[: shown[t_i] + 1]:
                lines.append(":" * post.depth + post.body + " " + signature(post.editor, post.ts))
            parts.append("\n".join(lines))
        return "\n\n".join(parts).strip()

    archive_done = False
    moved: list[Thread] = []
    for ts, t_i, p_i in events:
        if archive and not archive_done and ts > archive[0]:
            archive_done = True
            order = sorted(shown, key=lambda k: threads[k].posts[0].ts)[: archive[1]]
            archived.update(order)
            moved = [Thread(threads[k].heading, threads[k].posts[: shown[k] + 1]) for k in order]
            edits.append(Edit("bot:archive", "archive", text=render(), ts=archive[0], minor=True,
                              comment=f"Archiving {len(order)} discussion(s) to [[{archive[2]}]]) (bot"))
        if t_i == -1:
            edits.append(Edit("discussion", "create", text=header.strip(), ts=ts, editor=header_editor,
                              comment=header_summary))
            continue
        shown[t_i] = p_i
        post = threads[t_i].posts[p_i]
        summary = post.summary or (f"/* {threads[t_i].heading} */ new section" if p_i == 0
                                   else f"/* {threads[t_i].heading} */ Reply")
        edits.append(Edit("discussion", "discussion" if edits else "create", text=render(), ts=ts,
                          editor=post.editor, comment=summary))
    return edits, moved


TALK_TOPICS = {
    "town": [("Population figure", "The infobox and the lead give different population figures. Which census is right?",
              "The 2021 census figure is the current one; I have updated both."),
             ("Etymology", "Is there a source for the Norse origin of the name?",
              "Fenwick's book discusses it on p. 112, I will add the reference."),
             ("Photo of the high street", "The infobox photo is very dark. Could someone take a new one?",
              "I uploaded one from last summer.")],
    "river": [("Length", "Sources give the length as anything from 80 to 95 km. Which should we use?",
               "The Rivers Trust figure, since it is measured from the highest spring."),
              ("Source location", "The source is on the other side of the hill, surely?", "Fixed, thanks.")],
    "person": [("Date of birth", "Her university obituary gives a different date of birth.",
                "The birth certificate in the national archive agrees with the article."),
               ("Native name spelling", "Is the native-script spelling in the lead the usual one?",
                "Yes, it matches her own publications.")],
    "species": [("Conservation status", "The IUCN assessment was updated in 2024; the status may have changed.",
                 "Checked: no change."),
                ("Photo", "Is the photo really of this species? It looks like a close relative.",
                 "The photographer confirmed the identification.")],
    "album": [("Track lengths", "The track lengths do not add up to the album length.",
               "The last track has a hidden track; I will add a note."),
              ("Genre", "Is \"folk rock\" right? The reviews call it post-punk.", "Reviews differ; both are sourced.")],
}


def _discussion_for(rng: random.Random, cast: Cast, kind: str, created: datetime, n_threads: int) -> list[Thread]:
    topics = TALK_TOPICS.get(kind, TALK_TOPICS["town"])
    threads = []
    for heading, question, answer in rng.sample(topics, min(n_threads, len(topics))):
        t0 = _rand_time(rng, created + timedelta(days=2), WIKI_END - timedelta(days=20))
        asker = cast.pick("discussion", t0)
        posts = [Post(asker, t0, question)]
        t1 = t0 + timedelta(minutes=rng.randint(40, 9000))
        responder = cast.pick("core", t1)
        if responder.name == asker.name:
            responder = cast.by_name["Brackenwood"] if asker.name != "Brackenwood" else cast.by_name["Fennimore"]
        posts.append(Post(responder, t1, answer, depth=1))
        if rng.random() < 0.5:
            t2 = t1 + timedelta(minutes=rng.randint(30, 4000))
            posts.append(Post(asker, t2, rng.choice(["Thanks!", "Thank you, that makes sense.",
                                                     "OK, agreed.", "{{done}}"]), depth=2))
        threads.append(Thread(heading, posts))
    return threads


BANNER = ("{{WikiProject banner shell|class=%s|\n{{WikiProject Eastmarch|importance=%s}}\n}}")


def _plan_talk(rng: random.Random, cast: Cast, article_pages: list[PlannedPage]) -> list[PlannedPage]:
    planned = []
    candidates = [p for p in article_pages if p.facts.get("kind") in TALK_TOPICS]
    chosen = rng.sample(candidates, 22)
    country = next(p for p in article_pages if p.title == "Eastmarch")
    for page in chosen + [country]:
        created = page.edits[0].ts
        header = BANNER % (rng.choice(["Start", "C", "B"]), rng.choice(["low", "mid", "high"]))
        header_ts = created + timedelta(days=rng.randint(1, 20))
        header_editor = cast.by_name["SampleBot"] if rng.random() < 0.5 else cast.pick("core", header_ts)
        summary = ("Bot: Tagging for [[Wikipedia:WikiProject Eastmarch]]" if header_editor.kind == "bot"
                   else "Assessment: +Eastmarch (Rater)")
        if page is country:
            threads = []
            topics = [("Capital", "Is Brackenford really the capital, or only the largest town?",
                       "The constitution of 1921 names it, see the History section."),
                      ("Name in other languages", "Should we list the Arabic and Hebrew names in the lead?",
                       "Better in the Etymology section, which already has Greek and Russian."),
                      ("Protection", "Could the page be semi-protected? There is a lot of vandalism.",
                       "Done for a month."),
                      ("Population estimate", "The 2025 estimate is out.", "Updated."),
                      ("Flag image", "The flag image has the wrong shade of green.", "Fixed in the SVG."),
                      ("Civil war dates", "1919 or 1921?", "Both; see the note.")]
            for heading, q, a in topics:
                t0 = _rand_time(rng, created + timedelta(days=3), WIKI_END - timedelta(days=30))
                asker = cast.pick("discussion", t0)
                responder = cast.pick("core", t0 + timedelta(hours=5))
                if responder.name == asker.name:
                    responder = cast.by_name["Wendwatcher"]
                threads.append(Thread(heading, [Post(asker, t0, q), Post(responder, t0 + timedelta(hours=5), a, 1)]))
            threads.sort(key=lambda t: t.posts[0].ts)
            # Archive once the fourth thread has started, so that what is left is a text the page
            # never had before (archiving down to the bare header would look like a revert).
            archive_ts = max(threads[3].posts[0].ts, threads[2].posts[-1].ts) + timedelta(minutes=30)
            edits, moved = discussion_edits(header, header_editor, header_ts, threads, summary,
                                            archive=(archive_ts, 3, "Talk:Eastmarch/Archive 1"))
            planned.append(PlannedPage(1, page.title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
            archive_text = ("{{Talk archive}}\n\n" + "\n\n".join(
                "\n".join([f"== {t.heading} =="] + [":" * p.depth + p.body + " " + signature(p.editor, p.ts)
                                                    for p in t.posts]) for t in moved))
            archive_edit = Edit("bot:archive", "archive", text=archive_text, ts=archive_ts, minor=True,
                                comment="Archiving 3 discussion(s) from [[Talk:Eastmarch]]) (bot")
            planned.append(PlannedPage(1, "Eastmarch/Archive 1", "wikitext", "text/x-wiki", None, [archive_edit],
                                       {}, "talk-archive"))
            continue
        threads = _discussion_for(rng, cast, page.facts.get("kind"), created, rng.choice([1, 1, 2, 3]))
        edits, _ = discussion_edits(header, header_editor, header_ts, threads, summary)
        planned.append(PlannedPage(1, page.title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
    return planned


def _plan_user_talk(rng: random.Random, cast: Cast, planned: list[PlannedPage]) -> list[PlannedPage]:
    """Warnings left by reverters on vandals' talk pages, and welcomes for newcomers."""
    warnings = []
    for page in planned:
        for e in page.edits:
            if e.kind != "revert" or e.note.get("style") != "rollback" or rng.random() > 0.55:
                continue
            ts = e.ts + timedelta(seconds=rng.randint(20, 600))
            if ts < WIKI_END:
                warnings.append((ts, page.edits[e.note["first_bad"]].editor, e.editor,
                                 _full_title(page.namespace, page.title)))
    posts: dict[str, list[tuple[datetime, Editor, str, str, str]]] = {}
    # Warnings escalate from level 1 to 4 in the order they were given.
    for ts, vandal, reverter, full in sorted(warnings, key=lambda w: w[0]):
        level = min(4, len(posts.get(vandal.name, [])) + 1)
        if level == 1:
            body = (f"[[File:Information.svg|25px|alt=Information icon]] Hello, I'm "
                    f"[[User:{reverter.name}|{reverter.name}]]. I noticed that you made a change to [[{full}]] "
                    f"that did not seem constructive, so I have removed it. Please use "
                    f"[[Wikipedia:Sandbox|the sandbox]] for test edits. Thank you.")
        else:
            body = (f"[[File:Nuvola apps important.svg|25px|alt=Warning icon]] Please stop your disruptive "
                    f"editing. If you continue to vandalize pages, as you did at [[{full}]], you may be "
                    f"blocked from editing.")
        summary = (f"Message re. [[{full}]] (level {level})" if rng.random() < 0.5
                   else f"Warning: Vandalism on [[{full}]]. (TW)")
        posts.setdefault(vandal.name, []).append((ts, reverter, body, summary, f"{MONTHS[ts.month - 1]} {ts.year}"))
    for ed in cast.editors:
        if ed.kind == "new" and ed.first_edit is not None:
            ts = ed.first_edit + timedelta(hours=rng.randint(2, 96))
            if ts < WIKI_END:
                welcomer = cast.pick("core", ts)
                body = (f"Hello, {ed.name}, and welcome to Samplewiki! Thank you for your contributions. "
                        f"I hope you like the place and decide to stay. If you have questions, ask at the "
                        f"[[Wikipedia:Village pump|village pump]].")
                posts.setdefault(ed.name, []).append((ts, welcomer, body, "Welcome to Samplewiki!", "Welcome!"))
    out = []
    for name in sorted(posts, key=lambda n: min(p[0] for p in posts[n])):
        entries = sorted(posts[name], key=lambda p: p[0])
        edits = []
        sections: list[str] = []
        for ts, author, body, summary, heading in entries:
            if sections and sections[-1].startswith(f"== {heading} ==") and heading != "Welcome!":
                sections[-1] += f"\n\n{body} {signature(author, ts)}"
            else:
                sections.append(f"== {heading} ==\n{body} {signature(author, ts)}")
            edits.append(Edit("discussion", "discussion" if edits else "create", text="\n\n".join(sections),
                              ts=ts, editor=author, comment=summary))
        out.append(PlannedPage(3, name, "wikitext", "text/x-wiki", None, edits, {}, "user talk"))
    return out


def _plan_user_pages(rng: random.Random, cast: Cast) -> list[PlannedPage]:
    out = []
    d = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    specs = [
        ("Brackenwood", "Brackenwood", ["I write mostly about the towns and rivers of [[Calderon Province]].",
                                        "\n\n{{User en}}\n{{User Eastmarch}}",
                                        "\n\n== Articles I started ==\n* [[River Wend]]\n* [[Brackenford]]"]),
        ("Keskiyö", "Keskiyö", ["Hei! I am an administrator. Leave me a note on [[User talk:Keskiyö|my talk page]].",
                                "\n\n{{User fi}}\n{{User en-3}}"]),
        ("Ana Lucía Quispe", "Ana Lucía Quispe", ["Biologist. Interested in [[Fauna of Eastmarch|the fauna]] of "
                                                  "Eastmarch.", "\n\n{{User es}}\n{{User en-4}}"]),
        ("SampleBot", "Marisol Ferreira", ["{{Bot|Marisol Ferreira|status=active}}\nThis bot fixes citation "
                                           "template parameters. See [[Wikipedia:Bots]]."]),
        ("ArchiverBot", "Brackenwood", ["{{Bot|Brackenwood|status=active}}\nArchives talk pages and rescues "
                                        "dead links with archive copies."]),
        ("Tidy helper", "Keskiyö", ["{{Bot|Keskiyö|status=active}}\nFixes heading spacing. This account is "
                                    "in the bot group even though its name does not say so."]),
        ("Heron Quill", "Heron Quill", ["Hello! I am new here and like lighthouses.",
                                        "\n\nMy draft: [[Draft:Quillon Lighthouse]]"]),
    ]
    for owner, author_name, parts in specs:
        author = cast.by_name[author_name]
        start = max(author.first_edit or author.active_from, author.active_from) + timedelta(hours=rng.randint(1, 400))
        edits = []
        text = ""
        ts = start
        for i, part in enumerate(parts):
            text += part
            edits.append(Edit("user", "create" if i == 0 else "expand", text=text.strip(), ts=ts, editor=author,
                              comment="" if i else f"Created page with '{_summary_text(text)}'"))
            ts = ts + timedelta(days=rng.randint(2, 60))
        out.append(PlannedPage(2, owner, "wikitext", "text/x-wiki", None, edits, {}, "user"))
    # A user script (model javascript) and a sandbox subpage.
    author = cast.by_name["Brackenwood"]
    js1 = "// Personal tools\nmw.loader.load( '//sample.wikipedia.org/w/index.php?title=User:Brackenwood/refcheck.js&action=raw&ctype=text/javascript' );"
    js2 = js1 + "\n// Highlight redirects in orange\nmw.util.addCSS( 'a.mw-redirect { color: #c60; }' );"
    ts = d(2024, 6, 2, 18, 4, 51)
    out.append(PlannedPage(2, "Brackenwood/common.js", "javascript", "text/javascript", None, [
        Edit("user", "create", text=js1, ts=ts, editor=author, comment=f"Created page with '{_summary_text(js1)}'"),
        Edit("user", "expand", text=js2, ts=ts + timedelta(days=40), editor=author, comment="highlight redirects")],
        {}, "user-js"))
    heron = cast.by_name["Heron Quill"]
    sand_ts = max(heron.first_edit or heron.active_from, heron.active_from) + timedelta(days=3)
    sandbox = ["'''Quillon Lighthouse''' is a lighthouse.",
               "'''Quillon Lighthouse''' is a lighthouse on the north coast of [[Eastmarch]].\n\n== History ==\nBuilt 1872."]
    out.append(PlannedPage(2, "Heron Quill/sandbox", "wikitext", "text/x-wiki", None, [
        Edit("user", "create", text=sandbox[0], ts=sand_ts, editor=heron, comment=""),
        Edit("user", "expand", text=sandbox[1], ts=sand_ts + timedelta(hours=3), editor=heron, comment="more")],
        {}, "user"))
    return out


def _plan_project_discussions(rng: random.Random, cast: Cast) -> list[PlannedPage]:
    out = []
    header = "{{Village pump page header}}\nThe '''village pump''' is for discussions about samplewiki."
    topics = [("Bots and minor edits", "Should bot edits always be marked minor?", "Yes, per [[Wikipedia:Bots]]."),
              ("Temporary accounts", "From June 2025 logged-out editors get temporary accounts instead of showing "
                                     "their IP address. Anything we need to change?",
               "Our warning templates need to say \"temporary account\"."),
              ("Citation style", "Can we standardise on {{tl|Cite web}} with |access-date=?", "Support."),
              ("Right-to-left names", "Arabic and Hebrew names break the line layout on mobile.",
               "Wrap them in {{tl|lang}}, which sets dir=\"rtl\"."),
              ("New editors", "We had many new editors this year. Welcome them!", "I have been sending welcomes.")]
    threads = []
    for heading, q, a in topics:
        t0 = _rand_time(rng, datetime(2024, 4, 1, tzinfo=UTC), WIKI_END - timedelta(days=15))
        if heading == "Temporary accounts":
            t0 = datetime(2025, 5, 20, 10, 11, 12, tzinfo=UTC)
        asker = cast.pick("discussion", t0)
        responder = cast.pick("core", t0 + timedelta(hours=9))
        if responder.name == asker.name:
            responder = cast.by_name["Keskiyö"]
        posts = [Post(asker, t0, q), Post(responder, t0 + timedelta(hours=9), a, 1)]
        if rng.random() < 0.6:
            third = cast.pick("discussion", t0 + timedelta(days=1))
            posts.append(Post(third, t0 + timedelta(days=1, hours=2), rng.choice(["Agree.", "Support.", "+1"]), 2))
        threads.append(Thread(heading, posts))
    hdr_editor = cast.by_name["Marisol Ferreira"]
    edits, _ = discussion_edits(header, hdr_editor, datetime(2024, 3, 15, 12, 0, tzinfo=UTC), threads,
                                "Created page with 'The village pump is for discussions'")
    out.append(PlannedPage(4, "Village pump", "wikitext", "text/x-wiki", None, edits, {}, "project"))
    for ns, title in [(5, "Manual of Style"), (11, "Infobox settlement")]:
        created = datetime(2024, 4, 10, tzinfo=UTC)
        threads = _discussion_for(rng, cast, "town", created, 1) if ns == 11 else [
            Thread("Dates in references", [
                Post(cast.pick("discussion", d2 := datetime(2024, 9, 2, 8, 30, tzinfo=UTC)), d2,
                     "Should access dates be ISO (2024-09-02) or dmy?"),
                Post(cast.by_name["Brackenwood"], d2 + timedelta(hours=20), "ISO is fine in references.", 1)])]
        edits, _ = discussion_edits("", None, None, threads)
        out.append(PlannedPage(ns, title, "wikitext", "text/x-wiki", None, edits, {}, "talk"))
    return out
