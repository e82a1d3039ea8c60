"""The table of rules: each a ``Rule`` record naming the codes it emits (docs/indicators.md names the function
that decides each code). Each rule is pure: (target, history, now, settings) → findings."""

from __future__ import annotations

from monitor.rules import availability, freshness, homepage_links, misfiled, topics
from monitor.rules import columns as columns_rules
from monitor.rules import content as content_rules
from monitor.rules import footer as footer_rules
from monitor.rules import guides as guides_rules
from monitor.rules import interaction as interaction_rules
from monitor.rules import ipv6 as ipv6_rules
from monitor.rules import links as links_rules
from monitor.rules import media as media_rule
from monitor.rules import search as search_rules
from monitor.rules import services as services_rules
from monitor.rules.base import History, Rule

RULES: tuple[Rule, ...] = (
    availability.RULE,
    media_rule.RULE,
    freshness.HOMEPAGE_RULE,
    columns_rules.COLUMN_RULE,
    freshness.FUTURE_RULE,
    *columns_rules.RULES,
    misfiled.RULE,
    topics.RULE,
    footer_rules.FOOTER_RULE,
    footer_rules.DOMAIN_RULE,
    homepage_links.REPORT_RULE,
    homepage_links.TOPIC_RULE,
    ipv6_rules.RULE,
    links_rules.RULE,
    services_rules.RULE,
    guides_rules.RULE,
    search_rules.RULE,
    interaction_rules.RULE,
    content_rules.RULE,
)

__all__ = ["RULES", "History", "Rule"]
