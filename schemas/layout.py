"""Where datasets live on disk: the names every writer and reader of an output folder agree on.

```
<output>/<dataset>                           a local output: a symlink to `_versions/<dataset>/<version>`
<output>/<dataset>/_README.md                data card
<output>/<dataset>/_manifest.json            every partition and file, with row counts and checksums
<output>/<dataset>/wiki_db=<db>/snapshot=<YYYYMMDD>/part-<n>-of-<N>.parquet
<output>/_versions/<dataset>/<version>/      a local dataset's content; each publish makes a new version
<output>/_publishing.json                    while a local run switches its datasets: the versions it switches
<output>/_lock                               the run writing the output (host, pid, run id, start)
<output>/_staging/<run_id>/                  what a running job has written, moved into place when it ends
<output>/_catalog.json                       the datasets of a published prefix (https:// cannot be listed)
<prefix>/<dataset>/_deltas/wiki_db=<db>/<from>-<to>/   a published delta: removed.parquet, added.parquet
```

Every name beside the partitions starts with `_`: pandas, pyarrow.dataset and Spark skip such files, and
duckdb reads `**/*.parquet`, so the data card and manifest never trip a generic Parquet reader. Outputs
written before the data card got its `_` keep `README.md` (LEGACY_DATA_CARD), which readers still accept,
and a dataset folder that is not a symlink (the layout before versions) is read and published as before.

Beam-free, like all of schemas/: the jobs that write datasets and the library that reads them
(wikidumps.open_dataset) both take these names from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MANIFEST = "_manifest.json"
DATA_CARD = "_README.md"
LEGACY_DATA_CARD = "README.md"
STAGING = "_staging"
VERSIONS = "_versions"
JOURNAL = "_publishing.json"
LOCK = "_lock"
CATALOG = "_catalog.json"
DELTAS = "_deltas"  # the published deltas between two snapshots of a dataset (wikidumps/deltas.py)
TABLES = "_tables"  # the Iceberg warehouse and catalog of `run update --table` (transforms/datasets/tables.py)
# The tables' catalog name: a column of every row of the SQLite catalog, so Spark's catalog must be named so too.
TABLE_CATALOG = "wikidumps"
TABLE_TAG_PREFIX = "snapshot-"  # an Iceberg snapshot holding a dump snapshot is tagged snapshot-<YYYYMMDD>
# A dataset's Parquet file, and the partition its directories name.
PARTITION_FILE = re.compile(r"wiki_db=([^/]+)/snapshot=([^/]+)/[^/]+\.parquet$")


def version_link(dataset: str, version: str) -> str:
    """What the symlink `<output>/<dataset>` holds: the version folder, relative to the output."""
    return f"{VERSIONS}/{dataset}/{version}"


@dataclass(frozen=True)
class Partition:
    """The directory a row lands in: `wiki_db=<db>/snapshot=<YYYYMMDD>`."""

    wiki_db: str
    snapshot: str

    @property
    def path(self) -> str:
        return f"wiki_db={self.wiki_db}/snapshot={self.snapshot}"
