"""Declared schemas of every dataset. `DATASETS` maps a dataset name to its schema."""
from schemas import (
    article_gaps,
    article_quality,
    citations,
    editor_activity,
    editor_months,
    errors,
    events,
    knowledge_gaps,
    links,
    pages,
    pageviews,
    plain_text,
    revisions,
    sections,
    wikidata_entities,
)
from schemas.dataset import Column, DatasetSchema

DATASETS: dict[str, DatasetSchema] = {
    m.SCHEMA.name: m.SCHEMA
    for m in (pages, revisions, plain_text, sections, citations, links, article_quality, events, editor_months,
              editor_activity, wikidata_entities, pageviews, article_gaps, knowledge_gaps, errors)
}

__all__ = ["DATASETS", "Column", "DatasetSchema"]
