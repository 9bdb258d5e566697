"""Shared fixtures: real Wikimedia data (skipped when absent), inline XML dumps, job runs."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE_DUMPS = ROOT / "sample_dumps"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.gcs import gcs_emulator  # noqa: E402,F401  (a fixture for every test module)


def pytest_configure(config):
    config.addinivalue_line("markers", "cluster: runs a job on a real Flink or Spark cluster, or on Prism "
                            "(needs `make fetch-runners` first)")


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The shared real dumps; tests using them skip, saying why, when the folder is not there."""
    if not REAL.is_dir():
        pytest.skip(f"real Wikimedia data not found at {REAL} (see DESIGN.md: ../shared/data/real)")
    return REAL


@pytest.fixture(scope="session")
def samplewiki_output(tmp_path_factory) -> Path:
    """The history job's output on the bundled samplewiki history, made once; tests must not change it."""
    from runners.cli import main as cli

    output = tmp_path_factory.mktemp("samplewiki-output")
    history = SAMPLE_DUMPS / "samplewiki-20260101-pages-meta-history.xml.bz2"
    assert cli.main(["run", "history", "--workers", "1", "--input", str(history), "--output", str(output)]) == 0
    return output


@pytest.fixture(scope="session")
def samplewiki_demo(tmp_path_factory) -> Path:
    """`make demo`'s output (every job of the chain, then the report), made once; tests must not change it."""
    from runners.cli import demo

    output = tmp_path_factory.mktemp("samplewiki-demo")
    assert demo.main(["--output", str(output), "--workers", "1"]) == 0
    return output


def read_dataset(output: Path, name: str) -> list[dict]:
    """All rows of a published dataset, partition columns included, as dicts."""
    partitioning = ds.partitioning(pa.schema([("wiki_db", pa.string()), ("snapshot", pa.string())]), flavor="hive")
    dataset = ds.dataset(output / name, format="parquet", partitioning=partitioning,
                         ignore_prefixes=[".", "_"])
    return dataset.to_table().to_pylist()


def write_dataset(output: Path, name: str, rows: pa.Table, wiki_db: str = "samplewiki", snapshot: str = "20260101") -> dict:
    """Publishes `rows` as dataset `name` of one partition with the real writer (manifest, data card).

    For datasets whose jobs are not part of this checkout yet, or shapes a test needs; the schema is
    the table's own. Returns the manifest.
    """
    from schemas.dataset import CC0, Column, DatasetSchema
    from schemas.layout import Partition
    from transforms.datasets.publish import RunRecord, publish_dataset, write_staged_file

    columns = [Column("wiki_db", pa.string(), "Wiki."), Column("snapshot", pa.string(), "Dump date.")]
    columns += [Column(f.name, f.type, f"Test column {f.name}.") for f in rows.schema]
    schema = DatasetSchema(name=name, version="0.0.1", description=f"Test dataset {name}.", licence=CC0,
                           columns=tuple(columns))
    partition = Partition(wiki_db, snapshot)
    staging = str(output / "_staging" / name)
    staged = write_staged_file(staging, schema, partition, "0", rows.to_batches())
    manifest = publish_dataset(str(output), staging, schema, [staged], [partition],
                               RunRecord(f"test-{name}", "test", "0", {}, [], "2026-01-01T00:00:00+00:00"))
    shutil.rmtree(output / "_staging")
    return manifest
