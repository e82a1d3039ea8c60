"""Every repository path the README and docs/*.md name exists: a newcomer who opens one finds it.

Paths are recognised by their first directory (``monitor/``, ``docs/``, ``deploy/``, ``bench/``, ``tests/``,
``config/``, ``.ci/``) anywhere in the text, and as the targets of relative Markdown links (resolved from the
document's own directory). Globs (``*``, ``{a,b}``, ``…``), placeholders (``<id>``) and URLs are not paths
of ours and are skipped; everything else must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

REPO_PATH = re.compile(
    r"(?<![A-Za-z0-9_./:@~-])((?:monitor|docs|deploy|bench|tests|config|reference|\.ci)/[A-Za-z0-9_./*{},<>…-]*)"
)
LINK = re.compile(r"\]\(([^)\s]+)\)")
GLOB = re.compile(r"[*?{}<>…\[\]]|\.\.\.$")


def named_paths(doc: Path) -> set[tuple[str, Path]]:
    """(as written, where it should be) for every repository path ``doc`` names."""
    text = doc.read_text(encoding="utf-8")
    found: set[tuple[str, Path]] = set()
    for line in text.splitlines():
        if "kubectl" in line:
            continue  # deploy/NAME there is a Kubernetes resource, not a file
        for written in REPO_PATH.findall(line):
            written = written.rstrip(".,")
            if not GLOB.search(written):
                found.add((written, ROOT / written))
    for target in LINK.findall(text):
        target = target.split("#", 1)[0]
        if not target or "://" in target or target.startswith(("mailto:", "/")) or GLOB.search(target):
            continue
        found.add((target, (doc.parent / target).resolve()))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_path_a_doc_names_exists(doc):
    missing = sorted(written for written, path in named_paths(doc) if not path.exists())
    assert missing == [], f"{doc.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_the_path_finder_sees_backticked_linked_and_bare_paths_and_skips_globs(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(
        "See `monitor/cli.py`, [the contract](contract.md), tests/e2e/ and deploy/grafana/*.json;\n"
        "`monitor/engine/kv/{keys,connect}.py`, <https://example.org/docs/a.md>, `~/.local/share/govmon`.\n",
        encoding="utf-8",
    )
    written = {w for w, _ in named_paths(doc)}
    assert written == {"monitor/cli.py", "contract.md", "tests/e2e/"}
