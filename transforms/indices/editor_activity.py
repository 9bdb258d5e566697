"""Editor months and the editor-activity index, with Wikimedia's definitions (docs/metrics.md).

Plain functions over plain values, in the order the pipeline uses them:
1. `summarise_revisions(columns, content_namespaces)`: one batch of `revisions` -> partial
   `EditorHistory` per editor (an editor's edits by month, plus the timestamps of its first 60 days);
   `merge_histories` combines partials, so memory follows editors and months, not revisions.
2. `user_infos(event_rows, snapshot_end)`: registration and bot-group months per account, from the
   `events` dataset's user events.
3. `editor_month_rows(history, info, snapshot)`: the `editor_months` rows of one editor.
4. `cell_contributions(row, ...)` and `IndexCell`: the additive pieces of the index per wiki and month;
   `index_rows` turns the summed cells into `editor_activity` rows, applying WMF's public thresholds when asked.
"""
from __future__ import annotations

import bisect
import calendar
import math
import re
import time
from dataclasses import dataclass, field
from typing import Iterable, Iterator

BOT_NAME = re.compile(r"(?i)^.*bot([^a-z].*$|$)")
DAY = 86_400
FIRST_WINDOW = 30 * DAY
SECOND_WINDOW = 60 * DAY
ACTIVE_CONTENT_EDITS = 5
VERY_ACTIVE_CONTENT_EDITS = 100
ACTIVITY_LEVELS = ((1, "1-4"), (5, "5-24"), (25, "25-99"), (100, "100+"))
ALL_WIKIS = "all"
PUBLIC_MIN_ACTIVE_EDITORS = 3
PUBLIC_ROUNDING = 10
REVERT_WINDOW = 172_800  # 48 hours: an edit reverted later than this still counts as constructive
EXPERIENCE_CAP = 100  # edits before an article's creation are counted up to the last bucket's start (100+)
REVISION_COLUMNS = ("page_namespace", "revision_timestamp", "user_id", "user_text", "user_is_anonymous",
                    "user_is_temporary", "user_is_deleted", "user_groups", "revision_is_identity_reverted",
                    "revision_seconds_to_identity_revert", "page_id", "revision_parent_id", "revision_is_redirect")


def month_of(timestamp: int) -> str:
    """YYYY-MM of an epoch-seconds timestamp (UTC)."""
    tm = time.gmtime(timestamp)
    return f"{tm.tm_year:04d}-{tm.tm_mon:02d}"


def month_end(month: str) -> int:
    """Epoch seconds of the first instant after the month."""
    year, number = int(month[:4]), int(month[5:7])
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return calendar.timegm((year, number, 1, 0, 0, 0))


def activity_level(edits: int) -> str:
    return next(label for low, label in reversed(ACTIVITY_LEVELS) if edits >= low)


def round_up(count: int, step: int = PUBLIC_ROUNDING) -> int:
    return int(math.ceil(count / step) * step)


def reverted_within_48_hours(reverted: bool, seconds_to_revert: int | None) -> bool:
    """Wikimedia's rule for constructive edits: identity-reverted, at most 172,800 s after the edit."""
    return bool(reverted) and seconds_to_revert is not None and seconds_to_revert <= REVERT_WINDOW


# ---------------------------------------------------------------------------------------------------
# 1. Editor histories from revisions


@dataclass
class MonthTally:
    edits: int = 0
    content_edits: int = 0
    reverted_edits: int = 0
    reverted_48h_edits: int = 0  # identity-reverted within 48 hours (not constructive)
    namespaces: set = field(default_factory=set)
    in_bot_group: bool = False  # an edit of the month carried the bot group (event dumps)


@dataclass
class EditorHistory:
    """One editor's edits on one wiki, by month; its first 60 days of editing as (timestamp, reverted within
    48 hours, creates an article) tuples; the timestamps of its first 100 edits (experience at an article's
    creation); the (timestamp, page_id) of each article it created (first revision of a content page)."""

    user_id: int | None
    user_text: str
    user_text_at: int
    anonymous: bool
    temporary: bool
    first_edit: int
    months: dict[str, MonthTally] = field(default_factory=dict)
    early: list[tuple] = field(default_factory=list)
    first_edits: list[int] = field(default_factory=list)
    creations: list[tuple[int, int]] = field(default_factory=list)

    def add_edit(self, timestamp: int, namespace: int, content: bool, reverted: bool, bot_group: bool,
                 user_text: str, reverted_48h: bool = False, created_page: int | None = None) -> None:
        tally = self.months.get(month_of(timestamp))
        if tally is None:
            tally = self.months[month_of(timestamp)] = MonthTally()
        tally.edits += 1
        tally.content_edits += content
        tally.reverted_edits += reverted
        tally.reverted_48h_edits += reverted_48h
        tally.namespaces.add(namespace)
        tally.in_bot_group |= bot_group
        if timestamp > self.user_text_at:
            self.user_text, self.user_text_at = user_text, timestamp
        if timestamp < self.first_edit:
            self.first_edit = timestamp
        article = content and created_page is not None
        self.early.append((timestamp, reverted_48h, article))
        self.first_edits.append(timestamp)
        if article:
            self.creations.append((timestamp, created_page))


