"""The fast YAML reader (libyaml's events) gives the very tree the pure-Python composer gives — values,
lines, duplicate keys — so that every file:line govmon validate prints is unchanged; anchors, aliases and
merge keys, which it leaves to a composer, come out the same too."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monitor.inventory import yamlnodes

FILES = Path(__file__).parent / "files"
CONFIG = Path(__file__).parents[2] / "config"
SAMPLES = sorted(FILES.glob("*.yaml")) + sorted(CONFIG.glob("*.yaml"))

TRICKY = """\
defaults: &d
  region: 长沙市
  owners: [a@x.cn]
sites:
  - {id: 0430000001, name: yes, url: "https://a.gov.cn/", <<: *d}
  - id: "2"
    name: 二
    name: 重复
    when: 2021-13-45
    n: 012
    on: on
    nested: {a: [1, 2.5, null, ~, true]}
"""


def pure(text: str) -> yamlnodes.Node | None:
    return yamlnodes._parse_with(yaml.SafeLoader(text))


def outcome(parse: object, text: str) -> object:
    try:
        return parse(text)  # type: ignore[operator]
    except yamlnodes.YamlSyntaxError as exc:
        return ("error", exc.line, exc.message)


@pytest.mark.skipif(yamlnodes.FastLoader is None, reason="PyYAML without libyaml: only the pure-Python path")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_reads_the_same_both_ways(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    assert outcome(yamlnodes.parse, text) == outcome(pure, text)


@pytest.mark.skipif(yamlnodes.FastLoader is None, reason="PyYAML without libyaml: only the pure-Python path")
def test_anchors_duplicates_and_yaml_1_1_scalars_read_the_same_both_ways() -> None:
    fast = yamlnodes.parse(TRICKY)
    assert fast == pure(TRICKY)
    assert fast is not None
    second = fast.value["sites"].value[1]
    assert second.duplicates == (("name", 8, 7),)
    assert second.value["n"].text == "012" and second.value["when"].value == "2021-13-45"
    first = fast.value["sites"].value[0]
    assert first.value["region"].value == "长沙市" and first.value["id"].text == "0430000001"
    no_anchor = TRICKY.replace("&d", "").replace(", <<: *d", "")
    assert yamlnodes.parse(no_anchor) == pure(no_anchor)
    assert outcome(yamlnodes.parse, "a: [1\nb: 2\n") == outcome(pure, "a: [1\nb: 2\n")
    assert outcome(yamlnodes.parse, "a: 1\n---\nb: 2\n") == outcome(pure, "a: 1\n---\nb: 2\n")
    assert outcome(yamlnodes.parse, "? [a]\n: 1\n") == outcome(pure, "? [a]\n: 1\n")
