"""One module per job, and the generic driver (driver.py) that runs any of them.

Every job module declares the same things:
- `NAME`: the job's name (`wikidumps run NAME`, the `pipeline` column of `errors`, manifests);
- `DATASETS`: the datasets it writes;
- `Config`: a frozen dataclass of everything the job needs, planned before it starts; its `inputs` (the
  files read, recorded with their checksums in the manifests) and `partitions` (published even when the
  run writes no rows to them) are what the driver reads of it;
- `accounting(config)`: which counts must add up (`driver.Balance` rules);
- `PROGRESS`: how the command line words the workers' running totals;
- `build(root, config, staging)`: the pipeline as a few labelled steps, from the inputs to the datasets
  written into the run's staging folder; it returns each dataset's PCollection of
  `(Partition, split_key, RecordBatch)`, which tests assert on.

Jobs import transforms/ and schemas/, never each other or runners/.

The jobs' modules are imported one at a time, by name, when a command runs one (runners/cli/run/__init__.py,
`job_module`): importing all nine cost the `run history` process some 14 MB of its 300 MB bound (the
content job's engine and HTML parser, the event readers, ...; docs/performance.md).
"""
