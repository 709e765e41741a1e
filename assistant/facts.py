"""Key facts in policy sentences: amounts, ages, household registration, groups, how to apply.

Each extractor returns the phrase as the document writes it, so a fact can be read out and
checked against its cited sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
AMOUNT = re.compile(
    rf"(?:(?:每[人户月年生名床家个]+|人均|生均|最高|不超过|不低于|一次性|按|给予|可获得|发放)[^，。；,;：:]{{0,14}}?)?"
    # 60多亿元, 10万余元: an approximate figure is still an amount.
    rf"{NUMBER}(?:多|余)?(?:(?:到|至|-|—|~){NUMBER})?(?:万|千|百|亿)?(?:多|余)?元(?:/[人户月年生床平方米.]+|(?:每[人户月年生]+))*"
    rf"(?:不等)?"
    # 最高不超过300万给予支持, 每个投放10万设立社区基金: the page leaves out 元 after a cap or a grant.
    rf"|(?:最高|不超过|不低于|投放|拨付|资助|补贴|奖励)[^，。；,;：:]{{0,8}}?{NUMBER}(?:万|亿)(?![人户名张个家平方余多次件项])"
)
RATE_AMOUNT = re.compile(rf"(?:按|不低于|不超过)[^，。；]{{0,10}}?{NUMBER}%")
AGE = re.compile(
    rf"(?:未满|年满|满|不满|超过|低于)?(?:{NUMBER}(?:(?:至|到|-){NUMBER})?周岁(?:及)?(?:以上|以下)?|{NUMBER}岁(?:及)?(?:以上|以下))"
)
HUKOU = re.compile(r"(?:非深户籍|深户|本市户籍|户籍|常住)(?:人员|老年人|居民|儿童|未成年人|人口)?")
GROUPS = (
    "低保边缘", "低保", "特困", "低收入", "失能半失能", "失能", "半失能", "失智", "重度残疾", "残疾", "困境儿童",
    "孤儿", "事实无人抚养儿童", "留守儿童", "重点优抚对象", "优抚对象", "高龄", "独居", "空巢",
    "孤寡", "生活不能自理", "计划生育特殊家庭", "退役军人", "流浪乞讨",
)
APPLY = re.compile(
    r"(?:无感申办|免申即享|主动发放|自动发放|线上申请|网上申请|i深圳|“i深圳”|粤省事|窗口|社区工作站|"
    r"街道办事处|党群服务中心|民政部门|向[^，。；]{1,12}申请|申请[^，。；]{0,10}|申领[^，。；]{0,10}|办理[^，。；]{0,8})"
)
PERIOD = re.compile(r"(?:每年|每月|按月|按年|一次性|连续[一二三四五两\d]+年)")


@dataclass(frozen=True)
class FactMatch:
    label: str  # key into the fact labels of prompts/fact_labels.j2
    value: str
    start: int  # offset in the sentence


def amounts(sentence: str) -> list[FactMatch]:
    found = [FactMatch("amount", m.group(0), m.start()) for m in AMOUNT.finditer(sentence)]
    found += [FactMatch("amount", m.group(0), m.start()) for m in RATE_AMOUNT.finditer(sentence)]
    return found


def extract_facts(sentence: str) -> list[FactMatch]:
    """The key facts a sentence states, in the order they appear, without duplicates."""
    found = amounts(sentence)
    found += [FactMatch("age", m.group(0), m.start()) for m in AGE.finditer(sentence)]
    found += [FactMatch("hukou", m.group(0), m.start()) for m in HUKOU.finditer(sentence)]
    for group in GROUPS:
        position = sentence.find(group)
        # 低保 inside 低保边缘 is the same mention; keep the longer group only.
        if position >= 0 and not any(group in g and group != g and g in sentence for g in GROUPS):
            found.append(FactMatch("group", group, position))
    found += [FactMatch("apply", m.group(0), m.start()) for m in APPLY.finditer(sentence)]
    found += [FactMatch("period", m.group(0), m.start()) for m in PERIOD.finditer(sentence)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for fact in sorted(found, key=lambda f: f.start):
        key = (fact.label, fact.value)
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    return unique


def amount_value(text: str) -> float | None:
    """The first amount in yuan (2万元 → 20000), or None; for comparing figures across documents."""
    match = re.search(rf"({NUMBER})(万|千|百|亿)?元", text)
    if not match:
        return None
    scale = {"万": 1e4, "千": 1e3, "百": 1e2, "亿": 1e8}.get(match.group(2) or "", 1.0)
    return float(match.group(1).replace(",", "")) * scale


CN_COUNT = re.compile(r"[一二三四五六七八九十两百千]+[个家张人名单项所批期件对户次床岁年天日档类种位条]")


def has_figure(sentence: str) -> bool:
    """Whether a sentence states a number a caller could be asking for (digits or 第二批, 四个, 五日)."""
    return bool(re.search(r"\d", sentence) or CN_COUNT.search(sentence))


# 第五轮, 第3批, 第八届: a place in a series.
ORDINAL = re.compile(r"第[\d一二三四五六七八九十百]+[\u4e00-\u9fff]")


def has_ordinal(sentence: str) -> bool:
    return bool(ORDINAL.search(sentence))


DATE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{4}[-.]\d{1,2}")


def has_date(sentence: str) -> bool:
    return bool(DATE.search(sentence))


# Numbers that name rather than count: titles (《…(2021-2035)》), document numbers, ordinals, dates.
NAMING_NUMBERS = re.compile(
    r"《[^》]*》|〔\d{4}〕\d+号|第[\d一二三四五六七八九十百]+[号批届次期个]?|\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?"
    r"|\d{1,2}月(?:\d{1,2}日)?(?:起)?|\d{4}[-.]\d{1,2}"
    r"|(?<![\d.])[1-5]\s*A(?![A-Za-z])级?"  # 3A以上, 4A级: a grade named, no count
)


def has_quantity(sentence: str) -> bool:
    """Whether a sentence states how many or how much: a figure that is not a date, title or ordinal."""
    return has_figure(NAMING_NUMBERS.sub("", sentence))


# 占59.7%, 约为…的2.6倍: a share or a multiple says how many relative to something else, not how
# many; 60-69岁 is an age.
RELATIVE_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|倍)|百分之[零一二三四五六七八九十百点]+|\d+(?:\s*[-—至到~]\s*\d+)?\s*周?岁"
)


# 4.社会组织交流服务展示点…, (一)…: a heading's number; 一批品牌社会组织, 一个号码: 一 as an article.
NOT_COUNTS = re.compile(
    r"^\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])|(?<![\d一二三四五六七八九十两百千万第])一(?=[个批项种类件条])"
)


def has_count(sentence: str) -> bool:
    """Whether a sentence states how many: a quantity that is not only a share or a multiple."""
    return has_quantity(RELATIVE_FIGURE.sub("", NOT_COUNTS.sub("", sentence)))


DAYS = re.compile(r"(?<![月\d])(?:\d+|[一二三四五六七八九十两百]+)个?(?:工作)?[天日](?!起)")


def has_days(sentence: str) -> bool:
    """Whether a sentence states a number of days (五日的护理假, 15个工作日), not a date (7月20日)."""
    return bool(DAYS.search(sentence))


# 三年内 is a length of time; 年底, 年度 are not.
DURATION = re.compile(r"(?<![\d年])(?:\d+|[一二三四五六七八九十两百半]+)个?(?:多)?(?:工作日|小时|星期|周|季度|月|年)(?![底初度])")


# 即来即办: no wait at all is a length of time too.
AT_ONCE = re.compile(r"即来即办|即办即结|立等可取|当场办结|当天办结|当日办结|即时办结|当场办理")


def has_duration(sentence: str) -> bool:
    """Whether a sentence states how long something takes: days (15个工作日) or 3个月, 半年, 即来即办,
    not a date."""
    return has_days(sentence) or bool(DURATION.search(NAMING_NUMBERS.sub("", sentence))) or bool(AT_ONCE.search(sentence))


# 多少张床 is answered by 328张, 多大面积 by 20平方米: the measure word says what is counted.
# 个 counts anything (几个直聘社工: 2名), so it names no unit.
UNITS = {
    "家": "家个所间座处", "所": "所个家间", "张": "张床", "床": "张床", "人": "人名位个", "名": "名人位个",
    "位": "位人名个", "对": "对", "座": "座个处家所", "分": "分", "面积": "平方米平米㎡亩",
}


def has_counted(sentence: str, unit: str, *, exact: bool = False) -> bool:
    """Whether a sentence states a number of the thing the question counts (unit: a key of UNITS);
    ``exact``: in the very measure word asked (31家 for 多少家, not 五个方面)."""
    chars = unit if exact and unit in UNITS and unit != "面积" else UNITS.get(unit, "")
    if not chars:
        return has_count(sentence)
    measures = "平方米|平米|㎡|亩" if unit == "面积" else f"[{chars}]"
    number = r"(?:\d[\d,.]*|[一二三四五六七八九十两百千]+)\s*(?:万|千|百|亿)?(?:多|余)?"
    return bool(re.search(number + f"(?:{measures})", NAMING_NUMBERS.sub("", sentence)))
