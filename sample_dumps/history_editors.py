"""The editors of samplewiki (accounts, bots, IPs, temporary accounts) and the Cast that picks who
makes an edit of a given role at a given time.

Separate from the planning of edits: who exists and who is active when is one concern, what
they change is another.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .history_site import TEMP_ACCOUNTS_FROM, UTC, WIKI_START


# ---------------------------------------------------------------------------------------------
# Editors

@dataclass
class Editor:
    """An editor while histories are planned; becomes a model.User (or an IP) at the end.

    kind: "system", "sysop", "patroller", "core", "bot", "new", "vandal", "temp", "ip", "reader".
    New editors, vandal accounts and temporary accounts register just before their first edit.
    """

    name: str
    kind: str
    groups: tuple[str, ...] = ()
    active_from: datetime = WIKI_START
    registration: datetime | None = None
    weight: float = 1.0
    first_edit: datetime | None = None

    @property
    def is_ip(self) -> bool:
        return self.kind == "ip"


def _editors() -> list[Editor]:
    d = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    eds = [
        Editor("MediaWiki default", "system", registration=WIKI_START),
        Editor("Marisol Ferreira", "sysop", ("bureaucrat", "sysop"), registration=WIKI_START - timedelta(seconds=31)),
        Editor("Quentin Abernethy", "sysop", ("sysop",), d(2024, 3, 4)),
        Editor("Keskiyö", "sysop", ("interface-admin", "sysop"), d(2024, 3, 6)),
        Editor("Vigilant Vera", "patroller", ("rollbacker",), d(2024, 3, 12)),
        Editor("Oleander", "patroller", ("rollbacker",), d(2024, 5, 2)),
        Editor("Brackenwood", "core", (), d(2024, 3, 1, 10), weight=3.0),
        Editor("Fennimore", "core", (), d(2024, 3, 5), weight=2.0),
        Editor("Ana Lucía Quispe", "core", (), d(2024, 3, 9), weight=2.0),
        Editor("RiverRat42", "core", (), d(2024, 3, 20), weight=1.5),
        Editor("Zarnitsa", "core", (), d(2024, 4, 2), weight=1.5),
        Editor("Tom & Jerry fan", "core", (), d(2024, 4, 15), weight=1.0),
        Editor("Wendwatcher", "core", (), d(2024, 3, 3), weight=2.0),
        Editor("Moth in the lamp", "core", (), d(2024, 7, 1), weight=1.0),
        Editor("SampleBot", "bot", ("bot",), registration=d(2024, 3, 2, 14, 5, 9)),
        Editor("ArchiverBot", "bot", ("bot",), registration=d(2024, 3, 4, 11, 40, 2)),
        # In the bot group without a bot-like name: only group membership tells it is a bot.
        Editor("Tidy helper", "bot", ("bot",), registration=d(2024, 3, 5, 7, 12, 55)),
        Editor("JakeMillerStinks", "vandal", (), d(2024, 5, 10)),
        Editor("Lolcat2024", "vandal", (), d(2024, 9, 3)),
        Editor("Quiet reader", "reader", (), registration=d(2024, 8, 14, 19, 3, 44)),
    ]
    # New editors arrive one after another, so that "first edit" months differ.
    newcomers = [("Heron Quill", (2024, 4)), ("Petra Nováková", (2024, 6)), ("Dunmere Dan", (2024, 8)),
                 ("Sofía Ramírez", (2024, 10)), ("Lanternlight", (2024, 12)), ("Kofi Asante", (2025, 2)),
                 ("Wren Calloway", (2025, 4)), ("北風", (2025, 7)), ("Мария Ш.", (2025, 9)),
                 ("Noor Al-Hashimi", (2025, 11))]
    for name, (y, m) in newcomers:
        eds.append(Editor(name, "new", (), d(y, m, 3)))
    for ip in ["192.0.2.17", "192.0.2.145", "198.51.100.23", "198.51.100.77", "203.0.113.5", "203.0.113.199",
               "192.0.2.88", "2001:DB8:85A3:0:0:8A2E:370:7334", "2001:DB8:1F70:999:DE8:7648:6E8:1",
               "2001:DB8:ACAD:10:0:0:0:2"]:
        eds.append(Editor(ip, "ip"))
    for name in ["~2025-31415-92", "~2025-65358-97", "~2025-93238-46", "~2025-26433-83", "~2025-27950-28",
                 "~2025-84197-16", "~2025-93993-75"]:
        eds.append(Editor(name, "temp", (), TEMP_ACCOUNTS_FROM))
    return eds


class Cast:
    """Chooses who makes an edit of a given role at a given time."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.editors = _editors()
        self.by_name = {e.name: e for e in self.editors}

    def _weighted(self, pool: list[Editor], ts: datetime) -> Editor:
        weights = []
        for e in pool:
            w = e.weight
            # Newcomers are most active in their first weeks.
            if e.kind == "new" and ts - e.active_from < timedelta(days=45):
                w *= 6
            weights.append(w)
        return self.rng.choices(pool, weights)[0]

    def _active(self, kinds: tuple[str, ...], ts: datetime) -> list[Editor]:
        return [e for e in self.editors if e.kind in kinds and e.active_from <= ts]

    def anonymous(self, ts: datetime) -> Editor:
        """An IP before temporary accounts were switched on, a temporary account after."""
        if ts < TEMP_ACCOUNTS_FROM:
            return self.rng.choice(self._active(("ip",), ts))
        return self.rng.choice(self._active(("temp",), ts))

    def pick(self, role: str, ts: datetime) -> Editor:
        """An editor for one of the roles the planners use."""
        rng = self.rng
        if role == "bot:accessdate" or role == "interlang-bot":
            return self.by_name["SampleBot"]
        if role == "bot:archive":
            return self.by_name["ArchiverBot"]
        if role == "tidy":
            return self.by_name["Tidy helper"]
        if role in ("protect", "sysop"):
            return rng.choice(self._active(("sysop",), ts))
        if role == "revert":
            return self._weighted(self._active(("patroller", "sysop", "core"), ts), ts)
        if role == "maint":
            return rng.choice(self._active(("patroller", "sysop", "core"), ts))
        if role == "category":
            pool = self._active(("core",), ts)
            return self.by_name["Fennimore"] if rng.random() < 0.6 else self._weighted(pool, ts)
        if role == "vandal":
            vandals = self._active(("vandal",), ts)
            if vandals and rng.random() < 0.18:
                return rng.choice(vandals)
            return self.anonymous(ts)
        if role == "create":
            return self._weighted(self._active(("core", "new", "sysop"), ts), ts)
        if role in ("content", "copyedit", "update", "interlang", "discussion"):
            r = rng.random()
            anon_share = {"content": 0.14, "copyedit": 0.3, "update": 0.25, "interlang": 0.0,
                          "discussion": 0.2}[role]
            if r < anon_share:
                return self.anonymous(ts)
            return self._weighted(self._active(("core", "new", "sysop", "patroller"), ts), ts)
        if role == "core":
            return self._weighted(self._active(("core", "sysop"), ts), ts)
        raise ValueError(role)
