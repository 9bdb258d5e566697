"""What jobs need to run on a cluster: local Flink, Spark and Prism processes (processes.py) and the check of
a Dataflow job specification (dataflow.py)."""
