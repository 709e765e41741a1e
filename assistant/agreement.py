"""Agreement between an understood question and a sentence of the evidence.

A sentence answers only when it agrees with the question: the figure's own subject (the words
around the figure, not anywhere in the sentence) is the asked subject, its time fits the asked
time, its place is Shenzhen or unnamed, and its kind is the asked kind (a fee paid is not a
subsidy received; a range is not the one exact figure asked for). Plain functions over an
``Understanding`` and a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import FactMatch, amounts
from .places import Gazetteer
from .tokenizer import plain
from .understanding import GENERIC, PERSON_ONLY, Understanding

# An ASCII comma between digits (1,200元) separates thousands; it does not end a clause.
CLAUSE_BREAK = re.compile(r"[，；;。：:！？!?]|,(?!\d{3}(?!\d))")
# 2021年, 2020-2023年, 2020年至2023年, 2016—2020年: one year or a span of them.
YEAR_SPAN = re.compile(
    r"(?<!\d)(19[89]\d|20[0-4]\d)(?:年?\s*(?:-|—|–|~|～|至|到)\s*(19[89]\d|20[0-4]\d))?年"
)
MAX_SPAN_YEARS = 30
RISEN_YEARS = 2  # a figure risen to, in a document, is of its year or the two before
RISEN_TO = re.compile(r"提高至|提高到|提升至|提升到|增至|增加到|增长到|上调至|调整为|调整至")
# 1.2万元适老化改造补贴 names the figure's benefit; 200-1000元不等的津贴 goes on about the one before.
BENEFIT_NAME = re.compile(r"(?:(?![的等元和及与])[\u4e00-\u9fff]){2,6}?(?:补贴|津贴|补助|资助|奖励)")
RANGE = re.compile(r"不等|\d\s*(?:到|至|-|—|~)\s*\d")
FEE_CLAUSE = re.compile(r"(?<![免经消])费|价格|缴纳|自付|收取")
RECEIVE_CLAUSE = re.compile(r"补贴|补助|津贴|资助|奖励|奖补|扶持|支持|救助|慰问|发放|给予")
# A city-wide sum (累计投入1.64亿元, 资金规模约4.2亿元) is not what one person receives or pays.
# 评到五星级政府奖几多钱？ asks an award: 新增1张养老床位资助4万元 is a subsidy, 奖励30万元 the award.
AWARD_ASKED = re.compile(r"奖(?![状杯牌项])")
SUBSIDY_ASKED = re.compile(r"补|资助|津贴|救助")
AWARD_CLAUSE = re.compile(r"奖")
SUBSIDY_CLAUSE = re.compile(r"资助|补贴|补助|津贴")
# 一共给了多少钱？ asks what was paid out: 共募集资金430万元 is what was raised.
GIVEN_ASKED = re.compile(r"(?:给|发|资助|帮扶|帮|补|支出|花)了?[^，。？?,]{0,3}(?:多少|几多)钱")
RAISED_CLAUSE = re.compile(r"募集|筹集|募得|筹得|募款|募捐|捐款|捐赠")
EARNED_ASKED = re.compile(r"(?:挣|赚)[^，。？?]{0,4}(?:多少|几多|好多)|(?:工资|薪水|薪资)[^，。？?]{0,4}(?:多少|几多|好多|多高)")
WAGE_CLAUSE = re.compile(r"工资|薪|收入|报酬")
PAID_OUT_CLAUSE = re.compile(r"资助|发放|支出|救助|帮扶|慰问|给予|补贴")
TOTAL_CLAUSE = re.compile(r"、共|共\d|累计|共计|总计|合计|共投入|投入|筹集|募集|资金规模|总额|总规模|撬动|带动|全市共|亿元|增值|预算|安排")
MIN_TOPIC_SHARE = 0.5  # of the topic words' idf weight
RELATIVE_TOPIC_SHARE = 0.6  # or this share of what the whole sentence names
LEAD_UP_CHARS = 60
SEMICOLON = re.compile(r"[；;。]")
PER_PERSON = re.compile(r"每[人户月生名床位次]|人均|最高|一次性|不超过|不低于|按月")


@dataclass(frozen=True)
class FigureAgreement:
    """How one figure of a sentence agrees with the question."""

    value: str
    subject: bool  # its clause (or the one before) names the asked topic
    time: bool  # its year is an asked year, or no year was asked
    place: bool  # its clause names no place outside Shenzhen the question did not name
    kind: bool  # a fee when a fee was asked, a single figure when one was asked, not a city-wide total
    year: int | None  # the year the figure is of: stated in the sentence, else the document's
    share: float = 0.0  # of the question's topic weight, the share the words around the figure name

    @property
    def agrees(self) -> bool:
        return self.subject and self.time and self.place and self.kind


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end), cut at any comma or stop, full-width or not."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(sentence, end)), len(sentence))
    return left, right


def lead_up(sentence: str, start: int, end: int) -> str:
    """The words leading up to a span, back to a semicolon or at most LEAD_UP_CHARS, and its clause."""
    _, right = clause_span(sentence, start, end)
    stop = max((m.end() for m in SEMICOLON.finditer(sentence, 0, start)), default=0)
    return sentence[max(stop, start - LEAD_UP_CHARS) : right]


# …投放10万设立社区基金,专项用于社区社会组织孵化…: the clause after a figure saying what it is for.
PURPOSE_CLAUSE = re.compile(r"[,，](?:专项|主要|专门|统筹)?用于[^,，。；;]*")


def runs_on(sentence: str, end: int) -> str:
    """The clause right after a figure's own when it says what the money is for, else ""."""
    purpose = PURPOSE_CLAUSE.match(sentence, end)
    return purpose.group(0) if purpose else ""


