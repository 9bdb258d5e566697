"""Publishing an output folder's datasets where others download them from: a gs://bucket/prefix, or a
local folder that any static web server (or a shared drive) then serves.

Per dataset: every file the manifest lists is checked against its manifest entry (size and sha256)
before it is copied, copied (gs://: resumable uploads in chunks, when large; a folder: to a temporary name,
then renamed), then the data card (`_README.md`, whatever name the local output has it under), then
`_manifest.json` last, so a reader who finds a manifest finds every file it lists. Files already there
with the same size and sha256 (gs://: kept as object metadata) are skipped, so an interrupted publish is
resumed by running it again. Files of a partition that the new manifest no longer lists are deleted after
the manifest, and so is a data card under the name before `_README.md` (a folder-wide Parquet reader trips
on it). `_catalog.json` at the root lists the datasets, for https:// readers, who cannot list a folder.
With `deltas`, each pair of a wiki's consecutive snapshots also gets its delta (wikidumps/deltas.py), copied
before the manifest that lists it.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from schemas.layout import CATALOG, DATA_CARD, LEGACY_DATA_CARD, MANIFEST
from wikidumps.deltas import consecutive_partitions, write_delta
from wikidumps.stores import (
    LocalStore,
    StoreError,
    contained_path,
    local_files_match,
    read_data_card,
    read_manifest,
)
from wikidumps.transfer import Progress, TransferError, file_digests

# Files larger than this go up as resumable uploads in chunks of this size (a multiple of 256 KiB, as
# the API requires); a dropped connection then costs one chunk, not the file.
RESUMABLE_CHUNK_BYTES = 8 << 20


@dataclass
class PublishResult:
    """What a publish did, each file named by its path under the target."""

    datasets: list[str]
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class _ProgressReader:
    """A file wrapper that advances a progress bar as the uploader reads it."""

    def __init__(self, handle, progress: Progress):
        self._handle = handle
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._progress.advance(len(data))
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()


def publish(output: str | Path, target: str, datasets: list[str] | None = None, *, deltas: bool = False,
            chunk_bytes: int = RESUMABLE_CHUNK_BYTES, out=None) -> PublishResult:
    """Copies datasets of a local output folder to a gs:// prefix or a local folder.

    Args:
        output: the local output folder of `wikidumps run`.
        target: gs://bucket/prefix, or a folder (created if missing) outside the output.
        datasets: names to publish (default: every dataset with a manifest).
        deltas: also publish the delta between each wiki's consecutive snapshots, listed in the manifest.
        chunk_bytes: files larger than this are uploaded to gs:// resumably in chunks of this size.
        out: where progress goes (stderr by default).

    Raises:
        StoreError: a dataset is missing, unsafe, or its files do not match its manifest; a target folder
            inside the output, or holding the output.
        TransferError: the bucket refused an upload, or the folder a write.
    """
    out = out or sys.stderr
    local = LocalStore(output)
    names = datasets or local.list_datasets()
    if not names:
        raise StoreError(f"{output}: no datasets (folders with {MANIFEST}) to publish")
    # Check everything before the first copy: a target must not get half of a bad output.
    manifests = {name: read_manifest(local, name) for name in names}
    for name, manifest in manifests.items():
        problems = local_files_match(local.local_path(name), manifest["partitions"])
        if problems:
            raise StoreError(f"{name} does not match its manifest, refusing to publish it: {problems[0]}"
                              + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    destination = BucketTarget(target, chunk_bytes, out) if target.startswith("gs://") else FolderTarget(target, output)
    result = PublishResult(list(names))
    with destination.errors_as_transfer_errors(), tempfile.TemporaryDirectory(prefix="wikidumps-deltas-") as scratch:
        for name, manifest in manifests.items():
            files = {f"{name}/{item['path']}": (local.local_path(f"{name}/{item['path']}"), item)
                     for partition in manifest["partitions"] for item in partition["files"]}
            if deltas:
                manifest = dict(manifest, deltas=[])
                for before, after in consecutive_partitions(manifest):
                    delta = write_delta(local.local_path(name), name, before, after, Path(scratch))
                    manifest["deltas"].append(delta.entry)
                    files.update({f"{name}/{item['path']}": (delta.local[item["path"]], item) for item in delta.entry["files"]})
            for relpath, (path, item) in files.items():
                if destination.holds(relpath, item):
                    result.skipped.append(relpath)
                    continue
                destination.copy_file(relpath, path, item)
                result.uploaded.append(relpath)
            card = read_data_card(local, name)
            if card is not None:
                destination.write(f"{name}/{DATA_CARD}", card, "text/markdown; charset=utf-8")
            destination.write(f"{name}/{MANIFEST}", (json.dumps(manifest, indent=2) + "\n").encode(), "application/json")
            result.removed += destination.remove_unlisted(name, manifest)
            if destination.delete(f"{name}/{LEGACY_DATA_CARD}"):
                result.removed.append(f"{name}/{LEGACY_DATA_CARD}")
        catalog_text = destination.read_text(CATALOG)
        catalog = json.loads(catalog_text) if catalog_text is not None else {"datasets": []}
        catalog["datasets"] = sorted(set(catalog.get("datasets", [])) | set(names))
        destination.write(CATALOG, (json.dumps(catalog, indent=2) + "\n").encode(), "application/json")
    return result


class BucketTarget:
    """A gs://bucket/prefix; each file's sha256 is kept as object metadata, to skip it next time."""

    def __init__(self, target: str, chunk_bytes: int, out):
        from wikidumps.gcs import client, split_gs_url

        self.target, self.chunk_bytes, self.out = target, chunk_bytes, out
        bucket_name, self.prefix = split_gs_url(target)
        self.bucket = client().bucket(bucket_name)

    def blob(self, relpath: str):
        return self.bucket.blob(f"{self.prefix}/{relpath}" if self.prefix else relpath)

    @contextlib.contextmanager
    def errors_as_transfer_errors(self):
        from google.api_core import exceptions

        try:
            yield
        except (exceptions.GoogleAPIError, OSError) as exc:  # OSError: requests' connection errors
            raise TransferError(f"{self.target}: {exc}") from None

    def holds(self, relpath: str, item: dict) -> bool:
        existing = self.bucket.get_blob(self.blob(relpath).name)
        return existing is not None and existing.size == item["bytes"] and \
            (existing.metadata or {}).get("sha256") == item["sha256"]

    def copy_file(self, relpath: str, path: Path, item: dict) -> None:
        _upload(self.blob(relpath), path, item, relpath, self.chunk_bytes, self.out)

    def write(self, relpath: str, data: bytes, content_type: str) -> None:
        self.blob(relpath).upload_from_string(data, content_type=content_type)

    def read_text(self, relpath: str) -> str | None:
        blob = self.blob(relpath)
        return blob.download_as_bytes().decode("utf-8") if blob.exists() else None

    def delete(self, relpath: str) -> bool:
        existing = self.bucket.get_blob(self.blob(relpath).name)
        if existing is None:
            return False
        existing.delete()
        return True

    def remove_unlisted(self, name: str, manifest: dict) -> list[str]:
        """Deletes objects in the published partitions that the manifest no longer lists."""
        removed = []
        root = self.blob(name).name + "/"
        for partition in manifest["partitions"]:
            listed = {root + item["path"] for item in partition["files"]}
            for stale in self.bucket.client.list_blobs(self.bucket, prefix=f"{root}{partition['path']}/"):
                if stale.name not in listed:
                    stale.delete()
                    removed.append(f"{name}/{stale.name[len(root):]}")
        return removed


