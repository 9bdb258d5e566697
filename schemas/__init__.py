"""Declared schemas of every dataset. `DATASETS` maps a dataset name to its schema."""
from schemas import article_quality, citations, errors, links, pages, plain_text, revisions, sections
from schemas.dataset import Column, DatasetSchema

DATASETS: dict[str, DatasetSchema] = {
    m.SCHEMA.name: m.SCHEMA
    for m in (pages, revisions, plain_text, sections, citations, links, article_quality, errors)
}

__all__ = ["DATASETS", "Column", "DatasetSchema"]
