"""The `wikidumps` command line: main.py builds the parser, one module per command (run/ holds one per job).

launch.py is the console entry point (it must start before anything heavy is imported, so this package
imports nothing); demo.py is `make demo`.

Parsing the command line imports none of Beam, Arrow, pandas or the jobs: each command module declares its
options at import and imports what does the work inside the function that does it, so that `--help` and a
mistyped option answer in a few hundredths of a second (benchmarks/cli_startup.py), not the second and a
half those imports take. tests/test_cli.py checks which modules parsing imports.
"""
