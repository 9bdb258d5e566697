"""The `wikidumps` console command: runs the command, then ends the process without tearing the
interpreter down.

Once a command has returned, everything it wrote is closed and published; what remains of a normal
exit is Python freeing the objects of Beam, gRPC and Arrow one by one, which took 0.45 s after every
job (4% of the content benchmark's 150 MB run). So the exit handlers run (they stop the local workers'
zygote and flush logging), the console is flushed, and the process ends there.

gRPC's core logs through Abseil, which writes every message, INFO included, to stderr unless gRPC is
told a level: an interrupted job printed "Got goaway ... Cancelling all calls" from the connection
between the driver and its workers above "wikidumps: interrupted". GRPC_VERBOSITY is read when gRPC
starts, so it is set here, before anything imports it, and the workers inherit it; a user's own
setting is kept.
"""
import atexit
import os
import sys
from typing import NoReturn


def main() -> NoReturn:
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    from runners.cli.main import main as run_command

    code = run_command()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    sys.exit(main())
