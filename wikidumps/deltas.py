"""Deltas: what changed in a dataset between two snapshots of one wiki, published as Parquet files that an
affiliate applies to a copy of the earlier snapshot to get the later one, row for row.

A delta replaces rows by key: `removed.parquet` lists the keys whose rows the earlier snapshot had and the
later one changed or dropped (one column, the key), `added.parquet` holds every row of the later snapshot
for the keys that changed (the dataset's file schema). Applying is one filter and one append, which any
Parquet reader can do (pyarrow, pandas, Spark, DuckDB):

    later = earlier.filter(~earlier[key].isin(removed[key])) + added

The key is `revision_id` where it names one row in both snapshots (revisions, and the content datasets of one
row per page: a revision added or changed is one row, however long its page's history), else `page_id` (the
content datasets of many rows per page: every row of a page whose rows changed; that is what `run update`
recomputes, transforms/increments/). A dataset with neither has no `removed.parquet`: its delta holds the
whole later partition (`"key": null` in the manifest).

Where deltas are (schemas/layout.py): `<dataset>/_deltas/wiki_db=<db>/<from>-<to>/{removed,added}.parquet`,
listed in the dataset's published `_manifest.json` under `deltas`, each with the snapshots it leads from and
to, its files (rows, bytes, sha256) and the row counts before and after. The name starts with `_`, so a
reader of the dataset's folder never reads a delta as rows. `wikidumps datasets publish --deltas` computes
them from the output's partitions (a snapshot and the one before it, per wiki); `wikidumps datasets download
--since D1` applies them (apply_deltas, below).

Applying never leaves a copy half-way: each delta's files are downloaded and verified (sha256) first, the
later partition is written to a temporary name, its row count checked against the manifest's, renamed into
place, and only then listed in the local `_manifest.json` (written atomically, last). A delta that is missing
or fails to download leaves the copy at its last complete snapshot; a partial file is kept and the next
download resumes it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from schemas.layout import DELTAS, MANIFEST
from wikidumps.stores import (
    StoreError,
    UnsafeManifestError,
    check_dataset_name,
    contained_path,
    read_manifest,
    safe_relative_path,
)
from wikidumps.transfer import Expected, NotFoundError, TransferError, VerificationError, download_verified, file_digests

# Row keys, finest first: a delta's key is the first that both snapshots have (and, but for page_id, unique).
KEYS = ("revision_id", "page_id")
PAGE_KEY = "page_id"
ADDED, REMOVED = "added.parquet", "removed.parquet"
SNAPSHOT = re.compile(r"^[0-9]{8}$")


# ---------------------------------------------------------------------------------------------------
# Computing a delta (the publisher's side)


@dataclass
class DeltaFiles:
    """A delta written to a local folder, before it is copied to a target: its manifest entry, whose
    file paths are relative to the dataset, and where each file is now."""

    entry: dict
    local: dict[str, Path]


def delta_path(wiki_db: str, before: str, after: str) -> str:
    return f"{DELTAS}/wiki_db={wiki_db}/{before}-{after}"


def _partition_table(folder: Path, partition: dict) -> pa.Table:
    files = [str(contained_path(folder, item["path"])) for item in partition["files"]]
    return ds.dataset(files, format="parquet").to_table() if files else pa.table({})


def delta_key(before: pa.Table, after: pa.Table) -> str | None:
    """The column a delta of `before` to `after` replaces rows by (KEYS), or None (the whole partition)."""
    for key in KEYS:
        if key in before.column_names and key in after.column_names and (
                key == PAGE_KEY or (_unique(before, key) and _unique(after, key))):
            return key
    return None


def _rows_by_key(table: pa.Table, key: str) -> dict:
    """key -> the digests of its rows, sorted: two snapshots' rows of a key differ when these differ."""
    found: dict = {}
    for batch in table.to_batches():
        for value, row in zip(batch.column(key).to_pylist(), batch.to_pylist()):
            digest = hashlib.blake2b(repr(sorted(row.items())).encode("utf-8"), digest_size=16).digest()
            found.setdefault(value, []).append(digest)
    for digests in found.values():
        digests.sort()
    return found


def _unique(table: pa.Table, key: str) -> bool:
    return table[key].null_count == 0 and pc.count_distinct(table[key]).as_py() == table.num_rows


