"""Declared schemas of every dataset. `DATASETS` maps a dataset name to its schema."""
from schemas import editor_activity, editor_months, errors, events, pages, pageviews, revisions, wikidata_entities
from schemas.dataset import Column, DatasetSchema

DATASETS: dict[str, DatasetSchema] = {
    m.SCHEMA.name: m.SCHEMA
    for m in (pages, revisions, events, editor_months, editor_activity, wikidata_entities, pageviews, errors)
}

__all__ = ["DATASETS", "Column", "DatasetSchema"]
