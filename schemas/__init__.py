"""Declared schemas of every dataset. `DATASETS` maps a dataset name to its schema.

Code names a dataset by the constants below (`PAGES`, `REVISIONS`, ...), each the `name` its schema
module declares, so that a misspelt dataset is an ImportError rather than an empty output.
"""
from schemas import (
    article_gaps,
    article_quality,
    article_survival,
    campaign_participants,
    campaign_summary,
    citations,
    editor_activity,
    editor_months,
    errors,
    events,
    infoboxes,
    knowledge_gaps,
    links,
    newcomer_cohorts,
    page_events,
    pages,
    pageviews,
    plain_text,
    revisions,
    sections,
    tables,
    wikidata_entities,
)
from schemas.dataset import Column, DatasetSchema

DATASETS: dict[str, DatasetSchema] = {
    m.SCHEMA.name: m.SCHEMA
    for m in (pages, revisions, plain_text, sections, citations, links, article_quality, infoboxes, tables, events, page_events,
              editor_months, editor_activity, newcomer_cohorts, article_survival, campaign_participants,
              campaign_summary, wikidata_entities, pageviews, article_gaps, knowledge_gaps, errors)
}

PAGES = pages.SCHEMA.name
REVISIONS = revisions.SCHEMA.name
PLAIN_TEXT = plain_text.SCHEMA.name
SECTIONS = sections.SCHEMA.name
CITATIONS = citations.SCHEMA.name
LINKS = links.SCHEMA.name
ARTICLE_QUALITY = article_quality.SCHEMA.name
INFOBOXES = infoboxes.SCHEMA.name
TABLES = tables.SCHEMA.name
EVENTS = events.SCHEMA.name
PAGE_EVENTS = page_events.SCHEMA.name
EDITOR_MONTHS = editor_months.SCHEMA.name
EDITOR_ACTIVITY = editor_activity.SCHEMA.name
NEWCOMER_COHORTS = newcomer_cohorts.SCHEMA.name
ARTICLE_SURVIVAL = article_survival.SCHEMA.name
CAMPAIGN_PARTICIPANTS = campaign_participants.SCHEMA.name
CAMPAIGN_SUMMARY = campaign_summary.SCHEMA.name
WIKIDATA_ENTITIES = wikidata_entities.SCHEMA.name
PAGEVIEWS = pageviews.SCHEMA.name
ARTICLE_GAPS = article_gaps.SCHEMA.name
KNOWLEDGE_GAPS = knowledge_gaps.SCHEMA.name
ERRORS = errors.SCHEMA.name

__all__ = ["DATASETS", "Column", "DatasetSchema", "PAGES", "REVISIONS", "PLAIN_TEXT", "SECTIONS", "CITATIONS", "LINKS",
           "ARTICLE_QUALITY", "INFOBOXES", "TABLES", "EVENTS", "PAGE_EVENTS", "EDITOR_MONTHS", "EDITOR_ACTIVITY", "NEWCOMER_COHORTS",
           "ARTICLE_SURVIVAL", "CAMPAIGN_PARTICIPANTS", "CAMPAIGN_SUMMARY", "WIKIDATA_ENTITIES", "PAGEVIEWS", "ARTICLE_GAPS", "KNOWLEDGE_GAPS", "ERRORS"]
