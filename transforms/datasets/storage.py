"""Paths and small JSON records of an output folder, local or gs://, through Beam's FileSystems."""
from __future__ import annotations

import json

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems


def join(base: str, *parts: str) -> str:
    return FileSystems.join(base, *parts) if parts else base


def is_local(path: str) -> bool:
    return "://" not in path


def write_json(path: str, data) -> None:
    """A small JSON record (staged-file lists, input checksums) in the staging area."""
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(json.dumps(data, indent=1).encode("utf-8"))


def read_json(path: str):
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return json.loads(handle.read().decode("utf-8"))