def _differs(earlier: pa.ChunkedArray, later: pa.ChunkedArray) -> pa.Array:
    """Row by row, whether two aligned columns differ (two nulls are equal)."""
    if pa.types.is_nested(earlier.type):  # no compute kernel compares lists or structs: Python, this column only
        return pa.array([a != b for a, b in zip(earlier.to_pylist(), later.to_pylist())], pa.bool_())
    same = pc.or_kleene(pc.equal(earlier, later), pc.and_(pc.is_null(earlier), pc.is_null(later)))
    return pc.invert(pc.fill_null(same, False))


def _positions(table: pa.Table, key: str, side: str) -> pa.Table:
    """Each row's key, its place among the rows of that key (in the table's order) and its row number."""
    order = pc.sort_indices(table, sort_keys=[(key, "ascending")])  # stable; nulls last
    keys = table[key].take(order).to_pylist()
    ordinals, previous, count = [], object(), 0
    for value in keys:
        count = count + 1 if value == previous else 0
        previous = value
        ordinals.append(count)
    return pa.table({key: pa.array(keys, table.schema.field(key).type), "ordinal": pa.array(ordinals, pa.int64()),
                     side: order})


def _changed_aligned(before: pa.Table, after: pa.Table, key: str) -> set:
    """The keys whose rows differ, column by column in Arrow: the n-th row of a key in one snapshot is compared
    with the n-th row of that key in the other (a key whose rows only moved is counted as changed: its delta is
    larger than it need be, never wrong). Rows without a partner (a key gone, new, or with more or fewer rows)
    change their key too."""
    pairs = _positions(before, key, "earlier").join(_positions(after, key, "later"), [key, "ordinal"],
                                                    join_type="full outer")
    unmatched = pc.or_(pc.is_null(pairs["earlier"]), pc.is_null(pairs["later"]))
    changed = set(pairs[key].filter(unmatched).to_pylist())
    matched = pairs.filter(pc.invert(unmatched))
    differs = pa.array([False] * matched.num_rows, pa.bool_())
    for name in before.column_names:
        differs = pc.or_(differs, _differs(before[name].take(matched["earlier"]), after[name].take(matched["later"])))
    return changed | set(matched[key].filter(differs).to_pylist())


def changed_keys(before: pa.Table, after: pa.Table, key: str) -> tuple[list, list]:
    """(keys whose earlier rows go, keys whose later rows come): the keys whose rows differ."""
    order = lambda value: (value is None, value or 0)  # noqa: E731 (a null key sorts last)
    if before.schema.equals(after.schema):
        changed = _changed_aligned(before, after, key)
        old_keys, new_keys = set(before[key].to_pylist()), set(after[key].to_pylist())
    else:  # columns of other types (the schema changed between snapshots): whole rows compared in Python
        old, new = _rows_by_key(before, key), _rows_by_key(after, key)
        changed = {value for value in old.keys() | new.keys() if old.get(value) != new.get(value)}
        old_keys, new_keys = set(old), set(new)
    return sorted(changed & old_keys, key=order), sorted(changed & new_keys, key=order)


def key_mask(table: pa.Table, key: str, values: list) -> pa.ChunkedArray:
    """Which rows of `table` have one of `values` in `key` (a null value matches a null key)."""
    return pc.is_in(table.column(key), value_set=pa.array(values, table.schema.field(key).type), skip_nulls=False)


