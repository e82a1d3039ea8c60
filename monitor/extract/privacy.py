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
_ID = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_CARD = re.compile(r"(?:62|4|5[1-5])\d{14,17}")
_RUN = re.compile(r"[0-9]{11,}[Xx]?")
"""A maximal digit run (a match starts at a run's first digit, greedy to its last): no look-around, which
makes the scan of a 30 KB page four times faster."""
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


def _classify(number: str) -> str | None:
    """The kind of an isolated digit run (an ID may end in X), or None when it is none of them."""
    if len(number) == 18 and _ID.fullmatch(number) and ric.is_valid(number):
        return "id_number"
    if 16 <= len(number) <= 19 and _CARD.fullmatch(number) and luhn.is_valid(number):
        return "bank_card"
    if len(number) == 11 and _MOBILE.fullmatch(number):
        return "mobile"
    return None


def _runs(text: str) -> Iterator[tuple[int, int, str, str]]:
    """``(start, end, kind, number)`` of every isolated run that is one of the three kinds. One pass of a
    plain digit-run pattern, then a check per run: a page has few runs of 11 digits or more."""
    for found in _RUN.finditer(text):
        kind = _classify(found.group(0))
        if kind:
            yield found.start(), found.end(), kind, found.group(0)


def _hits(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Unmasked numbers as ``_runs`` gives them, an office's labelled contact mobile left out."""
    for start, end, kind, number in _runs(text):
        if kind != "mobile" or not _is_contact(text, start):
            yield start, end, kind, number


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
    spans = [(start, end, kind) for start, end, kind, _ in _runs(text)]
    if not spans:
        return text
    out: list[str] = []
    at = 0
    for start, end, kind in spans:
        out.append(text[at:start])
        out.append(mask(kind, text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)
