"""Newcomer cohorts and article survival, with the definitions of docs/metrics.md.

Plain functions over the editor histories of transforms/indices/editor_activity.py (which keep each editor's
first 60 days of edits, first 100 edit timestamps and article creations) and over `page_events` rows:
1. `newcomer_contribution(history, first_month_row)`: one newcomer's additive part of its cohort (the month
   of its first edit); `cohort_rows` turns a month's summed parts into a `newcomer_cohorts` row.
2. `creations_of(history)`: each article the editor created, with the creator's experience bucket;
   `survival_outcome(created, events)` says whether the article counts and whether it was deleted 30 days
   later; `survival_contribution` and `survival_rows` make the `article_survival` rows.
"""
from __future__ import annotations

import bisect
from typing import Iterable

from transforms.indices.editor_activity import (
    DAY,
    FIRST_WINDOW,
    PUBLIC_MIN_ACTIVE_EDITORS,
    SECOND_WINDOW,
    EditorHistory,
    editor_type,
    month_end,
    month_of,
    round_up,
)

SURVIVAL_WINDOW = 30 * DAY
# Edits of the creator saved before the article's first revision: bucket lower bounds and labels.
EXPERIENCE_BUCKETS = ((0, "0"), (1, "1-9"), (10, "10-99"), (100, "100+"))
COHORT_COUNTS = ("newcomers", "edits_first_day", "edits_first_7_days", "edits_first_30_days",
                 "reverted_48h_edits_first_30_days", "articles_created_first_30_days", "active_second_month")
FIRST_30_DAYS_COUNTS = COHORT_COUNTS[1:6]


def experience_bucket(prior_edits: int) -> str:
    return next(label for low, label in reversed(EXPERIENCE_BUCKETS) if prior_edits >= low)


# ---------------------------------------------------------------------------------------------------
# 1. Newcomer cohorts


def newcomer_contribution(history: EditorHistory, first_month_row: dict) -> tuple[str, dict] | None:
    """(month of the first edit, counts) of a newcomer: an account of type `user` (registered, not temporary,
    not a bot) in the month of its first edit on the wiki; None for other editors."""
    if editor_type(first_month_row) != "user":
        return None
    first = history.first_edit
    counts = dict.fromkeys(COHORT_COUNTS, 0)
    counts["newcomers"] = 1
    for timestamp, reverted_48h, article in history.early:  # the edits of the first 60 days, in time order
        age = timestamp - first
        if age < FIRST_WINDOW:
            counts["edits_first_day"] += age < DAY
            counts["edits_first_7_days"] += age < 7 * DAY
            counts["edits_first_30_days"] += 1
            counts["reverted_48h_edits_first_30_days"] += reverted_48h
            counts["articles_created_first_30_days"] += article
        elif age < SECOND_WINDOW:
            counts["active_second_month"] = 1
    return month_of(first), counts


def cohort_rows(month: str, counts: dict, cutoff: int, *, public: bool) -> list[dict]:
    """The `newcomer_cohorts` row of one wiki and month (none under the public threshold).

    Counts of the first 30 days are reported once the last newcomer's 30 days are over at `cutoff` (the
    snapshot), second-month activity once its 60 days are; before that they are null.
    """
    if public and counts["newcomers"] < PUBLIC_MIN_ACTIVE_EDITORS:
        return []
    first_done = month_end(month) + FIRST_WINDOW <= cutoff
    second_done = month_end(month) + SECOND_WINDOW <= cutoff
    shown = round_up if public else int
    row = {"time_bucket": month, "newcomers": shown(counts["newcomers"])}
    for name in FIRST_30_DAYS_COUNTS:
        row[name] = shown(counts[name]) if first_done else None
    row["active_second_month"] = shown(counts["active_second_month"]) if second_done else None
    # Rates from the exact counts, so that public rounding does not distort them.
    edits = counts["edits_first_30_days"]
    row["reverted_48h_share_first_30_days"] = counts["reverted_48h_edits_first_30_days"] / edits \
        if first_done and edits else None
    row["second_month_retention"] = counts["active_second_month"] / counts["newcomers"] if second_done else None
    return [row]


# ---------------------------------------------------------------------------------------------------
# 2. Article survival


def creations_of(history: EditorHistory) -> list[tuple[int, int, str]]:
    """(page_id, creation timestamp, experience bucket) of each article the editor created: the bucket of the
    creator's edits on the wiki saved before the article's first revision (first_edits holds the first 100)."""
    return [(page_id, created, experience_bucket(bisect.bisect_left(history.first_edits, created)))
            for created, page_id in history.creations]


def survival_outcome(created: int, events: Iterable[tuple[int, str, bool | None]]) -> tuple[bool, bool]:
    """(is an article, deleted 30 days after creation) of a page created at `created`.

    Args:
        created: epoch seconds of the page's first revision.
        events: the page's `page_events` as (epoch seconds, event_type, page_is_redirect).

    A page whose earliest create event says it was a redirect is no article. The page is deleted 30 days
    later when, of its deletions and restorations from its creation to creation + 30 days, the last is a
    deletion: deleted and restored within the window, it survives.
    """
    events = sorted(events, key=lambda event: (event[0], event[1] == "restore"))
    creates = [event for event in events if event[1] == "create"]
    if creates and creates[0][2]:
        return False, False
    deleted = False
    for timestamp, event_type, _ in events:
        if created <= timestamp <= created + SURVIVAL_WINDOW and event_type in ("delete", "restore"):
            deleted = event_type == "delete"
    return True, deleted


def survival_contribution(created: int, bucket: str, creator, deleted: bool) -> tuple[tuple[str, str], dict]:
    """((month of creation, experience bucket), counts) of one article."""
    return (month_of(created), bucket), {"articles_created": 1, "articles_deleted": int(deleted),
                                         "creators": {creator}}


def add_survival(total: dict, counts: dict) -> dict:
    for name, value in counts.items():
        if name == "creators":
            total.setdefault(name, set()).update(value)
        else:
            total[name] = total.get(name, 0) + value
    return total


def survival_rows(month: str, bucket: str, counts: dict, cutoff: int, *, public: bool) -> list[dict]:
    """The `article_survival` row of one wiki, month and experience bucket (none under the public threshold).

    Surviving and deleted articles are reported once the 30 days of the month's last article are over at
    `cutoff` (the snapshot); then articles_created = articles_surviving + articles_deleted.
    """
    creators = len(counts["creators"])
    if public and creators < PUBLIC_MIN_ACTIVE_EDITORS:
        return []
    created, deleted = counts["articles_created"], counts["articles_deleted"]
    done = month_end(month) + SURVIVAL_WINDOW <= cutoff
    return [{"time_bucket": month, "creator_experience": bucket, "creators": creators, "articles_created": created,
             "articles_surviving": created - deleted if done else None, "articles_deleted": deleted if done else None,
             "survival_rate": (created - deleted) / created if done else None}]


def page_events_of(batch) -> Iterable[tuple[int, tuple[int, str, bool | None]]]:
    """(page_id, (event_timestamp in seconds, event_type, page_is_redirect)) of each row of a `page_events`
    record batch that names its page: what article survival reads of a page's history."""
    timestamps = batch.column("event_timestamp").cast("int64").to_pylist()
    for page_id, timestamp, event_type, redirect in zip(batch.column("page_id").to_pylist(), timestamps,
                                                        batch.column("event_type").to_pylist(),
                                                        batch.column("page_is_redirect").to_pylist()):
        if page_id is not None:
            yield page_id, (timestamp, event_type, redirect)