def _write(table: pa.Table, path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return {"rows": table.num_rows, "bytes": path.stat().st_size, "sha256": file_digests(path, ["sha256"])["sha256"]}


def write_delta(folder: Path, dataset: str, before: dict, after: dict, scratch: Path) -> DeltaFiles:
    """The delta from partition `before` to partition `after` (manifest entries of one wiki, files in the
    local dataset `folder`), written under `scratch`."""
    earlier, later = _partition_table(folder, before), _partition_table(folder, after)
    wiki_db, path = after["wiki_db"], delta_path(after["wiki_db"], before["snapshot"], after["snapshot"])
    local: dict[str, Path] = {}
    files = []
    key = delta_key(earlier, later)
    if key is not None:
        removed, added_keys = changed_keys(earlier, later, key)
        added = later.filter(key_mask(later, key, added_keys))
        removed_table = pa.table({key: pa.array(removed, later.schema.field(key).type)})
        local[f"{path}/{REMOVED}"] = scratch / dataset / path / REMOVED
        files.append({"path": f"{path}/{REMOVED}", "role": "removed", **_write(removed_table, local[f"{path}/{REMOVED}"])})
    else:
        added = later
    local[f"{path}/{ADDED}"] = scratch / dataset / path / ADDED
    files.append({"path": f"{path}/{ADDED}", "role": "added", **_write(added, local[f"{path}/{ADDED}"])})
    entry = {"wiki_db": wiki_db, "from_snapshot": before["snapshot"], "to_snapshot": after["snapshot"], "key": key,
             "path": path, "rows_before": earlier.num_rows, "rows_after": later.num_rows, "files": files}
    return DeltaFiles(entry, local)


def consecutive_partitions(manifest: dict) -> Iterator[tuple[dict, dict]]:
    """(a partition, the same wiki's next snapshot) for every complete pair in a manifest."""
    by_wiki: dict[str, list[dict]] = {}
    for partition in manifest.get("partitions", []):
        if partition.get("complete", True):
            by_wiki.setdefault(partition["wiki_db"], []).append(partition)
    for wiki_db in sorted(by_wiki):
        ordered = sorted(by_wiki[wiki_db], key=lambda p: p["snapshot"])
        yield from zip(ordered, ordered[1:])


# ---------------------------------------------------------------------------------------------------
# Applying deltas (the affiliate's side)


class DeltaIncomplete(StoreError):
    """A delta could not be had whole (missing, or its download failed): the copy stays where it was."""


@dataclass
class DeltaResult:
    """What `apply_deltas` did: per wiki, the snapshot the copy is at; the deltas applied; and, for a wiki
    stopped short, the one-line reason."""

    folder: Path
    at: dict[str, str] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)
    unpublished: list[str] = field(default_factory=list)  # wikis the source publishes no delta of


def _checked_deltas(manifest: dict) -> list[dict]:
    """The manifest's deltas, every path and checksum in them checked as the partitions' are."""
    deltas = manifest.get("deltas", [])
    for delta in deltas:
        prefix = safe_relative_path(delta.get("path")) + "/"
        if not prefix.startswith(f"{DELTAS}/") or not all(SNAPSHOT.match(str(delta.get(side)))
                                                          for side in ("from_snapshot", "to_snapshot")):
            raise UnsafeManifestError(f"manifest delta {delta.get('path')!r} is not a delta of this dataset")
        if delta.get("key") not in (*KEYS, None):
            raise StoreError(f"manifest delta {delta.get('path')!r} has an unknown key {delta.get('key')!r}")
        for item in delta.get("files", []):
            if not safe_relative_path(item.get("path")).startswith(prefix) or item.get("role") not in ("added", "removed"):
                raise UnsafeManifestError(f"manifest delta file {item.get('path')!r} is outside its delta {prefix!r}")
            if not isinstance(item.get("bytes"), int) or not re.fullmatch(r"[0-9a-f]{64}", str(item.get("sha256"))):
                raise StoreError(f"manifest delta file {item.get('path')!r} has no valid bytes and sha256")
    return deltas


def _local_manifest(folder: Path, dataset: str, since: str) -> dict:
    path = folder / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreError(f"{folder}: no copy of {dataset} to bring up to date; download the snapshot {since} first "
                         f"(wikidumps datasets download SOURCE {dataset} --snapshot {since} --to {folder.parent})") from None


