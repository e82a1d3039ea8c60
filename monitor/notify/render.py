"""Messages from Jinja2 templates (Chinese, replaceable: ``notify.templates`` names a directory whose files
win over the packaged ones): Markdown for chat robots (DingTalk, WeCom, Feishu), HTML for email (apprise adds
the text part), and for JSON webhooks a body with the title, the text and the findings themselves
(CONTRACT.md's JSON) so that a ticket system can take them. Building a message is separate from sending it.

Evidence comes from hostile pages: HTML is autoescaped, Markdown has its markup characters escaped, and
personal data stays as the checks masked it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from monitor.model import SHANGHAI, Finding
from monitor.notify.policy import Notice
from monitor.notify.urls import body_format
from monitor.notify.words import KIND_WORDS
from monitor.words import SEVERITY_WORDS, STATUS_WORDS, words_for

TEMPLATES = {"markdown": "notice.md.j2", "html": "notice.html.j2", "text": "notice.txt.j2"}
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})
MAX_ITEMS = 5


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    format: str  # markdown | html | text | json


def md(text: object) -> str:
    """Markdown-escaped text: a hostile link text cannot become a link, a heading or a table."""
    return str(text).translate(_MD_SPECIAL).replace("\n", " ")


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def evidence_lines(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of a finding's evidence, in the order an owner needs them. ``name`` is a column's
    where the evidence is a column's (it has a ``category``), else the missing or faulty item's."""
    labels = (
        ("url", "地址"), ("name", "栏目" if "category" in evidence else "项目"), ("text", "链接文字"),
        ("http_status", "HTTP 状态"), ("reason", "原因"), ("newest", "最新信息日期"), ("category", "栏目类别"),
    )  # fmt: skip
    lines = [(label, str(evidence[key])) for key, label in labels if evidence.get(key) not in (None, "")]
    items = evidence.get("items")
    if isinstance(items, list):
        for item in items[:MAX_ITEMS]:
            if isinstance(item, Mapping):
                name = item.get("name") or item.get("title") or item.get("text") or ""
                extra = item.get("newest") or item.get("date") or item.get("http_status") or ""
                lines.append(("条目", " ".join(str(p) for p in (name, item.get("url") or "", extra) if p)))
            else:
                lines.append(("条目", str(item)))
        if len(items) > MAX_ITEMS:
            lines.append(("条目", f"… 另有 {len(items) - MAX_ITEMS} 条"))
    return lines


def finding_view(f: Finding) -> dict[str, Any]:
    words = words_for(f.code)
    return {
        "id": f.id,
        "code": f.code,
        "indicator": words.indicator,
        "rule": words.rule,
        "action": words.action,
        "severity": SEVERITY_WORDS.get(f.severity.value, f.severity.value),
        "status": STATUS_WORDS.get(f.status.value, f.status.value),
        "message": f.message,
        "due": when(f.due) if f.due else "",
        "evidence": evidence_lines(f.evidence),
        "target": f.target,
        "name": f.name,
    }


class Renderer:
    def __init__(
        self, public_url: str = "", templates: Path | None = None, markdown_schemes: tuple[str, ...] = ()
    ) -> None:
        self.markdown_schemes = markdown_schemes
        loaders: list[jinja2.BaseLoader] = []
        if templates is not None:
            loaders.append(jinja2.FileSystemLoader(str(templates)))
        loaders.append(jinja2.PackageLoader("monitor.notify", "templates"))
        self._env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self._env.filters["md"] = md
        self.public_url = public_url.rstrip("/")

    def link(self, target_id: str) -> str:
        return f"{self.public_url}/targets/{target_id}" if self.public_url else ""

    def context(self, notice: Notice) -> dict[str, Any]:
        targets = notice.targets or ((notice.target,) if notice.target else ())
        return {
            "notice": notice,
            "kind": notice.kind.value,
            "kind_words": KIND_WORDS[notice.kind.value],
            "title": notice.title,
            "target": notice.target,
            "targets": [
                {"id": t.id, "name": t.name, "region": t.region, "link": self.link(t.id)} for t in targets
            ],
            "findings": [
                finding_view(f) | ({"status": "已恢复"} if notice.kind.value == "resolved" else {})
                for f in notice.findings
            ],
            "due": when(notice.due) if notice.due else "",
            "link": self.link(notice.target.id) if notice.target else "",
            "note": notice.note,
            "notice_id": notice.id,
            "decided": when(dt.datetime.fromtimestamp(notice.decided_at, tz=SHANGHAI)),
        }

    def render(self, notice: Notice, fmt: str) -> Message:
        """The message in one format; ``json`` wraps the text with the findings for machines."""
        if fmt == "json":
            text = self.render(notice, "text").body
            payload = {
                "notice_id": notice.id,
                "kind": notice.kind.value,
                "title": notice.title,
                "text": text,
                "target": dataclasses.asdict(notice.target) if notice.target else None,
                "targets": [dataclasses.asdict(t) for t in notice.targets],
                "due": notice.due.isoformat() if notice.due else None,
                "link": self.link(notice.target.id) if notice.target else None,
                "findings": [f.to_json() for f in notice.findings],
            }
            return Message(notice.title, json.dumps(payload, ensure_ascii=False), "json")
        body = self._env.get_template(TEMPLATES[fmt]).render(self.context(notice))
        if fmt == "html":  # the template's line breaks would indent the text part apprise derives from it
            body = re.sub(r">\s*\n\s*", ">", body)
        return Message(notice.title, body.strip() + "\n", fmt)

    def for_url(self, notice: Notice, url: str) -> Message:
        return self.render(notice, body_format(url, self.markdown_schemes))
