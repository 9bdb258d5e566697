"""The defaults a user can change on the command line, in a module that imports nothing.

`wikidumps ... --help` shows them: declared here, beside none of the code that uses them, they cost the
command nothing to show, where importing their users would import Beam and Arrow first (over a second;
docs/performance.md, "Command start-up").
"""

# Compressed bytes per parallel split of a .bz2 XML dump (history, wikidata-like jobs over XML).
XML_SPLIT_BYTES = 64 * 2**20
# The content job spends 0.25 (plain_text alone) to 0.35 CPU seconds per compressed MB of enwiki articles
# (docs/performance.md, 2026-12-07), more than other XML jobs: small splits keep every worker busy to the end
# (the local runner deals its workers splits from a queue, and the last bundles are single splits). Each split
# costs a Parquet file per dataset and wiki, about 2 ms of CPU each; larger splits were not measured since
# the engine took over the scan (1 MB splits were 0.3 s faster on the 150 MB benchmark before it).
CONTENT_SPLIT_BYTES = 2 * 2**20
# Bytes per parallel split of an uncompressed line-based dump (Wikidata entities, pageviews).
LINE_SPLIT_BYTES = 64 * 2**20

# The content job: larger revisions, and revisions slower to scan, become errors rows.
MAX_PAGE_BYTES = 8 * 2**20
PAGE_SECONDS = 10.0

# Hash buckets of the shuffle that sums a month of pageviews.
PAGEVIEW_BUCKETS = 16

# The article_quality score at or above which an article is of standard quality: the median score of
# C-class articles in Wikimedia Research's calibration of the model (docs/knowledge-gaps.md says why).
STANDARD_QUALITY = 0.54

# `wikidumps stream`: the public EventStreams endpoint; the seconds past an hour's end before its file is
# published (events whose `dt` trails ingestion by more go to a further file of the hour); the longest wait
# between reconnections; how long a silent connection is trusted (EventStreams sends keep-alives); and the
# edit count under which a performer is a newcomer.
STREAM_URL = "https://stream.wikimedia.org/v2/stream"
STREAM_GRACE_SECONDS = 300
STREAM_MAX_BACKOFF_SECONDS = 60.0
STREAM_IDLE_SECONDS = 60.0
STREAM_NEWCOMER_EDITS = 10