def apply_deltas(store, dataset: str, to: str | Path, since: str, *, wiki_db: str | None = None,
                 out=None) -> DeltaResult:
    """Brings the copy `to/<dataset>` of snapshot `since` to the latest snapshot the store has deltas to.

    Per wiki (those of the copy's `since` partition, or `wiki_db`), the deltas from `since` on are applied
    in order, from the latest snapshot the copy already has: an earlier run's work is not done again.

    Raises:
        StoreError: no such dataset, an unsafe manifest, or no copy of `since` to start from.
    """
    if not SNAPSHOT.match(since):
        raise StoreError(f"--since {since!r}: a snapshot is YYYYMMDD")
    manifest = read_manifest(store, dataset)
    deltas = _checked_deltas(manifest)
    folder = contained_path(Path(to), check_dataset_name(dataset))
    local = _local_manifest(folder, dataset, since)
    have: dict[str, set[str]] = {}
    for partition in local.get("partitions", []):
        if partition.get("complete", True):
            have.setdefault(partition["wiki_db"], set()).add(partition["snapshot"])
    wikis = [wiki_db] if wiki_db else sorted(w for w, snapshots in have.items() if since in snapshots)
    missing = [w for w in wikis if since not in have.get(w, ())]
    if not wikis or missing:
        raise StoreError(f"{folder}: no partition of snapshot {since}{' for ' + missing[0] if missing else ''} to start "
                         f"from; download it first (wikidumps datasets download SOURCE {dataset} --snapshot {since})")
    result = DeltaResult(folder)
    for wiki in wikis:
        current = max(s for s in have[wiki] if s >= since)
        following = {d["from_snapshot"]: d for d in deltas if d["wiki_db"] == wiki}
        if not following:
            result.unpublished.append(wiki)
        while current in following:
            delta = following[current]
            try:
                _apply_one(store, dataset, folder, delta, out)
            except (NotFoundError, TransferError, VerificationError) as exc:
                result.stopped[wiki] = (f"{dataset}: {wiki} stays at snapshot {current}: the delta {current} -> "
                                        f"{delta['to_snapshot']} is incomplete ({_one_line(exc)}); run the same "
                                        "download again to resume")
                break
            current = delta["to_snapshot"]
            result.applied.append(f"{wiki} {delta['from_snapshot']} -> {current}")
        result.at[wiki] = current
    return result


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _apply_one(store, dataset: str, folder: Path, delta: dict, out) -> None:
    """Downloads one delta's files (verified), writes the later partition beside the earlier one, and then
    lists it in the local manifest: a copy is at a snapshot only once that manifest says so."""
    fetched = {}
    for item in delta["files"]:
        dest = contained_path(folder, item["path"])
        download_verified(lambda start, path=f"{dataset}/{item['path']}": store.stream(path, start), dest,
                          Expected(item["bytes"], {"sha256": item["sha256"]}), label=f"{dataset}/{item['path']}", out=out)
        fetched[item["role"]] = dest
    if "added" not in fetched:
        raise VerificationError(f"{delta['path']}: the manifest lists no {ADDED}")
    local = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    wiki, before, after = delta["wiki_db"], delta["from_snapshot"], delta["to_snapshot"]
    base = next(p for p in local["partitions"] if (p["wiki_db"], p["snapshot"]) == (wiki, before))
    added = pq.read_table(fetched["added"])
    if delta.get("key") is None:
        later = added
    else:
        earlier = _partition_table(folder, base).cast(added.schema)
        key = delta["key"]
        removed = pq.read_table(fetched["removed"]).column(key).to_pylist() if "removed" in fetched else []
        kept = earlier.filter(pc.invert(key_mask(earlier, key, removed)))
        later = pa.concat_tables([kept, added])
    if later.num_rows != delta["rows_after"]:
        raise VerificationError(f"{delta['path']}: applied to {base['path']} it gives {later.num_rows:,} rows, the "
                                f"manifest says {delta['rows_after']:,}")
    partition_path = f"wiki_db={wiki}/snapshot={after}"
    file_path = f"{partition_path}/part-0-of-1.parquet"
    target = contained_path(folder, file_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob("*.parquet"):
        stale.unlink()  # what an older download left in this partition would be read with the new rows
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".", suffix=".partial", delete=False) as handle:
        partial = Path(handle.name)
    try:
        described = _write(later, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    entry = {"wiki_db": wiki, "snapshot": after, "path": partition_path, "rows": later.num_rows, "complete": True,
             "applied_delta": delta["path"], "files": [{"path": file_path, **described}]}
    partitions = [p for p in local["partitions"] if (p["wiki_db"], p["snapshot"]) != (wiki, after)] + [entry]
    local["partitions"] = sorted(partitions, key=lambda p: (p["wiki_db"], p["snapshot"]))
    manifest_path = folder / MANIFEST
    partial_manifest = manifest_path.with_name(f".{MANIFEST}.partial")
    partial_manifest.write_text(json.dumps(local, indent=2) + "\n", encoding="utf-8")
    os.replace(partial_manifest, manifest_path)
    for path in fetched.values():  # applied: the partition holds its rows now
        path.unlink()
