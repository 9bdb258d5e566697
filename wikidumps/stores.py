"""Where datasets are stored: an output folder, a gs:// prefix, or an https:// URL, and downloads from them.

A store is a root holding `<dataset>/_manifest.json`, `<dataset>/_README.md` (the data card; `README.md`
in outputs written before it was renamed) and the partitions the manifest lists (the layout `wikidumps
run` writes and `wikidumps datasets publish` uploads; the command line calls it SOURCE). Everything read
from a store is checked before it touches the disk: manifest paths must stay inside their dataset (no
`..`, no absolute paths, no symlinks), and each file's sha256 must match the manifest.

In a local output of `wikidumps run`, `<dataset>` is a symlink to its current version,
`_versions/<dataset>/<version>/` (schemas/layout.py): that one symlink, of exactly that form, is
followed. A LocalStore resolves it once per dataset, so everything read through one store comes from one
version even while a run publishes a new one (a version replaced meanwhile is deleted, and reading it
then fails rather than mixing versions: open the dataset again).
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

import pyarrow as pa
import pyarrow.dataset as ds

from schemas.layout import CATALOG, DATA_CARD, LEGACY_DATA_CARD, MANIFEST, VERSIONS
from wikidumps.transfer import (
    CHUNK_BYTES,
    Expected,
    Interrupted,
    NotFoundError,
    TransferError,
    VerificationError,
    download_verified,
    file_digests,
    http_get,
    http_stream,
)

DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class StoreError(Exception):
    """A store or dataset that cannot be read as asked."""


class UnsafeManifestError(StoreError):
    """A manifest naming a file outside its dataset (`..`, an absolute path, a symlink)."""


# ---------------------------------------------------------------------------------------------------
# Stores


class LocalStore:
    """A local folder: the output of `wikidumps run`, or a folder datasets were downloaded into."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.location = str(root)
        self._folders: dict[str, Path] = {}

    def read_bytes(self, relpath: str) -> bytes:
        path = self.local_path(relpath)
        if not path.is_file():
            raise NotFoundError(f"{path}: not found")
        return path.read_bytes()

    def stream(self, relpath: str, start: int) -> Iterator[bytes]:
        with self.local_path(relpath).open("rb") as handle:
            handle.seek(start)
            while block := handle.read(CHUNK_BYTES):
                yield block

    def list_datasets(self) -> list[str]:
        if not self.root.is_dir():
            raise StoreError(f"{self.root}: no such folder")
        return sorted(p.name for p in self.root.iterdir() if (p / MANIFEST).is_file() and not p.name.startswith(("_", ".")))

    def local_path(self, relpath: str) -> Path:
        """The path of `<dataset>/<file>` (or of a dataset's folder), refusing one reached through a symlink
        (it could point anywhere) other than the dataset's own version link."""
        dataset, _, rest = safe_relative_path(relpath).partition("/")
        folder = self.dataset_folder(dataset)
        return contained_path(folder, rest) if rest else folder

    def dataset_folder(self, dataset: str) -> Path:
        """The folder holding a dataset's files now: the version its symlink points to, resolved on the
        first call and kept (this store then reads one version), or the dataset's plain folder."""
        if dataset not in self._folders:
            self._folders[dataset] = version_folder(self.root, dataset)
        return self._folders[dataset]


class HttpStore:
    """An https:// (or http://) URL: a published prefix served over HTTP, e.g. a public bucket."""

    def __init__(self, url: str):
        self.location = url.rstrip("/")

    def url(self, relpath: str) -> str:
        return f"{self.location}/{relpath}"

    def read_bytes(self, relpath: str) -> bytes:
        return http_get(self.url(relpath))

    def stream(self, relpath: str, start: int) -> Iterator[bytes]:
        return http_stream(self.url(relpath), start)

    def list_datasets(self) -> list[str]:
        try:
            catalog = json.loads(self.read_bytes(CATALOG))
        except NotFoundError:
            raise StoreError(f"{self.url(CATALOG)} not found: HTTP has no folder listing, so name the dataset "
                              "(describe and download work without a catalog), or have the publisher write one: "
                              "`wikidumps datasets publish OUTPUT_DIR FOLDER` writes the folder to serve, with "
                              f"{CATALOG}") from None
        return sorted(catalog.get("datasets", []))


