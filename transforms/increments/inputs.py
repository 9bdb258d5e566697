"""Wikimedia's daily adds/changes dumps (https://dumps.wikimedia.org/other/incr/<wiki>/<YYYYMMDD>/) as the
`update` job's input: one folder per day holding `<wiki>-<date>-pages-meta-hist-incr.xml.bz2` (the revisions
saved since the previous day's run, with their text; no deletions, no moves), the stubs beside it,
`maxrevid.txt` (the highest revision id when the run began) and `status.txt` (`done` once complete).

A day is described before any worker starts; one that is not usable (not done, its dump missing) is not
refused: it becomes an `errors` row and the update goes on without it, as the issue asks of bad increments.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from transforms.common.files import UnusableInputError
from transforms.common.problems import Problem
from transforms.xml.inputs import XmlInput, describe_input

INCREMENT_NAME = re.compile(r"^(?P<wiki>[A-Za-z0-9_-]+)-(?P<date>\d{8})-pages-meta-hist-incr\.xml(\.bz2|\.gz)?$")
DAY_FOLDER = re.compile(r"^\d{8}$")
# The kind the XML reader gives the adds/changes dump: it holds every new revision of its pages.
INCREMENT_KIND = "pages-meta-history"
BAD_INCREMENT = "bad-increment"


@dataclass(frozen=True)
class IncrementDay:
    """One day's adds/changes dump: its date, wiki, highest revision id and the XML dump with text."""

    date: str
    wiki_db: str
    max_rev_id: int | None
    dump: XmlInput


def _read_text(path: str) -> str | None:
    from apache_beam.io.filesystems import FileSystems

    try:
        with FileSystems.open(path) as handle:
            return handle.read().decode("utf-8", "replace").strip()
    except (OSError, IOError):
        return None
    except Exception:  # Beam wraps a missing file in its own error on some file systems
        return None


def _dump_of(folder: str) -> str | None:
    from apache_beam.io.filesystems import FileSystems

    try:
        matches = FileSystems.match([posixpath.join(folder, "*-pages-meta-hist-incr.xml*")])[0].metadata_list
    except Exception:
        return None
    names = sorted(m.path for m in matches if INCREMENT_NAME.match(posixpath.basename(m.path)))
    return names[0] if names else None


def describe_days(paths: list[str], snapshot: str, order_from: int = 0) -> tuple[list[IncrementDay], list[Problem]]:
    """The usable days among `paths` (day folders, or the pages-meta-hist-incr files themselves), by date,
    and a Problem for each that is not usable (an errors row of the update's snapshot).

    Args:
        paths: day folders (`.../<wiki>/<YYYYMMDD>`) or their pages-meta-hist-incr files.
        snapshot: the snapshot being built: days after it are refused (they hold later revisions).
        order_from: input order of the first dump (the job's inputs are numbered in one series).
    """
    days, problems = [], []
    for path in paths:
        path = path.rstrip("/")
        name = posixpath.basename(path)
        folder, dump = (posixpath.dirname(path), path) if INCREMENT_NAME.match(name) else (path, _dump_of(path))
        where = dump or folder
        if dump is None:
            problems.append(_problem(f"{folder}: no <wiki>-<date>-pages-meta-hist-incr.xml.bz2 in this folder"))
            continue
        named = INCREMENT_NAME.match(posixpath.basename(dump))
        status = _read_text(posixpath.join(folder, "status.txt"))
        if status != "done":
            problems.append(_problem(f"{where}: status.txt says {status!r}, not 'done': the run was not complete, "
                                     "its revisions are left out (they come again with a later run or a full dump)"))
            continue
        if named.group("date") > snapshot:
            problems.append(_problem(f"{where}: made on {named.group('date')}, after the snapshot {snapshot} being built"))
            continue
        max_rev = _read_text(posixpath.join(folder, "maxrevid.txt"))
        try:
            source = describe_input(dump, order_from + len(days), wiki_db=named.group("wiki"), snapshot=snapshot,
                                    kind=INCREMENT_KIND)
        except UnusableInputError as exc:
            problems.append(_problem(f"{where}: {exc}"))
            continue
        days.append(IncrementDay(named.group("date"), source.wiki_db, int(max_rev) if max_rev and max_rev.isdigit() else None,
                                 source))
    days.sort(key=lambda day: day.date)
    return days, problems


def _problem(message: str) -> Problem:
    return Problem(BAD_INCREMENT, message, "increment", True)
