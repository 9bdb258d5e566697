"""The local runner deals the splits of a dump to whichever worker is free (runners/local/runner.py).

Every job test runs through it on two workers; these tests show how it cuts a reading stage into
bundles, that other stages run as Beam runs them, and that a failing split fails the job.
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import apache_beam as beam
import pytest

from runners import profiles
from runners.local.runner import QueuedFnApiRunner

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the local runner forks its workers on Linux only")

SPLITS = 12


class RecordBundles(beam.DoFn):
    """Writes, for each bundle, the elements it held and the worker process that ran it."""

    def __init__(self, folder: str, fail_on: int | None = None):
        self._folder = folder
        self._fail_on = fail_on

    def start_bundle(self):
        self._elements = []

    def process(self, element):
        if element == self._fail_on:
            raise ValueError(f"split {element} is unreadable")
        self._elements.append(element)
        yield element

    def finish_bundle(self):
        if self._elements:
            record = {"pid": os.getpid(), "elements": self._elements}
            Path(self._folder, f"{uuid.uuid4().hex}.json").write_text(json.dumps(record))


def run_on_two_workers(tmp_path: Path, step: str, fail_on: int | None = None) -> list[dict]:
    profile = profiles.local_profile([], 2)
    assert isinstance(profile.runner, QueuedFnApiRunner)  # Beam still has the bundle managers it extends
    with beam.Pipeline(runner=profile.runner, options=profile.options) as pipeline:
        _ = (pipeline
             | beam.Create(range(SPLITS))
             | step >> beam.Reshuffle()
             | beam.ParDo(RecordBundles(str(tmp_path), fail_on)))
    return [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]


def test_splits_after_a_spreading_step_are_dealt_in_shrinking_bundles_to_both_workers(tmp_path):
    bundles = run_on_two_workers(tmp_path, "SpreadSplits")
    elements = sorted(element for bundle in bundles for element in bundle["elements"])
    assert elements == list(range(SPLITS))  # each split once
    sizes = sorted((len(bundle["elements"]) for bundle in bundles), reverse=True)
    # Guided: a quarter of what is left for each request (two workers), down to one split at a time.
    assert sizes == [3, 2, 1, 1, 1, 1, 1, 1, 1]
    assert len({bundle["pid"] for bundle in bundles}) == 2


def test_other_stages_are_cut_as_beam_cuts_them(tmp_path):
    bundles = run_on_two_workers(tmp_path, "Spread")
    assert sorted(len(bundle["elements"]) for bundle in bundles) == [SPLITS // 2, SPLITS // 2]


def test_a_failing_split_fails_the_job_with_its_error(tmp_path):
    with pytest.raises(Exception, match="split 7 is unreadable"):
        run_on_two_workers(tmp_path, "SpreadSplits", fail_on=7)
