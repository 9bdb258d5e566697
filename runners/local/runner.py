"""The local runner: Beam's FnApiRunner, with the splits of a dump dealt to whichever worker is free.

FnApiRunner runs a stage on several workers by cutting the stage's input up front into one part per
worker (every n-th element) and sending each part as one bundle. For the stage that reads a dump's
splits that leaves a core idle at the end: splits differ in cost (one holds more articles than
another, one core of a shared machine runs slower than the other), and the worker that got the
cheaper half waits for the other. On the 150 MB content benchmark one worker's half took 1.2-1.4 CPU
seconds more than the other's; on 1 GB, 11 s.

So for the stages that follow a reader's spreading step (`SpreadSplits`, `SpreadFiles`: one element
per split or file) this runner keeps the elements in a queue and gives each worker, whenever it has
finished a bundle, a new one: a share of what is left (guided self-scheduling), so large bundles first
and single splits at the end. One bundle per split would balance as well but costs about 0.05 s of
bundle overhead per split. Every other stage runs as Beam runs it. This reaches into FnApiRunner's
bundle managers, which are not a public API: `queued_runner()` checks that they are there and
otherwise returns a plain FnApiRunner (tests/test_local_runner.py fails then, so that an upgrade of
Beam that removes them is noticed).
"""
from __future__ import annotations

import threading
from collections import deque

from apache_beam.metrics import monitoring_infos
from apache_beam.portability.api import beam_fn_api_pb2
from apache_beam.runners.portability.fn_api_runner import fn_runner
from apache_beam.runners.portability.fn_api_runner.fn_runner import FnApiRunner

# Names of the reshuffles after which the readers have one element per split or file, or (Enterprise HTML
# dumps) per batch of records (transforms/*/read.py).
SPREADING_STEPS = frozenset({"SpreadSplits", "SpreadFiles", "SpreadBatches"})
# A stage's input is cut into at most this many parts; beyond, a part holds several splits.
MAX_PARTS = 4096
# Each bundle takes 1 / (SHARE_DIVISOR * workers) of the parts left: small enough that the last
# bundles are single splits, large enough to keep bundles few.
SHARE_DIVISOR = 2


def queued_runner(**runner_options) -> FnApiRunner:
    """An FnApiRunner that deals splits from a queue, or a plain one if this Beam lacks what it needs."""
    if hasattr(fn_runner, "ParallelBundleManager") and hasattr(FnApiRunner, "_get_bundle_manager"):
        return QueuedFnApiRunner(**runner_options)
    return FnApiRunner(**runner_options)


class QueuedFnApiRunner(FnApiRunner):
    def _get_bundle_manager(self, bundle_context_manager):
        manager = super()._get_bundle_manager(bundle_context_manager)
        if type(manager) is fn_runner.ParallelBundleManager and reads_splits(bundle_context_manager.stage):
            return QueuedBundleManager(bundle_context_manager, self._progress_frequency,
                                       cache_token_generator=FnApiRunner.get_cache_token_generator(static=False))
        return manager


def reads_splits(stage) -> bool:
    return any(SPREADING_STEPS.intersection(transform.unique_name.split("/")) for transform in stage.transforms)


class QueuedBundleManager(fn_runner.ParallelBundleManager):
    """Runs a stage's input as a series of shrinking bundles, each on the first worker to be free."""

    def process_bundle(self, inputs, expected_outputs, fired_timers, expected_output_timers, dry_run=False):
        if len(inputs) != 1 or fired_timers:  # not a reading stage after all: Beam's way
            return super().process_bundle(inputs, expected_outputs, fired_timers, expected_output_timers, dry_run)
        (transform, buffer), = inputs.items()
        # An empty input still makes one (empty) bundle, as in Beam.
        parts = deque(part for part in buffer.partition(MAX_PARTS) if any(part)) or deque([[]])
        workers = self.bundle_context_manager.worker_handlers
        lock = threading.Lock()
        failed = threading.Event()

        def serve(worker) -> list:
            """Takes bundles off the queue until it is empty; the worker's results."""
            one_worker = _OneWorker(self.bundle_context_manager, worker)
            results = []
            while not failed.is_set():
                with lock:
                    if not parts:
                        break
                    take = max(1, len(parts) // (SHARE_DIVISOR * len(workers)))
                    part = [chunk for _ in range(take) for chunk in parts.popleft()]
                manager = fn_runner.BundleManager(one_worker, self._progress_frequency,
                                                  cache_token_generator=self._cache_token_generator)
                try:
                    results.append(manager.process_bundle({transform: part}, expected_outputs, {},
                                                          expected_output_timers, dry_run))
                except BaseException:
                    failed.set()  # the other workers take no further part; the error reaches the runner
                    raise
            return results

        return _merged(_on_each(serve, workers, failed))


class _OneWorker:
    """A stage's bundle context that offers a BundleManager only the given worker (it picks by counter)."""

    def __init__(self, context, worker):
        self._context = context
        self.worker_handlers = [worker]

    def __getattr__(self, name):
        return getattr(self._context, name)


def _on_each(serve, workers: list, failed: threading.Event) -> list:
    """`serve(worker)` for each worker at once, in daemon threads; their results in worker order.

    After a failed bundle the runner stops the workers, and a bundle another worker was running then
    never answers: its thread waits for ever. Daemon threads are not waited for when the command exits
    (a ThreadPoolExecutor's are, which would hang it).
    """
    results: list = [[] for _ in workers]
    errors: list[BaseException] = []

    def run(index: int, worker) -> None:
        try:
            results[index] = serve(worker)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the calling thread)
            errors.append(exc)
            failed.set()

    threads = [threading.Thread(target=run, args=(index, worker), name=f"split-queue-{index}", daemon=True)
               for index, worker in enumerate(workers)]
    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads) and not errors:
            for thread in threads:
                thread.join(0.1)
    except BaseException:
        failed.set()  # Ctrl-C: no worker takes another bundle
        raise
    if errors:
        raise errors[0]  # the first failure ends the stage, whatever the other workers are doing
    return [result for done in results for result in done]


def _merged(results: list) -> tuple:
    """One result for the stage, as ParallelBundleManager merges its parts': metrics summed, an error kept."""
    responses = [response for response, _ in results]
    merged = beam_fn_api_pb2.InstructionResponse(
        process_bundle=beam_fn_api_pb2.ProcessBundleResponse(
            monitoring_infos=monitoring_infos.consolidate(
                info for response in responses for info in response.process_bundle.monitoring_infos)),
        error=next((response.error for response in responses if response.error), ""))
    return merged, [split for _, splits in results for split in splits]
