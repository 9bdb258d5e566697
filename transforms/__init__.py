"""Input families and shared logic, as plain functions with thin Beam transforms around them.

Each input family has a subpackage with the same parts: `inputs` (describe and validate a file),
`splits` (what workers read in parallel), `reader` (pure functions over bytes, no Beam) and `read`
(the Beam transforms, `ReadFromX` for given files and `ReadAllFromX` for a PCollection of them):
xml/ (MediaWiki XML dumps), events/ (event dumps), lines/ (Wikidata JSON and pageview dumps). Shared
logic: common/ (files, naming, timestamps, problems, counters), revisions/ (history rows and reverts),
wikitext/ (the one-pass scan and the content datasets), indices/ (editor activity, knowledge gaps) and
datasets/ (rows into batches, writing, reading back, publishing).

The public transforms are offered here by name (`from transforms import ReadFromXmlDump`). They are
imported on first use, so that importing a plain-function module (the wikitext scanner, say) does not
import every Beam transform of the package, nor make mypyc type-check them (setup.py).
"""
import importlib

# Public transform -> the module that defines it.
PUBLIC = {
    "BatchRows": "transforms.datasets.write",
    "ReadAllFromEventDump": "transforms.events.read",
    "ReadAllFromLineDump": "transforms.lines.read",
    "ReadAllFromXmlDump": "transforms.xml.read",
    "ReadFromDataset": "transforms.datasets.read",
    "ReadFromEventDump": "transforms.events.read",
    "ReadFromLineDump": "transforms.lines.read",
    "ReadFromXmlDump": "transforms.xml.read",
    "ScoreArticleQuality": "transforms.wikitext.score",
    "WriteToDatasets": "transforms.datasets.write",
}
__all__ = sorted(PUBLIC)


def __getattr__(name: str):
    if name not in PUBLIC:
        raise AttributeError(f"module 'transforms' has no attribute {name!r}")
    return getattr(importlib.import_module(PUBLIC[name]), name)