def merge_histories(histories: Iterable[EditorHistory]) -> EditorHistory | None:
    """One history from partial ones of the same editor; keeps only the first 60 days' timestamps."""
    merged = None
    for history in histories:
        if merged is None:
            merged = EditorHistory(history.user_id, history.user_text, history.user_text_at, history.anonymous,
                                   history.temporary, history.first_edit, {}, [], [], [])
        elif history.user_text_at > merged.user_text_at:
            merged.user_text, merged.user_text_at = history.user_text, history.user_text_at
        merged.first_edit = min(merged.first_edit, history.first_edit)
        for month, tally in history.months.items():
            mine = merged.months.setdefault(month, MonthTally())
            mine.edits += tally.edits
            mine.content_edits += tally.content_edits
            mine.reverted_edits += tally.reverted_edits
            mine.reverted_48h_edits += tally.reverted_48h_edits
            mine.namespaces |= tally.namespaces
            mine.in_bot_group |= tally.in_bot_group
        merged.early.extend(history.early)
        merged.first_edits.extend(history.first_edits)
        merged.creations.extend(history.creations)
    if merged is not None:
        trim_early(merged)
    return merged


def trim_early(history: EditorHistory) -> None:
    # Registration is never after the first edit, so edits past first edit + 60 days never count.
    limit = history.first_edit + SECOND_WINDOW
    history.early = sorted(edit for edit in history.early if edit[0] < limit)
    history.first_edits = sorted(history.first_edits)[:EXPERIENCE_CAP]


def editor_key(wiki_db: str, snapshot: str, user_id: int | None, user_text: str) -> tuple:
    """Accounts by id; IP editors (and accounts a dump gives no id for) by name."""
    return (wiki_db, snapshot, user_id) if user_id is not None else (wiki_db, snapshot, "name:" + user_text)


def summarise_revisions(wiki_db: str, snapshot: str, columns: dict[str, list], content_namespaces: frozenset
                        ) -> tuple[dict[tuple, EditorHistory], int]:
    """Partial histories of the editors of one batch of `revisions` (columns as lists, timestamps as
    epoch seconds), and the number of edits whose contributor is hidden (not attributable)."""
    histories: dict[tuple, EditorHistory] = {}
    hidden = 0
    for namespace, timestamp, user_id, user_text, anonymous, temporary, deleted, groups, reverted, seconds, page_id, \
            parent_id, redirect in zip(*(columns[name] for name in REVISION_COLUMNS)):
        if deleted or user_text is None:
            hidden += 1
            continue
        key = editor_key(wiki_db, snapshot, user_id, user_text)
        history = histories.get(key)
        if history is None:
            history = histories[key] = EditorHistory(user_id, user_text, timestamp, anonymous, temporary, timestamp)
        # A page's first revision (no parent) creates it, an article unless it is a redirect; without a page id
        # it cannot be followed to a deletion.
        history.add_edit(timestamp, namespace, namespace in content_namespaces, bool(reverted),
                         bool(groups) and "bot" in groups, user_text, reverted_within_48_hours(reverted, seconds),
                         page_id if parent_id is None and not redirect else None)
    for history in histories.values():
        trim_early(history)
    return histories, hidden


# ---------------------------------------------------------------------------------------------------
# 2. Accounts from user events


@dataclass
class UserInfo:
    """What user events say about an account: when it was created, the months it was in the bot group."""

    registration: int | None = None
    bot_months: frozenset = frozenset()
    bot_at_snapshot: bool = False