def char_pairs(text: str) -> set[str]:
    """The text's pairs of neighbouring characters (津贴 of 高龄津贴)."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _names(text: str, terms: tuple[str, ...]) -> bool:
    text = plain(text)
    for term in terms:
        if term in text:
            return True
        grams = char_pairs(term)
        # 高龄津贴 ~ 高龄老人津贴: most of a long term's character pairs are there; a benefit's name
        # needs a word for money too (为户籍高龄老人购买意外伤害保险 does not name 高龄老人津贴).
        similar = len(grams) >= 3 and len(grams & char_pairs(text)) >= 0.6 * len(grams)
        if similar and (not BENEFIT_SUFFIX.search(term) or MONEY_NOUN.search(text)):
            return True
    return False


def subject_words(understanding: Understanding) -> tuple[str, ...]:
    """The topic words that say what is asked about, without the words naming who pays or where to
    go (政府, 社区), unless nothing else is left."""
    return tuple(w for w in understanding.topic if w not in GENERIC) or understanding.topic


def figure_subject_words(understanding: Understanding) -> tuple[str, ...]:
    """The subject words a figure must be of: without the person's hukou and age as told (深圳户口的老人去长者
    饭堂吃一餐补几块钱 asks of 长者饭堂) and bare money words (海葬有冇奖励 asks of 海葬), unless nothing else
    is left. (A group, 困境儿童 of 困境儿童的保教费, is often what the figure is for.)"""
    told = [c.value for c in understanding.conditions if c.kind in PERSON_ONLY]
    words = subject_words(understanding)
    kept = tuple(w for w in words if w not in MONEY_ONLY and not any(t in w or w in t for t in told))
    return kept or words


def topic_share(text: str, understanding: Understanding, words: tuple[str, ...] | None = None) -> float:
    """Share of the question's subject words (or ``words``) that a piece of text names (itself or a
    document term for it)."""
    topic = subject_words(understanding) if words is None else words
    if not topic:
        return 1.0
    total = sum(understanding.weight(w) for w in topic)
    return sum(understanding.weight(w) for w in topic if _names(text, understanding.terms_for(w))) / total


def names_topic(text: str, understanding: Understanding) -> bool:
    """Whether a piece of text names the question's topic: most of its topic words, or their terms."""
    return topic_share(text, understanding) >= MIN_TOPIC_SHARE


def touches_topic(text: str, understanding: Understanding) -> bool:
    """Whether a text shares a character pair with some topic word (津贴 of 高龄津贴)."""
    grams = char_pairs(plain(text))
    return any(char_pairs(term) & grams for word in understanding.topic for term in understanding.terms_for(word))


# 岗位津贴 and 岗位补贴 name one benefit: the word before the suffix says which.
BENEFIT_SUFFIX = re.compile(r"(?:补贴|津贴|补助|资助|奖励|奖补)$")
MONEY_NOUN = re.compile(r"补贴|津贴|补助|资助|奖励|奖补|救助|资金|金")
BENEFIT_SUFFIXES = ("补贴", "津贴", "补助", "资助", "奖励")
# Words that say what kind of money is asked, not of what: 海葬有冇奖励 asks of 海葬.
MONEY_ONLY = frozenset((*BENEFIT_SUFFIXES, "奖金", "钱", "奖"))


def programme_terms(understanding: Understanding) -> tuple[str, ...]:
    """The benefit asked about and the documents' terms for it, whichever benefit word follows its name."""
    if not understanding.programme:
        return ()
    terms = understanding.terms_for(understanding.programme)
    stem = BENEFIT_SUFFIX.sub("", understanding.programme)
    if len(stem) >= 2 and stem != understanding.programme:
        terms = (*terms, *(stem + suffix for suffix in BENEFIT_SUFFIXES))
    return tuple(dict.fromkeys(terms))