class GcsStore:
    """A gs://bucket/prefix, read with google-cloud-storage (anonymously when no credentials exist)."""

    def __init__(self, url: str):
        from wikidumps.gcs import client, split_gs_url

        self.location = url.rstrip("/")
        bucket_name, self.prefix = split_gs_url(url)
        self.bucket = client().bucket(bucket_name)

    def blob_name(self, relpath: str) -> str:
        return f"{self.prefix}/{relpath}" if self.prefix else relpath

    def read_bytes(self, relpath: str) -> bytes:
        from google.api_core import exceptions

        try:
            return self.bucket.blob(self.blob_name(relpath)).download_as_bytes()
        except exceptions.NotFound:
            raise NotFoundError(f"{self.location}/{relpath}: not found") from None
        except exceptions.GoogleAPIError as exc:
            raise TransferError(f"{self.location}/{relpath}: {exc}") from None

    def stream(self, relpath: str, start: int) -> Iterator[bytes]:
        from google.api_core import exceptions

        blob = self.bucket.blob(self.blob_name(relpath))
        try:
            with blob.open("rb", chunk_size=8 * CHUNK_BYTES) as reader:
                reader.seek(start)
                while block := reader.read(CHUNK_BYTES):
                    yield block
        except exceptions.NotFound:
            raise NotFoundError(f"{self.location}/{relpath}: not found") from None
        except (exceptions.ServerError, OSError) as exc:  # requests' connection errors are OSErrors
            raise Interrupted(str(exc)) from None
        except exceptions.GoogleAPIError as exc:
            raise TransferError(f"{self.location}/{relpath}: {exc}") from None

    def list_datasets(self) -> list[str]:
        root = f"{self.prefix}/" if self.prefix else ""
        names = set()
        for blob in self.bucket.client.list_blobs(self.bucket, prefix=root):
            parts = blob.name[len(root):].split("/")
            if len(parts) == 2 and parts[1] == MANIFEST:
                names.add(parts[0])
        return sorted(names)


def open_store(location: str | Path):
    """The store behind a local folder, a gs://bucket/prefix or an http(s):// URL."""
    text = str(location)
    if text.startswith("gs://"):
        return GcsStore(text)
    if text.startswith(("https://", "http://")):
        return HttpStore(text)
    if "://" in text:
        raise StoreError(f"{text}: unsupported source (use a local folder, gs:// or https://)")
    return LocalStore(text)


# ---------------------------------------------------------------------------------------------------
# Manifests


def safe_relative_path(path: object) -> str:
    """`path` if it is a plain relative path inside its dataset, else UnsafeManifestError."""
    if not isinstance(path, str) or not path:
        raise UnsafeManifestError(f"manifest path {path!r} is not a relative file path")
    pure = PurePosixPath(path)
    if "\\" in path or pure.is_absolute() or re.match(r"^[A-Za-z]:", path):
        raise UnsafeManifestError(f"manifest path {path!r} is absolute; refusing it")
    if any(part in ("..", ".", "") for part in path.split("/")):
        raise UnsafeManifestError(f"manifest path {path!r} leaves its dataset or is not normalised; refusing it")
    return path


def contained_path(root: Path, relpath: str) -> Path:
    """`root/relpath`, refusing a path that is not plain or that passes through a symlink."""
    path = root
    for part in safe_relative_path(relpath).split("/"):
        path = path / part
        if path.is_symlink():
            raise UnsafeManifestError(f"{path} is a symlink; refusing to follow it out of {root}")
    return path


def version_folder(root: Path, dataset: str) -> Path:
    """`root/dataset`, or the version folder it links to if it is a symlink `_versions/<dataset>/<version>`;
    any other symlink is refused."""
    path = root / dataset
    if not path.is_symlink():
        return path
    target = os.readlink(path)
    parts = target.split("/")
    if len(parts) != 3 or parts[:2] != [VERSIONS, dataset] or parts[2] in ("", ".", "..") or parts[2].startswith("."):
        raise UnsafeManifestError(f"{path} is a symlink to {target}; refusing to follow it out of {root}")
    return contained_path(root, target)


def check_dataset_name(name: str) -> str:
    if not DATASET_NAME.match(name):
        raise StoreError(f"{name!r} is not a dataset name")
    return name