def user_info(events: Iterable[dict], snapshot_end: int) -> UserInfo:
    """From one account's user events (event_type, event_timestamp as epoch seconds, user_groups)."""
    creations = [e["event_timestamp"] for e in events if e["event_type"] == "create"]
    changes = sorted((e["event_timestamp"], e["user_groups"]) for e in events
                     if e["event_type"] in ("create", "altergroups") and e["user_groups"] is not None)
    months = set()
    bot_since = None
    for timestamp, groups in changes + [(snapshot_end, None)]:
        is_bot = groups is not None and "bot" in groups
        if bot_since is not None and not is_bot:
            months.update(_months_between(bot_since, timestamp))
            bot_since = None
        elif bot_since is None and is_bot:
            bot_since = timestamp
    bot_now = bool(changes) and "bot" in (changes[-1][1] or ())
    return UserInfo(min(creations) if creations else None, frozenset(months), bot_now)


def _months_between(start: int, end: int) -> set[str]:
    months, at = set(), start
    while at < max(end, start + 1):
        months.add(month_of(at))
        at = month_end(month_of(at))
    return months


def snapshot_end(snapshot: str) -> int:
    """Epoch seconds of a YYYYMMDD snapshot (the dump's cut-off, 00:00 UTC)."""
    return calendar.timegm((int(snapshot[:4]), int(snapshot[4:6]), int(snapshot[6:8]), 0, 0, 0))


# ---------------------------------------------------------------------------------------------------
# 3. Editor months


def editor_month_rows(history: EditorHistory, info: UserInfo | None) -> list[dict]:
    """The editor's `editor_months` rows (file columns plus wiki-independent fields), by month."""
    info = info or UserInfo()
    registered = not history.anonymous
    name_bot = registered and BOT_NAME.match(history.user_text) is not None
    registration = first_30 = days_30_60 = is_first_edit = None
    if registered:
        is_first_edit = info.registration is None
        registration = history.first_edit if is_first_edit else info.registration
        first_30 = bisect.bisect_left(history.early, (registration + FIRST_WINDOW,))
        days_30_60 = bisect.bisect_left(history.early, (registration + SECOND_WINDOW,)) - first_30
    rows = []
    for month in sorted(history.months):
        tally = history.months[month]
        bot_by = []
        if name_bot:
            bot_by.append("name")
        if registered and (tally.in_bot_group or info.bot_at_snapshot or month in info.bot_months):
            bot_by.append("group")
        rows.append({
            "month": month, "user_id": history.user_id, "user_text": history.user_text,
            "user_is_anonymous": history.anonymous, "user_is_temporary": history.temporary, "user_is_bot_by": bot_by,
            "edits": tally.edits, "content_edits": tally.content_edits,
            "identity_reverted_edits": tally.reverted_edits, "identity_reverted_48h_edits": tally.reverted_48h_edits,
            "namespaces_edited": sorted(tally.namespaces),
            "first_edit_timestamp": history.first_edit, "registration_timestamp": registration,
            "registration_is_first_edit": is_first_edit, "edits_first_30_days": first_30,
            "edits_days_30_to_60": days_30_60,
        })
    return rows


def editor_type(row: dict) -> str:
    """anonymous (IP editors and temporary accounts), group_bot, name_bot, user: in that precedence."""
    if row["user_is_anonymous"] or row["user_is_temporary"]:
        return "anonymous"
    if "group" in row["user_is_bot_by"]:
        return "group_bot"
    if "name" in row["user_is_bot_by"]:
        return "name_bot"
    return "user"


def merge_across_wikis(rows: Iterable[dict]) -> dict:
    """One editor month of a user name over every wiki (WMF's global rule): counts summed, bot if a bot
    anywhere, registration the earliest."""
    rows = list(rows)
    merged = dict(rows[0])
    for name in ("edits", "content_edits", "identity_reverted_edits", "identity_reverted_48h_edits"):
        merged[name] = sum(r[name] for r in rows)
    merged["user_is_bot_by"] = sorted({reason for r in rows for reason in r["user_is_bot_by"]}, reverse=True)
    merged["namespaces_edited"] = sorted({ns for r in rows for ns in r["namespaces_edited"]})
    registrations = [r["registration_timestamp"] for r in rows if r["registration_timestamp"] is not None]
    merged["registration_timestamp"] = min(registrations) if registrations else None
    merged["user_is_temporary"] = all(r["user_is_temporary"] for r in rows)
    return merged


# ---------------------------------------------------------------------------------------------------
# 4. The index

COUNTS = ("editors", "edits", "content_edits", "non_content_edits", "constructive_edits", "active_editors",
          "very_active_editors", "new_active_editors", "returning_active_editors", "non_bot_edits",
          "identity_reverted_non_bot_edits", "new_editors", "retained_new_editors", "retained_editors")
