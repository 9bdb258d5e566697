"""`pageviews`: monthly views per page and access method, from Wikimedia's pageview dumps."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="pageviews",
    version="1.0.0",
    description="One row per wiki, page title, page id, access method and month: the views that the given "
    "hourly `pageviews-*.gz` or daily `pageviews-*-user.bz2` (pageviews-complete) files count, summed.",
    licence=CC0,
    caveats=(
        "A partition holds the months' views of the files given to the run: give every file of a month in "
        "one run (re-running a month replaces its partitions).",
        "Hourly files cannot tell mobile-web from mobile-app views: both are counted as access_method "
        "`mobile`; pageviews-complete files give desktop, mobile-web and mobile-app.",
        "Hourly files carry no page ids (page_id is null); pageviews-complete files give one except for "
        "mobile-app views.",
        "Titles are as the dumps give them (underscores, namespace prefix kept); views of redirects are "
        "counted under the redirect's title.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name (enwiki, dewiktionary, commonswiki, ...), from the dump's project code.", False),
        Column("snapshot", pa.string(), "First day of the month the views belong to, YYYYMM01.", False),
        Column("page_title", pa.string(), "Page title as the dump gives it: underscores, namespace prefix kept.", False),
        Column("page_id", pa.int64(), "Page id when the dump gives one (pageviews-complete, not mobile-app); null otherwise."),
        Column("access_method", pa.string(), "desktop, mobile-web, mobile-app, or mobile (hourly files: web and app together).", False),
        Column("month", pa.string(), "Month of the views, YYYY-MM (as the indices' time_bucket).", False),
        Column("views", pa.int64(), "Views counted in the given files for that month (user agents only in pageviews-complete -user files).", False),
    ),
)
