"""Place names, organisations and title vocabulary of the simulated province (modelled on 湖南).

Real 市州 and county names, so that reports group rows the way a 通报 does; host names follow the
patterns real sites use (``www.zhuzhou.gov.cn``, ``jyj.zhuzhou.gov.cn``). Nothing here is random: the
catalogue draws from these tables with a seeded generator.
"""

from __future__ import annotations

import dataclasses

PROVINCE = "湖南省"
PROVINCE_SHORT = "湘"
PROVINCE_DOMAIN = "hunan.gov.cn"
PROVINCE_CODE = "4300"


@dataclasses.dataclass(frozen=True, slots=True)
class Place:
    """A 市州 or county: its Chinese name, the label used in host names and its 6-digit 行政区划 code."""

    name: str
    label: str
    code: str


@dataclasses.dataclass(frozen=True, slots=True)
class City:
    place: Place
    counties: tuple[Place, ...]


def _city(name: str, label: str, code: str, counties: str) -> City:
    """``counties`` is "name:label name:label …"; county codes follow the city's (4302 → 430221, 430222…)."""
    places = []
    for index, pair in enumerate(counties.split()):
        county_name, county_label = pair.split(":")
        places.append(Place(county_name, county_label, f"{code}{21 + index:02d}"))
    return City(Place(name, label, f"{code}00"), tuple(places))


CITIES: tuple[City, ...] = (
    _city("长沙市", "changsha", "4301", "长沙县:csx 望城区:wangcheng 浏阳市:liuyang 宁乡市:ningxiang"),
    _city(
        "株洲市", "zhuzhou", "4302", "攸县:youxian 茶陵县:chaling 炎陵县:yanling 醴陵市:liling 渌口区:lukou"
    ),
    _city("湘潭市", "xiangtan", "4303", "湘乡市:xiangxiang 韶山市:shaoshan 湘潭县:xtx"),
    _city("衡阳市", "hengyang", "4304", "衡东县:hengdong 衡南县:hengnan 祁东县:qidong 耒阳市:leiyang"),
    _city("邵阳市", "shaoyang", "4305", "隆回县:longhui 洞口县:dongkou 武冈市:wugang 邵东市:shaodong"),
    _city("岳阳市", "yueyang", "4306", "汨罗市:miluo 平江县:pingjiang 华容县:huarong"),
    _city("常德市", "changde", "4307", "桃源县:taoyuan 汉寿县:hanshou 津市市:jinshi"),
    _city("张家界市", "zjj", "4308", "桑植县:sangzhi 慈利县:cili"),
    _city("益阳市", "yiyang", "4309", "桃江县:taojiang 安化县:anhua"),
    _city("郴州市", "czs", "4310", "资兴市:zixing 宜章县:yizhang 汝城县:rucheng"),
    _city("永州市", "yzcity", "4311", "江华县:jianghua 道县:dx 祁阳市:qiyang"),
    _city("怀化市", "huaihua", "4312", "辰溪县:chenxi 溆浦县:xupu 洪江市:hongjiang"),
    _city("娄底市", "hnloudi", "4313", "双峰县:shuangfeng 涟源市:lianyuan 冷水江市:lsj"),
    _city("湘西自治州", "xxz", "4331", "凤凰县:fenghuang 龙山县:longshan 古丈县:guzhang"),
)

PROVINCIAL_REGION = "省直"

# (name suffix, host label) of a city's departments: 株洲市教育局 → jyj.zhuzhou.gov.cn
CITY_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("教育局", "jyj"),
    ("卫生健康委员会", "wjw"),
    ("自然资源和规划局", "zrzyj"),
    ("生态环境局", "sthjj"),
    ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtj"),
    ("农业农村局", "nyncj"),
    ("民政局", "mzj"),
    ("人力资源和社会保障局", "rsj"),
    ("财政局", "czj"),
    ("市场监督管理局", "scjgj"),
    ("发展和改革委员会", "fgw"),
    ("司法局", "sfj"),
    ("水利局", "slj"),
    ("应急管理局", "yjglj"),
    ("统计局", "tjj"),
    ("医疗保障局", "ybj"),
    ("退役军人事务局", "tyjrswj"),
)