# 有什么补助, 能领多少钱, 有啥福利: money asked without naming which benefit.
ANY_BENEFIT = re.compile(r"补贴|补助|津贴|资助|奖励|救助|钱|待遇|福利|优惠|优待|帮扶|扶持")
# 每户最高资助, 按月发放岗位补贴: words before a benefit's own name that say how it is paid.
PAYMENT_WORDS = re.compile(r".*(?:最高|每[人户月年]|给予|发放|可获得?|获得|享受|领取|按)")


def names_other_benefit(text: str, understanding: Understanding) -> bool:
    """Whether a text names a benefit by its own name and it is not the one asked about (岗位补贴 for a
    question on 入职补贴; 居家养老服务补助 for 低保怎么申请). False when the question asks about money
    without naming the benefit (除了低保金还有什么补助？): any benefit may be the answer."""
    programme = programme_terms(understanding)
    if not programme:
        if not understanding.topic or ANY_BENEFIT.search(understanding.text):
            return False
        programme = tuple(term for word in understanding.topic for term in understanding.terms_for(word))
    names = []
    for match in BENEFIT_NAME.finditer(text):
        name = PAYMENT_WORDS.sub("", match.group(0))
        if len(BENEFIT_SUFFIX.sub("", name)) >= 2:
            names.append(name)
    # 入职补贴和岗位补贴分别是给谁的: a benefit the question itself names is asked about too (the
    # message's own words: 那刚入职的有没有一次性的补贴？ after 岗位补贴有多少？ asks 入职补贴 only).
    return bool(names) and not any(
        _names(name, programme) or name in understanding.question or any(name in term for term in programme)
        for name in names
    )


def years_in(text: str) -> list[int]:
    """The years a text states, a span such as 2020-2023年 or 2020年至2023年 counting as each year in it."""
    found: list[int] = []
    for m in YEAR_SPAN.finditer(text):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        found += range(first, last + 1) if 0 < last - first <= MAX_SPAN_YEARS else [first, last]
    return list(dict.fromkeys(found))


def figure_years(sentence: str, match: FactMatch, document_year: int | None) -> list[int]:
    """The years a figure is of: the last year (or span of years) stated before it, else the document's.

    2020-2023年结婚登记数量分别为67625对、76380对… states each year's figure: any of them is of 2020.
    """
    spans = list(YEAR_SPAN.finditer(sentence, 0, match.start + len(match.value)))
    if not spans:
        return [document_year] if document_year else []
    stated = years_in(spans[-1].group(0))
    # 从2016年1,900元提高至2,299元 (a plan of 2022): the figure risen to is of the years just before
    # the document's, not of 2016
    if RISEN_TO.search(sentence, spans[-1].end(), match.start) and document_year and document_year > stated[-1]:
        return list(range(max(stated[-1] + 1, document_year - RISEN_YEARS), document_year + 1))
    return stated


def _names_benefit_asked(name: str, understanding: Understanding) -> bool:
    """Whether a benefit's own name (适老化改造补贴) is one the question asks about: its words before the
    benefit word are the question's or a topic word's term."""
    stem = BENEFIT_SUFFIX.sub("", name)
    if len(stem) < 2 or stem in understanding.question or stem in understanding.text:
        return True
    return any(_names(stem, understanding.terms_for(w)) or _names(w, (stem,)) for w in subject_words(understanding))


