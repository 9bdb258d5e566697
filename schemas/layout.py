"""Where datasets live on disk: the names every writer and reader of an output folder agree on.

```
<output>/<dataset>/README.md                 data card
<output>/<dataset>/_manifest.json            every partition and file, with row counts and checksums
<output>/<dataset>/wiki_db=<db>/snapshot=<YYYYMMDD>/part-<n>-of-<N>.parquet
<output>/_staging/<run_id>/                  what a running job has written, moved into place when it ends
<output>/_catalog.json                       the datasets of a published prefix (https:// cannot be listed)
```

Beam-free, like all of schemas/: the jobs that write datasets and the library that reads them
(wikidumps.open_dataset) both take these names from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MANIFEST = "_manifest.json"
DATA_CARD = "README.md"
STAGING = "_staging"
CATALOG = "_catalog.json"
# A dataset's Parquet file, and the partition its directories name.
PARTITION_FILE = re.compile(r"wiki_db=([^/]+)/snapshot=([^/]+)/[^/]+\.parquet$")


@dataclass(frozen=True)
class Partition:
    """The directory a row lands in: `wiki_db=<db>/snapshot=<YYYYMMDD>`."""

    wiki_db: str
    snapshot: str

    @property
    def path(self) -> str:
        return f"wiki_db={self.wiki_db}/snapshot={self.snapshot}"
