"""Wikitext, scanned once per page: plain text, sections, links, citations and quality features.

`scanner.scan` walks the markup in one pass (regular expressions find the tokens, a stack of frames
matches them); the other modules turn its `Scan` into dataset rows: `titles` resolves link targets with
the wiki's namespaces, `citations` reads references and citation templates, `quality` computes the
language-agnostic quality features. Everything here is plain Python over plain values.
"""
