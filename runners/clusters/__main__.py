"""`python -m runners.clusters fetch|start|stop|status ...` (see processes.py)."""
import sys

from runners.clusters.processes import main

sys.exit(main())
