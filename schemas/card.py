"""A dataset's data card (`_README.md`), written from its declared schema and its manifest.

Beside the partitions of every dataset: what it is, its columns, the dumps it came from, its licence and
caveats, and how to read it.
"""
from __future__ import annotations

from schemas.dataset import DatasetSchema


def data_card(schema: DatasetSchema, manifest: dict) -> str:
    """The dataset's `_README.md`: what it is, its columns, where it came from, its licence and caveats.

    Written from the declared schema and the manifest, beside them, each time a dataset is published.
    """
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
                  "thresholds (--privacy public): " + (schema.privacy or
                  "counts are rounded up to the nearest 10 and cells with fewer than 3 active editors (3 editors for "
                  "breakdown rows) are dropped; per-editor rows of IP editors are left out.")]
    if schema.caveats:
        lines += ["", "## Caveats", ""]
        lines += [f"- {caveat}" for caveat in schema.caveats]
    lines += [
        "",
        "## Reading it",
        "",
        "This card and `_manifest.json` start with `_`, which Parquet readers skip: read the folder as it is.",
        "`snapshot` looks like a number but names a dump; read it as a string where the reader guesses types.",
        "",
        "```python",
        "import pandas as pd",
        f"df = pd.read_parquet('{schema.name}')",
        "",
        "import pyarrow as pa, pyarrow.dataset as ds",
        "keys = ds.partitioning(pa.schema([('wiki_db', pa.string()), ('snapshot', pa.string())]), flavor='hive')",
        f"table = ds.dataset('{schema.name}', format='parquet', partitioning=keys).to_table()",
        "```",
        "",
        "```sql",
        f"SELECT * FROM read_parquet('{schema.name}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false);",
        "```",
        "",
        "`_manifest.json` lists every file with its row count and sha256; `wikidumps.open_dataset` reads exactly "
        "those files.",
        "",
    ]
    return "\n".join(lines)