class FolderTarget:
    """A local folder laid out as a published prefix (plain folders, no versions): what a static web server
    serves as is. Each file is written under a temporary name and renamed, so none is ever seen half-written."""

    def __init__(self, target: str, output: str | Path):
        self.root = Path(target)
        resolved, source = self.root.resolve(), Path(output).resolve()
        if resolved == source or source in resolved.parents or resolved in source.parents:
            raise StoreError(f"{target}: publish to a folder outside the output {output} (and not holding it)")
        existing = next(folder for folder in (resolved, *resolved.parents) if folder.exists())
        if not existing.is_dir():
            raise StoreError(f"{target}: {existing} is a file, not a folder")

    @contextlib.contextmanager
    def errors_as_transfer_errors(self):
        try:
            yield
        except OSError as exc:
            raise TransferError(f"{self.root}: {exc.strerror or exc} ({exc.filename or self.root})") from None

    def path(self, relpath: str) -> Path:
        return contained_path(self.root, relpath)

    def holds(self, relpath: str, item: dict) -> bool:
        path = self.path(relpath)
        return path.is_file() and path.stat().st_size == item["bytes"] and \
            file_digests(path, ["sha256"])["sha256"] == item["sha256"]

    def copy_file(self, relpath: str, path: Path, item: dict) -> None:
        self._replace(self.path(relpath), lambda partial: shutil.copyfile(path, partial))

    def write(self, relpath: str, data: bytes, content_type: str) -> None:
        self._replace(self.path(relpath), lambda partial: partial.write_bytes(data))

    def read_text(self, relpath: str) -> str | None:
        path = self.path(relpath)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def delete(self, relpath: str) -> bool:
        path = self.path(relpath)
        if not path.is_file():
            return False
        path.unlink()
        return True

    def remove_unlisted(self, name: str, manifest: dict) -> list[str]:
        """Deletes files in the published partitions that the manifest no longer lists."""
        removed = []
        for partition in manifest["partitions"]:
            folder = self.path(f"{name}/{partition['path']}")
            listed = {item["path"] for item in partition["files"]}
            for stale in sorted(folder.rglob("*")) if folder.is_dir() else []:
                relpath = stale.relative_to(self.path(name)).as_posix()
                if stale.is_file() and relpath not in listed:
                    stale.unlink()
                    removed.append(f"{name}/{relpath}")
        return removed

    @staticmethod
    def _replace(path: Path, write) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            write(partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)


def _upload(target_blob, path: Path, item: dict, label: str, chunk_bytes: int, out) -> None:
    target_blob.metadata = {"sha256": item["sha256"], "rows": str(item["rows"])}
    if item["bytes"] > chunk_bytes:
        target_blob.chunk_size = chunk_bytes  # a chunk size makes the upload resumable
    progress = Progress(label, item["bytes"], out=out)
    with path.open("rb") as handle:
        target_blob.upload_from_file(_ProgressReader(handle, progress), size=item["bytes"],
                                     content_type="application/vnd.apache.parquet")
    progress.finish()
