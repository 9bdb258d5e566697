"""Where jobs run: the `wikidumps` command (cli/), the runner profiles (profiles.py), the local runner
(local/) and the cluster helpers (clusters/).

The profile names and the profiles' error are declared here, not in profiles.py, so that the command can
offer the names in its help and catch the error without importing Beam.
"""

RUNNERS = ("local", "flink", "spark", "prism", "dataflow")


class ProfileError(Exception):
    """The options do not make a runnable job on the chosen runner; the message says what to give."""
