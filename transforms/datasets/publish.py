"""Publishing a run's datasets, on the driver once the job has succeeded: atomic moves, manifests, data cards.

A job writes Parquet only under `<output>/_staging/<run_id>/` (staged.py). When it has finished, `publish_dataset` moves
each partition into `<output>/<dataset>/wiki_db=<db>/snapshot=<YYYYMMDD>/part-<n>-of-<N>.parquet`
and rewrites the dataset's `_manifest.json` and `README.md`. A failed run therefore leaves nothing that
looks finished, and hive-partitioned readers skip `_staging` (names starting with `_` are ignored).

Paths go through Beam's FileSystems so that gs:// outputs work like local ones. Local partitions are
swapped in with a directory rename; object stores have no such thing, so there the manifest, written
last, is what says a partition is complete.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Iterable

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from schemas.dataset import DatasetSchema
from schemas.layout import DATA_CARD, MANIFEST, STAGING, Partition
from transforms.datasets.staged import StagedFile, write_staged_file
from transforms.datasets.storage import is_local, join, read_json


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


def read_manifest(output: str, dataset: str) -> dict | None:
    path = join(output, dataset, MANIFEST)
    return read_json(path) if FileSystems.exists(path) else None


def complete_partitions(output: str, dataset: str) -> set[Partition]:
    manifest = read_manifest(output, dataset) or {}
    return {
        Partition(p["wiki_db"], p["snapshot"]) for p in manifest.get("partitions", []) if p.get("complete")
    }


def _write_text_atomically(path: str, text: str) -> None:
    temporary = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(text.encode("utf-8"))
    if is_local(path):
        os.replace(temporary, path)
    else:
        if FileSystems.exists(path):
            FileSystems.delete([path])
        FileSystems.rename([temporary], [path])


def publish_dataset(output: str, staging: str, schema: DatasetSchema, staged: list[StagedFile],
                    partitions: Iterable[Partition], run: RunRecord) -> dict:
    """Moves a dataset's staged files into place, partition by partition, and rewrites its manifest.

    Every partition in `partitions` is published, with an empty file when the run produced no rows for
    it, so that a dataset always has a readable schema (an empty `errors` dataset is good news). A run
    replaces what earlier runs wrote to a partition, except in datasets several jobs write to (`errors`):
    there it replaces only the files of its own job. Returns the new manifest.
    """
    by_partition: dict[Partition, list[StagedFile]] = {p: [] for p in partitions}
    for item in staged:
        by_partition.setdefault(item.partition, []).append(item)
    manifest = read_manifest(output, schema.name) or {}
    entries = {(p["wiki_db"], p["snapshot"]): p for p in manifest.get("partitions", [])}
    for partition, files in sorted(by_partition.items(), key=lambda kv: kv[0].path):
        if not files:
            files = [write_staged_file(staging, schema, partition, "empty", [])]
        key = (partition.wiki_db, partition.snapshot)
        kept = []
        if schema.shared_by_jobs and key in entries:
            kept = [f for f in entries[key]["files"] if f.get("pipeline") != run.pipeline]
        entries[key] = _publish_partition(output, staging, schema, partition, files, kept, run)
    runs = manifest.get("runs", {})
    runs[run.run_id] = dict(run.__dict__)
    live_runs = {f.get("run_id", entry["run_id"]) for entry in entries.values() for f in entry["files"]}
    new_manifest = {
        "dataset": schema.name,
        "schema_version": schema.version,
        "description": schema.description,
        "licence": schema.licence,
        "partitioning": list(schema.partitioning),
        "columns": [{"name": c.name, "type": str(c.type), "doc": c.doc} for c in schema.columns],
        "partitions": [entries[key] for key in sorted(entries)],
        "runs": {run_id: info for run_id, info in runs.items() if run_id in live_runs},
    }
    _write_text_atomically(join(output, schema.name, DATA_CARD), data_card(schema, new_manifest))
    _write_text_atomically(join(output, schema.name, MANIFEST), json.dumps(new_manifest, indent=2, sort_keys=False) + "\n")
    return new_manifest


def _publish_partition(output: str, staging: str, schema: DatasetSchema, partition: Partition,
                       files: list[StagedFile], kept: list[dict], run: RunRecord) -> dict:
    """Puts a partition's new files in place next to the `kept` entries of other jobs' files."""
    files = sorted(files, key=lambda f: (f.split_key, f.path))
    count = len(files)
    # Where several jobs share a partition their files carry the job's name, so none overwrites another's.
    prefix = f"part-{run.pipeline}-" if schema.shared_by_jobs else "part-"
    names = [f"{prefix}{i:05d}-of-{count:05d}.parquet" for i in range(count)]
    final_dir = join(output, schema.name, partition.path)
    kept_names = [item["path"].rsplit("/", 1)[-1] for item in kept]
    if is_local(output):
        # Build the complete partition beside the staging files, then swap it in with one rename.
        ready_dir = join(staging, "_ready", schema.name, partition.path)
        os.makedirs(ready_dir, exist_ok=True)
        for staged, name in zip(files, names):
            os.replace(staged.path, os.path.join(ready_dir, name))
        for name in kept_names:
            os.link(os.path.join(final_dir, name), os.path.join(ready_dir, name))
        os.makedirs(os.path.dirname(final_dir), exist_ok=True)
        if os.path.exists(final_dir):
            retired = join(staging, "_replaced", schema.name, partition.path)
            os.makedirs(os.path.dirname(retired), exist_ok=True)
            os.replace(final_dir, retired)
        os.replace(ready_dir, final_dir)
    else:
        old = [m.path for m in FileSystems.match([join(final_dir, "*")])[0].metadata_list
               if m.path.rsplit("/", 1)[-1] not in kept_names]
        if old:
            FileSystems.delete(old)
        FileSystems.rename([f.path for f in files], [join(final_dir, n) for n in names])
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


def remove_staging(staging: str) -> None:
    if is_local(staging):
        import shutil

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


def data_card(schema: DatasetSchema, manifest: dict) -> str:
    """The dataset's README.md: what it is, its columns, where it came from, its licence and caveats."""
    lines = [
        f"# {schema.name}",
        "",
        schema.description,
        "",
        f"Schema version {schema.version}. Licence: {schema.licence}.",
        "",
        "## Partitions",
        "",
        "| wiki_db | snapshot | rows | files | bytes | written by run |",
        "|---|---|---:|---:|---:|---|",
    ]
    for p in manifest["partitions"]:
        size = sum(f["bytes"] for f in p["files"])
        lines.append(f"| {p['wiki_db']} | {p['snapshot']} | {p['rows']:,} | {len(p['files'])} | {size:,} | {p['run_id']} |")
    lines += [
        "",
        "## Columns",
        "",
        f"`{'`, `'.join(schema.partitioning)}` are partition columns: they are in the directory names "
        "(`wiki_db=<db>/snapshot=<YYYYMMDD>`), not inside the Parquet files.",
        "",
        "| column | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in schema.columns]
    lines += ["", "## Source dumps", ""]
    seen = set()
    for run_id, run in manifest["runs"].items():
        for item in run.get("inputs", []):
            if item["path"] in seen:
                continue
            seen.add(item["path"])
            status = f", dump status {item['dumpstatus']}" if item.get("dumpstatus") else ""
            checksum = f", sha256 `{item['sha256']}`" if item.get("sha256") else ""
            lines.append(f"- `{item['path']}` ({item.get('size', 0):,} bytes{checksum}{status}), run {run_id} "
                         f"({run['pipeline']}, wikidumps {run['code_version']})")
    public_runs = [run_id for run_id, run in manifest["runs"].items() if run.get("options", {}).get("privacy") == "public"]
    if public_runs:
        lines += ["", "## Privacy", "",
                  f"Run{'s' if len(public_runs) > 1 else ''} {', '.join(public_runs)} applied Wikimedia's public "
                  "thresholds (--privacy public): counts are rounded up to the nearest 10 and cells with fewer than "
                  "3 active editors (3 editors for breakdown rows) are dropped; per-editor rows of IP editors are "
                  "left out."]
    if schema.caveats:
        lines += ["", "## Caveats", ""]
        lines += [f"- {caveat}" for caveat in schema.caveats]
    lines += [
        "",
        "## Reading it",
        "",
        "This README and `_manifest.json` sit beside the partitions, so tell Parquet readers to skip them:",
        "",
        "```python",
        "import pandas as pd",
        f"df = pd.read_parquet('{schema.name}', ignore_prefixes=['.', '_', 'README'])",
        "",
        "import pyarrow as pa, pyarrow.dataset as ds",
        "keys = ds.partitioning(pa.schema([('wiki_db', pa.string()), ('snapshot', pa.string())]), flavor='hive')",
        f"table = ds.dataset('{schema.name}', format='parquet', partitioning=keys,",
        "                   ignore_prefixes=['.', '_', 'README']).to_table()",
        "```",
        "",
        "```sql",
        f"SELECT * FROM read_parquet('{schema.name}/*/*/*.parquet', hive_partitioning = true, hive_types_autocast = false);",
        "```",
        "",
        "`_manifest.json` lists every file with its row count and sha256.",
        "",
    ]
    return "\n".join(lines)