def read_manifest(store, dataset: str) -> dict:
    """A dataset's manifest from a store, with every path in it checked."""
    check_dataset_name(dataset)
    try:
        manifest = json.loads(store.read_bytes(f"{dataset}/{MANIFEST}"))
    except NotFoundError:
        try:
            known = ", ".join(store.list_datasets()) or "none"
        except (StoreError, TransferError):
            known = "unknown"
        raise StoreError(f"{store.location}: no dataset {dataset!r} (datasets: {known})") from None
    except ValueError as exc:
        raise StoreError(f"{store.location}/{dataset}/{MANIFEST}: not JSON ({exc})") from None
    for partition in manifest.get("partitions", []):
        prefix = safe_relative_path(partition.get("path")) + "/"
        for item in partition.get("files", []):
            if not safe_relative_path(item.get("path")).startswith(prefix):
                raise UnsafeManifestError(f"manifest file {item.get('path')!r} is outside its partition {prefix!r}")
            if not isinstance(item.get("bytes"), int) or not re.fullmatch(r"[0-9a-f]{64}", str(item.get("sha256"))):
                raise StoreError(f"manifest entry {item.get('path')!r} has no valid bytes and sha256")
    return manifest


def select_partitions(manifest: dict, wiki_db: str | None = None, snapshot: str | None = None) -> list[dict]:
    """The manifest's complete partitions matching `wiki_db` and `snapshot` (None: any)."""
    chosen = [
        p for p in manifest.get("partitions", [])
        if p.get("complete", True) and (wiki_db is None or p.get("wiki_db") == wiki_db)
        and (snapshot is None or p.get("snapshot") == snapshot)
    ]
    if not chosen:
        have = ", ".join(f"{p.get('wiki_db')}/{p.get('snapshot')}" for p in manifest.get("partitions", [])) or "none"
        raise StoreError(f"{manifest.get('dataset')}: no partition with wiki_db={wiki_db or '*'} "
                          f"snapshot={snapshot or '*'} (partitions: {have})")
    return chosen


def partition_bytes(partition: dict) -> int:
    return sum(item["bytes"] for item in partition.get("files", []))


def arrow_dataset(folder: Path, manifest: dict, partitions: list[dict]) -> ds.Dataset:
    """A pyarrow dataset over exactly the files the manifest lists for `partitions` of a local dataset.

    Partition columns are read as strings (a snapshot looks like a number but names a dump); the data
    card and manifest beside the partitions are not data and are never read as such.
    """
    files = [str(contained_path(folder, item["path"])) for p in partitions for item in p["files"]]
    keys = pa.schema([(column, pa.string()) for column in manifest.get("partitioning", [])])
    return ds.dataset(files, format="parquet", partitioning=ds.partitioning(keys, flavor="hive"),
                      partition_base_dir=str(folder))


# ---------------------------------------------------------------------------------------------------
# Downloads


@dataclass
class DownloadResult:
    folder: Path
    partitions: list[dict]
    downloaded: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


def _sha256_known(local_manifest: dict | None) -> dict[str, str]:
    """File path -> sha256 of the files an earlier download already verified."""
    return {item["path"]: item["sha256"] for p in (local_manifest or {}).get("partitions", []) for item in p.get("files", [])}


def _read_local_manifest(folder: Path) -> dict | None:
    path = folder / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except ValueError:
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def download_dataset(store, dataset: str, to: str | Path, *, wiki_db: str | None = None,
                     snapshot: str | None = None, out=None) -> DownloadResult:
    """Downloads a dataset's partitions (all, or those of one wiki and/or snapshot) into `to/<dataset>`.

    Files are streamed, resumed when a partial download is there, and verified against the
    manifest's size and sha256; a file that fails is deleted. A file an earlier download verified is
    not fetched or hashed again. The local `_manifest.json` lists the partitions downloaded so far
    (only complete ones), so the folder reads like a job's output folder.

    Raises:
        StoreError: no such dataset or partition, or an unsafe manifest.
        TransferError: a transfer failed (partial files are kept for a resume).
        VerificationError: files did not match the manifest (they were deleted; verified ones stay).
        StoreError: also for a file that cannot be read or written (a read-only or full disk).
    """
    try:
        return _download(store, dataset, to, wiki_db, snapshot, out)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"{exc.filename or to}: {reason}") from None


