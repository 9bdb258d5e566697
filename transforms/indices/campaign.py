"""Campaign figures: what a list of participants did on a wiki during an editing campaign (docs/metrics.md).

Plain functions over plain values, in the order the campaign job uses them:
1. Who takes part: `read_participants(text)` (a participants file), `category_members(rows, category)` (users
   whose user page is in a category, from `links` rows), `linked_pages(rows, title)` and `editors_of(...)`
   (everyone who edited, during the campaign, a page an event page links to).
2. `summarise_participants(columns, participants, window, content)`: one batch of `revisions` -> partial
   `Participation` per participant who edited; `merge_participations` combines partials.
3. `participant_row(participation, surviving, window, cutoff)`: a `campaign_participants` row;
   `summary_row(rows, listed, window, cutoff)`: the `campaign_summary` row of the wiki.
Articles are followed to their deletions as article survival does (transforms/indices/newcomers.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from transforms.common.timestamps import parse_timestamp
from transforms.indices.editor_activity import (
    PUBLIC_MIN_ACTIVE_EDITORS,
    SECOND_WINDOW,
    reverted_within_48_hours,
    round_up,
)
from transforms.indices.newcomers import SURVIVAL_WINDOW

LATER_START = 30 * 86_400  # "edited again": from 30 to before 60 days after the campaign's end
REVISION_COLUMNS = ("page_id", "page_namespace", "revision_parent_id", "revision_timestamp", "user_id", "user_text",
                    "user_is_deleted", "revision_text_bytes_diff", "revision_is_identity_reverted",
                    "revision_seconds_to_identity_revert", "revision_is_redirect")
# Counts that --privacy public rounds up to tens in participant rows and the summary.
PARTICIPANT_COUNTS = ("edits", "content_edits", "bytes_added", "bytes_removed", "articles_created",
                      "articles_surviving", "reverted_48h_edits")


def normalise_name(name: str) -> str:
    """A user name as MediaWiki stores it: spaces for underscores, trimmed, first letter upper-case."""
    name = " ".join(name.replace("_", " ").split())
    return name[:1].upper() + name[1:]


def read_participants(text: str) -> frozenset[str]:
    """The user names of a participants file: one per line; blank lines and lines starting with # skipped;
    a leading `User:` is dropped."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("user:"):
            line = line[5:]
        names.add(normalise_name(line))
    return frozenset(names)


USER_NAMESPACE = 2
LINK_COLUMNS = ("page_namespace", "page_title", "link_type", "target", "target_namespace")
PAGE_COLUMNS = ("page_namespace", "page_title", "revision_timestamp", "user_text", "user_is_deleted")


def as_title(name: str) -> str:
    """A title as the datasets write it: underscores for spaces, first letter upper-case."""
    return normalise_name(name).replace(" ", "_")


def category_members(rows: Iterable[dict], category: str) -> Iterator[str]:
    """User names whose user page (or a subpage of it) is in `category`, from `links` rows (LINK_COLUMNS)."""
    wanted = as_title(category[9:] if category.lower().startswith("category:") else category)
    for row in rows:
        if row["page_namespace"] == USER_NAMESPACE and row["link_type"] == "category" and row["target"] == wanted:
            yield normalise_name(row["page_title"].split("/", 1)[0])


def linked_pages(rows: Iterable[dict], title: str) -> Iterator[tuple[int, str]]:
    """(namespace, title) of the wiki pages the page(s) titled `title` (any namespace) link to."""
    wanted = as_title(title)
    for row in rows:
        if row["page_title"] == wanted and row["link_type"] == "wikilink" and row["target_namespace"] is not None:
            yield row["target_namespace"], row["target"]


def editors_of(columns: dict[str, list], pages: frozenset, window: Window) -> set[str]:
    """Names of the editors who saved, during the campaign, a revision of one of `pages` (namespace, title)."""
    return {user_text for namespace, title, timestamp, user_text, hidden in zip(
        *(columns[name] for name in PAGE_COLUMNS))
        if not hidden and user_text and timestamp in window and (namespace, title) in pages}


def to_seconds(value: str) -> int:
    """Epoch seconds of `YYYY-MM-DD` (00:00 UTC) or `YYYY-MM-DDTHH:MM:SSZ` (ValueError otherwise)."""
    return parse_timestamp(value + "T00:00:00Z" if len(value) == 10 else value)


@dataclass(frozen=True)
class Window:
    """The campaign: edits saved from `start` to before `end` (epoch seconds)."""

    start: int
    end: int

    def __contains__(self, timestamp: int) -> bool:
        return self.start <= timestamp < self.end


