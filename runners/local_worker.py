"""Entry point of the local runner's worker processes: Beam's SDK harness with a quieter console.

Beam's workers write their INFO start-up and shut-down chatter to the console they inherit, which
buries the job's progress lines. Errors still get through, and a failing step is reported by the
runner to the command line anyway.
"""
import logging
import sys

console = logging.StreamHandler()
console.setLevel(logging.ERROR)
logging.getLogger().addHandler(console)

from apache_beam.runners.worker import sdk_worker_main  # noqa: E402

if __name__ == "__main__":
    sdk_worker_main.main(sys.argv)
