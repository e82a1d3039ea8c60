"""Configuration and inventory files → exact problems, as ``govmon validate`` shows them.

Each fixture under files/ is a small file a site owner could write; the table lists every line the loader
must report for it (no more, no fewer) and the exit status ``govmon validate`` derives from them. Paths
are relative because the tests run from files/, as a user runs ``govmon validate -c x.yaml``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.inventory import Loaded, Problem, load_config, summary
from monitor.model import Column
from monitor.settings import AvailabilitySettings, FreshnessSettings, MediaSettings

FILES = Path(__file__).parent / "files"
EXAMPLE = Path(__file__).parents[2] / "config" / "govmon.example.yaml"


@pytest.fixture(autouse=True)
def in_files_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FILES)


BAD_FILES = [
    (
        "unknown_top_key.yaml",
        2,
        ["unknown_top_key.yaml:1: availabilty: unknown key; did you mean 'availability'?"],
    ),
    (
        "availability_type.yaml",
        2,
        ["availability_type.yaml:4: availability.timeout_s: must be a number, got 'fast'"],
    ),
    (
        "fail_ratio_range.yaml",
        2,
        [
            "fail_ratio_range.yaml:2: availability.fail_ratio: must be > 0 and ≤ 1, got 1.5",
            "fail_ratio_range.yaml:3: availability.min_probs: unknown key; did you mean 'min_probes'?",
        ],
    ),
    (
        "warn_above_fail.yaml",
        2,
        ["warn_above_fail.yaml:3: availability.warn_ratio: must not exceed fail_ratio (0.05), got 0.08"],
    ),
    (
        "bad_url.yaml",
        1,
        [
            "bad_url.yaml:8: sites[1].url: not an http(s) URL: 'www.changsha.gov.cn'"
            " (write it as https://www.changsha.gov.cn/)",
            "bad_url.yaml:12: sites[2].url: not an http(s) URL: 'ftp://www.zhuzhou.gov.cn/'",
        ],
    ),
    (
        "duplicate_id.yaml",
        1,
        [
            "duplicate_id.yaml:6: sites[1].id: duplicate id 'hn-portal' (first at duplicate_id.yaml:2)",
            "duplicate_id.yaml:11: accounts[0].id: duplicate id 'hn-portal' (first at duplicate_id.yaml:2)",
        ],
    ),
    (
        "bad_category.yaml",
        1,
        [
            "bad_category.yaml:7: sites[0].columns[0].category: unknown category 'nwes'; did you mean 'news'?"
            " (one of news, notice, planning, topic, interaction, service, other)"
        ],
    ),
    (
        "feed_and_list.yaml",
        1,
        [
            "feed_and_list.yaml:7: accounts[0]: has both feed and list; keep exactly one",
            "feed_and_list.yaml:13: accounts[1]: has neither feed nor list; give exactly one"
            " (feed: an RSS/Atom/JSON Feed URL, list: {url, item, date})",
        ],
    ),
    (
        "broken.yaml",
        2,
        ["broken.yaml:5: not valid YAML: mapping values are not allowed here (column 16)"],
    ),
    (
        "tabs.yaml",
        2,
        [
            "tabs.yaml:2: not valid YAML: found character '\\t' that cannot start any token (column 1);"
            " indent with spaces, not tabs"
        ],
    ),
    (
        "one_bad_row.yaml",
        1,
        ["one_bad_row.yaml:6: sites[1].region: missing (the 市州 or 部门 it is reported under)"],
    ),
    (
        "row_checks.yaml",
        1,
        [
            "row_checks.yaml:2: sites[0].name: missing (as the report should name it)",
            "row_checks.yaml:3: sites[0].nmae: unknown key; did you mean 'name'?",
            "row_checks.yaml:6: sites[0].owners[0]: not an apprise URL: 'webmaster@hunan.gov.cn'"
            " (write it as mailto://webmaster@hunan.gov.cn)",
            "row_checks.yaml:10: accounts[0].platform: unknown platform 'wechta'; did you mean 'wechat'?"
            " (one of wechat, weibo, douyin, toutiao, app, other)",
            "row_checks.yaml:13: accounts[0].registered_at: not an ISO date (YYYY-MM-DD): '2021-13-01'",
            "row_checks.yaml:14: accounts[0].interaction: must be true or false, got 'maybe'",
            "row_checks.yaml:19: accounts[1].list.dates: unknown key; did you mean 'date'?",
            "row_checks.yaml:19: accounts[1].list.item: not a CSS selector: 'ul['",
            "row_checks.yaml:19: accounts[1].list.date: missing"
            " (a CSS selector for the date within an entry)",
        ],
    ),
    (
        "network.yaml",
        2,
        [
            "network.yaml:1: platform_domains[0]: not a bare host name: 'https://zwfw.hunan.gov.cn/'"
            " (write it as zwfw.hunan.gov.cn)",
            "network.yaml:4: control_urls[1]: not an http(s) URL: 'www.baidu.com' (write it as https://www.baidu.com/)",
            "network.yaml:7: resolve['www.changsha.gov.cn']: not an IP address: 'localhost'"
            " (write the address, e.g. 127.0.0.1)",
        ],
    ),
    (
        "settings_only.yaml",
        2,
        ["settings_only.yaml: nothing to monitor: no site or account was loaded (add sites: or accounts:)"],
    ),
    (
        "include_csv.yaml",
        1,
        [
            "registry.csv:row 3: 首页网址: warning: no scheme in 'www.wangcheng.gov.cn': monitored as"
            " http://www.wangcheng.gov.cn/ (write https:// in the file where a site serves HTTPS)",
            "registry.csv:row 4: 首页网址: missing (the homepage, e.g. https://www.hunan.gov.cn/)",
            "registry.csv:row 6: 网站标识码: duplicate id '4300000001' (first at include_csv.yaml:3)",
            "registry_english.csv:row 3: has 5 cells but the header has 4;"
            " quote a value that contains a comma",
        ],
    ),
    (
        "include_problems.yaml",
        2,
        [
            "include_problems.yaml:2: inventory[0]: cannot read nowhere.csv: No such file or directory",
            "include_problems.yaml:5: inventory[3]: 'sites.txt' is not an inventory file"
            " (name it .yaml, .yml or .csv)",
            "no_url_column.csv:row 1: no 首页网址 column (or url); the header is: 网站名称, 网站标识码, 地区",
            "more_sites.yaml:1: availability: settings belong in include_problems.yaml;"
            " an inventory file holds only sites and accounts",
            "more_sites.yaml:3: site: unknown key; did you mean 'sites'?",
        ],
    ),
    ("missing.yaml", 2, ["missing.yaml: cannot read: No such file or directory"]),
]


@pytest.mark.parametrize(("name", "exit_status", "expected"), BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_bad_file_reports_every_problem_exactly(name: str, exit_status: int, expected: list[str]) -> None:
    loaded = load_config(name)
    assert [str(problem) for problem in loaded.problems] == expected
    assert loaded.exit_status == exit_status
    assert loaded.fatal == (exit_status == 2)


def test_settings_problems_are_fatal_and_row_problems_are_not() -> None:
    settings_problem = load_config("availability_type.yaml").problems[0]
    row_problem = load_config("bad_url.yaml").problems[0]
    assert (settings_problem.fatal, row_problem.fatal) == (True, False)
    assert load_config("availability_type.yaml").sites, "a fatal settings problem still reports the inventory"


def test_one_bad_row_among_good_ones_loads_the_good_ones() -> None:
    loaded = load_config("one_bad_row.yaml")
    assert [(site.id, site.name, site.url, site.region) for site in loaded.sites] == [
        ("hn-portal", "湖南省人民政府门户网站", "https://www.hunan.gov.cn/", "省直"),
        ("hn-zhuzhou", "株洲市人民政府", "https://www.zhuzhou.gov.cn/", "株洲市"),
    ]
    assert loaded.rejected_rows == 1


def test_duplicate_id_keeps_the_first_occurrence() -> None:
    loaded = load_config("duplicate_id.yaml")
    assert [site.name for site in loaded.sites] == ["湖南省人民政府门户网站"]
    assert loaded.accounts == ()


def test_good_rows_in_a_file_with_bad_rows_load_with_every_field() -> None:
    loaded = load_config("row_checks.yaml")
    (account,) = loaded.accounts
    assert account.id == "0430000001", "an unquoted id keeps its text, not YAML 1.1's octal number"
    assert (account.platform, account.registered_at, account.interaction) == (
        "weibo",
        dt.date(2021, 11, 1),
        False,
    )
    assert account.feed == "https://rsshub.example.org/weibo/user/hunan-fabu"


def test_a_bad_column_rejects_its_whole_site() -> None:
    loaded = load_config("bad_category.yaml")
    assert [site.id for site in loaded.sites] == ["hn-jyt"]


def test_gbk_csv_with_chinese_headers_loads() -> None:
    raw = (FILES / "registry_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK, without a BOM
    loaded = load_config("include_gbk.yaml")
    assert loaded.problems == ()
    assert [(s.id, s.name, s.url, s.region, s.org) for s in loaded.sites] == [
        (
            "4303040001",
            "岳塘区人民政府",
            "http://www.yuetang.gov.cn/",
            "湘潭市",
            "湘潭市岳塘区人民政府办公室",
        ),
        ("4303020001", "雨湖区人民政府", "http://www.yuhu.gov.cn/", "湘潭市", "湘潭市雨湖区人民政府办公室"),
    ]
    assert loaded.files == (Path("include_gbk.yaml"), Path("registry_gbk.csv"))


def test_inventory_include_of_csv_adds_its_sites() -> None:
    loaded = load_config("include_csv.yaml")
    assert [(site.id, site.url) for site in loaded.sites] == [
        ("4300000001", "https://www.hunan.gov.cn/"),
        ("4301210001", "http://www.csx.gov.cn/"),
        ("4301120001", "http://www.wangcheng.gov.cn/"),  # written without a scheme: http:// and a warning
        ("4301020001", "http://www.furong.gov.cn/"),
        ("4303810001", "http://www.xiangxiang.gov.cn/"),
    ]
    assert loaded.rejected_rows == 3
    assert loaded.files == (Path("include_csv.yaml"), Path("registry.csv"), Path("registry_english.csv"))


def test_example_config_loads_with_zero_problems() -> None:
    loaded = load_config(EXAMPLE)
    assert loaded.problems == ()
    assert loaded.exit_status == 0
    assert len(loaded.sites) >= 30 and len(loaded.accounts) >= 3
    assert loaded.settings.availability == AvailabilitySettings()  # the comments promise national defaults
    assert loaded.settings.freshness == FreshnessSettings()
    assert loaded.settings.media == MediaSettings()
    assert loaded.settings.platform_domains == ("zwfw.hunan.gov.cn", "gjzwfw.www.gov.cn")
    assert loaded.settings.control_urls == ("https://www.gov.cn/", "https://www.baidu.com/")
    portal = next(site for site in loaded.sites if site.url == "https://www.hunan.gov.cn/")
    assert portal.name == "湖南省人民政府门户网站"
    assert [path.name for path in loaded.files] == ["govmon.example.yaml", "sites.example.csv"]


def test_problem_names_a_csv_row_and_a_yaml_line_differently() -> None:
    assert str(Problem("sites.csv", 7, "首页网址", "missing", False)) == "sites.csv:row 7: 首页网址: missing"
    assert (
        str(Problem("config/x.yaml", 12, "sites[3].url", "bad", False))
        == "config/x.yaml:12: sites[3].url: bad"
    )
    assert str(Problem("x.yaml", None, "", "cannot read", True)) == "x.yaml: cannot read"
    assert str(Problem("a.CSV", 1, "", "odd", False, warning=True)) == "a.CSV:row 1: warning: odd"


def test_summary_counts_then_lists_problems() -> None:
    assert summary(load_config("include_csv.yaml")).splitlines()[0] == (
        "5 sites and 0 accounts loaded from 3 files; 0 fatal problems, 3 rows rejected, 1 warning"
    )
    assert summary(load_config("availability_type.yaml")) == (
        "1 site and 0 accounts loaded from 1 file; 1 fatal problem, 0 rows rejected, 0 warnings\n"
        "availability_type.yaml:4: availability.timeout_s: must be a number, got 'fast'\n"
        "nothing can run until the fatal problems are fixed"
    )


def _write(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)


SITE_ROW = "sites:\n  - {id: a, name: 湖南, url: 'https://www.hunan.gov.cn/', region: 省直}\n"


def test_settings_in_the_file_override_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "availability: {probes_per_day: 480, min_probes: 10}\nfreshness:\n  overrides:\n"
    text += "    regions: {张家界市: {news_days: 10}}\n" + SITE_ROW
    _write(tmp_path, "c.yaml", text.encode())
    loaded = load_config("c.yaml")
    assert loaded.problems == ()
    assert loaded.settings.availability.probes_per_day == 480
    assert loaded.settings.freshness.overrides.regions["张家界市"].news_days == 10


def test_yaml_saved_as_gb18030_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "c.yaml", SITE_ROW.encode("gb18030"))
    assert [site.name for site in load_config("c.yaml").sites] == ["湖南"]


def test_nested_override_out_of_range_names_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "freshness:\n  overrides:\n    regions:\n      张家界市: {news_days: 0}\n" + SITE_ROW
    _write(tmp_path, "c.yaml", text.encode())
    assert [str(p) for p in load_config("c.yaml").problems] == [
        "c.yaml:4: freshness.overrides.regions.张家界市.news_days: must be ≥ 1, got 0"
    ]


def test_duplicate_settings_key_is_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "c.yaml", ("media: {stale_days: 14}\n" + SITE_ROW + "media: {stale_days: 7}\n").encode())
    assert [str(p) for p in load_config("c.yaml").problems] == [
        "c.yaml:4: media: given twice (first at line 1)"
    ]


def test_many_schemeless_csv_urls_give_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = "".join(f"县{i},43000000{i:02d},www.x{i}.gov.cn,长沙市\n" for i in range(12))
    _write(tmp_path, "s.csv", ("name,id,url,region\n" + rows).encode())
    _write(tmp_path, "c.yaml", b"inventory: [s.csv]\n")
    loaded = load_config("c.yaml")
    assert [str(p) for p in loaded.problems] == [
        "s.csv:row 2: url: warning: 12 homepages have no scheme (rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …);"
        " 'www.x0.gov.cn' is monitored as http://www.x0.gov.cn/"
        " (write https:// in the file where a site serves HTTPS)"
    ]
    assert len(loaded.sites) == 12 and loaded.exit_status == 0


def test_spreadsheet_mangled_id_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        "s.csv",
        "网站名称,网站标识码,首页网址,地区\n长沙县,4.30121E+09,http://www.csx.gov.cn/,长沙市\n".encode(),
    )
    _write(tmp_path, "c.yaml", b"inventory: [s.csv]\n" + SITE_ROW.encode())
    assert [str(p) for p in load_config("c.yaml").problems] == [
        "s.csv:row 2: 网站标识码: '4.30121E+09' is a number a spreadsheet rewrote;"
        " format the column as text and export again"
    ]


def test_excel_unicode_text_export_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "网站名称\t网站标识码\t首页网址\t地区\r\n长沙县\t4301210001\thttp://www.csx.gov.cn/\t长沙市\r\n"
    _write(tmp_path, "s.csv", text.encode("utf-16"))
    _write(tmp_path, "c.yaml", b"inventory: [s.csv]\n")
    loaded = load_config("c.yaml")
    assert loaded.problems == ()
    assert [(site.id, site.region) for site in loaded.sites] == [("4301210001", "长沙市")]


# ---------------------------------------------------------------------------------------------- never raises
_KEYS = [
    "sites",
    "accounts",
    "availability",
    "inventory",
    "resolve",
    "control_urls",
    "id",
    "url",
    "feed",
    "list",
]
_scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=12)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), inner)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.dictionaries(st.sampled_from(_KEYS), _values, max_size=4))
def test_load_config_never_raises_for_content(tmp_path: Path, document: dict[str, object]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    loaded = load_config(path)
    assert isinstance(loaded, Loaded)
    assert all(problem.message for problem in loaded.problems)
    assert loaded.exit_status in (0, 1, 2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet="sites:- {}[]\"'\t\n#&*!|>%@abc12", max_size=60))
def test_arbitrary_text_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_config(os.fspath(path))
    assert loaded.fatal or loaded.sites or loaded.accounts


def test_pinned_columns_load_with_their_categories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = """\
sites:
  - id: hn-portal
    name: 湖南省人民政府门户网站
    url: https://www.hunan.gov.cn/
    region: 省直
    owners: [mailto://webmaster@example.org]
    columns:
      - {name: 政务动态, url: https://www.hunan.gov.cn/zwdt/, category: news}
      - {name: 通知公告, url: https://www.hunan.gov.cn/tzgg/, category: notice}
"""
    _write(tmp_path, "c.yaml", text.encode())
    (site,) = load_config("c.yaml").sites
    assert site.columns == (
        Column("政务动态", "https://www.hunan.gov.cn/zwdt/", "news"),
        Column("通知公告", "https://www.hunan.gov.cn/tzgg/", "notice"),
    )
    assert site.owners == ("mailto://webmaster@example.org",)


def test_sections_of_the_wrong_shape_are_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "c.yaml", b"inventory: sites.csv\nsites:\n  hn-portal: https://www.hunan.gov.cn/\n")
    assert [str(p) for p in load_config("c.yaml").problems] == [
        "c.yaml:1: inventory: must be a list, got 'sites.csv'",
        "c.yaml:2: sites: must be a list of sites, got a mapping",
    ]


def test_inventory_entry_with_a_nul_character_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text('inventory: ["a\\x00.csv"]\n' + SITE_ROW, encoding="utf-8")
    problems = [str(p) for p in load_config(tmp_path / "c.yaml").problems]
    assert len(problems) == 1 and "inventory[0]: 'a\\x00.csv' is not a file name" in problems[0]
