"""docs/datasets.md, generated from the declared schemas: `python -m schemas.reference > docs/datasets.md`."""
from __future__ import annotations

from schemas import DATASETS


def datasets_reference() -> str:
    lines = [
        "# Datasets reference",
        "",
        "Generated from the schemas declared in `schemas/` (`make docs`); do not edit by hand.",
        "",
        "Every dataset lives at `<output>/<dataset>/wiki_db=<db>/snapshot=<YYYYMMDD>/part-<n>-of-<N>.parquet`,",
        "with a data card (`_README.md`) and a manifest (`_manifest.json`) beside the partitions. Partition",
        "columns are in the directory names, not in the files. Timestamps are UTC, stored as Parquet",
        "timestamps (declared `timestamp[s]`; Parquet keeps them in milliseconds).",
        "",
    ]
    for schema in DATASETS.values():
        lines += [f"## {schema.name}", "", schema.description, "",
                  f"Schema version {schema.version}. Licence: {schema.licence}.", "",
                  "| column | type | description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in schema.columns]
        if schema.caveats:
            lines += ["", "Caveats:", ""] + [f"- {caveat}" for caveat in schema.caveats]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(datasets_reference(), end="")