@dataclass
class Participation:
    """One participant's edits: the campaign's, its first edit on the wiki, whether it edited 30-60 days after."""

    user_text: str
    user_id: int | None = None
    first_edit: int | None = None
    edits: int = 0
    content_edits: int = 0
    bytes_added: int = 0
    bytes_removed: int = 0
    reverted_48h_edits: int = 0
    edited_later: bool = False
    creations: list[tuple[int, int]] = field(default_factory=list)  # (page_id, timestamp) of articles created


def summarise_participants(columns: dict[str, list], participants: frozenset[str], window: Window,
                           content: frozenset) -> dict[str, Participation]:
    """Partial participations of the participants who saved a revision of this batch (any time)."""
    out: dict[str, Participation] = {}
    later = (window.end + LATER_START, window.end + SECOND_WINDOW)
    for page_id, namespace, parent_id, timestamp, user_id, user_text, hidden, diff, reverted, seconds, redirect in zip(
            *(columns[name] for name in REVISION_COLUMNS)):
        if hidden or user_text not in participants:
            continue
        item = out.get(user_text)
        if item is None:
            item = out[user_text] = Participation(user_text)
        item.user_id = user_id if user_id is not None else item.user_id
        item.first_edit = timestamp if item.first_edit is None else min(item.first_edit, timestamp)
        item.edited_later |= later[0] <= timestamp < later[1]
        if timestamp not in window:
            continue
        item.edits += 1
        item.content_edits += namespace in content
        item.bytes_added += max(diff or 0, 0)
        item.bytes_removed += max(-(diff or 0), 0)
        item.reverted_48h_edits += reverted_within_48_hours(reverted, seconds)
        if parent_id is None and page_id is not None and namespace in content and not redirect:
            item.creations.append((page_id, timestamp))
    return out


def merge_participations(items: Iterable[Participation]) -> Participation:
    merged = None
    for item in items:
        if merged is None:
            merged = Participation(item.user_text)
        merged.user_id = item.user_id if item.user_id is not None else merged.user_id
        if item.first_edit is not None:
            merged.first_edit = item.first_edit if merged.first_edit is None else min(merged.first_edit, item.first_edit)
        for name in ("edits", "content_edits", "bytes_added", "bytes_removed", "reverted_48h_edits"):
            setattr(merged, name, getattr(merged, name) + getattr(item, name))
        merged.edited_later |= item.edited_later
        merged.creations.extend(item.creations)
    return merged


def participant_row(item: Participation, surviving: int | None, window: Window, cutoff: int) -> dict:
    """The `campaign_participants` row of one participant who edited the wiki (at any time).

    Args:
        surviving: of its articles, those not deleted 30 days after creation; None without page events.
        cutoff: the snapshot (epoch seconds): figures whose window is not over there are null.
    """
    survival_known = surviving is not None and window.end + SURVIVAL_WINDOW <= cutoff
    return {
        "user_text": item.user_text, "user_id": item.user_id, "edits": item.edits,
        "content_edits": item.content_edits, "bytes_added": item.bytes_added, "bytes_removed": item.bytes_removed,
        "articles_created": len(item.creations), "articles_surviving": surviving if survival_known else None,
        "reverted_48h_edits": item.reverted_48h_edits,
        "reverted_48h_share": item.reverted_48h_edits / item.edits if item.edits else None,
        "is_new": item.first_edit is not None and item.first_edit in window,
        "edited_30_to_60_days_after": item.edited_later if window.end + SECOND_WINDOW <= cutoff else None,
    }


def summary_row(rows: list[dict], listed: int, window: Window, cutoff: int) -> dict:
    """The `campaign_summary` row of one wiki from its exact participant rows."""
    active = [r for r in rows if r["edits"]]
    row = {"participants_listed": listed, "participants_active": len(active),
           "new_participants": sum(r["is_new"] for r in active)}
    for name in PARTICIPANT_COUNTS:
        values = [r[name] for r in active]
        row[name] = None if None in values else sum(values)
    row["reverted_48h_share"] = row["reverted_48h_edits"] / row["edits"] if row["edits"] else None
    later_known = window.end + SECOND_WINDOW <= cutoff
    row["participants_edited_30_to_60_days_after"] = sum(bool(r["edited_30_to_60_days_after"]) for r in active) \
        if later_known else None
    return row


def public_participant(row: dict) -> dict:
    """--privacy public: counts rounded up to tens (rates from the exact counts), as editor_months."""
    row = dict(row)
    for name in PARTICIPANT_COUNTS:
        if row[name] is not None:
            row[name] = round_up(row[name])
    return row


def public_summary(row: dict) -> dict | None:
    """--privacy public: a campaign with fewer than 3 active participants is not published."""
    if row["participants_active"] < PUBLIC_MIN_ACTIVE_EDITORS:
        return None
    return public_participant(row)
