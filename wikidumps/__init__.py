"""The user-facing library: open wikidumps datasets in one line, from an output folder or a published source.

    import wikidumps
    revisions = wikidumps.open_dataset("demo-output", "revisions")
    df = revisions.to_table(filter=pyarrow.dataset.field("page_namespace") == 0).to_pandas()

A published source (gs://bucket/prefix or https://...) is downloaded on demand into a local cache, every
file checked against the manifest's sha256, and re-used on the next call. Beside open_dataset the package
holds what shares datasets and dumps without running a job: stores.py (where datasets are stored, and
downloads), publish.py, fetch.py (dumps from a mirror), transfer.py and the HTML report (report/). It
imports Apache Beam nowhere, and of this project only `schemas`: the jobs live in `pipelines`,
`transforms` and `runners`. Arrow is imported when a dataset is opened, not with the package, so that
the command's help and its other modules (fetch, transfer) load at once.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow.dataset as ds

__all__ = ["open_dataset", "list_datasets", "cache_folder", "cache_root"]

CACHE_ENV = "WIKIDUMPS_CACHE"


def cache_root() -> Path:
    """What this project keeps between runs (downloads, runner binaries): $WIKIDUMPS_CACHE, else
    ~/.cache/wikidumps."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "wikidumps")


def cache_folder(source: str, cache_dir: str | Path | None = None) -> Path:
    """Where a published source's downloads are kept: `<cache>/datasets/<source slug>`.

    The cache root is `cache_dir`, else `cache_root()`.
    """
    root = Path(cache_dir) if cache_dir else cache_root()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", source).strip("-")[:80]
    return root / "datasets" / f"{slug}-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:8]}"


def open_dataset(source: str | Path, name: str, *, wiki_db: str | None = None, snapshot: str | None = None,
                 cache_dir: str | Path | None = None, quiet: bool = False, as_of: str | None = None) -> ds.Dataset:
    """A dataset as a `pyarrow.dataset.Dataset`, partition columns included as strings.

    Args:
        source: an output folder of `wikidumps run`, a folder `wikidumps datasets download` wrote, or a
            published prefix (gs://bucket/prefix, https://host/path).
        name: dataset name (revisions, pages, errors, ...).
        wiki_db: only this wiki's partitions (default: all).
        snapshot: only this snapshot's partitions, YYYYMMDD (default: all).
        cache_dir: where published data is downloaded (default: $WIKIDUMPS_CACHE or ~/.cache/wikidumps).
        quiet: no progress bars while downloading.
        as_of: read the Iceberg tables `wikidumps run update --table` keeps in the output folder instead: each
            wiki's rows at its latest snapshot on or before this date, YYYYMMDD (needs pyiceberg).

    Returns:
        A lazy dataset over exactly the files the manifest lists for the chosen partitions (the data
        card and manifest beside them are not read as data); `wiki_db` and `snapshot` are string columns.

    Raises:
        wikidumps.stores.StoreError: no such dataset or partition, or a manifest naming unsafe paths.
        wikidumps.transfer.TransferError, VerificationError: a download failed or did not match its sha256.
    """
    from wikidumps.stores import LocalStore, arrow_dataset, download_dataset, open_store, read_manifest, select_partitions

    if as_of is not None:
        from wikidumps.tables import open_table

        return open_table(source, name, as_of, wiki_db)
    opened = open_store(source)
    if isinstance(opened, LocalStore):
        manifest = read_manifest(opened, name)  # resolves the dataset's current version once: see stores.py
        partitions = select_partitions(manifest, wiki_db, snapshot)
        folder = opened.dataset_folder(name)
    else:
        result = download_dataset(opened, name, cache_folder(opened.location, cache_dir), wiki_db=wiki_db,
                                  snapshot=snapshot, out=io.StringIO() if quiet else None)
        manifest = read_manifest(LocalStore(result.folder.parent), name)
        partitions, folder = result.partitions, result.folder
    return arrow_dataset(folder, manifest, partitions)


def list_datasets(source: str | Path) -> list[str]:
    """Names of the datasets in an output folder or published source."""
    from wikidumps.stores import open_store

    return open_store(source).list_datasets()