def figure_agreement(
    understanding: Understanding,
    sentence: str,
    match: FactMatch,
    document_year: int | None,
    gazetteer: Gazetteer,
    context: str = "",
    *,
    headed: bool = False,
) -> FigureAgreement:
    """How one figure agrees; ``context`` is the sentence before (一是高龄老人津贴标准全国前列。70周岁…);
    ``headed``: it heads a run of clauses joined by semicolons that the figure ends, so it names the
    figure's subject even when the figure's own words do not touch the topic."""
    end = match.start + len(match.value)
    lead = lead_up(sentence, match.start, end)
    left, right = clause_span(sentence, match.start, end)
    own = sentence[left:right]
    around = lead + runs_on(sentence, right)
    years = figure_years(sentence, match, document_year)
    year = years[-1] if years else None
    asked_years = understanding.asked_years
    # 2021年答复里的指导价: the year may name the document rather than the figure.
    time = not asked_years or bool(set(years) & set(asked_years)) or document_year in asked_years
    asked_places = {p.name for p in understanding.places}
    named_places = gazetteer.find(lead)
    place = all(p.in_scope or p.name in asked_places for p in named_places)
    # 那福田的商协会呢，房租补多少？: a figure set by another district (南山区…按…50元/平方米) is not the
    # asked district's.
    asked_districts = {p.code for p in understanding.places if p.district}
    # …每家行业商协会每年的资助金额最高不超过30万元 in a sentence about 南山区 only is 南山区's too.
    named_districts = {p.code for p in named_places if p.district} or {
        p.code for p in gazetteer.find(sentence) if p.district
    }
    if asked_districts and named_districts and not named_districts & asked_districts:
        place = False
    wanted = understanding.intents
    if "fee" in wanted:
        kind = bool(FEE_CLAUSE.search(own)) and not RECEIVE_CLAUSE.search(own)
    elif "total" in wanted or not understanding.personal:
        kind = True
    else:
        kind = not (TOTAL_CLAUSE.search(own) and not PER_PERSON.search(own))
    if "exact" in wanted and RANGE.search(match.value):
        kind = False
    asked_text = understanding.question
    if AWARD_ASKED.search(asked_text) and not SUBSIDY_ASKED.search(asked_text):
        kind = kind and not (SUBSIDY_CLAUSE.search(own) and not AWARD_CLAUSE.search(own))
    if GIVEN_ASKED.search(asked_text) and RAISED_CLAUSE.search(own) and not PAID_OUT_CLAUSE.search(own):
        kind = False
    # 做养老护理员一个月大概能挣好多钱？ asks earnings: 岗位补贴…每人每月最高800元 is a subsidy beside them
    if EARNED_ASKED.search(asked_text) and SUBSIDY_CLAUSE.search(lead + own) and not WAGE_CLAUSE.search(lead + own):
        kind = False
    # The words leading up to the figure (and the clause after it saying what it is for) must name
    # the topic about as well as the whole sentence does: 为失能老人…每户最高2万元 agrees,
    # …等纳入职补贴范围,最高补贴1.5万元 does not answer 岗位补贴.
    # The subject may also sit in the sentence before when this one goes on about it (…的津贴).
    share = topic_share(around, understanding)
    programme = programme_terms(understanding)
    here = (not programme or _names(around, programme)) and share > 0 and share >= min(
        MIN_TOPIC_SHARE, RELATIVE_TOPIC_SHARE * topic_share(sentence, understanding)
    ) and topic_share(sentence, understanding, figure_subject_words(understanding)) > 0
    before = (
        bool(context) and names_topic(context, understanding) and (headed or touches_topic(around, understanding))
        and (not programme or _names(context + around, programme))
    )
    # …每户最高可获得1.2万元适老化改造补贴 is that benefit's figure, whatever the sentence before.
    named = BENEFIT_NAME.match(sentence, end)
    if programme and named and not _names(named.group(0), programme):
        here = before = False
    # 每户最高可获得1.2万元适老化改造补贴 does not answer 长者饭堂…一餐补贴多少, which names no benefit.
    if not programme and named and not _names_benefit_asked(named.group(0), understanding):
        here = before = False
    subject = here or before
    return FigureAgreement(match.value, subject, time, place, kind, year, share)


def sentence_figures(
    understanding: Understanding, sentence: str, document_year: int | None, gazetteer: Gazetteer, context: str = ""
) -> list[FigureAgreement]:
    """Every amount of the sentence with its agreement to the question.

    After a semicolon (…购买老年人意外伤害保险; 目前…最高可获得10万元赔偿) the sentence goes on with the
    one before, so the figure is read in both.
    """
    if context.endswith(("；", ";")):
        # (三是实施“银龄安康行动”全国最早。 before them: the heading of the run, read as the sentence before)
        heading, stop, clause = context.rpartition("。")
        joined = clause[:-1] + "，" + sentence  # one sentence: the lead-up runs through the semicolon
        return [
            figure_agreement(understanding, joined, m, document_year, gazetteer, heading + stop, headed=bool(stop))
            for m in amounts(joined)
            if m.start >= len(clause)
        ]
    return [figure_agreement(understanding, sentence, m, document_year, gazetteer, context) for m in amounts(sentence)]


OWN_CITY = re.compile(r"我市|本市")


def sentence_place_agrees(understanding: Understanding, sentence: str, gazetteer: Gazetteer) -> bool:
    """A sentence about another place (北京、上海的做法) does not answer for Shenzhen."""
    asked = {p.name for p in understanding.places}
    named = gazetteer.find(sentence)
    elsewhere = [p for p in named if not p.in_scope and p.name not in asked]
    # 我市已有一家异地养老创新基地——河源巴登度假小镇: the city's own work, in another place.
    return not elsewhere or any(p.in_scope for p in named) or bool(OWN_CITY.search(sentence))
