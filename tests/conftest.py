"""Shared fixtures: real Wikimedia data (skipped when absent), inline XML dumps, job runs."""
from __future__ import annotations

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


def read_dataset(output: Path, name: str) -> list[dict]:
    """All rows of a published dataset, partition columns included, as dicts."""
    partitioning = ds.partitioning(pa.schema([("wiki_db", pa.string()), ("snapshot", pa.string())]), flavor="hive")
    dataset = ds.dataset(output / name, format="parquet", partitioning=partitioning,
                         ignore_prefixes=[".", "_", "README"])
    return dataset.to_table().to_pylist()
