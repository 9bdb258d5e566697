"""The `wikidumps` console command: starts the local workers' zygote before the command imports Beam.

Beam and this project take about 2 s to import; started first, the zygote (runners/local_worker.py)
does that on the second core while the command does it on the first, so a job's workers are ready when
the runner asks for them.
"""
import sys

from runners import local_worker


def main() -> int:
    local_worker.start_early(sys.argv[1:])
    from runners.cli import main as run_command  # the heavy imports, after the zygote has started

    return run_command()


if __name__ == "__main__":
    sys.exit(main())
