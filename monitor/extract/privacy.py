"""Personal data published unmasked (个人隐私未脱敏): resident ID numbers, mobile numbers, bank card numbers.

Every 通报 asks sites to mask these before publishing (公示名单、招聘结果、补贴发放表 …). A hit needs more
than a digit run: an 18-digit ID number must carry a valid birth date and check digit (GB 11643, python-stdnum's
``cn.ric``), a card number must pass Luhn and start like a card (银联 62, Visa 4, Mastercard 5), a mobile
number must be an 11-digit ``1[3-9]`` number not labelled as an office's published contact line (联系电话、
咨询电话、服务热线 …, which organs publish on purpose). Masked forms (4301**********1234, 138****5678) have no
digit run long enough to match, a 10-digit 网站标识码 is no mobile number.

The numbers never leave this module whole: every hit carries its masked form and a masked context only, and
``mask_text`` masks every hit in a text (evidence snapshots are masked before they are hashed or stored).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from stdnum import luhn
from stdnum.cn import ric

KINDS = ("id_number", "mobile", "bank_card")
CONTEXT_CHARS = 12
_ID = re.compile(
    r"(?<![0-9])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9])"
)
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d{9})(?![0-9])")
_CARD = re.compile(r"(?<![0-9])((?:62|4|5[1-5])\d{14,17})(?![0-9])")
_DIGITS = re.compile(r"\d{3,}")
CONTACT_LABELS = (
    "联系电话", "咨询电话", "服务电话", "监督电话", "举报电话", "投诉电话", "服务热线", "热线", "联系方式", "值班电话",
    "传真",
)  # fmt: skip
"""Labels of an office's published contact line: a mobile number right after one is public on purpose."""


@dataclasses.dataclass(frozen=True, slots=True)
class PersonalData:
    """One unmasked number: its kind, its masked form and the masked text around it. Never the number."""

    kind: str
    masked: str
    context: str

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def mask(kind: str, number: str) -> str:
    """An ID keeps its first 4 and last 4 characters, a mobile its first 3 and last 4, a card its first 4 and
    last 4: what a reader needs to find the row, not enough to use it."""
    head, tail = (3, 4) if kind == "mobile" else (4, 4)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


def _is_contact(text: str, start: int) -> bool:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    return any(label in before for label in CONTACT_LABELS)


def _hits(text: str) -> Iterator[tuple[int, int, str, str]]:
    """``(start, end, kind, number)`` of every unmasked number, in text order."""
    taken: list[tuple[int, int]] = []
    for found in _ID.finditer(text):
        if ric.is_valid(found.group(1)):
            taken.append(found.span(1))
            yield found.start(1), found.end(1), "id_number", found.group(1)
    for found in _CARD.finditer(text):
        number = found.group(1)
        if luhn.is_valid(number) and not any(s <= found.start(1) < e for s, e in taken):
            taken.append(found.span(1))
            yield found.start(1), found.end(1), "bank_card", number
    for found in _MOBILE.finditer(text):
        if not any(s <= found.start(1) < e for s, e in taken) and not _is_contact(text, found.start(1)):
            yield found.start(1), found.end(1), "mobile", found.group(1)


def find_personal_data(text: str, limit: int = 50) -> list[PersonalData]:
    """Unmasked numbers in a page's visible text (at most ``limit``), each masked, with masked context."""
    found = []
    for start, end, kind, number in sorted(_hits(text))[:limit]:
        before = text[max(0, start - CONTEXT_CHARS) : start]
        after = text[end : end + CONTEXT_CHARS]
        context = _blank_digits(before) + mask(kind, number) + _blank_digits(after)
        found.append(PersonalData(kind, mask(kind, number), " ".join(context.split())))
    return found


def _blank_digits(text: str) -> str:
    """Context around a hit with every run of 3 digits or more starred: a window's edge may cut a number."""
    return _DIGITS.sub(lambda m: "*" * len(m.group(0)), text)


def mask_text(text: str) -> str:
    """``text`` with every unmasked ID, card and mobile number masked (contact lines too: a snapshot keeps
    nothing whole that a reader could misuse)."""
    spans = sorted(
        [(m.start(1), m.end(1), "id_number") for m in _ID.finditer(text) if ric.is_valid(m.group(1))]
        + [(m.start(1), m.end(1), "bank_card") for m in _CARD.finditer(text) if luhn.is_valid(m.group(1))]
        + [(m.start(1), m.end(1), "mobile") for m in _MOBILE.finditer(text)]
    )
    if not spans:
        return text
    out: list[str] = []
    at = 0
    for start, end, kind in spans:
        if start < at:
            continue
        out.append(text[at:start])
        out.append(mask(kind, text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)
