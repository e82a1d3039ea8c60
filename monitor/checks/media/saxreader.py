"""The SAX reader feedparser's strict parser is built from (``xml.sax.make_parser`` imports this module).

defusedxml's expat reader refusing entity declarations (billion laughs, XXE). External references are left
to the ``feature_external_ges`` switch feedparser turns off, so the RSS 0.91 DOCTYPE naming Netscape's DTD
still parses (nothing is fetched: expat skips external subsets unless asked).
"""

from __future__ import annotations

from typing import Any

from defusedxml.expatreader import DefusedExpatParser


def create_parser(*args: Any, **kwargs: Any) -> DefusedExpatParser:
    return DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
