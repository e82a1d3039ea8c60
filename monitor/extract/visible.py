"""The text a reader sees on a page, as lines: one per text run of the body, scripts and styles left out.

Shared by the content extractors (serious errors, personal data, tampering), so each page is walked once.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from monitor.extract.html import clean_text

INVISIBLE = frozenset({"script", "style", "noscript", "template", "textarea", "title"})


def visible_lines(tree: HTMLParser, max_lines: int = 20000) -> list[str]:
    """The body's non-empty text runs, whitespace collapsed, in page order (at most ``max_lines``)."""
    body = tree.body
    if body is None:
        return []
    lines: list[str] = []
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        if parent is not None and parent.tag in INVISIBLE:
            continue
        text = clean_text(node.text_content)
        if text:
            lines.append(text)
            if len(lines) >= max_lines:
                break
    return lines
