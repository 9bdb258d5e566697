"""The `wikidumps` console command: starts the local workers' zygote before the command imports Beam,
and ends the process without tearing the interpreter down.

Beam and this project take about 2 s to import; started first, the zygote (runners/local/worker.py)
does that on the second core while the command does it on the first, so a job's workers are ready when
the runner asks for them.

Once a command has returned, everything it wrote is closed and published; what remains of a normal
exit is Python freeing the objects of Beam, gRPC and Arrow one by one, which took 0.45 s after every
job (4% of the content benchmark's 150 MB run). So the exit handlers run (they stop the zygote and
flush logging), the console is flushed, and the process ends there.
"""
import atexit
import os
import sys
from typing import NoReturn

from runners.local import worker as local_worker


def main() -> NoReturn:
    local_worker.start_early(sys.argv[1:])
    from runners.cli.main import main as run_command  # the heavy imports, after the zygote has started

    code = run_command()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    sys.exit(main())
