"""Sites from a CSV export of the national site registry (全国政府网站基本信息数据库).

The registry exports one row per site under Chinese headers: 网站名称, 网站标识码, 首页网址, 地区, 主办单位,
网站类型 (the English names name, id, url, region, org, type are accepted too). 网站类型 is written as the
registry classes sites (省级政府门户, 县级政府门户, 部门网站, 其他 …) or as ``portal``, ``department``, ``other``;
a value that is neither is reported with its row and the row is skipped, as a wrong YAML ``type`` is.
Columns govmon does not read are ignored, with one warning naming them, because real exports carry many
more. Rows are numbered as a spreadsheet shows them, the header being row 1, so a message points at the row
a user sees in Excel.

Encodings: UTF-8 with or without BOM, then GB18030 (a superset of GBK: registry exports are often GBK),
and UTF-16 with a BOM (Excel's "Unicode text", tab-separated).

A homepage written without a scheme (``www.hunan.gov.cn``) is common in exports. It is loaded as
``http://www.hunan.gov.cn/`` and reported once per file as a warning (the row is not rejected). Why
http: a site serving HTTPS nearly always redirects http:// to it and the availability probe follows
redirects, whereas guessing https:// would count a site without a certificate as unreachable — a false
veto. The warning tells the user to write https:// where they know it.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re

from monitor.inventory.rows import MISSING_HINTS, Issue, is_host, url_problem
from monitor.model import SITE_TYPES, Site

HEADERS = {
    "网站名称": "name",
    "网站标识码": "id",
    "首页网址": "url",
    "地区": "region",
    "主办单位": "org",
    "网站类型": "type",
}
_ALIASES = {"网站类别": "type"}  # another spelling of the registry's header
_ENGLISH = {"name", "id", "url", "region", "org", "type"}
REQUIRED = ("name", "id", "url", "region")
_CHINESE = {key: label for label, key in HEADERS.items()}
TYPE_WORDS = (("门户", "portal"), ("部门", "department"), ("其他", "other"), ("其它", "other"))
"""The registry's 网站类型 words, by what they contain: 省级/市级/县级政府门户 are portals, 部门网站 (and
省级部门, 市级部门) department sites, 其他 the rest (``model.SITE_TYPES``)."""
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+\Z", re.IGNORECASE)


@dataclasses.dataclass
class CsvSites:
    """What one CSV file yielded: each loaded site with its row, and every problem (``line`` = row)."""

    sites: list[tuple[int, Site]] = dataclasses.field(default_factory=list)
    issues: list[Issue] = dataclasses.field(default_factory=list)
    id_label: str = "网站标识码"  # the id column's header as written, to name it in later problems


def read_sites_csv(data: bytes) -> CsvSites:
    """Every site in the file; rows with a problem are reported and skipped, a bad header is fatal."""
    out = CsvSites()
    text = _decode(data)
    if text is None:
        out.issues.append(Issue(None, "", "cannot decode: not UTF-8, GB18030 (GBK) or UTF-16 text", True))
        return out
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_number = 1
    try:
        header = next(reader, None)
        columns = _columns(header, out.issues)
        if columns is None:
            return out
        labels = {key: (header or [])[index].strip() for key, index in columns.items()}
        out.id_label = labels["id"]
        schemeless: list[tuple[int, str]] = []
        for row_number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                _row(row_number, cells, len(header or []), columns, labels, out, schemeless)
    except csv.Error as exc:
        out.issues.append(Issue(row_number + 1, "", f"not valid CSV: {exc}", True))
        return out
    if schemeless:
        out.issues.append(_schemeless_warning(schemeless, labels["url"]))
    return out


def _decode(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _columns(header: list[str] | None, issues: list[Issue]) -> dict[str, int] | None:
    """Which column holds which field; None (with fatal issues) when the header is unusable."""
    if not header or not any(cell.strip() for cell in header):
        issues.append(
            Issue(
                1,
                "",
                "no header row: expected 网站名称, 网站标识码, 首页网址, 地区 (主办单位, 网站类型 optional)",
                True,
            )
        )
        return None
    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        name = cell.strip()
        key = HEADERS.get(name) or _ALIASES.get(name) or (name.lower() if name.lower() in _ENGLISH else None)
        if key is None:
            if name:
                ignored.append(name)
        elif key in columns:
            first = header[columns[key]].strip()
            issues.append(Issue(1, name, f"a second {_CHINESE[key]} column (first: {first}); keep one", True))
        else:
            columns[key] = index
    shown = ", ".join(cell.strip() for cell in header if cell.strip())
    for key in REQUIRED:
        if key not in columns:
            message = f"no {_CHINESE[key]} column (or {key}); the header is: {shown}"
            issues.append(Issue(1, "", message, True))
    if ignored:
        message = f"columns ignored: {', '.join(ignored)} (govmon reads {', '.join(HEADERS)})"
        issues.append(Issue(1, "", message, warning=True))
    return None if any(issue.fatal for issue in issues) else columns


def _row(
    row_number: int,
    cells: list[str],
    width: int,
    columns: dict[str, int],
    labels: dict[str, str],
    out: CsvSites,
    schemeless: list[tuple[int, str]],
) -> None:
    issues: list[Issue] = []
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        message = f"has {len(cells)} cells but the header has {width}; quote a value that contains a comma"
        issues.append(Issue(row_number, "", message))
    values = {key: cells[index].strip() if index < len(cells) else "" for key, index in columns.items()}
    for key in REQUIRED:
        if not values[key]:
            issues.append(Issue(row_number, labels[key], f"missing ({MISSING_HINTS[key]})"))
    if _SCIENTIFIC.match(values["id"]):
        message = (
            f"{values['id']!r} is a number a spreadsheet rewrote; format the column as text and export again"
        )
        issues.append(Issue(row_number, labels["id"], message))
    url = written = values["url"]
    if url and "://" not in url and is_host(url.split("/", 1)[0]):
        url = f"http://{url}" + ("" if "/" in url else "/")
    problem = url_problem(url) if url else None
    if problem:
        issues.append(Issue(row_number, labels["url"], problem))
    site_type = site_type_of(values.get("type", ""))
    if site_type == "":
        message = (
            f"{values['type']!r} is not a site type: write portal (政府门户), department (部门网站) or "
            "other (其他), or leave it empty"
        )
        issues.append(Issue(row_number, labels["type"], message))
    out.issues.extend(issues)
    if not issues:
        if url != written:
            schemeless.append((row_number, written))
        org = values.get("org") or None
        site = Site(values["id"], values["name"], url, values["region"], org=org, type=site_type or None)
        out.sites.append((row_number, site))


def site_type_of(written: str) -> str | None:
    """``portal``, ``department`` or ``other`` from a 网站类型 cell; None when empty; "" when unrecognised."""
    text = written.strip()
    if not text:
        return None
    if text.lower() in SITE_TYPES:
        return text.lower()
    return next((site_type for word, site_type in TYPE_WORDS if word in text), "")


def _schemeless_warning(schemeless: list[tuple[int, str]], label: str) -> Issue:
    first_row, first = schemeless[0]
    example = f"http://{first}" + ("" if "/" in first else "/")
    if len(schemeless) == 1:
        message = f"no scheme in {first!r}: monitored as {example}"
    else:
        rows = ", ".join(str(row) for row, _ in schemeless[:10]) + (", …" if len(schemeless) > 10 else "")
        message = (
            f"{len(schemeless)} homepages have no scheme (rows {rows}); {first!r} is monitored as {example}"
        )
    return Issue(
        first_row, label, message + " (write https:// in the file where a site serves HTTPS)", warning=True
    )