def _download(store, dataset: str, to: str | Path, wiki_db: str | None, snapshot: str | None, out) -> DownloadResult:
    out = out or sys.stderr
    manifest = read_manifest(store, dataset)
    partitions = select_partitions(manifest, wiki_db, snapshot)
    root = Path(to)
    folder = contained_path(root, check_dataset_name(dataset))
    folder.mkdir(parents=True, exist_ok=True)
    local_manifest = _read_local_manifest(folder)
    known = _sha256_known(local_manifest)
    result = DownloadResult(folder, partitions)
    failures = []
    done_partitions, failed_partitions = [], []
    for partition in partitions:
        partition_ok = True
        for item in partition["files"]:
            dest = contained_path(folder, item["path"])
            if dest.is_file() and dest.stat().st_size == item["bytes"] and known.get(item["path"]) == item["sha256"]:
                result.present.append(item["path"])
                continue
            try:
                outcome = download_verified(lambda start, path=f"{dataset}/{item['path']}": store.stream(path, start),
                                            dest, Expected(item["bytes"], {"sha256": item["sha256"]}),
                                            label=f"{dataset}/{item['path']}", out=out)
            except VerificationError as exc:
                failures.append(str(exc))
                partition_ok = False
                continue
            (result.present if outcome == "present" else result.downloaded).append(item["path"])
        if partition_ok:
            _remove_unlisted_files(folder, partition)
            done_partitions.append(partition)
        else:
            failed_partitions.append(partition)
    _write_local_manifest(folder, manifest, local_manifest, done_partitions, failed_partitions, store.location)
    card = read_data_card(store, dataset)
    if card is not None:  # a data card is documentation; the data and its checks do not depend on it
        _write_atomically(folder / DATA_CARD, card)
    if (folder / LEGACY_DATA_CARD).is_file():
        (folder / LEGACY_DATA_CARD).unlink()  # an earlier download's, under the name Parquet readers trip on
    if failures:
        raise VerificationError("; ".join(failures))
    return result


def read_data_card(store, dataset: str) -> bytes | None:
    """A dataset's data card, under its name or the one outputs had before it was renamed; None if absent."""
    for name in (DATA_CARD, LEGACY_DATA_CARD):
        try:
            return store.read_bytes(f"{dataset}/{name}")
        except NotFoundError:
            continue
    return None


def _remove_unlisted_files(folder: Path, partition: dict) -> None:
    """Parquet files of an older version of the partition would be read with the new ones."""
    listed = {item["path"] for item in partition["files"]}
    directory = contained_path(folder, partition["path"])
    for path in directory.glob("*.parquet"):
        if f"{partition['path']}/{path.name}" not in listed:
            path.unlink()


def _write_local_manifest(folder: Path, manifest: dict, local_manifest: dict | None, partitions: list[dict],
                          failed: list[dict], location: str) -> None:
    """Lists the partitions downloaded so far; one that failed now is dropped (its files may be mixed)."""
    entries = {(p["wiki_db"], p["snapshot"]): p for p in (local_manifest or {}).get("partitions", [])}
    entries.update({(p["wiki_db"], p["snapshot"]): p for p in partitions})
    for p in failed:
        entries.pop((p["wiki_db"], p["snapshot"]), None)
    live_runs = {f.get("run_id", p.get("run_id")) for p in entries.values() for f in p["files"]}
    runs = {**(local_manifest or {}).get("runs", {}), **manifest.get("runs", {})}
    merged = dict(manifest)
    merged["partitions"] = [entries[key] for key in sorted(entries)]
    merged["runs"] = {run_id: run for run_id, run in runs.items() if run_id in live_runs}
    merged["downloaded_from"] = location
    _write_atomically(folder / MANIFEST, (json.dumps(merged, indent=2) + "\n").encode("utf-8"))


def local_files_match(folder: Path, partitions: list[dict]) -> list[str]:
    """Files of a local dataset that differ from its manifest (size or sha256), as messages."""
    problems = []
    for partition in partitions:
        for item in partition["files"]:
            path = contained_path(folder, item["path"])
            if not path.is_file():
                problems.append(f"{path}: missing")
                continue
            size = path.stat().st_size
            digest = file_digests(path, ["sha256"])["sha256"] if size == item["bytes"] else None
            if size != item["bytes"] or digest != item["sha256"]:
                problems.append(f"{path}: {size:,} bytes, sha256 {digest or 'not computed'}; the manifest says "
                                f"{item['bytes']:,} bytes, sha256 {item['sha256']}")
    return problems

