"""The `wikidumps` command line: main.py builds the parser, one module per command (run/ holds one per job).

launch.py is the console entry point (it must start before anything heavy is imported, so this package
imports nothing); demo.py is `make demo`.
"""
