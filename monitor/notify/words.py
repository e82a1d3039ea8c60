"""The notice kinds in the words of a notice's bracketed title (【单项否决】, 【预警】 …); the codes', severities' and
verdicts' words are ``monitor.words``, shared with the status pages and the report."""

KIND_WORDS = {
    "veto": "单项否决",
    "at_risk": "预警",
    "reminder": "预警",
    "resolved": "已恢复",
    "digest": "每日汇总",
    "storm": "汇总",
    "test": "测试",
}