# (name, host label) of the province's own departments: 湖南省教育厅 → jyt.hunan.gov.cn
PROVINCE_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("教育厅", "jyt"),
    ("卫生健康委员会", "wjw"),
    ("自然资源厅", "zrzyt"),
    ("生态环境厅", "sthjt"),
    ("交通运输厅", "jtt"),
    ("民政厅", "mzt"),
    ("人力资源和社会保障厅", "rst"),
    ("财政厅", "czt"),
    ("发展和改革委员会", "fgw"),
    ("人民政府国有资产监督管理委员会", "gzw"),
    ("人民防空办公室", "rfb"),
    ("农业农村厅", "agri"),
    ("水利厅", "slt"),
    ("统计局", "tjj"),
)

TOPICS: tuple[str, ...] = (
    "安全生产",
    "防汛抗旱",
    "优化营商环境",
    "乡村振兴",
    "生态环境保护",
    "森林防火",
    "招商引资",
    "民生实事",
    "基层治理",
    "文明城市创建",
    "农村人居环境整治",
    "义务教育",
    "医疗保障",
    "就业创业",
    "消防安全",
    "燃气安全",
    "河长制",
    "耕地保护",
    "政务公开",
    "数字政府建设",
    "科技创新",
    "产业发展",
    "食品安全",
    "养老服务",
)

NEWS_TITLES: tuple[str, ...] = (
    "{place}召开{topic}工作会议",
    "{place}开展{topic}专项行动",
    "{place}主要负责同志调研{topic}工作",
    "{place}{topic}工作取得新成效",
    "{place}部署推进{topic}重点任务",
    "{place}举办{topic}业务培训班",
    "省督查组来{place}检查{topic}工作",
    "{place}召开常务会议研究{topic}等事项",
    "{place}扎实推进{topic}",
    "{place}{topic}现场推进会召开",
)

NOTICE_TITLES: tuple[str, ...] = (
    "关于做好{topic}工作的通知",
    "关于印发《{place}{topic}实施方案》的通知",
    "{place}关于开展{topic}检查的通知",
    "关于进一步加强{topic}工作的意见",
    "关于{topic}有关事项的公告",
    "{place}人民政府办公室关于{topic}的通知（{doc_no}）",
    "{place}{year}年{topic}工作要点",
    "《关于加强{topic}的若干措施》政策解读",
)

PLANNING_TITLES: tuple[str, ...] = (
    "{place}{year}年公开招聘事业单位工作人员公告",
    "关于{person}等同志职务任免的通知",
    "{place}{year}年{topic}工作计划",
    "{place}“十五五”{topic}专项规划",
    "{place}{year}年度公务员考试录用拟录用人员名单公示",
)

INTERACTION_TITLES: tuple[str, ...] = (
    "关于{topic}政策的咨询",
    "反映{place}{topic}相关问题",
    "咨询{topic}办理流程",
    "建议加强{place}{topic}",
)

TOPIC_TITLES: tuple[str, ...] = (
    "学习贯彻党的二十届四中全会精神",
    "{topic}专题",
    "{year}年全国“两会”专题",
    "{place}{topic}在行动",
)

SERVICE_ITEMS: tuple[str, ...] = (
    "居民身份证换领",
    "城乡居民基本医疗保险参保登记",
    "个体工商户设立登记",
    "不动产登记资料查询",
    "高龄津贴申领",
    "就业失业登记",
    "社会保障卡申领",
    "建设工程规划许可证核发",
    "食品经营许可",
    "道路运输经营许可",
    "残疾人两项补贴申请",
    "义务教育阶段学生转学",
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何罗高林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红"
