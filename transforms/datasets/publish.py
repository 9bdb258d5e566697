"""Publishing a run's datasets once its job has succeeded, so that every reader sees each dataset exactly
as it was before or exactly as it is after, whenever the run is killed (docs/decisions.md, "Publishing").

A job writes Parquet only under `<output>/_staging/<run_id>/` (staged.py); publishing happens under the
output's lock (storage.py), one run at a time. Locally, a dataset's content (partitions, `_manifest.json`,
`_README.md`) is an immutable version folder `<output>/_versions/<dataset>/<version>/`, and
`<output>/<dataset>` is a symlink to the current one. A run publishes in four steps:

1. prepare: per dataset a new version is filled (the run's staged files moved in under their final
   names, the files it does not replace hard-linked from the current version, manifest and card
   written, all synced). No reader can reach it yet: a run killed now leaves the output as it was.
2. commit: `<output>/_publishing.json` lists each dataset's old and new version.
3. switch: each dataset's symlink is replaced by one rename. Manifest readers (`open_dataset`) and glob
   readers (pandas, pyarrow, duckdb, Spark on `<output>/<dataset>`) go through that symlink, so both see
   the old version or the new one, never a mix.
4. the journal, then the old versions, are removed.

`recover` (before every run, and for `--resume` in `complete_partitions`) finishes what a killed run
left: the rest of a journal's switch if its new versions verify (size and sha256), else back to the old
ones; versions no symlink reaches and the staging of dead runs removed; datasets whose files differ from
their manifest (damage, or a half-published output of the layout before versions) lose the partitions
that do not match, which a re-run or `--resume` writes again.

gs:// has no rename: objects are moved under their final names, then the card, then the manifest (the
switch for manifest readers), then objects it no longer lists are deleted.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from typing import Iterable

from apache_beam.io.filesystems import FileSystems

from schemas import DATASETS
from schemas.card import data_card
from schemas.dataset import DatasetSchema
from schemas.layout import DATA_CARD, JOURNAL, LEGACY_DATA_CARD, MANIFEST, STAGING, VERSIONS, Partition
from transforms.datasets.staged import StagedFile, remove_stale_staging, write_staged_file
from transforms.datasets.storage import (
    OutputLocked,
    OutputStateError,
    acquire_lock,
    current_version,
    dataset_folder,
    dataset_problems,
    file_problems,
    fresh_version_name,
    fsync_path,
    is_local,
    join,
    link_or_copy,
    read_json,
    retire_versions,
    switch_version,
    sync_tree,
    write_text_atomically,
)


def fault_point(step: str) -> None:
    """Called at each named step of publishing; does nothing.

    The steps: `moved:<dataset>` (a new version holds its files), `prepared:<dataset>` (and its manifest
    and data card), `journal` (the commit point), `switched:<dataset>` (its symlink, or on gs:// its
    manifest, is the new one), `committed` (journal removed), `retired:<dataset>` (old versions gone),
    `cleanup` (before the run's staging is removed). Tests replace this function, in a child process or
    with monkeypatch, to raise or to end the process at one step (tests/test_publishing.py).
    """


@dataclass
class RunRecord:
    """What a manifest says about the run that wrote a partition."""

    run_id: str
    pipeline: str
    code_version: str
    options: dict
    inputs: list[dict]
    started: str
    finished: str | None = None
    counters: dict = field(default_factory=dict)
    accounting: dict = field(default_factory=dict)


@dataclass
class Release:
    """What a run publishes of one dataset: its staged files and the partitions it declares."""

    schema: DatasetSchema
    staged: list[StagedFile]
    partitions: list[Partition]


@dataclass
class _Prepared:
    name: str
    old: str | None  # the version it replaces (None: no dataset yet)
    legacy: bool  # the dataset is a plain folder (the layout before versions), to be moved to `old`
    new: str
    manifest: dict


# ---------------------------------------------------------------------------------------------------
# Reading an output's datasets


def read_manifest(output: str, dataset: str, folder: str | None = None) -> dict | None:
    """A dataset's current manifest, or the one in `folder` (None: no dataset).

    Raises:
        OutputStateError: it is not JSON.
    """
    path = join(folder or dataset_folder(output, dataset), MANIFEST)
    if not FileSystems.exists(path):
        return None
    try:
        return read_json(path)
    except ValueError as exc:  # damaged from outside: our manifests are replaced whole
        raise OutputStateError(f"{path} is not a manifest ({exc}); move the dataset away") from None


def complete_partitions(output: str, dataset: str) -> set[Partition]:
    """The partitions of a dataset that are complete and whose files match the manifest (size and sha256).

    First settles the output as `recover` does (unless a live run is writing it), so that `--resume`
    never trusts a half-published dataset.
    """
    settle(output)
    try:
        folder = dataset_folder(output, dataset)  # one version, even if a run publishes meanwhile
        manifest = read_manifest(output, dataset, folder) or {}
    except OutputStateError:
        return set()  # nothing is trusted; the run itself then says what is wrong
    return {
        Partition(p["wiki_db"], p["snapshot"]) for p in manifest.get("partitions", [])
        if p.get("complete") and not file_problems(folder, p.get("files", []), check_sha256=True)
    }


def settle(output: str, err=None) -> None:
    """`recover` under the output's lock, printing what it did; nothing when a live run holds the lock
    (the output's state is that run's) or the output cannot be written (read what is there)."""
    err = err or sys.stderr
    if is_local(output) and not os.path.isdir(output):
        return
    try:
        lock = acquire_lock(output, "checking partitions for --resume", err)
    except (OutputLocked, OSError):
        return
    try:
        for line in recover(output):
            print(f"wikidumps: {line}", file=err)
    except (OSError, OutputStateError):
        pass  # the run that follows meets the same problem and reports it in one line
    finally:
        lock.release()


# ---------------------------------------------------------------------------------------------------
# Publishing


def publish_dataset(output: str, staging: str, schema: DatasetSchema, staged: list[StagedFile],
                    partitions: Iterable[Partition], run: RunRecord) -> dict:
    """Publishes one dataset (see `publish_datasets`); returns its new manifest."""
    return publish_datasets(output, staging, [Release(schema, staged, list(partitions))], run)[schema.name]


def publish_datasets(output: str, staging: str, releases: list[Release], run: RunRecord) -> dict[str, dict]:
    """Puts a run's datasets in place, each switched from its old to its new state in one step.

    Every partition a release declares is published, with an empty file when the run produced no rows
    for it, so that a dataset always has a readable schema (an empty `errors` dataset is good news). A
    run replaces what earlier runs wrote to a partition, except in datasets several jobs write to
    (`errors`): there it replaces only the files of its own job. The caller holds the output's lock.

    Returns:
        Each dataset's new manifest, by name.
    """
    if not is_local(output):
        return {release.schema.name: _publish_gcs(output, staging, release, run) for release in releases}
    prepared: list[_Prepared] = []
    journal = join(output, JOURNAL)
    try:
        for release in releases:
            prepared.append(_prepare(output, staging, release, run))
        write_text_atomically(journal, json.dumps({
            "run_id": run.run_id,
            "datasets": {p.name: {"old": p.old, "new": p.new, "legacy": p.legacy} for p in prepared},
        }, indent=1) + "\n")
        fault_point("journal")
    except BaseException:
        # Nothing is switched: the new versions are unreachable, and the output is as it was.
        if os.path.exists(journal):
            _remove_journal(output)
        for release in releases:
            retire_versions(output, release.schema.name)
        raise
    try:
        for item in prepared:
            switch_version(output, item.name, item.new, item.old if item.legacy else None)
            fault_point(f"switched:{item.name}")
        _remove_journal(output)
        fault_point("committed")
    except BaseException:
        _finish_journal(output)  # every dataset new or, if a new version does not verify, every one old
        for item in prepared:
            retire_versions(output, item.name)
        raise
    for item in prepared:
        try:
            retire_versions(output, item.name)
        except OSError:
            pass  # published all the same; the next run's `recover` removes what is left
        fault_point(f"retired:{item.name}")
    return {item.name: item.manifest for item in prepared}


def _prepare(output: str, staging: str, release: Release, run: RunRecord) -> _Prepared:
    """Step 1 for one dataset: its new version folder, complete and synced, not yet reachable."""
    schema = release.schema
    name = schema.name
    state = current_version(output, name)
    old, legacy = state if state else (None, False)
    current = join(output, name)
    manifest = read_manifest(output, name) or {}
    if legacy:
        old = fresh_version_name(output, name, "legacy")
    new = fresh_version_name(output, name, run.run_id)
    folder = join(output, VERSIONS, name, new)
    os.makedirs(folder)
    entries = {(p["wiki_db"], p["snapshot"]): p for p in manifest.get("partitions", [])}
    replaced = {(p.wiki_db, p.snapshot) for p in release.partitions} | {(f.wiki_db, f.snapshot) for f in release.staged}
    for key, entry in entries.items():
        if key not in replaced:  # not this run's: carried over as it is
            for item in entry["files"]:
                _link(current, folder, item["path"])
    for partition, files, names, kept in _partitions(release, entries, staging, run):
        os.makedirs(join(folder, partition.path), exist_ok=True)
        for staged, file_name in zip(files, names):
            os.replace(staged.path, join(folder, partition.path, file_name))
        for item in kept:
            _link(current, folder, item["path"])
        entries[(partition.wiki_db, partition.snapshot)] = _partition_entry(partition, files, names, kept, run)
    fault_point(f"moved:{name}")
    new_manifest = _manifest(schema, entries, manifest.get("runs", {}), run)
    _write_card_and_manifest(folder, schema, new_manifest)
    sync_tree(folder)
    fsync_path(join(output, VERSIONS, name))
    fault_point(f"prepared:{name}")
    return _Prepared(name, old, legacy, new, new_manifest)


def _partitions(release: Release, entries: dict, staging: str, run: RunRecord):
    """Per partition the run publishes: it, its staged files in split order (an empty file when it has
    none, so that the dataset keeps a readable schema), their final names, and the manifest entries of
    the files it keeps (other jobs' files in a dataset they share)."""
    schema = release.schema
    by_partition: dict[Partition, list[StagedFile]] = {p: [] for p in release.partitions}
    for item in release.staged:
        by_partition.setdefault(item.partition, []).append(item)
    for partition, files in sorted(by_partition.items(), key=lambda kv: kv[0].path):
        files = sorted(files or [write_staged_file(staging, schema, partition, "empty", [])],
                       key=lambda f: (f.split_key, f.path))
        key = (partition.wiki_db, partition.snapshot)
        kept = []
        if schema.shared_by_jobs and key in entries:
            kept = [f for f in entries[key]["files"] if f.get("pipeline") != run.pipeline]
        # Where several jobs share a partition their files carry the job's name, so none overwrites another's.
        prefix = f"part-{run.pipeline}-" if schema.shared_by_jobs else "part-"
        yield partition, files, [f"{prefix}{i:05d}-of-{len(files):05d}.parquet" for i in range(len(files))], kept


def _partition_entry(partition: Partition, files: list[StagedFile], names: list[str], kept: list[dict],
                     run: RunRecord) -> dict:
    new_entries = [
        {"path": f"{partition.path}/{name}", "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256,
         "pipeline": run.pipeline, "run_id": run.run_id}
        for f, name in zip(files, names)
    ]
    all_files = sorted(kept + new_entries, key=lambda item: item["path"])
    return {
        "wiki_db": partition.wiki_db,
        "snapshot": partition.snapshot,
        "path": partition.path,
        "rows": sum(item["rows"] for item in all_files),
        "complete": True,
        "run_id": run.run_id,
        "files": all_files,
    }


def _manifest(schema: DatasetSchema, entries: dict, runs: dict, run: RunRecord) -> dict:
    runs = {**runs, run.run_id: dict(run.__dict__)}
    live_runs = {f.get("run_id", entry["run_id"]) for entry in entries.values() for f in entry["files"]}
    return {
        "dataset": schema.name,
        "schema_version": schema.version,
        "description": schema.description,
        "licence": schema.licence,
        "partitioning": list(schema.partitioning),
        "columns": [{"name": c.name, "type": str(c.type), "doc": c.doc} for c in schema.columns],
        "partitions": [entries[key] for key in sorted(entries)],
        "runs": {run_id: info for run_id, info in runs.items() if run_id in live_runs},
    }


def _write_card_and_manifest(folder: str, schema: DatasetSchema | None, manifest: dict) -> None:
    if schema is not None:
        write_text_atomically(join(folder, DATA_CARD), data_card(schema, manifest))
    write_text_atomically(join(folder, MANIFEST), json.dumps(manifest, indent=2, sort_keys=False) + "\n")


def _link(current: str, folder: str, relpath: str) -> None:
    target = join(folder, relpath)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    link_or_copy(join(current, relpath), target)


def _remove_journal(output: str) -> None:
    os.unlink(join(output, JOURNAL))
    fsync_path(output)


# ---------------------------------------------------------------------------------------------------
# gs://


def _publish_gcs(output: str, staging: str, release: Release, run: RunRecord) -> dict:
    """Objects under their final names, the data card, the manifest (the switch), then stale objects go."""
    schema = release.schema
    name = schema.name
    manifest = read_manifest(output, name) or {}
    entries = {(p["wiki_db"], p["snapshot"]): p for p in manifest.get("partitions", [])}
    published = []
    for partition, files, names, kept in _partitions(release, entries, staging, run):
        FileSystems.rename([f.path for f in files], [join(output, name, partition.path, n) for n in names])
        published.append(_partition_entry(partition, files, names, kept, run))
        entries[(partition.wiki_db, partition.snapshot)] = published[-1]
    fault_point(f"moved:{name}")
    new_manifest = _manifest(schema, entries, manifest.get("runs", {}), run)
    _write_card_and_manifest(join(output, name), schema, new_manifest)
    fault_point(f"switched:{name}")
    stale = _unlisted_objects(join(output, name), published)
    legacy_card = join(output, name, LEGACY_DATA_CARD)
    if FileSystems.exists(legacy_card):
        stale.append(legacy_card)
    if stale:
        FileSystems.delete(stale)
    fault_point(f"retired:{name}")
    return new_manifest


def _unlisted_objects(folder: str, partitions: list[dict]) -> list[str]:
    stale = []
    for partition in partitions:
        listed = {join(folder, item["path"]) for item in partition["files"]}
        matches = FileSystems.match([join(folder, partition["path"], "*")])[0].metadata_list
        stale += [m.path for m in matches if m.path not in listed]
    return stale


# ---------------------------------------------------------------------------------------------------
# Recovery


def recover(output: str, keep_staging: str | None = None) -> list[str]:
    """Brings an output to a state all its readers agree on; the caller holds its lock.

    Finishes (or undoes) a publish a killed run left half done, removes versions no symlink points to
    and the staging of every run but `keep_staging` (the caller's: the others are dead, since the lock is
    ours), and repairs datasets whose files differ from their manifests.

    Returns:
        One line per thing done that a user should hear of.
    """
    messages = []
    if is_local(output):
        if os.path.exists(join(output, JOURNAL)):
            messages += _finish_journal(output)
        versions = join(output, VERSIONS)
        for dataset in sorted(os.listdir(versions)) if os.path.isdir(versions) else []:
            retire_versions(output, dataset)
    remove_stale_staging(output, keep_staging)
    for dataset in _datasets(output):
        messages += _repair(output, dataset)
    return messages


def _finish_journal(output: str) -> list[str]:
    """The rest of a killed run's switch: forward when every new version verifies, else back."""
    path = join(output, JOURNAL)
    try:
        journal = read_json(path)
        steps = journal["datasets"]
    except (ValueError, KeyError, TypeError):  # a journal is written whole, so this is damage from outside
        os.unlink(path)
        return [f"removed {path}, which could not be read"]
    problems = []
    for dataset, step in steps.items():
        folder = join(output, VERSIONS, dataset, step["new"])
        if not os.path.isfile(join(folder, MANIFEST)):
            problems.append(f"{folder} has no {MANIFEST}")
            continue
        bad, unlisted = dataset_problems(folder, read_json(join(folder, MANIFEST)), check_sha256=True)
        problems += list(bad.values()) + [f"{join(folder, path)} is not in the manifest" for path in unlisted]
    for dataset, step in sorted(steps.items()):
        state = current_version(output, dataset)
        now = state[0] if state else None
        if not problems:
            if now != step["new"]:
                switch_version(output, dataset, step["new"], step["old"] if step["legacy"] else None)
        elif now == step["new"] or state is None:
            # Back to the old version, which is still there: versions are retired after the journal.
            if step["old"] is not None and os.path.isdir(join(output, VERSIONS, dataset, step["old"])):
                switch_version(output, dataset, step["old"])
            elif state is not None:
                os.unlink(join(output, dataset))  # the dataset did not exist before
    _remove_journal(output)
    names = ", ".join(sorted(steps))
    if not problems:
        return [f"finished publishing run {journal.get('run_id')} (it stopped while switching {names})"]
    return [f"undid the unfinished publishing of run {journal.get('run_id')} ({names}): {problems[0]}"]


def _datasets(output: str) -> list[str]:
    if is_local(output):
        if not os.path.isdir(output):
            return []
        names = [n for n in os.listdir(output) if not n.startswith(("_", "."))]
        return sorted(n for n in names if os.path.isfile(join(output, n, MANIFEST)))
    matches = FileSystems.match([join(output, "*", MANIFEST)])[0].metadata_list
    return sorted({m.path[len(output.rstrip("/")) + 1:].split("/")[0] for m in matches})


def _repair(output: str, dataset: str) -> list[str]:
    """A dataset whose files are not exactly those its manifest lists (sizes compared) loses the
    partitions that do not match, and files no manifest lists go, so that glob and manifest readers agree."""
    folder = dataset_folder(output, dataset)
    manifest = read_manifest(output, dataset, folder)
    messages = []
    if is_local(output) and os.path.isfile(join(folder, LEGACY_DATA_CARD)):
        # A data card of the layout before `_README.md`: every folder-wide Parquet reader trips on it.
        os.replace(join(folder, LEGACY_DATA_CARD), join(folder, DATA_CARD))
        messages.append(f"renamed {join(folder, LEGACY_DATA_CARD)} to {DATA_CARD}, which Parquet readers skip")
    bad, unlisted = dataset_problems(folder, manifest)
    if not bad and not unlisted:
        return messages
    kept = [p for p in manifest.get("partitions", []) if (p["wiki_db"], p["snapshot"]) not in bad]
    repaired = dict(manifest, partitions=kept)
    live_runs = {f.get("run_id", p.get("run_id")) for p in kept for f in p["files"]}
    repaired["runs"] = {run_id: info for run_id, info in manifest.get("runs", {}).items() if run_id in live_runs}
    if is_local(output):
        _republish_local(output, dataset, folder, repaired)
    else:
        _write_card_and_manifest(folder, DATASETS.get(dataset), repaired)
        doomed = [join(folder, path) for path in unlisted]
        doomed += [join(folder, item["path"]) for p in manifest.get("partitions", [])
                   if (p["wiki_db"], p["snapshot"]) in bad for item in p["files"]]
        existing = [path for path in doomed if FileSystems.exists(path)]
        if existing:
            FileSystems.delete(existing)
    what = []
    if bad:
        what.append(f"dropped partition(s) {', '.join(f'{db}/{snap}' for db, snap in sorted(bad))} whose files do "
                    f"not match the manifest ({next(iter(bad.values()))}); run their input again (--resume does)")
    if unlisted:
        what.append(f"removed {len(unlisted)} file(s) the manifest does not list ({unlisted[0]})")
    return messages + [f"repaired {join(output, dataset)}: {'; '.join(what)}"]


def _republish_local(output: str, dataset: str, folder: str, manifest: dict) -> None:
    """A new version of a local dataset holding only what `manifest` lists, switched in like a run's."""
    state = current_version(output, dataset)
    legacy = bool(state and state[1])
    old = fresh_version_name(output, dataset, "legacy") if legacy else state[0]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    new = fresh_version_name(output, dataset, f"repaired-{stamp}")
    target = join(output, VERSIONS, dataset, new)
    os.makedirs(target)
    for partition in manifest["partitions"]:
        for item in partition["files"]:
            _link(folder, target, item["path"])
    if dataset not in DATASETS:  # not declared here (a test's, a newer version's): its card as it was
        for card in (DATA_CARD, LEGACY_DATA_CARD):
            if os.path.isfile(join(folder, card)):
                link_or_copy(join(folder, card), join(target, DATA_CARD))
                break
    _write_card_and_manifest(target, DATASETS.get(dataset), manifest)
    sync_tree(target)
    write_text_atomically(join(output, JOURNAL), json.dumps(
        {"run_id": "repair", "datasets": {dataset: {"old": old, "new": new, "legacy": legacy}}}) + "\n")
    switch_version(output, dataset, new, old if legacy else None)
    _remove_journal(output)
    retire_versions(output, dataset)


# ---------------------------------------------------------------------------------------------------
# Staging


def remove_staging(staging: str) -> None:
    fault_point("cleanup")
    if is_local(staging):
        shutil.rmtree(staging, ignore_errors=True)
    else:
        leftovers = FileSystems.match([join(staging, "**")])[0].metadata_list
        if leftovers:
            FileSystems.delete([m.path for m in leftovers])


def remove_staging_root(output: str) -> None:
    """Removes `<output>/_staging` once no run uses it any more (local folders only)."""
    if is_local(output):
        try:
            os.rmdir(os.path.join(output, STAGING))
        except OSError:
            pass  # another run's staging is still there, or it was never created
