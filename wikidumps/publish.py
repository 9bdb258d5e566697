"""Publishing an output folder's datasets to gs://bucket/prefix, where others download them from.

Per dataset: every file the manifest lists is checked against its manifest entry (size and sha256)
before upload, uploaded (resumable, in chunks, when large), then the data card (`_README.md`, whatever
name the local output has it under), then `_manifest.json` last, so a reader who finds a manifest finds
every file it lists. Files already there with the same
sha256 (kept as object metadata) are skipped, so an interrupted publish is resumed by running it
again. Files of a partition that the new manifest no longer lists are deleted after the manifest, and so
is a data card under the name before `_README.md` (a folder-wide Parquet reader trips on it).
`_catalog.json` at the prefix root lists the datasets, for https:// readers who cannot list a bucket.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from schemas.layout import CATALOG, DATA_CARD, LEGACY_DATA_CARD, MANIFEST
from wikidumps.gcs import client, split_gs_url
from wikidumps.stores import LocalStore, StoreError, local_files_match, read_data_card, read_manifest
from wikidumps.transfer import Progress, TransferError

# Files larger than this go up as resumable uploads in chunks of this size (a multiple of 256 KiB, as
# the API requires); a dropped connection then costs one chunk, not the file.
RESUMABLE_CHUNK_BYTES = 8 << 20


@dataclass
class PublishResult:
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


def publish(output: str | Path, target: str, datasets: list[str] | None = None, *,
            chunk_bytes: int = RESUMABLE_CHUNK_BYTES, out=None) -> PublishResult:
    """Uploads datasets of a local output folder to a gs:// prefix.

    Args:
        output: the local output folder of `wikidumps run`.
        target: gs://bucket/prefix.
        datasets: names to publish (default: every dataset with a manifest).
        chunk_bytes: files larger than this are uploaded resumably in chunks of this size.
        out: where progress goes (stderr by default).

    Raises:
        StoreError: a dataset is missing, unsafe, or its files do not match its manifest.
        TransferError: the bucket refused an upload.
    """
    from google.api_core import exceptions

    out = out or sys.stderr
    local = LocalStore(output)
    names = datasets or local.list_datasets()
    if not names:
        raise StoreError(f"{output}: no datasets (folders with {MANIFEST}) to publish")
    # Check everything before the first upload: a bucket must not get half of a bad output.
    manifests = {name: read_manifest(local, name) for name in names}
    for name, manifest in manifests.items():
        problems = local_files_match(local.local_path(name), manifest["partitions"])
        if problems:
            raise StoreError(f"{name} does not match its manifest, refusing to publish it: {problems[0]}"
                              + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    bucket_name, prefix = split_gs_url(target)
    bucket = client().bucket(bucket_name)

    def blob(relpath: str):
        return bucket.blob(f"{prefix}/{relpath}" if prefix else relpath)

    result = PublishResult(list(names))
    try:
        for name, manifest in manifests.items():
            for partition in manifest["partitions"]:
                for item in partition["files"]:
                    relpath = f"{name}/{item['path']}"
                    target_blob = blob(relpath)
                    existing = bucket.get_blob(target_blob.name)
                    if existing is not None and existing.size == item["bytes"] and \
                            (existing.metadata or {}).get("sha256") == item["sha256"]:
                        result.skipped.append(relpath)
                        continue
                    _upload(target_blob, local.local_path(relpath), item, relpath, chunk_bytes, out)
                    result.uploaded.append(relpath)
            card = read_data_card(local, name)
            if card is not None:
                blob(f"{name}/{DATA_CARD}").upload_from_string(card, content_type="text/markdown; charset=utf-8")
            blob(f"{name}/{MANIFEST}").upload_from_string(json.dumps(manifest, indent=2) + "\n",
                                                          content_type="application/json")
            result.removed += _remove_unlisted(bucket, prefix, name, manifest)
            legacy_card = bucket.get_blob(blob(f"{name}/{LEGACY_DATA_CARD}").name)
            if legacy_card is not None:
                legacy_card.delete()
                result.removed.append(legacy_card.name)
        catalog_blob = blob(CATALOG)
        catalog = json.loads(catalog_blob.download_as_bytes()) if catalog_blob.exists() else {"datasets": []}
        catalog["datasets"] = sorted(set(catalog.get("datasets", [])) | set(names))
        catalog_blob.upload_from_string(json.dumps(catalog, indent=2) + "\n", content_type="application/json")
    except (exceptions.GoogleAPIError, OSError) as exc:  # OSError: requests' connection errors
        raise TransferError(f"{target}: {exc}") from None
    return result


def _upload(target_blob, path: Path, item: dict, label: str, chunk_bytes: int, out) -> None:
    target_blob.metadata = {"sha256": item["sha256"], "rows": str(item["rows"])}
    if item["bytes"] > chunk_bytes:
        target_blob.chunk_size = chunk_bytes  # a chunk size makes the upload resumable
    progress = Progress(label, item["bytes"], out=out)
    with path.open("rb") as handle:
        target_blob.upload_from_file(_ProgressReader(handle, progress), size=item["bytes"],
                                     content_type="application/vnd.apache.parquet")
    progress.finish()


def _remove_unlisted(bucket, prefix: str, name: str, manifest: dict) -> list[str]:
    """Deletes objects in the published partitions that the manifest no longer lists."""
    removed = []
    root = f"{prefix}/{name}/" if prefix else f"{name}/"
    for partition in manifest["partitions"]:
        listed = {root + item["path"] for item in partition["files"]}
        for stale in bucket.client.list_blobs(bucket, prefix=f"{root}{partition['path']}/"):
            if stale.name not in listed:
                stale.delete()
                removed.append(stale.name)
    return removed