BREAKDOWN = COUNTS[:5]  # the counts of every row; the others only the summary row of a month fills
# Columns only the summary row of a month (editor_type and activity_level null) fills; null in breakdown rows.
SUMMARY_ONLY = COUNTS[5:] + ("revert_rate", "new_editor_retention")


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def cell_contributions(row: dict, edited_previous_month: bool = False) -> Iterator[tuple[tuple, dict]]:
    """((editor_type, activity_level), counts) of one editor month, for its summary, type and level cells.

    Args:
        row: the editor month.
        edited_previous_month: whether the editor also edited in the month before (retained editors).
    """
    kind = editor_type(row)
    # Constructive edits: non-bot edits not identity-reverted within 48 hours.
    constructive = 0 if row["user_is_bot_by"] else row["edits"] - row["identity_reverted_48h_edits"]
    base = {"editors": 1, "edits": row["edits"], "content_edits": row["content_edits"],
            "non_content_edits": row["edits"] - row["content_edits"], "constructive_edits": constructive}
    summary = dict(base)
    if edited_previous_month and not row["user_is_anonymous"] and not row["user_is_temporary"]:
        summary["retained_editors"] = 1
    if kind == "user" and row["content_edits"] >= ACTIVE_CONTENT_EDITS:
        new = month_of(row["registration_timestamp"]) == row["month"]
        summary.update(active_editors=1, very_active_editors=int(row["content_edits"] >= VERY_ACTIVE_CONTENT_EDITS),
                       new_active_editors=int(new), returning_active_editors=int(not new))
    if not row["user_is_bot_by"]:
        summary.update(non_bot_edits=row["edits"], identity_reverted_non_bot_edits=row["identity_reverted_edits"])
    yield (None, None), summary
    yield (kind, None), base
    yield (kind, activity_level(row["edits"])), base


def cohort_contribution(row: dict) -> tuple[str, dict] | None:
    """(registration month, counts) for new_editors: permanent accounts with an edit in their first 30 days.
    Call once per account (any of its rows)."""
    if row["user_is_anonymous"] or row["user_is_temporary"] or not row["edits_first_30_days"]:
        return None
    return month_of(row["registration_timestamp"]), {"new_editors": 1,
                                                      "retained_new_editors": int(row["edits_days_30_to_60"] > 0)}


def add_counts(total: dict, counts: dict) -> dict:
    for name, value in counts.items():
        total[name] = total.get(name, 0) + value
    return total


def index_rows(month: str, cells: dict[tuple, dict], cutoff: int, *, public: bool, cross_wiki: bool = False
               ) -> list[dict]:
    """`editor_activity` rows of one wiki and month from its summed cells.

    Args:
        month: YYYY-MM.
        cells: (editor_type, activity_level) -> summed counts; (None, None) is the summary.
        cutoff: the snapshot's epoch seconds: a cohort is reported once its last account's 60 days are over.
        public: apply WMF's public thresholds (counts rounded up to tens, summary rows with fewer than 3
            active editors and breakdown rows with fewer than 3 editors dropped).
        cross_wiki: the `all` total, which reports no new-editor cohorts (they are per wiki).
    """
    rows = []
    cohort_complete = month_end(month) + SECOND_WINDOW <= cutoff and not cross_wiki
    for (kind, level), counts in sorted(cells.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")):
        summary = kind is None
        row = {"time_bucket": month, "editor_type": kind, "activity_level": level, **dict.fromkeys(SUMMARY_ONLY)}
        row.update({name: counts.get(name, 0) for name in BREAKDOWN})
        if summary:
            row.update({name: counts.get(name, 0) for name in COUNTS[5:11]})
            row["new_editors"] = counts.get("new_editors", 0) if cohort_complete else None
            row["retained_new_editors"] = counts.get("retained_new_editors", 0) if cohort_complete else None
            # Retention from one month to the next is per wiki: the cross-wiki total has none.
            row["retained_editors"] = None if cross_wiki else counts.get("retained_editors", 0)
        if public:
            if (row["active_editors"] if summary else row["editors"]) < PUBLIC_MIN_ACTIVE_EDITORS:
                continue
            for name in COUNTS:
                if row.get(name) is not None:
                    row[name] = round_up(row[name])
        if summary:
            # Rates from the exact counts, so rounding does not distort them.
            non_bot = counts.get("non_bot_edits", 0)
            row["revert_rate"] = counts.get("identity_reverted_non_bot_edits", 0) / non_bot if non_bot else None
            new = counts.get("new_editors", 0)
            row["new_editor_retention"] = (counts.get("retained_new_editors", 0) / new
                                           if cohort_complete and new else None)
        rows.append(row)
    return rows
