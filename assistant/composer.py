"""The answer composer: picks the documents' own sentences that answer a question and cites them.

Nothing is paraphrased: the answer is a few sentences copied from the retrieved passages, each
followed by its marker [n]. Key facts are phrases of those sentences. When the passages do
not cover the question, the composer refuses and shows the closest documents instead.
Wording lives in ``prompts/`` as Jinja2 templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import jinja2
import numpy as np

from .agreement import (
    BENEFIT_SUFFIX,
    CLAUSE_BREAK,
    MIN_TOPIC_SHARE,
    PER_PERSON,
    TOTAL_CLAUSE,
    FigureAgreement,
    char_pairs,
    clause_span,
    figure_years,
    names_other_benefit,
    names_topic,
    programme_terms,
    sentence_figures,
    sentence_place_agrees,
    topic_share,
    touches_topic,
    years_in,
)
from .answer import Answer, Citation, Conflict, ConflictValue, Fact, Related
from .answerability import AnswerabilityModel, load_model
from .chunking import passage_sentences
from .facts import (
    AGE,
    AT_ONCE,
    HUKOU,
    NAMING_NUMBERS,
    FactMatch,
    amount_value,
    amounts,
    extract_facts,
    has_count,
    has_counted,
    has_date,
    has_days,
    has_duration,
    has_figure,
    has_ordinal,
    has_quantity,
)
from .places import Gazetteer
from .retriever import Hit, SearchResult
from .tokenizer import STOPWORDS, plain
from .understanding import (
    ASKING,
    CURRENT_WORDS,
    GROUP_WORDS,
    HOW,
    LOOKUP_WORDS,
    NUMBERISH,
    PROCEDURE_WORDS,
    STORY_CHARS,
    WAY_NOUNS,
    WHERE,
    Understanding,
    asked_kind,
    asking_part,
    counted_unit,
    intents,
)
from .vocabulary import RewrittenQuery

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

MIN_FOLLOW_CHARS = 20
HEADING_SENTENCE_CHARS = 25
EVENT_VERBS = frozenset("实施 开始 执行 施行 出台 启动 上线 推出 印发 生效 开展".split())
START_ASKED = re.compile(r"(?:什么时候|啥时候|几时|哪天|哪一天|哪年|何时|么子时候|几时起)[^，。？?]{0,6}(?:开始|执行|实施|施行|生效)|从(?:什么|啥|么子|哪)")
# 已于今年3月1日正式施行: the day it took effect, said with 于 as well as 自…起.
# 已于2021年7月20日“我为长者办实事”事项清单发布会现场正式启动: a start told with where it was made.
START_SENTENCE = re.compile(
    r"自[^，。,；;]{2,16}?起?(?:正式)?(?:执行|施行|实施|生效)|起正式(?:实施|施行|执行)|"
    r"(?<!关)于[^，。,；;]{0,12}[年月日](?:[^，。,；;]{0,4}?(?:正式)?(?:执行|施行|实施|生效)|[^，。,；;]{0,24}?正式(?:启动|开始|上线|开通|运行))"
)
# (目前该办法已完成…: after a word of time)
REFERS_BACK = re.compile(r"(?:(?:目前|当前|现在|截至目前|同时)[,，]?)?(?:该|此|上述|这一|这项)(?:项)?(?:政策|办法|规定|措施|制度|项目|计划|条例|文件|通知|标准|方案)")
REFERRED_CHARS = 200  # how far before a sentence naming its subject by 该/此 that subject may be told
ENUMERATED = re.compile(r"^[一二三四五六七八九十]是")  # 二是开展…: one of a list of measures, heading its body
MIN_BODY_COVERAGE = 0.05  # of the question's weight, for a heading's body to be shown with it
# What a sentence must hold for each kind of question (the question's side is in understanding).
PROCEDURE_SENTENCE = re.compile(r"申请|申领|办理|无感|i深圳|线上|窗口")
# 65%, 百分之十, 每千名老年人配备一名: a share or a ratio.
PERCENT = re.compile(r"\d(?:\.\d+)?\s*[%％]|百分之|每[\d百千万]+[名个户人]")
# How to apply, not only who may: a channel, a place to go or a step.
PROCEDURE_HOW = re.compile(
    r"窗口|线上|网上|i深圳|APP|小程序|公众号|社区工作站|党群服务中心|街道|受理|提交|递交|携带|无感申办|免申|"
    r"短信|办理方式|渠道|流程|程序|向[^，。,；;]{1,15}(?:申请|提出|申报)|登录|预约|上门办理|经办|审核|审批|"
    r"办理[^，。,；;]{0,12}手续|备案|代办|"
    # 可在我市已开展家庭病床服务的社康中心享受相应服务: where to go is how to get it.
    r"可(?:在|到)[^，。,；;]{2,30}(?:享受|申请|办理|领取)|"
    # 市民只需凭身份证即可免费领取: what to show is how to get it.
    r"凭[^，。,；;]{1,12}?(?:即可|就可|就能|可)"
)
# 由社康机构…开展评估,…由区民政局委托…: who does which step, a process.
STEP = re.compile(r"由[^，。,；;]{2,15}?(?:开展|负责|委托|组织|进行|实施|评估|审核|受理)")
RANGE = re.compile(r"不等|\d\s*(?:到|至|-|—|~)\s*\d")
FREE_TOPIC_SHARE = 0.3  # of the topic a sentence about the question must name to say the fee asked is none
FREE = re.compile(r"免费|免[^，。,；;]{0,6}费|不收(?:取)?费|无需(?:缴|付)费|不收钱")
FEE_SENTENCE = re.compile(r"(?<![免经消])费|价格|缴纳|自付")  # 免费, 经费, 消费券 are not a charge
REIMBURSE_SENTENCE = re.compile(r"报销|赔|支付|待遇")
MINIMUM_SENTENCE = re.compile(r"最低|不低于|至少|不少于|起")
# 社会组织提交的年度工作报告, 凭授权书: papers handed in are materials too.
MATERIALS_SENTENCE = re.compile(r"材料|证件|证明|身份证|户口簿|户口本|资料|照片|授权书|提交(?:的)?[^，,。；;]{0,8}(?:报告|申请书|表)")
BENEFIT_NAME = re.compile(r"..(?:补贴|津贴|补助|资助)$")  # 入职补贴: a benefit by its whole name, not 护理 alone
# 凭身份证…即可申请, 身份证和…授权书“一证一书”即可申请救助: the papers one applies with.
APPLY_PAPERS = re.compile(
    r"(?:身份证|户口簿|户口本|授权书|证件|材料)[^，,。；;]{0,20}?(?:即可|就可|就能)?(?:申请|提交|提供|办理)|"
    r"(?:凭|提交|提供|携带|带上?)[^，,。；;]{0,12}(?:身份证|户口簿|户口本|授权书|证件|材料)"
)
HOURS_SENTENCE = re.compile(r"\d{1,2}[:：]\d{2}|\d{1,2}点|[上下]午|全天|24小时|周末|节假日|开放时间|值班")
PHONE_SENTENCE = re.compile(r"\d{5,}|热线")
LINE_NAME = re.compile(r"热线|专线|服务台$")  # a term naming a telephone line
ADDRESS_SENTENCE = re.compile(r"地址|位于|坐落|[路街巷]\d+号|\d+号[楼院]")
# 因各方认识不一…导致政策未出台: a sentence that gives a reason.
REASON_SENTENCE = re.compile(r"因为|由于|因(?![此而素])|导致|原因|鉴于|考虑到|为了|旨在|出于")
# 现有的道路绿化用地不可让渡并改变用途 answers 能不能划一块给我们用: a rule that permits or forbids.
VERDICT_SENTENCE = re.compile(r"不可|不得|不能|不予|禁止|严禁|不允许|不符合|允许|准予|无需|不需要|可免费")
# 验收工作暂时延后: a matter put off tells where it stands; 原计划于 is a plan that did not hold.
PROGRESS_WORDS_SENTENCE = re.compile(
    r"目前|已经|已完成|已于|正在|截至|进展|下一步|拟于|(?<!原)计划于|正式印发|延后|推迟|延期|暂缓|尚未"
)
# …导致政策未出台, 相继出台《…》(深民规〔2023〕2号): whether a policy came out is where it stands, of
# the policy the sentence names (FOR_TOPIC).
OUTCOME = re.compile(r"未能?(?:出台|印发|发布)|相继(?:出台|印发)")
PROGRESS_SENTENCE = re.compile(f"{PROGRESS_WORDS_SENTENCE.pattern}|{OUTCOME.pattern}")
# 合同到期后: the time is the end of something named.
RELATIVE_TIME = re.compile(r"[上下]半年|年底|年初|年内|月底|近期|今年|明年|第[一二三四]季度|(?:到期|期满|届满|结束)后")
LIST_SENTENCE = re.compile(r"[^、]{1,12}、[^、]{1,12}、|“[^”]{1,12}”[、和及]?“[^”]{1,12}”")
# 老龄化社区(即60岁及以上…), 家庭养老床位是指…: a sentence that says what its term means.
# “民生微实事”项目主要是…的惠民小项目: what a term is, said right after it.
DEFINES = re.compile(r"[(（]\s*即|是指|指的是|[，,]\s*即(?![可将便使时])|”即|主要是(?![在因由])|是一(?:种|项)")
DEFINED_CHARS = 12  # the term defined stands just before the mark
QUOTED = re.compile(r"[“\"「‘']([^”\"」’']{2,12})[”\"」’']")
# 啥叫老龄化社区, 怎样才算是老龄化社区: the term asked to define, quoted or not.
# 什么样的社区算老龄化社区: the term after the kind of thing that counts as it.
DEFINED_TERM = re.compile(
    r"(?:什么叫|啥叫|才算是?|什么是|何为|何谓|(?:什么|啥|怎样|哪种)样?的[\u4e00-\u9fff]{1,8}?算是?)"
    r"([\u4e00-\u9fff]{2,10}?)(?=[？?，,。！!呢嘛啊呀]|$)"
)
DEFINITION_BONUS = 0.5
ABOUT_SHARE = 0.8  # of the best sentence's coverage, below the usual floor, that is still about the question
ELSEWHERE_STORY = 0.5  # the act model's probability that a story is about what other bureaus handle
COUNTED_BONUS = 0.2  # a figure of what is counted (328张 for 多少张床)
FIGURE_SUBJECT_MARGIN = 0.25  # how much more of the topic a figure's own words must name to come first
RATE_BONUS = 0.2  # a percentage of the share asked (就业率达到80%)
NEWEST_BONUS = 0.6  # a sentence of the newest document, when where a matter stands or what holds now is asked
# 有没有一次性的补贴？ 有冇钱？: whether a benefit is there (not 是不是要去申请).
BENEFIT_THERE_ASKED = re.compile(
    r"(?:有没有|有冇|有无|有木有)[^，。？?]{0,8}(?:补贴|津贴|补助|资助|奖励|钱)|(?:补贴|津贴|补助|资助|奖励)(?:吗|没有|冇|不)[?？]?$"
)
OTHER_BENEFIT_PENALTY = 0.3  # a sentence naming only other benefits than the one asked
# 深圳有冇喺外地搞异地养老基地？: whether a thing exists is answered by a sentence saying one is there.
EXISTS_ASKED = re.compile(r"(?:有没有|有冇|有无|是否有|有木有)(?![人钱份得])")
EXISTS_SENTENCE = re.compile(r"已(?:有|建成|建立|设立|开设|开通|上线)|(?:建成|设立|开设|开通)了|共有|现有\d")

RATE_NAMES = re.compile(r"比例|占比|比重|覆盖率")
SHARE_OF = re.compile(r"([\u4e00-\u9fff]{2})(?:能|可以|可)?百分之(?:多少|几)")
ASKING_VERBS = frozenset("是不 现在 目前 大概 一共 总共 到底 能占 占了".split())
DISTRICT_BONUS = 0.3  # the district asked about named (or only others named) in a sentence
# “四同步”, 哪四个同步: a numbered term is defined by a sentence naming its part that many times.
# “四同步”, 三个同步, “两床融合” (its parts: 家庭养老床位 and 家庭病床, each a 床)
NUMBERED_TERM = re.compile(
    r"“([二三四五六七八九十两])([\u4e00-\u9fff]{2})”|([二三四五六七八九十两])个([\u4e00-\u9fff]{2})|"
    r"“([二三四五六七八九十两])([\u4e00-\u9fff])[\u4e00-\u9fff]{1,3}”"
)
# 具体是哪八项: a list of that many, not a sentence that only counts them (等八项敬老优待).
# “两项补贴”到底是哪两项: a term counting its parts by a measure word; the parts are named by its noun
NUMBERED_NOUN = re.compile(r"([二三四五六七八九十两])(?:项|类|种|张)([\u4e00-\u9fff]{2})")
NUMBERED_LIST = re.compile(r"哪([二三四五六七八九十两])(?:项|个|类|种|条|方面|样)")
CN_NUMBER = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
QUALIFIERS = re.compile(r"每[人户月年生]|最高|一次性|不超过")  # a cap per household is not a yearly total
CLAUSE_LEAD = re.compile(r"^(?:并|且|同时|其中|另外|此外|以及|和|及|还|也|[一二三四五六七八九十]是)")
# 在充分科学论证方面, 目前, 2019年初, 合同到期后: a clause that says only where or when the sentence goes on.
FRAME_CLAUSE = re.compile(
    r"^(?:(?:在|从|就|对于|关于)[^，,；;]{1,16}(?:方面|层面|上|中)|目前|当前|同时|此外|另外|其中|近年来|\d{4}年[初底中末]?|"
    r"[^，,；;]{1,8}(?:之后|后|之前|期间|以来))$"
)
# A clause that cannot stand alone: it goes on from the one before (即可受理…, 其余…).
DANGLING = re.compile(r"^(?:即可|即|其余|其|则|从而|进而|由此|以便|并且|但|而|或)")
# Numbers about a population or coverage, not a condition a person must meet.
STATISTIC = re.compile(r"覆盖率|占|比例|比重|%|万人|人口|共有|达到|超过|约|累计|总数")
SUMMARY_MAX_CHARS = 90
PARTIAL_SHARE = 0.5  # a partial answer needs this share of the answering threshold
AMOUNT_NAMES = ("amount", "fee", "minimum", "exact", "reimburse")
ASKING_PREFIX = re.compile(rf"^(?:{HOW}|去|到|在|{WHERE}|可以|能|才能|样|[给帮替为].{{0,3}})+")
# 关于“让渡部分自然公园区域…; …用于慈善事业文化与活动宣传”等建议。 对于您提出的…等意见建议: the
# proposer's words quoted back, not what the bureau says.
PROPOSAL_QUOTED = re.compile(
    r"^(?:[\d一二三四五六七八九十]+[.、])?关于“|”(?:等|的)?(?:建议|提案|意见)(?:的答复)?[。;；]?$|^(?:对于|关于)?您(?:提出|所提)的|等意见建议"
)
PROPOSAL_PENALTY = 0.5
# The letter's own formulas (…提案收悉。 …具有重要的参考价值和借鉴意义 感谢您…) answer nothing.
LETTER_FORMULA = re.compile(r"收悉[。;；]?$|参考价值|借鉴意义|^(?:衷心)?感谢您|^(?:再次)?感谢您对|欢迎您继续")
# …由街道办进行日常管理, 社区党委…进行集体研究决策: who runs or decides a thing.
WHO_SENTENCE = re.compile(
    r"由[^，。,；;]{2,15}?(?:负责|决定|决策|审批|审核|管理|承担|牵头)|(?:负责|牵头|主管|集体研究决策|审议决定|审定|批准)"
)
STEPS_ASKED = re.compile(r"步骤|流程|环节|(?<!小)程序|哪几步|几步")  # 小程序 is an app
# 办颐年卡都有哪些办法？: the ways asked, told by a sentence listing them (设立四种颐年卡办理方式,包括线上
# 自助申请、社区集中受理…; 提供线上预约及电话预约等多种预约方式).
# (还有别的办法吗？ in a conversation asks another way than the one it named, not the list of them)
WAYS_ASKED = re.compile(rf"(?:哪些|什么|啥|几种|哪几种|多少种){WAY_NOUNS}")
OTHER_WAYS_ASKED = re.compile(rf"(?:别的|其他|其它){WAY_NOUNS}")
WAYS_LISTED = re.compile(
    r"(?:方式|渠道|途径|办法)[^。；;]{0,6}(?:包括|有)[^。；;]{4,}|"
    r"(?:包括|提供|通过|倡导|鼓励|推广)[^。；;]{4,60}?等(?:多种|几种)?[^。；;，,]{0,8}(?:方式|渠道|途径)"
)
# 实施流程…主要包括项目征集、项目评议、项目确定…等环节: the stages of a process, named.
# (经 of 经费, 经济, 经营 is no 经 of "through": 将项目内容、经费…等因素…规范项目实施程序 names no stages)
STAGES = re.compile(r"(?:包括|分为|经过|经(?![费济营验历常典理办纪]))[^。；;]{4,60}?等?(?:环节|步骤|程序|阶段)")

# The first line answers the asked kind: a clause holding it scores (kind, test).
SUMMARY_TESTS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("amount", lambda t: amounts(t)),
    ("fee", lambda t: FREE.search(t) or FEE_SENTENCE.search(t)),  # 社会人员可免费参加 for 要交钱吗
    ("count", has_count),
    ("days", has_days),
    ("duration", has_duration),
    ("materials", MATERIALS_SENTENCE.search),
    ("procedure", lambda t: PROCEDURE_SENTENCE.search(t) or STAGES.search(t)),
    ("who", WHO_SENTENCE.search),
    ("hours", HOURS_SENTENCE.search),
    ("phone", PHONE_SENTENCE.search),
    ("address", ADDRESS_SENTENCE.search),
    ("time", has_date),
    ("progress", PROGRESS_SENTENCE.search),
    ("age", AGE.search),
    ("eligibility", lambda t: bool(AGE.search(t) or HUKOU.search(t))),
)


@dataclass(frozen=True)
class ComposerSettings:
    """Thresholds are calibrated on the evaluation set with ``eval/calibrate.py``."""

    max_sentences: int = 4
    max_answer_chars: int = 300
    hits_considered: int = 8
    related_count: int = 3
    top_for_decision: int = 3  # passages looked at to decide whether the documents cover the question
    min_dense: float = 0.86  # best passage's cosine below this: the documents are about other things
    min_coverage: float = 0.4  # share of the question's weighted words found in the best passage
    everyday_word_freq: int = 500  # jieba count from which an unknown word is everyday speech
    max_unknown: float = 0.5  # share of the question's weight in specific words the corpus never uses
    min_known: float = 0.05  # share of the question's weight in words the corpus uses at all
    min_figure_coverage: float = 0.3  # an asked amount counts only in a sentence this much about the question
    semantic_margin: float = 0.005  # a sentence this close to the best cosine is about the question
    min_conflict_overlap: float = 0.3  # words around two figures must overlap this much to be one thing
    follow_ratio: float = 0.6  # a further sentence must score this share of the best one
    semantic_weight: float = 1.0  # weight of the sentence's z-scored cosine to the question
    use_model: bool = True  # the fitted answerability model decides (fixed floors when none is fitted)
    templates: Path = field(default=PROMPTS_DIR)


@dataclass(frozen=True)
class _Sentence:
    hit: Hit
    rank: int
    text: str
    start: int  # in the document
    end: int
    coverage: float
    similarity: float | None  # the embedding's cosine of the sentence to the question
    score: float
    context: str = ""  # the sentence before it in the passage
    quoted: bool = False  # the proposer's words quoted back (PROPOSAL_QUOTED), not the bureau's own


# 12月,深圳重启“龙凤大典”品牌活动: a month opening a clause of a dated report dates the event.
CLAUSE_MONTH = re.compile(r"(?:^|[,，。；;])\s*(?:1[0-2]|[1-9])月(?:份)?[,，]")


def _is_dated(text: str) -> bool:
    return has_date(text) or bool(RELATIVE_TIME.search(text) or CLAUSE_MONTH.search(text))


def _tells_how(text: str) -> bool:
    """A channel, a place to go or a step, the steps of a process named by who does them, or its stages."""
    return bool(PROCEDURE_HOW.search(text) or STAGES.search(text)) or len(STEP.findall(text)) >= 2


# Which facts answer which kind of question: a way to apply does not answer 要满多少岁,
# an amount or a group does not answer 去哪里办.
MONEY_KINDS = frozenset({*AMOUNT_NAMES, "total"})
WHO_KINDS = frozenset({"eligibility", "age"})
HOW_KINDS = frozenset({"procedure", "materials"})
WHO_LABELS = frozenset({"group", "age", "hukou"})  # facts saying who a rule is for
# 全面推广70周岁以上户籍老年人高龄津贴“无感申办”: the bureau's work on a benefit, not the rule of who gets it.
WORK_ON = re.compile(r"(?:全面|大力|积极|进一步)?(?:推广|推进|推动|实现|开展|建立|健全|完善|加强|探索|落实)")
# 有没有高龄补贴？ 有冇奖励？: whether a benefit exists, not whether something else holds (待遇一样吗).
BENEFIT_ASKED = re.compile(r"(?:有没有|有冇|有无|有啥|有什么|有乜)[^，,。？?]{0,8}(?:补贴|补助|津贴|资助|奖励|救助金|补帖)")


def _fact_kinds(u: Understanding) -> frozenset[str]:
    """The fact labels that answer what the question asks. A yes-or-no question, what a thing is,
    and any other kind get none: 颐年卡是个啥卡 is not answered by 60周岁及以上, nor 家里人能帮他弄吗
    by 70周岁以上 (the first line answers them)."""
    asked = set(u.intents)
    kinds: set[str] = set()
    # 我爸85了有没有高龄补贴？: whether a benefit is there for him is answered by who gets how much.
    if asked == {"yesno"} and BENEFIT_ASKED.search(u.question) and not OTHER_ACTION.search(u.question):
        asked = {"amount", "eligibility"}
    if asked & MONEY_KINDS:
        kinds |= {"amount", "period", "total"}
        # 办卡要交工本费不？: who may apply says nothing of what is paid.
        if "fee" not in asked or asked & WHO_KINDS:
            kinds |= WHO_LABELS
    if asked & WHO_KINDS and not (asked & HOW_KINDS and not u.conditions):
        # 能不能在手机上弄？在哪里弄？ asks a way, not who may; 我妈68了,能不能领？怎么申请？ asks both.
        kinds |= WHO_LABELS
    if asked & HOW_KINDS or "list" in asked:
        kinds |= {"apply"}  # 颐年卡可以通过哪些方式办理？ lists the ways
    if "count" in asked:
        kinds |= {"total"}
    return frozenset(kinds)


def _says_free(u: Understanding, sentences: list[_Sentence], relevant: list[_Sentence]) -> bool:
    """Whether a fee is asked and a sentence about the topic says it is free (免开卡工本费): one naming
    the topic, or one about the question by its words naming a good part of it (…专项职业能力考核,…
    社会人员可免费参加 for 我没在养老院上班,能报名…考核吗？要交钱不？)."""
    return "fee" in u.intents and any(
        FREE.search(c.text)
        and (names_topic(c.text, u) or (c in relevant and topic_share(c.text, u) >= FREE_TOPIC_SHARE))
        for c in sentences
    )


def _how_for_topic(text: str, u: Understanding) -> bool:
    """Whether a way to apply is given for what is asked: a clause with the way names the topic
    (设立四种颐年卡办理方式 for the card, not 即可受理其高龄老人津贴申请)."""
    if not u.topic:
        return True
    return _clause_for_topic(PROCEDURE_HOW, text, u) or (len(STEP.findall(text)) >= 2 and touches_topic(text, u))


def _verdict_for_topic(text: str, u: Understanding) -> bool:
    """Whether a clause permitting or forbidding names the topic (道路绿化用地不可让渡, not 无需现场提供
    相关纸质材料 beside a question on the card)."""
    return _clause_for_topic(VERDICT_SENTENCE, text, u)


def _clause_for_topic(pattern: re.Pattern[str], text: str, u: Understanding) -> bool:
    """Whether one clause of a sentence both matches ``pattern`` and touches the topic."""
    return any(pattern.search(clause) and touches_topic(clause, u) for clause in re.split(r"[，,。；;]", text))


# Verbs dating the same kind of event: 条例啥时候开始实行 is dated by …已于今年3月1日正式施行, not by
# 2021年3月1日,举办《条例》宣传贯彻推动会.
EVENT_KINDS = (
    ("实行", "施行", "实施", "执行", "生效"),
    ("出台", "印发", "发布", "颁布", "公布"),
    ("启动", "上线", "开通", "推出"),
    ("成立", "设立", "挂牌"),
    # 啥时候开始搞的: a beginning (…并开始在全市范围内全面推行, …已于2021年7月20日…正式启动, 自…年起,
    # 率先开展…试点, 出台…实施方案)
    ("开始", "启动", "推行", "首次", "开展", "试点", "出台", "年起", "月起", "日起"),
)


def _dated_for_event(text: str, u: Understanding) -> bool:
    """Whether a sentence dates the kind of event asked: when the question names one (实行, 印发, 启动),
    the sentence names a verb of that kind."""
    asked = [verbs for verbs in EVENT_KINDS if any(v in u.question for v in verbs)]
    return not asked or any(v in text for verbs in asked for v in verbs)


def _progress_for_topic(text: str, u: Understanding) -> bool:
    """Whether a sentence tells where the matter asked stands: by words of progress, or by a policy's
    outcome (…导致政策未出台) when it names the topic, or the term the caller quotes (“1+4”政策文件出了没有),
    not the “1+4” policy's for 若干措施的配套文件."""
    if PROGRESS_WORDS_SENTENCE.search(text) or names_topic(text, u):
        return True
    return any(term in text for term in QUOTED.findall(u.question))


def _of_the_matter(text: str, intent: str, u: Understanding) -> bool:
    """Whether the kind a sentence holds is of the matter asked: a date of the event asked (啥时候开始搞的
    is not told by 在年初部门预算中编列), an amount of the benefit asked (刚入这行…一次性的补贴 is not told
    by 岗位补贴…最高800元), an outcome of the policy asked."""
    if intent == "time":
        return _dated_for_event(text, u)
    if intent == "amount":
        return not names_other_benefit(text, u)
    if intent == "progress":
        return _progress_for_topic(text, u)
    return True


# A sentence's bonus for an asked kind counts only when its clause holding that kind is about the topic.
FOR_TOPIC: dict[str, Callable[[str, Understanding], bool]] = {
    "procedure": _how_for_topic, "yesno": _verdict_for_topic, "time": _dated_for_event,
}


def _turn_terms(u: Understanding) -> set[str]:
    """In a question asking what to do, the documents' terms for the caller's words its turn brings
    (上门核验 for 不会用手机); a term sharing a character pair with the word only renames it (高龄老人津贴
    for 高龄津贴)."""
    if "procedure" not in u.intents:
        return set()
    return {
        term for word, terms in u.synonyms if word not in u.background and word in u.text
        for term in terms if term not in u.text and not char_pairs(term) & char_pairs(word)
    }


# Acts done with or to a benefit, whose way is asked (咋激活, 去哪里挂失), as opposed to applying for it
# (办, 申请: every passage on the topic tells that).
NAMED_ACTS = frozenset("激活 绑定 开通 挂失 补办 补领 注销 认证 年审 预约 报名".split())


def _act_asked(u: Understanding) -> str:
    """The act a procedure question in this turn asks the way of (咋激活 → 激活), if it is one of NAMED_ACTS."""
    if "procedure" not in u.intents:
        return ""
    for match in PROCEDURE_WORDS.finditer(u.question):
        act = ASKING_PREFIX.sub("", match.group(0))
        if act in NAMED_ACTS:
            return act
    # 那个年审咋整啊？ 每年要做那个认证…在哪里弄: the act named before the way it is asked
    return next((act for act in NAMED_ACTS if act in u.question), "")


COUNTED_FIGURE = re.compile(r"(?:\d[\d,.]*\s*(?:万|千|百)?(?:多|余)?|[一二三四五六七八九十两百千]+[个家张所项名人位条种类批])")
COUNTED_REACH = 16  # characters after a figure that say what it counts
# 多少个行业协会商会: the thing a question counts, named right after its measure word
COUNTED_NOUN = re.compile(r"(?:多少|几多|几)[个家张所座名位对户](?:的)?([\u4e00-\u9fff]{2,10})")
COUNTED_BEFORE = 8  # characters before it, the verb of counting left out, that name what it counts
COUNT_VERB_END = re.compile(r"(?:共|有|达到?|为|计|约|累计|已|登记|建成|设立|总数|数量|分别为|合计|超过?)+$")


def _counts_topic(text: str, u: Understanding) -> int:
    """How many of the question's topic words the words right after a figure name (30个社会组织交流服务
    展示点: three), or the noun right before it in its clause (全市共登记行业商协会737家, not …对接平台682个),
    the most over the sentence's figures."""
    best, plain_text = 0, NAMING_NUMBERS.sub("", text)
    for match in COUNTED_FIGURE.finditer(plain_text):
        after = re.split(r"[，,。；;]", plain_text[match.end() : match.end() + COUNTED_REACH])[0]
        before = re.split(r"[，,。；;：:]", plain_text[: match.start()])[-1]
        # the noun right before it, not another item of a list (…展示点及百家…案例集, …基金会等30个…)
        before = re.split(r"[及和与、等]", COUNT_VERB_END.sub("", before))[-1][-COUNTED_BEFORE:]
        best = max(best, sum(w in after or any(t in before for t in u.terms_for(w)) for w in u.topic))
    return best


def _reached(text: str, u: Understanding) -> bool:
    """Whether a sentence states a figure reached rather than a target set (计划到2024年底…达33家), or a
    target is what is asked (规划到2025年要达到多少)."""
    return bool(TARGET_ASKED.search(u.text)) or not TARGET_SENTENCE.search(text)


CONDITION_BONUS = 0.1
# 为诊断明确、病情稳定…的老年患者, 对于已成立1年左右…的初创期社会组织, (含户籍儿童…以及流动儿童), not
# (含社区老年人日间照料中心), which names what a count includes:
# who a rule is for, told by a condition rather than a group's name.
CONDITION_PHRASE = re.compile(
    r"(?:对于|针对|面向|为)[^，,。；;]{4,40}?的[^，,。；;]{0,8}(?:老年人|老人|患者|儿童|组织|机构|家庭|人员|对象)"
    r"|满足[^，,。；;]{0,20}条件|"
    # 行业协会会员应为企业…并有五十个以上拟入会会员: what a founder must be or have.
    r"(?:(?<![相响反供适])(?:应当|应|须|必须)(?:为|具备|具有)|(?:需要|需)具备)[^，,。；;]{2,30}|[（(](?:含|包括)[^，,。；;）)]{2,30}(?:儿童|老人|老年人|人员|家庭|对象)[)）]"
)


def _tells_condition(text: str, u: Understanding) -> bool:
    """Whether a sentence tells the condition of the topic (为诊断明确…的老年患者…建立家庭病床).

    After a long story (出院…推轮椅…朋友说…这个家庭病床是不是谁都能建？) the topic is what the asking
    clause names: every topic word of it, in the sentence.
    """
    if not CONDITION_PHRASE.search(text):
        return False
    if names_topic(text, u):
        return True
    asked = asking_part(u.text) if len(u.text) > STORY_CHARS else ""
    named = [w for w in u.topic if w in asked]
    if asked and not named:
        # …听说可以在家里弄个家庭病床，到底什么样的病人才能建？: the thing the clause before it names
        before = u.text[: u.text.rfind(asked)] if asked in u.text else ""
        last = max((w for w in u.topic if w in before), key=before.rfind, default="")
        named = [last] if last else []
    return bool(named) and all(any(t in text for t in u.terms_for(w)) for w in named)


def _names_condition(text: str) -> bool:
    return bool(CONDITION_PHRASE.search(text)) or any(f.label in WHO_LABELS for f in extract_facts(text))


# A sentence holding what the question asks for scores higher: (intent, test, bonus).
SENTENCE_BONUS: tuple[tuple[str, Callable[[str], object], float], ...] = (
    ("amount", amounts, 0.3),
    ("fee", FREE.search, 0.3),  # 免开卡工本费 answers what a card costs
    ("count", has_count, 0.15),
    ("days", has_days, 0.25),
    ("duration", has_duration, 0.25),
    ("materials", MATERIALS_SENTENCE.search, 0.15),
    ("procedure", _tells_how, 0.15),
    ("eligibility", _names_condition, 0.1),
    ("time", _is_dated, 0.2),
    ("progress", PROGRESS_SENTENCE.search, 0.2),
    ("reason", REASON_SENTENCE.search, 0.25),
    ("list", LIST_SENTENCE.search, 0.15),
    ("age", AGE.search, 0.25),
    ("who", WHO_SENTENCE.search, 0.25),
    ("address", ADDRESS_SENTENCE.search, 0.25),
    ("yesno", VERDICT_SENTENCE.search, 0.15),
)
# Kinds the answer must show when a sentence about the question has one (a date for 哪天开始的).
SHOWN = (
    "amount", "fee", "count", "days", "duration", "time", "reason", "progress", "list", "procedure", "materials", "age",
    "who",
)


def defines(text: str, u: Understanding, question: str) -> bool:
    """Whether a sentence says what the question's term means: the term then 即/是指…, or a numbered
    term's part named that many times (同步规划、同步建设、同步验收、同步交付使用 for 四同步)."""
    # 规划里经常提到“老龄化社区”,这个是怎么界定的？: the quoted term is the one to define.
    quoted = [q for q in (*QUOTED.findall(question), *DEFINED_TERM.findall(question)) if len(q) >= 2]
    for mark in DEFINES.finditer(text):
        before = text[max(0, mark.start() - DEFINED_CHARS) : mark.start() + 1]
        if names_topic(before, u) or any(q in before for q in quoted):
            return True
    for match in NUMBERED_TERM.finditer(question):
        n, part = next((match.group(i), match.group(i + 1)) for i in (1, 3, 5) if match.group(i))
        # 同步规划、同步建设…, not the 同步 of another numbered term (“三同步”)
        if len(re.findall(rf"(?<![一二三四五六七八九十两]){part}", text)) >= CN_NUMBER[n]:
            return True
    return False


def _counted_term(u: Understanding) -> re.Match[str] | None:
    """A term counting its parts in a question asking what they are (“两项补贴”到底是哪两项)."""
    return NUMBERED_NOUN.search(u.question) if {"list", "definition"} & set(u.intents) else None


def _names_parts(text: str, counted: re.Match[str]) -> bool:
    """Whether a sentence names as many of a counted term's noun as the term counts (两项补贴: 生活补贴
    和护理补贴), the term itself and other counted ones (“两项补贴”, 三类补贴) left out."""
    rest = re.sub(rf"[二三四五六七八九十两\d](?:项|类|种|张)?{counted.group(2)}", "", text)
    return rest.count(counted.group(2)) >= CN_NUMBER[counted.group(1)]


def _rate_test(u: Understanding) -> Callable[[str], bool]:
    """The test for a sentence stating the share asked: a percentage with the question's own rate
    word (就业率达到80% for 就业率定了什么目标) or, for 比例/占比, in a sentence about what is asked."""
    own = re.findall(r"([\u4e00-\u9fff]{2})率", u.question)
    generic = RATE_NAMES.findall(u.question)
    if not own and not generic:
        return lambda text: bool(PERCENT.search(text))
    # 报销比例: a generic share word, so the sentence must also be about what is asked.
    return lambda text: bool(PERCENT.search(text)) and (
        any(word in text for word in own) or (any(word in text for word in generic) and names_topic(text, u))
    )


def _share_of(u: Understanding) -> list[str]:
    """The word a share is asked of (报销 of 医保能报销百分之多少)."""
    return [w for w in SHARE_OF.findall(u.question) if w not in ASKING_VERBS]


def _share_test(u: Understanding) -> Callable[[str], bool]:
    """The test for a sentence stating a share of what the question names before 百分之多少."""
    words = _share_of(u)
    return lambda text: bool(PERCENT.search(text)) and any(w in text for w in words)


def _counted_test(u: Understanding, *, exact: bool = False) -> Callable[[str], bool]:
    """The test for a sentence stating a figure of what the question counts (328张 for 多少张床);
    ``exact``: in the measure word asked."""
    return lambda text: has_counted(text, u.unit, exact=exact)


def _counted_about(u: Understanding, sentences: list[_Sentence]) -> list[_Sentence]:
    """The sentences stating a figure of what the question counts and naming its topic, in order:
    where a "reached" figure is looked for, and the target shown when only targets are stated."""
    counted = _counted_test(u)
    return [c for c in sentences if counted(c.text) and names_topic(c.text, u)]


def _standing(cosine: float, spread: tuple[float, float]) -> float:
    """How far a cosine stands above the question's cosines to the whole corpus, in standard deviations:
    a colloquial question has lower cosines to every sentence, the answering one still stands out."""
    mean, std = spread
    return (cosine - mean) / std if std > 1e-9 else 0.0


def _dated_event_test(u: Understanding) -> Callable[[str], bool]:
    """The test for a sentence dating what the question asks about: a date beside a topic word other
    than the benefit's name (几号发放 is not answered by the date 无感申办 began)."""
    if not u.programme:
        # 长护险什么时候开始？ is not answered by 该政策自2021年4月1日起执行 beside it, nor 长期护理保险哪天开始
        # 实施 by 2023年10月1日起正式实施《深圳市医疗保障办法》: the thing dated, not the verb of dating it.
        things = [w for w in u.topic if w not in EVENT_VERBS] or list(u.topic)
        return lambda text: _is_dated(text) and (not things or any(names_topic(text, _only(u, w)) for w in things))
    events = [w for w in u.topic if w not in u.programme and u.programme not in w]
    if not events and not u.unknown_words:
        return _is_dated  # 高龄津贴哪年开始的: the benefit itself
    # 几号打到卡上: words the documents never use name an event they never date. The documents' term a
    # caller's description was read as (不用自己跑、回个短信就能办的 → 无感申办) names the event too.
    benefit = set(programme_terms(u))
    named = [t for t in u.rewritten.expansions if len(t) >= 3 and not any(t in b or b in t for b in benefit)]
    return lambda text: _is_dated(text) and (
        any(names_topic(text, _only(u, w)) for w in events) or any(t in text for t in named)
    )


def _days_test(u: Understanding) -> Callable[[str], bool]:
    """The test for a sentence telling how many days (15个工作日), or that there is no wait at all in a
    sentence naming the matter asked (注销登记现在还要等几天: 即来即办, not another matter's)."""
    return lambda text: has_days(text) or bool(AT_ONCE.search(text) and names_topic(text, u))


def _items(text: str) -> int:
    """How many items one clause of a sentence lists (A、B、C和D: four)."""
    counts = [0]
    for clause in re.split(r"[，,。；;：:]", text):
        if "、" in clause:
            last = clause.rsplit("、", 1)[1]
            counts.append(clause.count("、") + 1 + bool(re.search(r"[和及与](?!其)", last)))
    return max(counts)


def _single_figure(text: str) -> bool:
    return any(not RANGE.search(match.value) for match in amounts(text))


def _holds_figure_asked(text: str, u: Understanding) -> bool:
    """Whether a sentence holds the kind of figure asked (money for 补多少钱, any quantity for a count),
    or no figure is asked."""
    if set(AMOUNT_NAMES) & set(u.intents):
        return bool(amounts(text))
    return not {"count", "rate", "total"} & set(u.intents) or has_quantity(text)


# What each kind of question needs in a sentence: (intent, where to look, test, name in the reason).
# "money": sentences about the question that state an amount; "words": sentences about the question;
# "typed": those and the sentences closest in meaning.
ANSWER_TYPES: tuple[tuple[str, str, Callable[[str], object], str], ...] = (
    ("fee", "money", FEE_SENTENCE.search, "fee"),
    ("minimum", "money", MINIMUM_SENTENCE.search, "minimum"),
    ("reimburse", "money", REIMBURSE_SENTENCE.search, "reimbursement"),
    ("exact", "money", _single_figure, "single figure"),
    ("amount", "money", lambda text: True, "amount"),
    ("rate", "words", PERCENT.search, "rate"),
    ("count", "words", has_quantity, "figure"),
    ("ordinal", "typed", has_ordinal, "place in a series"),
    ("days", "typed", has_days, "number of days"),
    ("duration", "typed", has_duration, "length of time"),
    ("materials", "typed", MATERIALS_SENTENCE.search, "list of papers"),
    ("hours", "typed", HOURS_SENTENCE.search, "opening hours"),
    ("phone", "typed", PHONE_SENTENCE.search, "phone number"),
    ("address", "typed", ADDRESS_SENTENCE.search, "address"),
    ("procedure", "typed", _tells_how, "way to apply"),
    ("time", "typed", _is_dated, "date"),
)


# 到2025年底…不少于30家, 力争…: a target set, not a figure reached.
TARGET_SENTENCE = re.compile(r"到\d{4}年|力争|不少于|不低于|将(?:达到|实现)|目标")
# 规划到2025年要达到多少: a target asked, which a target year answers.
TARGET_ASKED = re.compile(r"目标|计划|规划|打算|要达到|要搞到|要建到|(?:到|至)\s*20\d\d")
SPAN_KINDS = ("days", "duration")  # lengths of time: said of the matter asked or not at all
# 现在已经建成多少张了？: a figure reached is asked, which a target (至2025年…不低于1000张) does not state.
REACHED_ASKED = re.compile(r"(?:已经|现在|目前|如今|眼下|至今)[^，,。？?]{0,8}(?:多少|几)")
# 至2025年全市失智照护床位不低于1000张: a figure set for a year to come (not 超额完成…目标, a figure reached).
TARGET_YEAR = re.compile(r"(?:(?<!截止)(?<!直)到|(?<!截)至)\s*20\d\d年")  # not 截至2024年5月31日, a date reached


QUESTION_FILLER = re.compile(r"[^\u4e00-\u9fff\w]|什么|怎么|多少|有没有|能不能|可不可以|是不是|请问|我们|我爸|我妈|我家|现在|那个|这个|一下|吗|呢|吧|啊|的|了")


def _function_word(token: str) -> bool:
    """A token made of function words only (那要, 就要): the segmenter's pairing, naming nothing."""
    return all(char in STOPWORDS for char in token)


def _content_bigrams(question: str) -> set[str]:
    """Character bigrams of the question's content (punctuation and fillers removed)."""
    return {pair for part in QUESTION_FILLER.split(question) for pair in char_pairs(part)}


def _surroundings(sentence: str, match: FactMatch) -> set[str]:
    """Character bigrams of the words around an amount (figures and punctuation left out)."""
    window = sentence[max(0, match.start - 20) : match.start + len(match.value) + 12]
    return char_pairs(re.sub(r"[\d.,，。；;、:：()（）“”%万亿元]", "", window))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


KIND_UNITS = ("类", "种", "档")  # the measures a list of kinds is asked in (哪几类, 分几档)


def _names_kinds(text: str, unit: str) -> bool:
    """Whether a sentence names two kinds or more by the measure (便民利民类(…)、群众活动类), not a count
    (三类)."""
    named = re.findall(rf"[\u4e00-\u9fff](?<![一二三四五六七八九十几两多各本此该这那每]){unit}(?=[(（、，,和及与])", text)
    return len(named) >= 2


SUBJECT_PHRASE_CHARS = 12  # a run of characters two sentences share when they tell of the same thing


def _shares_phrase(a: str, b: str) -> bool:
    """Whether two sentences share a run of SUBJECT_PHRASE_CHARS characters (the name of what they tell of)."""
    n = SUBJECT_PHRASE_CHARS
    runs = {b[i : i + n] for i in range(len(b) - n + 1)}
    return any(a[i : i + n] in runs for i in range(len(a) - n + 1))


def _similar(a: str, b: str) -> bool:
    grams_a, grams_b = char_pairs(a), char_pairs(b)
    if not grams_a or not grams_b:
        return a == b
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b)) > 0.8


class Composer:
    """Turns a search result into a cited answer or an honest refusal."""

    def __init__(self, settings: ComposerSettings | None = None, gazetteer: Gazetteer | None = None) -> None:
        self.settings = settings or ComposerSettings()
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.settings.templates)),
            autoescape=False,  # plain text for reading out; the web layer escapes
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            keep_trailing_newline=False,
        )
        labels = self._env.get_template("fact_labels.j2").module
        self._labels: dict[str, str] = dict(labels.labels)  # type: ignore[attr-defined]
        self._missing: dict[str, str] = dict(labels.missing)  # type: ignore[attr-defined]
        self.model: AnswerabilityModel | None = load_model() if self.settings.use_model else None
        self.gazetteer = gazetteer or Gazetteer()

    # -- scoring -----------------------------------------------------------------------------

    def _coverage(self, result: SearchResult, text: str) -> float:
        """Share of the question's idf weight (known words only) that appears in the text; the words a
        follow-up takes from the conversation weigh half, behind an ellipsis (那要是评上五星级呢？) at
        most half of what its own words weigh together."""
        known = [t for t in result.terms if t.df > 0]
        u = result.understanding
        background = set(u.background) if u is not None else set()
        scale = u.background_weight if u is not None else 1.0
        weights = [t.idf * (scale if t.text in background else 1.0) for t in known]
        total = sum(weights)
        if total <= 0:
            return 0.0
        text = plain(text)
        matched = sum(w for t, w in zip(known, weights, strict=True) if t.text in text)
        # A caller's word counts as present when the document term it maps to is there.
        expansion_hit = any(e in text for e in result.rewritten.expansions)
        if expansion_hit:
            matched = min(total, matched + max(weights))
        return matched / total

    @staticmethod
    def _bigram_overlap(question_grams: set[str], text: str) -> float:
        if not question_grams:
            return 0.0
        return sum(1 for gram in question_grams if gram in text) / len(question_grams)

    def _unknown_share(self, result: SearchResult, u: Understanding | None = None) -> float:
        """Share of the question's weight in specific words the corpus never uses.

        Everyday words (年纪, 老婆, 突然) are absent from policy documents however well they
        answer; a specific word (挂失, 二胎, 冷静期) that the corpus never uses means the
        question is about something the documents do not cover.
        """
        total = sum(t.idf for t in result.terms)
        if total <= 0:
            return 1.0
        asked = {c.value for c in u.conditions} if u else set()
        # A caller's word the vocabulary maps to a document term (装扶手 → 适老化改造) is known, and so are its pieces.
        mapped = [w for w, terms in u.synonyms if terms] if u else []
        specific = [
            t for t in result.terms
            if t.df == 0 and t.everyday < self.settings.everyday_word_freq and not _function_word(t.text)
            and t.text not in ASKING and not NUMBERISH.fullmatch(t.text) and not any(t.text in a for a in asked)
            and not any(t.text in w for w in mapped)
        ]
        return sum(t.idf for t in specific) / total

    @staticmethod
    def _known_share(result: SearchResult) -> float:
        """Share of the question's weight in words the corpus uses (明天深圳会下雨吗: only 深圳)."""
        total = sum(t.idf for t in result.terms)
        return sum(t.idf for t in result.terms if t.df > 0) / total if total > 0 else 0.0

    def _candidates(self, result: SearchResult, u: Understanding) -> list[_Sentence]:
        wanted = u.intents
        candidates = []
        grams = _content_bigrams(result.rewritten.expanded)
        unit = u.unit if "count" in wanted else ""
        rates = _rate_test(u)
        districts = {p.code for p in u.places if p.district}
        # 条例出台了没有？ 现在…: where a matter stands is told by the newest document about it.
        years = [h.year for h in result.hits[: self.settings.hits_considered] if h.year]
        now_asked = u.current and CURRENT_WORDS.search(asking_part(u.question))  # not 听说现在要先预约
        newest = max(years) if years and ("progress" in wanted or now_asked) else None
        for rank, hit in enumerate(result.hits[: self.settings.hits_considered]):
            passage_coverage = self._coverage(result, hit.text)
            previous = heading = ""
            for text, start, end in passage_sentences(hit.text, hit.start):
                # A clause after a semicolon continues its sentence: “…购买老年人意外伤害保险;” then
                # “目前统保年龄降至60周岁,最高可获得10万元赔偿”. Its words count for both.
                # A short sentence before (一是高龄老人津贴标准全国前列。) heads the one after it.
                # 该政策自2021年4月1日起执行: a sentence naming its subject by 该/此 is about the one before.
                context = previous if (
                    previous.endswith(("；", ";")) or len(previous) <= HEADING_SENTENCE_CHARS or REFERS_BACK.match(text)
                ) else ""
                # 三是实施“银龄安康行动”全国最早。2009年起…保险; 目前…最高可获得10万元赔偿: the heading of a run
                # of clauses joined by semicolons heads each of them.
                if previous.endswith(("；", ";")) and heading and heading != previous:
                    context = heading + previous
                coverage = self._coverage(result, context + text)
                before = previous
                previous = text
                if not text.endswith(("；", ";")):
                    heading = text if len(text) <= HEADING_SENTENCE_CHARS else ""
                score = (
                    0.7 * coverage
                    + 0.4 * self._bigram_overlap(grams, text)
                    + 0.3 * passage_coverage
                    + 0.25 / (1 + rank)
                )
                score += sum(
                    bonus for intent, holds, bonus in SENTENCE_BONUS
                    if intent in wanted and holds(text) and (intent not in FOR_TOPIC or FOR_TOPIC[intent](text, u))
                )
                if "definition" in wanted and defines(text, u, u.text):
                    score += DEFINITION_BONUS
                # a condition told of the topic (为诊断明确…的老年患者在其居住场所建立家庭病床) weighs more
                if "eligibility" in wanted and _tells_condition(text, u):
                    score += CONDITION_BONUS
                if unit and has_counted(text, unit):
                    score += COUNTED_BONUS
                if "rate" in wanted and rates(text):
                    score += RATE_BONUS
                if districts:
                    score += self._district_score(text, districts)
                if len(text) > 220:
                    score -= 0.15
                quoted = bool(PROPOSAL_QUOTED.search(text) or LETTER_FORMULA.search(text))
                if quoted:
                    score -= PROPOSAL_PENALTY
                if newest is not None and hit.year == newest:
                    score += NEWEST_BONUS
                # 那刚入职的呢，有没有一次性的补贴？ (入职补贴 after 岗位补贴): a sentence naming only another
                # benefit (…按月发放岗位补贴,每人每月最高800元) answers less; not when the benefits a name
                # covers are asked (“两项补贴”是哪两项？)
                if u.programme and not {"list", "definition"} & set(wanted) and names_other_benefit(text, u):
                    score -= OTHER_BENEFIT_PENALTY
                similarity = result.sentence_scores.get((hit.doc_id, start))
                candidates.append(_Sentence(hit, rank, text, start, end, coverage, similarity, score, before, quoted))
        # The embedding's view of each sentence, z-normalised over the candidates, adds meaning
        # that shared words miss (“一个人去申请” ~ “以个人名义单独提出申请”).
        known = np.array([c.similarity for c in candidates if c.similarity is not None], dtype=np.float64)
        if len(known) > 1 and known.std() > 1e-9:
            mean, std = known.mean(), known.std()
            candidates = [
                replace(c, score=c.score + self.settings.semantic_weight * (
                    (c.similarity - mean) / std if c.similarity is not None else -1.0
                ))
                for c in candidates
            ]
        return sorted(candidates, key=lambda s: -s.score)

    def _district_score(self, text: str, asked: set[str]) -> float:
        """A sentence about the district asked (罗湖的协会) counts more; one about only other districts less."""
        named = {p.code for p in self.gazetteer.find(text) if p.district}
        if not named:
            return 0.0
        return DISTRICT_BONUS if named & asked else -DISTRICT_BONUS

    def _about(self, candidates: list[_Sentence], best: _Sentence, u: Understanding) -> list[_Sentence]:
        """The candidates that are about the question by their words, compared with the best one."""
        floor = max(self.settings.min_figure_coverage, 0.5 * best.coverage)
        if len(u.text) > STORY_CHARS and not u.matters and u.elsewhere_probability < ELSEWHERE_STORY:
            # After a long story the best sentence covers little of the caller's words (0.34): one
            # covering most of what it covers is about the question too (not when the story is more
            # likely about what others handle, 社保那边能领的丧葬补助金: a loose sentence is no answer).
            floor = max(min(floor, ABOUT_SHARE * best.coverage), 0.5 * best.coverage)
        return [c for c in candidates if c.coverage >= floor]

    def _select(self, candidates: list[_Sentence], u: Understanding) -> list[_Sentence]:
        wanted = u.intents
        chosen = self._pick(candidates)
        if not chosen:
            return chosen
        # The answer must show the kind of thing asked (a date, an amount, where a matter stands)
        # when a sentence about the question states it, even if other sentences scored higher.
        about = self._about(candidates, chosen[0], u)
        if "definition" in wanted and not defines(chosen[0].text, u, u.text):
            found = next((c for c in [*chosen, *candidates] if defines(c.text, u, u.text)), None)
            if found is not None:  # a sentence that says what the term means comes first
                chosen = self._first(chosen, found)
        # 残补“两项补贴”到底是哪两项？: the sentence naming that many of its noun (困难残疾人生活补贴和重度
        # 残疾人护理补贴) comes first, not one naming the term alone (完善残疾人“两项补贴”动态调整机制).
        term = _counted_term(u)
        if term is not None and not _names_parts(chosen[0].text, term):
            parts = next((
                c for c in [*chosen, *about, *candidates] if _names_parts(c.text, term) and touches_topic(c.text, u)
            ), None)
            if parts is not None:
                chosen = self._first(chosen, parts)
        # 要经过哪些步骤？: the sentence naming the stages of the process comes first.
        if STEPS_ASKED.search(u.text) and not STAGES.search(chosen[0].text):
            # …从提需求到最后落地要经过哪些环节？: after a long story, the stages wherever they rank.
            staged = next((c for c in [*about, *candidates] if STAGES.search(c.text) and touches_topic(c.text, u)), None)
            if staged is not None:
                chosen = self._first(chosen, staged)
        # 都有哪些办法？: a sentence listing the ways leads.
        ways_asked = WAYS_ASKED.search(u.text) or (OTHER_WAYS_ASKED.search(u.text) and not u.follow_up)
        if ways_asked and not WAYS_LISTED.search(chosen[0].text):
            listed = next((c for c in [*about, *candidates] if self._lists_ways_of(c, u, about)), None)
            if listed is not None:
                chosen = self._first(chosen, listed)
        # 这个政策从哪天开始执行的？: the day it took effect (该政策自2021年4月1日起执行), not the day it was issued.
        if "time" in wanted and START_ASKED.search(u.question) and not START_SENTENCE.search(chosen[0].text):
            dates_topic = _dated_event_test(u)
            started = next((c for c in [*chosen, *about] if START_SENTENCE.search(c.text) and dates_topic(
                c.context + c.text if REFERS_BACK.match(c.text) else c.text)), None)
            if started is not None:
                chosen = self._second(chosen, started)
        # 二是开展家庭护老者培训和喘息服务。 heads what follows: its body comes right after it, the two
        # read as one sentence (the short heading takes no place of the others).
        # Not when the heading itself names the topic (三是依托数据系统实现高龄津贴“无感申办”), nor for a
        # body sharing next to none of the question's words.
        head = chosen[0]
        if (
            len(head.text) <= HEADING_SENTENCE_CHARS and ENUMERATED.match(head.text)
            and not names_topic(head.text, u)
        ):
            body = next((c for c in candidates if c.hit is head.hit and c.context == head.text), None)
            if body is not None and body.coverage >= MIN_BODY_COVERAGE and body not in chosen[1:2]:
                chosen = [head, *self._fit([body, *(c for c in chosen[1:] if c is not body)])]
        # 深圳有冇喺外地搞异地养老基地？: a sentence saying one is there, naming the topic, is shown.
        if EXISTS_ASKED.search(asking_part(u.question)) and not any(EXISTS_SENTENCE.search(c.text) for c in chosen):
            there = next((c for c in candidates if EXISTS_SENTENCE.search(c.text) and names_topic(c.text, u)), None)
            if there is not None:
                chosen = self._second(chosen, there)
        # 那我妈不会用手机，咋办？ (after a 高龄津贴 turn or not): a sentence with the documents' term for
        # what this turn brings (上门核验 for 不会用手机) answers it beside the topic.
        brought = _turn_terms(u)
        if brought and not any(t in c.text for c in chosen for t in brought):
            found = next(
                (c for c in [*about, *candidates] if any(t in c.text for t in brought) and touches_topic(c.text, u)),
                None,
            )
            if found is not None:
                chosen = self._second(chosen, found)
        # 隔壁小孩经常被大人打…要打什么电话: the line the caller's words are read as, by the documents' name
        # for it (依托“12345”开通…24小时未成年人救助保护热线), is read out with the first sentence.
        lines = {t for _, terms in u.synonyms for t in terms if LINE_NAME.search(t)} if "phone" in wanted else set()
        if lines and not any(t in chosen[0].text for t in lines):
            line = next((c for c in [*chosen, *about, *candidates] if any(t in c.text for t in lines) and PHONE_SENTENCE.search(c.text)), None)
            if line is not None:
                chosen = self._second(chosen, line, lead=True)
        # 那2021年那会儿呢？ (after 现在有多少家医养结合机构？): a figure of the year asked (the 2021 reply's
        # 全市现有…25家) leads, before one of another year that would only make the answer partial.
        if {"count", "amount", "rate"} & set(wanted) and self._stale(u, chosen[:1]) is not None:
            of_year = next((
                c for c in [*chosen[1:], *about]
                if has_quantity(c.text) and names_topic(c.text, u) and self._stale(u, [c]) is None and _reached(c.text, u)
            ), None)
            if of_year is not None:
                chosen = self._first(chosen, of_year)
        # 人不在深圳，卡咋激活？ (after a 颐年卡 turn): the sentence naming the act asked (…提供线上激活服务)
        # and the topic answers how to do it, first, wherever it ranks among those about the question.
        act = _act_asked(u)
        if act and act not in chosen[0].text:
            done = next((c for c in [*chosen, *about, *candidates] if act in c.text and touches_topic(c.text, u)), None)
            if done is not None:
                chosen = self._first(chosen, done)
        for intent, general, _ in SENTENCE_BONUS:
            holds = _counted_test(u) if intent == "count" and u.unit else general
            counted = False
            # 管哪几类事？: the kinds named by the measure asked (便民利民类(…)、群众活动类(…)) list them,
            # not another list (项目征集、项目评议…)
            if intent == "list" and u.unit in KIND_UNITS and any(_names_kinds(c.text, u.unit) for c in about):
                holds = partial(_names_kinds, unit=u.unit)
                counted = True  # (they lead when there is no room, as a figure in the measure asked does)
            # 那培训要自己掏钱不？: that it is free is read out in the first line, of the first two sentences
            shown = chosen[:2] if intent == "fee" else chosen
            if intent == "count" and u.unit:
                # 一共有多少家？: a figure in the measure word asked (医养结合机构共31家), when the answer has
                # none and one about the question does, before any other measure (五个方面)
                exact = _counted_test(u, exact=True)
                if not any(exact(c.text) for c in shown) and any(exact(c.text) and names_topic(c.text, u) for c in about):
                    holds = exact
                    counted = True
            # 全市有几个？: a figure reached of what is counted answers a count before a target set (…不少于
            # 30家), unless a target is asked
            first_held = next((c for c in shown if holds(c.text) and _of_the_matter(c.text, intent, u)), None)
            if intent not in wanted or intent not in SHOWN:
                continue
            if first_held is not None:
                # the figure reached of the thing asked leads (等30个社会组织交流服务展示点, not 百家社会组织案例集)
                # and a figure naming the thing the question counts by name before one of something else
                # (…对接平台682个 for 多少个行业协会商会: 全市共登记行业商协会737家)
                if intent == "count" and not TARGET_ASKED.search(u.text):
                    first_reached = _reached(first_held.text, u)
                    noun = COUNTED_NOUN.search(u.text)
                    counted_u = replace(u, topic=tuple(w for w in u.topic if noun and w in noun.group(1)))
                    if not first_reached or (counted_u.topic and not _counts_topic(first_held.text, counted_u)):
                        by = counted_u if first_reached else u  # a target leading: by all the topic words
                        scores = {id(c): _counts_topic(c.text, by) for c in about if holds(c.text) and _reached(c.text, u)}
                        best = max((c for c in about if scores.get(id(c))), key=lambda c: scores[id(c)], default=None)
                        if best is not None:
                            chosen = self._first(chosen, best)
                continue
            # one whose clause holding the kind is about the topic, if any (FOR_TOPIC); for a count, a
            # figure reached before a target set (计划到2024年底…达33家), unless a target is asked
            reached = [c for c in about if intent != "count" or _reached(c.text, u)]
            # (a date, of the topic or of the first sentence's subject: not 自2020年4月开始…发行颐年卡 among
            # those about 需求普查)
            found = next((
                c for c in reached if holds(c.text) and (intent not in FOR_TOPIC or FOR_TOPIC[intent](c.text, u))
                and _of_the_matter(c.text, intent, u)
                and (intent != "time" or touches_topic(c.text, u) or _shares_phrase(c.text, chosen[0].text))
            ), None)
            if found is None and intent == "time":
                # 大调查系几时开始搞嘅？: a sentence as much about the question as the first that dates the
                # thing asked (…基线调查,已于2021年7月20日…正式启动), wherever its passage ranks.
                # (阮听讲…需求普查，是底时开始的？: or one naming the first's subject at length, 我局联合市委老干部局
                # 开展…需求基线调查, whatever words the caller used for it)
                found = next((
                    c for c in candidates
                    if (c.coverage >= chosen[0].coverage or _shares_phrase(c.text, chosen[0].text))
                    and holds(c.text) and FOR_TOPIC[intent](c.text, u)
                ), None)
            # (else any sentence about the question holding the kind)
            found = found or next((c for c in [*reached, *about] if holds(c.text)), None)
            if found is None and intent == "progress":
                # 那个“四同步”的规定，现在正式发文了吗？: where the matter of a sentence read out stands, told
                # just after it by one naming it back (…不予办理工程竣工验收备案。… 目前该办法已完成…意见征求)
                found = next((
                    c for c in candidates
                    if holds(c.text) and REFERS_BACK.match(c.text) and any(
                        c.hit.doc_id == k.hit.doc_id and 0 <= c.start - k.end <= REFERRED_CHARS for k in chosen
                    )
                ), None)
            if found is not None:
                # (the figure in the measure asked leads when a long first sentence leaves it no room)
                # (and where a matter stands, told at length by a sentence as much about the question)
                lead = counted or (intent == "progress" and found.coverage >= chosen[0].coverage)
                chosen = self._second(chosen, found, lead=lead)
        # 那刚入职的呢，有没有一次性的补贴？: whether a benefit is there is answered with how much it is,
        # from a sentence naming that benefit.
        named = [t for t in programme_terms(u) if BENEFIT_SUFFIX.search(t)]  # 入职补贴, not a stem (生活)

        def its_figure(text: str) -> bool:
            return bool(amounts(text)) and any(t in text for t in named)

        if "yesno" in wanted and named and BENEFIT_THERE_ASKED.search(u.question) and not any(its_figure(c.text) for c in chosen):
            districts = {p.code for p in u.places if p.district}
            figure = next((
                c for c in [*about, *candidates]
                if its_figure(c.text) and not names_other_benefit(c.text, u) and self._district_score(c.text, districts) >= 0
            ), None)
            if figure is not None:
                chosen = self._second(chosen, figure)
        # 啥样的老人能在家里建家庭病床？: the condition told of the topic (为诊断明确…的老年患者…建立家庭病床)
        # is read out, in the first two sentences, wherever it ranks among those about the question.
        if "eligibility" in wanted and not any(CONDITION_PHRASE.search(c.text) for c in chosen[:2]):
            # (after a long story whose words the condition's sentence does not share, wherever it ranks)
            pool = [*about, *candidates] if len(u.text) > STORY_CHARS else about
            told = next((c for c in pool if _tells_condition(c.text, u)), None)
            if told is not None:  # a condition told at length (…等文件,为诊断明确…) is shown whole
                rest = self._fit([chosen[0], told, *(c for c in chosen[1:] if c is not told)])
                chosen = rest if told in rest else [chosen[0], told]
        # 申请社会救助要准备哪些证件？: the papers to apply with (身份证和…授权书即可申请救助), in a sentence
        # naming the topic, answer it though the sentence shares few of the caller's other words.
        if "materials" in wanted and not any(MATERIALS_SENTENCE.search(c.text) for c in chosen):
            papers = next((c for c in candidates if APPLY_PAPERS.search(c.text) and names_topic(c.text, u)), None)
            if papers is not None:
                chosen = self._second(chosen, papers)
        return chosen

    def _first(self, chosen: list[_Sentence], shown: _Sentence) -> list[_Sentence]:
        """The answer led by a sentence it must show first (once, as the fit allows)."""
        return self._fit([shown, *(c for c in chosen if c is not shown)])

    def _second(self, chosen: list[_Sentence], shown: _Sentence, *, lead: bool = False) -> list[_Sentence]:
        """The answer with a sentence it must show right after its first (once, as the fit allows);
        ``lead``: when the first leaves it no room, it leads."""
        kept = self._fit([chosen[0], shown, *(c for c in chosen[1:] if c is not shown)])
        return kept if shown in kept or not lead else self._first(chosen, shown)

    def _closest(self, candidates: list[_Sentence]) -> list[_Sentence]:
        """The sentences within the semantic margin of the best cosine to the question."""
        best = max((c.similarity for c in candidates if c.similarity is not None), default=None)
        margin = self.settings.semantic_margin
        return [c for c in candidates if best is not None and c.similarity is not None and c.similarity >= best - margin]

    def _fit(self, sentences: list[_Sentence]) -> list[_Sentence]:
        """The first sentences, in order, that fit the answer's length and count."""
        kept: list[_Sentence] = []
        for sentence in sentences:
            if len(kept) < self.settings.max_sentences and (
                not kept or sum(len(k.text) for k in kept) + len(sentence.text) <= self.settings.max_answer_chars
            ):
                kept.append(sentence)
        return kept

    def _pick(self, candidates: list[_Sentence]) -> list[_Sentence]:
        chosen: list[_Sentence] = []
        used = 0
        for sentence in candidates:
            if len(chosen) >= self.settings.max_sentences:
                break
            if chosen and sentence.score < self.settings.follow_ratio * chosen[0].score:
                break
            if any(_similar(sentence.text, c.text) for c in chosen):
                continue
            if chosen and len(sentence.text) < MIN_FOLLOW_CHARS and not has_figure(sentence.text):
                continue  # “一是开展老年人家庭适老化改造。” names a topic; it adds nothing to read out
            if chosen and used + len(sentence.text) > self.settings.max_answer_chars:
                continue
            chosen.append(sentence)
            used += len(sentence.text)
        return chosen

    # -- parts of the answer ---------------------------------------------------------------

    @staticmethod
    def _citation(n: int, sentence: _Sentence) -> Citation:
        hit = sentence.hit
        return Citation(
            n=n, doc_id=hit.doc_id, title=hit.title, kind=hit.kind, number=hit.number, date=hit.date,
            heading=hit.heading, text=sentence.text, start=sentence.start, end=sentence.end, passage=hit.text,
        )

    def _facts(self, cited: list[tuple[int, _Sentence]], u: Understanding) -> tuple[Fact, ...]:
        """Key facts as whole phrases of the cited sentences: a clause cut at any comma, with its subject.

        An amount or a way to apply must say what it is about: a phrase naming none of the question's
        topic words takes the clause before (支持…多种渠道申请 is not said to be the 颐年卡's).
        """
        facts: list[tuple[str, str, int]] = []
        # A who-for tag's own phrase (70周岁以上户籍老年人每月可领取…津贴), shown when no amount of its
        # sentence on the card says whose condition the bare tag is.
        phrases: dict[tuple[str, str, int], str] = {}
        # An amount's share of the topic in its own phrase, before clauses naming whose it is are added.
        narrow: dict[tuple[str, int], float] = {}
        # An amount asked: a sentence whose figures all disagree with the question (the older 1万元 cap
        # beside 分散供养特困…最多资助多少, a care home's 600元 beside a question on help at home) gives
        # no facts: the card shows another benefit's figure nowhere.
        # (a fee asked: 每人每月最高800元岗位补贴 is money received, no charge)
        # Each cited sentence's figures with their agreement, read once for this and for the figures left
        # off one by one below.
        agreement: dict[int, list[FigureAgreement]] = {}
        if {"amount", "fee"} & set(u.intents):
            agreement = {
                n: sentence_figures(u, s.text, s.hit.year, self.gazetteer, s.context) for n, s in cited if amounts(s.text)
            }
        disagreeing = {n for n, figures in agreement.items() if not any(f.agrees for f in figures)}
        # A group asked about (分散供养的特困老人…最多资助多少): a sentence naming other groups but not
        # that one (为失能半失能、高龄户籍老年人…每户最高资助1万元) is another group's rule when a cited
        # sentence names the asked group.
        asked_groups = [c.value for c in u.conditions if c.kind == "group"]
        naming = {n for n, s in cited if any(g in s.text for g in asked_groups)}
        if naming:
            disagreeing |= {
                n for n, s in cited
                if n not in naming and any(g in s.text for g in GROUP_WORDS if g not in asked_groups)
            }
        # 2021年's 每户最高资助1万元 beside 2024年's 每户最高资助2万元 for the same thing: the newer
        # document's figure stands on the card (the answer's note tells both), unless a year is asked.
        if not u.asked_years:
            disagreeing |= self._superseded(cited)
        # 有多少张床？ shows no groups served, 年审去哪里弄？ no amount, 要满多少岁？ no way to apply.
        shown_kinds = _fact_kinds(u)
        # 我外婆68岁: 年满70周岁 is the condition of other people than the caller.
        ages = [c.number for c in u.conditions if c.kind == "age" and c.number]
        # 年审在手机上哪里弄？: a way to apply for the benefit is no way to do its yearly review.
        action = OTHER_ACTION.search(u.text)
        for n, sentence in cited:
            text = sentence.text
            # A sentence about another benefit (居家养老服务补助 beside a 低保 question) gives no facts.
            if not _about_topic(text, u) or n in disagreeing:
                continue
            other_benefit = names_other_benefit(text, u)
            # 共募集资金430万元 beside …资助17批299名社工合计达260万元 for 一共给了多少钱: the figure that
            # disagrees is left off, the one that agrees shown.
            refuted: list[tuple[int, int]] = []
            found = amounts(text) if n in agreement else []
            if found and len(found) == len(agreement[n]):  # not a clause read through a semicolon
                refuted = [(m.start, m.start + len(m.value)) for m, f in zip(found, agreement[n], strict=True) if not f.agrees]
            for match in extract_facts(text):
                label, value = match.label, match.value
                left, right = clause_span(text, match.start, match.start + len(match.value))
                clause = text[left:right]
                if label in ("amount", "total") and any(
                    a < match.start + len(match.value) and match.start < b for a, b in refuted
                ):
                    continue
                if label == "period" and (not amounts(clause) or _in_brackets(text, match.start)):
                    continue  # 每年按10个月计算 is no payment period; 每人每月最高800元 is
                if label == "age" and not AGE_DIRECTION.search(match.value):
                    continue  # 统保年龄降至60周岁 states a figure, not from which age
                if label == "age" and text[:match.start].endswith("的"):
                    continue  # 中度及以上失能的60-69周岁: the age is one half of a condition
                if label == "age" and ages and not _age_met(match.value, ages[0]):
                    continue  # 年满70周岁 for a caller of 68 is another group's condition
                if label == "amount" and "%" in match.value and STATISTIC.search(clause):
                    continue  # 护理型床位占比不低于65% is a target share, not an amount
                if label == "group" and RULE_CLAUSE.search(clause) and not PER_PERSON.search(clause):
                    continue  # 低收入、特困人员供养…标准 names whose standards rose, not who may apply
                if label in WHO_LABELS and other_benefit:
                    continue  # 低保 among the groups of 居家养老服务补助 is no condition of 低保
                if label in WHO_LABELS and STATISTIC.search(clause):
                    continue  # 户籍老年人颐年卡覆盖率超90% states a figure, not a condition
                if label == "hukou" and (
                    HUKOU_BOTH.search(clause) or re.match(r"[\u4e00-\u9fff]", text[match.start + len(match.value) :][:1] or "。")
                ):
                    continue  # 本市户籍家庭的非户籍成员, 户籍和流动儿童: no 户籍 condition
                if label == "apply" and not (PROCEDURE_HOW.search(clause) and APPLY_VERB.search(clause)):
                    continue  # a clause naming 申请 or 办理 without a way to do it, or a way to do something else
                if label == "group" and not _names_people(text, match):
                    continue  # 高龄 of 高龄津贴, 残疾 in a title
                if label not in shown_kinds:
                    continue
                if label in WHO_LABELS and action:
                    continue  # who may receive a benefit is not who does its yearly review or replacement
                if label == "group" and asked_groups and not any(g in match.value or match.value in g for g in asked_groups):
                    continue  # the caller's group (失能), not the others the rule lists (低保、重点优抚对象)
                if label == "group" and not asked_groups and u.conditions:
                    continue  # 我妈72了,身体还行: the groups a rule lists (特困、低保) are others than the caller
                if label == "apply" and action and action.group(0) not in clause:
                    continue
                if label in ("amount", "apply"):
                    end = match.start + len(match.value)
                    value = _fact_phrase(text, match.start, end)
                    if value and not _says_whose(value, label, u):
                        value = _fact_phrase(text, match.start, end, widen=True)
                        value = value if value and _says_whose(value, label, u) else ""
                    if not value or (label == "apply" and NOT_A_WAY.match(value)) or names_other_benefit(value, u):
                        continue  # too long to read as one fact, work on the process, or another benefit's
                    share = topic_share(value, u)
                    if label == "amount" and share < MIN_TOPIC_SHARE:
                        # 累计捐款超10亿人次,募款超300亿元: whose sum it is sits in a clause before
                        value = _with_subject(text, match.start, end, value, u)
                    narrow[(value, n)] = share
                    if label == "amount" and TOTAL_CLAUSE.search(value) and not PER_PERSON.search(value):
                        label = "total"  # 累计投入1.64亿元 is a city-wide sum, not what one person gets
                elif label == "hukou" and len(value) < 3:
                    continue  # a bare 户籍 says nothing a caller can use
                if label in WHO_LABELS:
                    end = match.start + len(match.value)
                    phrase = _fact_phrase(text, match.start, end)
                    if not phrase or not touches_topic(phrase, u):
                        phrase = _fact_phrase(text, match.start, end, widen=True)
                    # the rule itself, with what it gives (…每月可领取200-1000元不等的津贴), not work on it
                    # (全面推广…); for who may (要满多少岁才能办), the rule naming its benefit
                    # (面向全市60周岁及以上老年人发行智慧养老颐年卡).
                    gives = amounts(phrase) or (
                        set(u.intents) & WHO_KINDS and names_topic(phrase, u) and not WORK_ON.match(phrase)
                    )
                    own = phrase and gives and touches_topic(phrase, u) and not names_other_benefit(phrase, u)
                    phrases[(label, value, n)] = phrase if own else ""
                facts.append((label, value, n))
        # 重点群体培训…最高每人补贴5000元 beside “回炉”培训…最高每人900元补贴 for a question on 重点群体: an
        # amount naming far less of the topic than another amount on the card is another programme's.
        # The same figure said twice is one benefit's, however little of the topic one phrase names.
        shares = {(v, n): narrow[(v, n)] for label, v, n in facts if label == "amount"}
        floor = min(MIN_TOPIC_SHARE, RELATIVE_FACT_SHARE * max(shares.values(), default=0.0))
        figures = {key: {amount_value(m.value) for m in amounts(key[0])} for key in shares}
        standing = set().union(*(figures[key] for key, share in shares.items() if share >= floor))
        facts = [
            f for f in facts
            if f[0] != "amount" or shares[(f[1], f[2])] >= floor or figures[(f[1], f[2])] & standing
        ]
        # 每个月能拿多少？: beside a monthly amount, one paid otherwise (每户最高资助1万元, 最高补贴1.5万元)
        # is another benefit's.
        if MONTHLY.search(u.text):
            monthly = {(v, n) for label, v, n in facts if label == "amount" and MONTHLY.search(v)}
            if monthly:
                facts = [f for f in facts if f[0] != "amount" or (f[1], f[2]) in monthly]
        # 每年 is a payment period only beside an amount the card shows.
        facts = [f for f in facts if f[0] != "period" or any(o[0] == "amount" and o[2] == f[2] for o in facts)]
        priced = {n for label, _, n in facts if label in ("amount", "total")}  # sentences whose amount is shown
        # 最多能赔多少？: who a rule is for is shown beside its amount, not alone (高龄 from a sentence whose
        # figure the card does not show).
        if not set(u.intents) & WHO_KINDS:
            facts = [f for f in facts if f[0] not in WHO_LABELS or f[2] in priced]
        # 那要几岁才有得领？: with no amount of its sentence on the card, a bare 70周岁以上 names nobody's
        # condition; its phrase with the benefit's name does, or it is left out.
        facts = [
            (label, value if label not in WHO_LABELS or n in priced else phrases.get((label, value, n), ""), n)
            for label, value, n in facts
        ]
        facts = [f for f in facts if f[1]]
        kept: list[Fact] = []
        for label, value, n in facts:
            # 每人每月最高800元 inside 对持证养老护理员按月发放岗位补贴,每人每月最高800元: keep the whole phrase.
            if any(other != value and value in other for lab, other, _ in facts if lab == label):
                continue
            if any(f.value == value for f in kept):
                continue
            kept.append(Fact(self._labels.get(label, label), value, n))
        return tuple(kept[:8])

    def _superseded(self, cited: list[tuple[int, _Sentence]]) -> set[int]:
        """The cited sentences whose figure a newer cited document states otherwise for the same thing
        (为失能半失能、高龄户籍老年人…每户最高资助1万元 of 2021 beside …每户最高资助2万元 of 2024)."""
        older: set[int] = set()
        for n, sentence in cited:
            later = [(s.text, amounts(s.text)) for _, s in cited if s.hit.date > sentence.hit.date]
            # a figure any newer cited sentence repeats still stands (2万元 for 分散供养特困 in 2024 too)
            values = {amount_value(o.value) for _, figures in later for o in figures}
            for match in amounts(sentence.text):
                value = amount_value(match.value)
                if value is None or value in values:
                    continue
                around = _surroundings(sentence.text, match)
                if any(
                    amount_value(o.value) is not None and self._same_thing(match, around, text, o)
                    for text, figures in later for o in figures
                ):
                    older.add(n)
                    break
        return older

    def _same_thing(self, figure: FactMatch, around: set[str], other_text: str, other: FactMatch) -> bool:
        """Whether two figures are of one thing: the same qualifiers (每户, 最高) and the words around
        them (``around``, the first's) overlapping (适老化改造…每户最高), unlike 发行慈善共同基金9.8亿元 and
        专项基金…资金规模约4.2亿元."""
        return set(QUALIFIERS.findall(other.value)) == set(QUALIFIERS.findall(figure.value)) and _overlap(
            around, _surroundings(other_text, other)
        ) >= self.settings.min_conflict_overlap

    def _conflicts(
        self, result: SearchResult, candidates: list[_Sentence], chosen: list[_Sentence]
    ) -> list[tuple[str, list[_Sentence], list[str]]]:
        """Figures for the same thing that differ between documents (of different dates, or the same).

        Each amount of the answer's sentences, in order, is compared with the other documents'
        amounts; the first that another document states differently gives the note.
        """
        for anchor in chosen:
            for match in amounts(anchor.text):
                found, values = self._differing(anchor, match, candidates)
                if len(found) >= 2:
                    # the longest word of the question (or term it was read as) all of them name; one
                    # character (人 of 啥人) names nothing
                    words = [*(t.text for t in result.terms if t.df > 0), *result.rewritten.expansions]
                    topic_terms = [w for w in words if len(w) >= 2 and all(w in s.text for s in found)]
                    topic = max(topic_terms, key=len) if topic_terms else "这一事项"
                    return [(topic, found, values)]
        return []

    def _differing(
        self, anchor: _Sentence, figure: FactMatch, candidates: list[_Sentence]
    ) -> tuple[list[_Sentence], list[str]]:
        """The anchor and the sentences of other documents that give another figure for the same thing."""
        value = amount_value(figure.value)
        if value is None:
            return [anchor], [figure.value]
        around = _surroundings(anchor.text, figure)
        found, values, seen_values = [anchor], [figure.value], {value}
        for other in candidates:
            # Each other document once; documents of the same date may disagree too (2万 vs 1.2万).
            if any(o.hit.doc_id == other.hit.doc_id for o in found) or other.coverage < 0.8 * anchor.coverage:
                continue
            other_amounts = amounts(other.text)
            if any(amount_value(m.value) == value for m in other_amounts):
                continue  # it repeats the figure: the documents agree
            for match in other_amounts:
                other_value = amount_value(match.value)
                if (
                    other_value is not None
                    and other_value not in seen_values
                    and self._same_thing(figure, around, other.text, match)
                ):
                    seen_values.add(other_value)
                    found.append(other)
                    values.append(match.value)
                    break
        return found, values

    def _related(self, result: SearchResult, exclude: set[str]) -> tuple[Related, ...]:
        related: list[Related] = []
        seen_docs: set[str] = set()
        for hit in result.hits:
            if hit.doc_id in exclude or hit.doc_id in seen_docs:
                continue
            seen_docs.add(hit.doc_id)
            related.append(Related(hit.doc_id, hit.title, hit.kind, hit.date, hit.heading, hit.text, hit.start, hit.end))
            if len(related) >= self.settings.related_count:
                break
        return tuple(related)

    # -- the answer --------------------------------------------------------------------------

    def compose(self, result: SearchResult) -> Answer:
        """Compose the answer for a search result: answered, partial or refused."""
        u = result.understanding or _plain_understanding(result)
        decision = self.decide(result, u)
        return decision.answer

    def decide(self, result: SearchResult, u: Understanding, *, gate: bool = True) -> Decision:
        """The answer with the signals and the rule that made it.

        ``gate=False`` skips the answerability decision (the model or the fixed floors), to see
        the answer that would be given; the model is fitted on those.
        """
        wanted = u.intents
        if u.act != "question":
            return Decision(self._pointer(result, u), {}, u.act)
        if u.needs_topic:
            return Decision(self._pointer(result, u, act="topic"), {}, "needs topic")
        if not result.hits:
            return Decision(self._refuse(result, u, "no passages", [], wanted, 0.0), {}, "no passages")
        candidates = self._candidates(result, u)
        chosen = self._select(candidates, u)
        if not chosen:
            return Decision(self._refuse(result, u, "no sentence", [], wanted, 0.0), {}, "no sentence")
        relevant = self._about(candidates, chosen[0], u)
        closest = self._closest(candidates)
        # Amounts: only a figure that agrees with the question (its own subject, time, place, kind).
        # The best sentence counts beside those about the question by their words when it names the
        # topic: 最低生活保障标准… answers 低保标准 though it shares none of the caller's words.
        shown = relevant + [c for c in chosen[:1] if c not in relevant and names_topic(c.text, u)]
        # 询问养老服务行业的入职补贴最高有多少: a sentence naming the benefit asked holds its figure, though
        # the best sentence shares more of the caller's story (刚从学校毕业进养老院的…入职补贴: when the best
        # sentence itself shares little of it, as much about the question as half the best one will do).
        benefit_names = [t for t in programme_terms(u) if BENEFIT_NAME.search(t)]
        figure_floor = min(self.settings.min_figure_coverage, 0.5 * chosen[0].coverage)
        shown += [
            c for c in candidates
            if benefit_names and c not in shown and c.coverage >= figure_floor
            and any(t in c.text for t in benefit_names)
        ]
        # 母亲是分散供养的特困人员…最多能补多少: a figure for the person's own group (分散供养特困老年人最高
        # 可获2万元) is theirs, in a sentence as much about the question as half the best one.
        groups = [c.value for c in u.conditions if c.kind == "group"] if not u.asked_years else []
        subject = replace(u, topic=tuple(w for w in u.topic if not any(g in w for g in groups)))
        shown += [
            c for c in candidates
            if groups and "amount" in wanted and c not in shown and c.coverage >= 0.5 * chosen[0].coverage
            and any(g in c.text for g in groups) and amounts(c.text)
            and subject.topic and touches_topic(c.text + c.context, subject)  # 长者饭堂, not 居家养老服务补助
        ]
        figures = {id(c): sentence_figures(u, c.text, c.hit.year, self.gazetteer, c.context) for c in shown}
        agreeing = [c for c in shown if any(f.agrees for f in figures[id(c)])]
        if "amount" in wanted:
            chosen = self._with_figure(chosen, agreeing, figures, groups)
        chosen = [c for c in chosen if sentence_place_agrees(u, c.text, self.gazetteer)] or chosen
        # What the answer shows counts too: 设立四种颐年卡办理方式 answers 有几种办法 wherever it ranks.
        typed = relevant + closest + chosen
        free = _says_free(u, typed, relevant)  # 免开卡工本费: the fee asked is none
        missing = self._missing_answer(u, relevant + chosen, typed, agreeing, free, chosen[0])
        if missing is None and (u.asked in ("procedure", "materials", "fee") or WHERE_TO_GO.search(u.question)):
            action = self._unknown_action(result, u)
            if action:  # 去哪里挂失补办: a way to apply for the card is no way to report it lost
                missing = ("procedure", f"nothing on {action} in the documents")
        signals = self._signals(result, u, candidates, chosen, missing is None, bool(agreeing) or free)
        heuristic = round(min(1.0, signals["coverage"]) * max(0.0, signals["top_dense"]), 4)
        confidence = round(self.model.probability(signals), 4) if self.model else heuristic

        def refuse(reason: str, shown: list[_Sentence], asked: tuple[str, ...]) -> Decision:
            return Decision(self._refuse(result, u, reason, shown, asked, confidence), signals, reason)

        missing_places = [p for p in u.places_elsewhere if not any(self._tells_of_place(c.text, p, u) for c in chosen)]
        if missing_places:
            return refuse(f"about {missing_places[0]}, not Shenzhen", [], ("place",))
        # Stricter than places: a letter may mention 住房公积金 in passing, so the answer's leading
        # sentences must (社保 is named by 养老保险金, a document's term for it).
        # (and tell a figure or the way when one is asked: 退休金涨好多, 在哪里可以查 are not told by …领取
        # 养老保险金…只需一次生存认证)
        missing_matters = [
            m for m in u.matters
            if not any(
                any(t in c.text for t in u.terms_for(m)) and _holds_figure_asked(c.text, u)
                # 医保卡丢了上哪儿补, 社保那边在哪儿能查到: the way or the place, told
                and ("procedure" not in u.intents and not LOOKUP_WORDS.search(u.text) or _tells_how(c.text))
                for c in chosen[:2]
            )
        ]
        if missing_matters:
            return refuse(f"about {missing_matters[0]}, a matter of another bureau", [], ("matter",))
        # The decision: answer at or above the model's threshold; say what is missing (partial) when
        # the documents are close, which needs less confidence than an answer, since it claims less.
        answerable, close = True, True
        if gate and self.model is not None:
            answerable = confidence >= self.model.threshold
            close = confidence >= PARTIAL_SHARE * self.model.threshold
        elif gate:
            floor = self._floor(signals)
            if floor:
                return refuse(floor, [], wanted)
        # A figure that agrees in all but its year (今年多少, and the latest is 2024's) is judged as the
        # answer it would be for that year: the partial says which year it is.
        older = self._partial_time(u, relevant, figures) if missing and missing[0] in AMOUNT_NAMES else None
        if older is not None and (not gate or self.model is None or self.model.probability(
            {**signals, "figure_agrees": 1.0}
        ) >= PARTIAL_SHARE * self.model.threshold):
            return Decision(self._partial(result, u, older[0], [older[1]], confidence, time=older[2]), signals, "older figure")
        if missing and close:
            asked, reason = missing
            named = u.asked if u.asked in self._missing and u.asked in AMOUNT_NAMES and asked in AMOUNT_NAMES else asked
            # 80岁具体多少？: what the documents do say is the range (200-1000元不等), so show it.
            said = [
                c for c in shown
                if any(f.subject and f.time and f.place and RANGE.search(f.value) for f in figures[id(c)])
            ][:1] if asked == "exact" else []
            if asked == "reached":  # 现在已经建成多少张？: the target the documents set for it
                said = [c for c in _counted_about(u, [*relevant, *chosen]) if TARGET_YEAR.search(c.text)][:1]
            return Decision(self._partial(result, u, reason, said or chosen[:1], confidence, asked=named), signals, reason)
        if not answerable or missing:
            threshold = self.model.threshold if self.model else 0.0
            return refuse(f"not answerable (p={confidence:.2f} < {threshold:.2f})", [], wanted)
        # A figure of another year answers neither 今年多少 nor 请提供2026年度的数量.
        stale = self._stale(u, chosen) if {"count", "rate", "amount", "ordinal"} & set(wanted) or u.years else None
        if stale is not None:
            sentence, year = stale
            # what is missing is named by what the documents do state: 2,299元/人/月 is a standard
            named = "amount" if amounts(sentence.text) else next((w for w in ("rate", "count", "ordinal") if w in wanted), "amount")
            return Decision(
                self._partial(result, u, "older year", [sentence], confidence, asked=named, time=year), signals, "older figure"
            )
        return Decision(self._answered(result, u, candidates, chosen, confidence), signals, "answered")

    @staticmethod
    def _tells_of_place(text: str, place: str, u: Understanding) -> bool:
        """Whether a sentence names the asked place about the asked thing: 上海的长护险 is not told by
        三是支持上海九如城公司设立专项奖学金, which names the place and nothing else asked."""
        subject = [w for w in u.topic if place not in w]
        # 惠州的养老院新增床位补多少钱？ is not told by …到河源、惠州…投资建设异地养老项目, which holds no figure
        if place in text and not _holds_figure_asked(text, u):
            return False
        return place in text and (not subject or any(touches_topic(text, _only(u, w)) for w in subject))

    @staticmethod
    def _stale(u: Understanding, chosen: list[_Sentence]) -> tuple[_Sentence, int] | None:
        """A figure asked for a year (今年, 现在, 2026年) that the answer states only for an earlier one."""
        asked = u.asked_years
        if not asked:
            return None
        dated = []
        target = bool(TARGET_ASKED.search(u.text))  # 规划到2025年要达到多少: a target year is what is asked
        for c in chosen:
            # 今年办到第几届了？: an ordinal (第九届) is the figure asked
            if not (has_quantity(c.text) or ("ordinal" in u.intents and has_ordinal(c.text))):
                continue
            # 2020-2023年结婚登记数量分别为… (a reply of 2024): the sentence dates its figures up to the
            # year before its document's, so not the document's year (2012年…创设并成功举办八届, in a reply of
            # 2021, counts up to 2021); a year after the document's (2025年,深圳要建成…) is a target.
            stated = [y for y in years_in(c.text) if target or not (c.hit.year and y > c.hit.year)]
            recent = bool(stated) and c.hit.year is not None and max(stated) >= c.hit.year - 1
            years = stated + ([c.hit.year] if c.hit.year and not recent else [])
            # 从2016年1,900元提高至2,299元 (a plan of 2022): the figure risen to may be of 2020
            risen = [y for m in amounts(c.text) for y in figure_years(c.text, m, c.hit.year)]
            if any(y in asked for y in years + risen):
                return None
            if years:
                dated.append((max(years), c))
        if not dated:
            return None
        # The best sentence's figure, before a target set for a later year (到2025年底…不少于30家): a newer
        # figure of something else (新增养老床位500张 for 全市养老床位一共多少) does not answer.
        year, sentence = next(
            (pair for pair in dated if not TARGET_SENTENCE.search(pair[1].text)), dated[0]
        )
        return sentence, year

    def _floor(self, signals: dict[str, float]) -> str:
        """Without a fitted model: the fixed floors of version 0.1 (a reason, or "" to answer)."""
        s = self.settings
        if signals["top_dense"] < s.min_dense:
            return f"weak match (cosine {signals['top_dense']:.3f})"
        if signals["unknown"] > s.max_unknown:
            return f"question words absent from the corpus ({signals['unknown']:.2f})"
        if signals["known"] < s.min_known:
            return f"almost no question word is in the corpus ({signals['known']:.2f})"
        if signals["coverage"] < s.min_coverage:
            return f"low coverage ({signals['coverage']:.2f})"
        return ""

    def _with_figure(
        self, chosen: list[_Sentence], agreeing: list[_Sentence], figures: dict[int, list[FigureAgreement]],
        groups: list[str] | None = None,
    ) -> list[_Sentence]:
        """For an amount question: the best agreeing figure first (one for the person's own group, when
        a sentence gives it), and no sentence whose figures all disagree."""
        kept = [c for c in chosen if not amounts(c.text) or any(f.agrees for f in figures.get(id(c), []))]
        if agreeing and not any(c in agreeing for c in kept):
            kept = [agreeing[0], *kept]

        def named(c: _Sentence) -> float:
            return max((f.share for f in figures.get(id(c), []) if f.agrees), default=0.0)

        # 回炉培训每个人补多少钱？: when the first figure's own words name less than half the topic
        # (护理员…岗位补贴…800元), one whose words name much more (开展“回炉”培训,…最高每人900元补贴) comes first.
        # Only one scoring as a further sentence would (not 持续加大养老领域财政资金… sharing loose words).
        first = next((c for c in kept if c in agreeing), None)
        close = [c for c in agreeing if c.score >= self.settings.follow_ratio * chosen[0].score]
        strongest = max(close, key=named, default=None)
        # (a figure later in the same passage, 新增1张养老床位资助4万元;收住…600元, is read in its order)
        same_passage = first is not None and strongest is not None and strongest.hit.chunk_id == first.hit.chunk_id
        if first is not None and strongest is not None and not same_passage and named(first) < MIN_TOPIC_SHARE \
                and named(strongest) >= named(first) + FIGURE_SUBJECT_MARGIN:
            kept = [strongest, *(c for c in kept if c is not strongest)]
        own = next((c for c in agreeing if groups and any(g in c.text for g in groups)), None)
        if own is not None and not any(g in c.text for c in kept for g in groups or ()):
            kept = [own, *(c for c in kept if c is not own)]
        return self._fit(kept) if kept else chosen

    def _signals(
        self,
        result: SearchResult,
        u: Understanding,
        candidates: list[_Sentence],
        chosen: list[_Sentence],
        asked_found: bool,
        figure_agrees: bool,
    ) -> dict[str, float]:
        top = result.hits[: self.settings.top_for_decision]
        best = max((c.similarity for c in candidates if c.similarity is not None), default=0.0)
        first = chosen[0]
        answer_text = "".join(c.text for c in chosen)
        topic = u.topic
        named = sum(1 for t in topic if names_topic(answer_text, _only(u, t))) / len(topic) if topic else 0.0
        lexical = max(h.lexical_score for h in top) / max(1, len(result.terms))
        figure_kinds = {"amount", "count", "days", "duration", "hours", "phone", "ordinal", "rate"}
        return {
            "top_dense": max(h.dense_score for h in top),
            "best_sentence": best,
            "best_sentence_z": _standing(best, result.sentence_spread),
            # against the closest sentence that is the bureau's own words, not a proposal quoted back
            "sentence_margin": (first.similarity if first.similarity is not None else best) - max(
                (c.similarity for c in candidates if c.similarity is not None and not c.quoted),
                default=best,
            ),
            "coverage": max(self._coverage(result, h.text) for h in top),
            "answer_coverage": first.coverage,
            "topic_in_answer": named,
            "unknown": self._unknown_share(result, u),
            "known": self._known_share(result),
            "asked_found": float(asked_found),
            "figure_agrees": float(figure_agrees) if "amount" in u.intents else 1.0,
            "asks_figure": float(bool(figure_kinds & set(u.intents))),
            "follow_up": float(u.follow_up),
            "corrected": float(bool(u.rewritten.corrections)),
            "lexical": min(5.0, lexical),
            "act_question": u.act_probability,
            "act_elsewhere": u.elsewhere_probability,
            "topic_weight_in_answer": topic_share(answer_text, u) if topic else 0.0,
            "missing_specific": self._missing_specific(u, answer_text, result),
        }

    @staticmethod
    def _lists_ways_of(sentence: _Sentence, u: Understanding, about: list[_Sentence]) -> bool:
        """Whether a sentence lists the ways to the topic: about the question by its words, and in a
        conversation naming what it goes on about (the ways to get 颐年卡 do not answer 还有别的办法没？
        after a 高龄津贴 turn)."""
        return bool(WAYS_LISTED.search(sentence.text)) and (sentence in about or names_topic(sentence.text, u)) and (
            not u.follow_up or any(t in sentence.text for w in u.background for t in u.terms_for(w))
        )

    def _unknown_action(self, result: SearchResult, u: Understanding) -> str:
        """A specific word the documents never use where the question names what to do (哪里挂失补办)."""
        specific = {t.text for t in result.terms if t.df == 0 and t.everyday < self.settings.everyday_word_freq}
        # 我下个月满七十了…要去哪里申请: when the caller's case comes is no thing applied for.
        unknown = [w for w in u.unknown_words if not WHEN_TOLD.match(w)]
        # 颐年卡丢了，补办要带哪些材料？: a thing done to what one has (补办, 挂失) the documents never tell
        # (a 补办 after a loss: 而家补办定系点 of a benefit never applied for is applying late)
        for match in OTHER_ACTION.finditer(u.question):
            if match.group(0) in specific and (not match.group(0).startswith("补") or LOST.search(u.question)):
                return match.group(0)
        # 卡丢了呢，补一张要钱吗？: a replacement after a loss, where no passage found tells one
        replaced = REPLACED.search(u.question)
        if replaced and LOST.search(u.question) and not any(REPLACED.search(h.text) for h in result.hits):
            return replaced.group(0)
        for match in PROCEDURE_WORDS.finditer(u.text):
            asked = ASKING_PREFIX.sub("", match.group(0))  # 去哪里挂失 → 挂失, 咋办 → 办
            # 去哪里申请地名审批: what is applied for follows the verb, up to the clause's end.
            if APPLY_END.search(match.group(0)):
                asked += re.split(r"[，,。；;？?！!]", u.text[match.end() :], maxsplit=1)[0][:OBJECT_CHARS]
            if BARE_HOW.fullmatch(match.group(0)):
                # 想申请起个路名、编门牌号,要怎么办？: a bare 怎么办 does what the sentence applied for before it.
                before = re.split(r"[。；;？?！!]", u.text[: match.start()])[-1]
                applied = list(APPLIED.finditer(before))
                if applied:
                    asked = before[applied[-1].end() :][: 2 * OBJECT_CHARS]
            word = next((w for w in unknown if w in specific and w in asked and w not in MODAL_WORDS), "")
            if word:
                return word
        # 小区门口那条路没有名字，想申请起个路名，要找谁办？: where to go for a thing the documents never
        # name (路名, 门牌号, 地名), however common a word it is, and that no vocabulary word renames.
        if WHERE_TO_GO.search(u.question):
            unnamed = {t.text for t in result.terms if t.df == 0}
            # the thing after the verb asking for it, or before where to go in the clause (门牌号要去哪里申请)
            asked_text = u.question  # the turn's own words, not the conversation's
            objects = [m.group(1) for m in REQUESTED.finditer(asked_text)] + [
                re.split(r"[，,。；;？?！!]", asked_text[: m.start()])[-1]
                for m in WHERE_TO_GO.finditer(asked_text) if APPLY_WHERE.search(m.group(0))
            ]
            for obj in objects:
                word = next((w for w in unknown if w in unnamed and w in obj and len(u.terms_for(w)) == 1), "")
                if word:
                    return word
        return ""

    @staticmethod
    def _missing_specific(u: Understanding, answer_text: str, result: SearchResult) -> float:
        """How specific the rarest word of the question is that the answer does not name (遗嘱, 门牌…)."""
        ceiling = max((t.idf for t in result.terms), default=1.0) or 1.0
        idf = {t.text: t.idf for t in result.terms}
        missing = [idf.get(w, ceiling) for w in u.unknown_words]
        missing += [u.weight(w) for w in u.topic if topic_share(answer_text, _only(u, w)) == 0]
        return min(1.0, max(missing, default=0.0) / ceiling)

    def _partial_time(
        self, u: Understanding, relevant: list[_Sentence], figures: dict[int, list[FigureAgreement]]
    ) -> tuple[str, _Sentence, int | None] | None:
        """A figure that agrees in all but its year: the newest such, for 文件没有写明今年的标准."""
        if not u.asked_years:
            return None
        older = [
            (f.year or 0, c) for c in relevant for f in figures.get(id(c), [])
            if f.subject and f.place and f.kind and not f.time
        ]
        if not older:
            return None
        year, sentence = max(older, key=lambda pair: pair[0])
        return "older year", sentence, year or None

    def _answered(
        self, result: SearchResult, u: Understanding, candidates: list[_Sentence], chosen: list[_Sentence], confidence: float
    ) -> Answer:
        conflicts_found = self._conflicts(result, candidates, chosen)
        if conflicts_found and not u.asked_years:
            # 适老化改造最多能补多少？ (1万 in a 2021 reply, 2万 in 2024's): with no year asked, what holds
            # now is the newest document's figure; it leads, and the note names the older one.
            newest = max(conflicts_found[0][1], key=lambda s: s.hit.date)
            if newest.hit.date > chosen[0].hit.date:
                chosen = self._first(chosen, newest)
        cited: list[tuple[int, _Sentence]] = [(n, sentence) for n, sentence in enumerate(chosen, start=1)]
        conflicts: list[Conflict] = []
        notes: list[str] = []
        for topic, sentences, values in conflicts_found:
            entries = []
            for sentence, value in zip(sentences, values, strict=True):
                n = next((m for m, c in cited if c == sentence), 0)
                if not n:
                    n = len(cited) + 1
                    cited.append((n, sentence))
                entries.append(ConflictValue(value, sentence.hit.date, sentence.hit.title, n))
            entries.sort(key=lambda v: v.date, reverse=True)
            newest_differ = len(entries) > 1 and entries[0].date == entries[1].date
            note = self._render("conflict.j2", topic=topic, values=entries, newest_differ=newest_differ).strip()
            conflicts.append(Conflict(topic, tuple(entries), note))
            notes.append(note)
        summary = self._summary(u, cited[: len(chosen)])
        text = self._render(
            "answer.j2",
            summary=summary,
            understood_as=u.understood_as,
            corrections=_shown_corrections(u),
            sentences=[{"text": c.text, "n": n} for n, c in cited[: len(chosen)]],
            conflicts=notes,
        ).strip()
        citations = tuple(self._citation(n, sentence) for n, sentence in cited)
        return Answer(
            question=result.question,
            answer=text,
            refused=False,
            status="answered",
            summary=summary,
            citations=citations,
            facts=self._facts(cited, u),
            conflicts=tuple(conflicts),
            related=self._related(result, {c.doc_id for c in citations}),
            confidence=confidence,
            understood_as=u.understood_as,
            corrections=u.rewritten.corrections,
        )

    def _summary(self, u: Understanding, cited: list[tuple[int, _Sentence]]) -> str:
        """One line to read out, made of the cited sentences' own clauses that answer the asked kind."""
        tests = [test for kind, test in SUMMARY_TESTS if kind in u.intents]
        if "definition" in u.intents:
            tests.append(lambda piece: defines(piece, u, u.text))
        if STEPS_ASKED.search(u.text):
            tests.append(STAGES.search)  # 要经过哪些环节: the clause naming the stages
        counted = _counted_term(u)
        if counted is not None:  # 哪两项: the clause naming that many of the term's noun
            tests.append(lambda piece: _names_parts(piece, counted))
        # A sentence none of whose clauses holds the asked kind or names the topic (在充分科学论证方面,根据
        # 《工作规程》的有关规定,…) gives the line nothing, unless no sentence gives anything.
        # The letter's own formulas and the proposal quoted back (…建议收悉, 衷心感谢您对…的关注) are no line
        # to read out while another cited sentence tells something.
        own = [(n, s) for n, s in cited if not s.quoted] or cited
        for source, telling in ((own, True), (cited, True), (own, False)):
            parts: list[str] = []
            clauses = [(n, self._summary_clause(sentence.text, u, tests, telling=telling)) for n, sentence in source[:3]]
            # 是哪天开始的？: a clause of the topic holding the asked kind (…基线调查,已于2021年7月20日…正式
            # 启动) is read out before one that only names the topic, though its sentence is cited later.
            if clauses and not any(test(clauses[0][1]) for test in tests):
                clauses.sort(key=lambda found: not (any(test(found[1]) for test in tests) and names_topic(found[1], u)))
            for n, clause in clauses:
                if clause and not any(clause in p for p in parts):
                    piece = f"{clause}[{n}]"
                    if sum(len(p) for p in parts) + len(piece) > SUMMARY_MAX_CHARS and parts:
                        break
                    parts.append(piece)
                if len(parts) >= 2:
                    break
            if parts:
                break
        return "；".join(parts)

    @staticmethod
    def _summary_clause(
        text: str, u: Understanding, tests: list[Callable[[str], object]], *, telling: bool = False
    ) -> str:
        """The clause of a sentence that holds the asked kind, with the clause before when it lacks a subject;
        ``telling``: "" when no clause holds the asked kind or names the topic."""
        spans = []
        left = 0
        for match in CLAUSE_BREAK.finditer(text + "。"):
            if match.start() > left:
                spans.append((left, match.start()))
            left = match.end()
        if not spans:
            return ""

        def score(span: tuple[int, int]) -> float:
            piece = text[span[0] : span[1]]
            frame = FRAME_CLAUSE.match(piece) is not None  # 在充分科学论证方面 says only where the text goes
            return 2.0 * any(test(piece) for test in tests) + names_topic(piece, u) + 0.2 * has_figure(piece) - frame

        scores = [score(span) for span in spans]
        i = max(range(len(spans)), key=lambda j: (scores[j], -j))
        if telling and scores[i] < 1:
            return ""
        start, end = spans[i]
        piece = text[start:end]
        if i > 0 and (len(piece) < 12 or CLAUSE_LEAD.match(piece) or DANGLING.match(piece) or not names_topic(piece, u)):
            start = spans[i - 1][0]
        if end - start > SUMMARY_MAX_CHARS:
            return text[spans[i][0] : spans[i][1]][:SUMMARY_MAX_CHARS]
        # 同时,聚焦…: the lead word goes, and the comma after it with it
        return CLAUSE_LEAD.sub("", text[start:end]).strip().lstrip(",，、;；:： ")

    @staticmethod
    def _missing_answer(
        u: Understanding, relevant: list[_Sentence], typed: list[_Sentence], agreeing: list[_Sentence],
        free: bool, first: _Sentence | None = None,
    ) -> tuple[str, str] | None:
        """The kind of answer asked for that the sentences do not hold, and the reason; None when they do.

        Money is looked for in the figures that agree with the question; counts in the sentences
        about the question by their words (``relevant``); typed answers also in those closest in
        meaning (``typed``). ``free``: a sentence says the fee asked is waived; ``first``: the best sentence.
        """
        wanted = u.intents
        pools = {"money": agreeing, "words": relevant, "typed": typed}
        if free:
            wanted = tuple(w for w in wanted if w not in AMOUNT_NAMES)  # 免开卡工本费 answers 开卡要几多钱
        for intent, pool, general, what in ANSWER_TYPES:
            if intent == "count" and "list" in wanted and any(LIST_SENTENCE.search(c.text) for c in typed):
                continue  # 有几种办法: the list of them answers
            holds, where = general, pools[pool]
            if intent == "count" and u.unit:  # 多少张床: a figure of beds, wherever it is said
                holds, where = _counted_test(u), typed
            if intent == "time":
                holds = _dated_event_test(u)
            if intent == "days":
                holds = _days_test(u)
            if intent == "rate" and _share_of(u):  # 医保能报销百分之多少: a share of reimbursement, not any percentage
                holds = _share_test(u)
            if intent in SPAN_KINDS and u.topic:
                # 排公办养老院要等多久: a length of time of the matter asked (or in the best sentence), not
                # 十五日的护理假 nearby in meaning.
                where = [c for c in where if c is first or touches_topic(c.text, u)]
            if intent in wanted and not any(holds(c.text) for c in where):
                return intent, f"no {what} in the matching sentences"
        if "count" in wanted and u.unit and u.unit != "面积" and REACHED_ASKED.search(u.text) and not TARGET_ASKED.search(u.text):
            about = _counted_about(u, relevant)
            if about and all(TARGET_YEAR.search(c.text) for c in about):
                return "reached", "only targets in the matching sentences"
        numbered = NUMBERED_LIST.search(u.text) if "list" in wanted else None
        if numbered and not any(_items(c.text) >= CN_NUMBER[numbered.group(1)] - 1 for c in relevant):
            return "list", "no list of that many in the matching sentences"
        return None

    def _partial(
        self,
        result: SearchResult,
        u: Understanding,
        reason: str,
        closest: list[_Sentence],
        confidence: float,
        *,
        asked: str = "amount",
        time: int | None = None,
    ) -> Answer:
        """The documents say something close but not what was asked: say what is missing and what they say."""
        citations = tuple(self._citation(n, sentence) for n, sentence in enumerate(closest, start=1))
        asked_years = u.asked_years
        text = self._render(
            "partial.j2",
            missing=self._missing.get(asked, self._missing["other"]),
            asked_year=asked_years[0] if asked_years else None,
            year=time,
            understood_as=u.understood_as,
            corrections=_shown_corrections(u),
            closest=[{"text": c.text, "n": c.n} for c in citations],
        ).strip()
        return Answer(
            question=result.question,
            answer=text,
            refused=True,
            status="partial",
            summary="",
            citations=citations,
            related=self._related(result, {c.doc_id for c in citations}),
            reason=reason,
            confidence=confidence,
            understood_as=u.understood_as,
            corrections=u.rewritten.corrections,
        )

    def _pointer(self, result: SearchResult, u: Understanding, act: str = "") -> Answer:
        """A complaint, a suggestion, a personal case, small talk or a follow-up without a topic: never an answer."""
        act = act or u.act
        text = self._render("pointer.j2", act=act).strip()
        return Answer(
            question=result.question,
            answer=text,
            refused=True,
            status="refused",
            related=self._related(result, set()) if act in ("complaint", "suggestion", "personal_case") else (),
            reason=f"not a question: {act}" if act != "topic" else "a follow-up without a topic",
            act=act,
        )

    def _refuse(
        self,
        result: SearchResult,
        u: Understanding,
        reason: str,
        closest: list[_Sentence],
        wanted: tuple[str, ...],
        confidence: float,
    ) -> Answer:
        asked = next((w for w in wanted if w in self._missing), "other")
        citations = tuple(self._citation(n, sentence) for n, sentence in enumerate(closest, start=1))
        places = u.places_elsewhere
        top = " ".join(h.text for h in result.hits[: self.settings.top_for_decision])
        covered = [w for w in u.topic if names_topic(top, _only(u, w))]
        text = self._render(
            "refusal.j2",
            question=result.question,
            covered="、".join(covered[:2]),
            understood_as=u.understood_as,
            asked=asked,
            place=places[0] if places else "",
            matter=u.matters[0] if u.matters else "",
            closest=[{"text": c.text, "n": c.n} for c in citations],
            missing=self._missing[asked],
        ).strip()
        return Answer(
            question=result.question,
            answer=text,
            refused=True,
            status="refused",
            citations=citations,
            related=self._related(result, set()),
            reason=reason,
            confidence=confidence,
            understood_as=u.understood_as,
            corrections=u.rewritten.corrections,
        )

    def _render(self, template: str, **values: object) -> str:
        return self._env.get_template(template).render(**values)


@dataclass(frozen=True)
class Decision:
    """The composed answer with the signals it was decided on (empty for non-questions) and why."""

    answer: Answer
    signals: dict[str, float]
    rule: str


def _only(u: Understanding, term: str) -> Understanding:
    """The understanding narrowed to one topic word (to count how many topic words a text names)."""
    return replace(u, topic=(term,), rewritten=RewrittenQuery(u.rewritten.original, u.rewritten.text))


def _plain_understanding(result: SearchResult) -> Understanding:
    """An understanding from the rewritten question alone, for search results made without one."""
    found = intents(result.rewritten.text)
    return Understanding(
        question=result.question, rewritten=result.rewritten, intents=found, asked=asked_kind(found), topic=(),
        matters=result.matters, unit=counted_unit(result.rewritten.text),
    )


FACT_MAX_CHARS = 48
MIN_LEAD_IN = 8  # Chinese characters before a figure that can name whose it is
HUKOU_BOTH = re.compile(r"非户籍|非深户|流动|常住")
# A phrase starting like this has its subject in the clause before (每家机构不超过500万元 → for what?).
POINTS_BACK = re.compile(r"^(?:专项用于|用于)")  # …基金,专项用于帮助…: the fund is two clauses back
FACT_LEAD = re.compile(
    r"^(?:每[人户月年家个名张床位所]|最高|按|可|给予|并|且|其中|累计|共|均|即可|即|其余|其|则|由|实现|提高|达到|超过|"
    r"募款|募集|筹集|目前|该|此|还|符合条件|先后|项目实施|自动|主动|专项用于|用于)"
)
# …办理异地就医备案手续后: a phrase that ends in a time clause goes on in the next one.
FACT_TRAILING = re.compile(r"(?:后|时|前|之前|之后|以后|期间)$")
FACT_PUNCTUATION = re.compile(r"[;；,，。、:：]+$")
# 失能老年人, 低保、特困: a group word names people; in 高龄津贴, 低保标准 or a title it names a benefit or a rule.
PEOPLE_AFTER = re.compile(
    r"^(?:[、，,和及与或等]|老年人|老人|长者|人员|人士|人群|人|儿童|家庭|对象|群体|户|学生|青少年|妇女|者|家属|军人|$)"
)
AGE_DIRECTION = re.compile(r"以上|以下|年满|满|未满|不满|超过|低于|至|到|-")
RULE_CLAUSE = re.compile(r"标准|机制|制度|政策|办法")
# 无需老年人做变更申请…, 除可以继续申请轮候公租房…, 畅通…申请渠道, 2.高效救助工程:优化…: not a way to apply.
# Work on the process (依托数据系统实现…无感申办, 推动颐年卡申请接入“i深圳”) is not a way a caller applies.
NOT_A_WAY = re.compile(
    r"^(?:在[^，,；;]{1,14}?[上中里])?(?:除|无需|畅通|完善|优化|健全|依托|推动|推广|全面推广|搭建|建设|建立|打造|推进|(?:初步)?实现|明确|探索|自动筛选|"
    r"\d+\.|[一二三四五六七八九十]是)"
    r"|不予|.*(?:实施|施行|上线|启动)$"
)
OBJECT_CHARS = 8  # how far after 去哪里申请 the thing applied for may stand
# 该找哪个部门, 要找谁办, 去哪里申请, 要到民政哪个部门申请: where to go, asked of a thing to be done.
WHERE_TO_GO = re.compile(
    r"找(?:哪个|什么|啥|哪些)?(?:部门|单位|谁)|哪个部门|(?:去|到)(?:哪里|哪儿|哪|边度)[^，,。？?]{0,4}(?:申请|办|报批|审批)|"
    r"(?:怎么|怎样|如何)(?:报批|审批)"
)
APPLY_WHERE = re.compile(r"申请|报批|审批")  # 门牌号要去哪里申请: the thing is named before
# 起个路名, 改个名字, 申请门牌号: the thing asked for, after the verb that asks for it.
REQUESTED = re.compile(r"(?:(?:申请|起|取|编|办)(?:个|一个)?|改(?:个|一个))([\u4e00-\u9fff]{2,6})")  # not 改由…牵头
BARE_HOW = re.compile(r"(?:怎么|怎样|咋|点样)办")
APPLIED = re.compile(r"申请|申领|办理|报名")
APPLY_END = re.compile(r"(?:申请|申领|办理|登记|报名|办)$")
# 下个月, 明年: when the caller's case comes, never a thing applied for.
WHEN_TOLD = re.compile(r"(?:下|上|这|本)(?:个|一个)?(?:月|周|星期|礼拜)|明年|后年|月底|年底|年初|过几天|过两天|马上")
MODAL_WORDS = frozenset("非得 必须 一定 得要 只能 非要 是否 能否".split())  # 非得上银行去排队不: no action
LOST = re.compile(r"丢|唔见|不见|遗失|弄坏|坏了|冇咗|没了")
# Things done to a benefit already granted: a way to apply for it is no way to do these.
OTHER_ACTION = re.compile(r"年审|认证|挂失|补办|补卡|变更|注销|续期|复核")
REPLACED = re.compile(r"补办|补卡|补领|补(?:一|1)?张|重新办|挂失")
BENEFIT_AFTER = re.compile(r"^(?:津贴|补贴|补助|资助|救助金|服务补贴|标准|证)")
# 申请方式 is a way to apply: 老年人在“i深圳”APP均可进行资格认证 is a yearly review, not an application.
APPLY_VERB = re.compile(r"申请|申领|申办|办理|受理|报名|预约|免申|主动发放|自动发放")


def _in_brackets(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _names_people(text: str, match: FactMatch) -> bool:
    """Whether a group word of a sentence names people (失能老年人, 低保、特困), not a benefit, rule or title."""
    before = text[: match.start]
    if before.count("《") > before.count("》"):
        return False
    after = text[match.start + len(match.value) :]
    people = PEOPLE_AFTER.match(after)
    # 高龄老人津贴 names a benefit for the people, not the people.
    return people is not None and not BENEFIT_AFTER.match(after[people.end() :])


def _about_topic(phrase: str, u: Understanding) -> bool:
    """Whether a fact's phrase touches the question's topic (津贴 of 高龄津贴), or there is none."""
    return not u.topic or touches_topic(phrase, u)


MONTHLY = re.compile(r"每个?月|一个月|按月|月均|[/／]月")
RELATIVE_FACT_SHARE = 0.5  # an amount on the card names at least this share of the topic the best one names
# 办法, 方式, 渠道: words for a way, which a way to apply names whatever it is for.
WAY_WORDS = re.compile(r"办法|方式|渠道|途径|流程|手续|程序")


SUBJECT_MAX_CHARS = 60  # a figure's phrase with the clauses before that name whose figure it is
SUBJECT_CLAUSES = 2
SUBJECT_REACH = 4  # clauses back for one naming whose figure it is, joined to the phrase by …
SUBJECT_JOINED_CHARS = 90


def _tidy(phrase: str) -> str:
    """A fact's phrase without its lead word (同时, 二是) and the punctuation around it."""
    return FACT_PUNCTUATION.sub("", CLAUSE_LEAD.sub("", phrase.strip()).strip())


def _with_subject(text: str, start: int, end: int, phrase: str, u: Understanding) -> str:
    """The phrase of a figure with the clauses before it, up to two, when they name more of the
    topic (腾讯公益平台每年发起“99公益日”,累计捐款超10亿人次,募款超300亿元); else the phrase."""
    left, right = clause_span(text, start, end)
    best, share = phrase, topic_share(phrase, u)
    for _ in range(SUBJECT_CLAUSES):
        if left <= 0:
            break
        left, _ = clause_span(text, left - 1, left - 1)
        if "该" in text[left:start] or "其" in text[left:start]:
            break  # 该基金…: it points back further still
        wider = _tidy(text[left:right])
        if len(wider) > SUBJECT_MAX_CHARS:
            break
        if topic_share(wider, u) > share:
            best, share = wider, topic_share(wider, u)
    if share >= MIN_TOPIC_SHARE:
        return best
    # 我市成功举办首届深圳国际智慧养老产业博览会,汇聚…,集中展示…,促成意向交易及投融资额达7.1亿元: the
    # clause naming whose figure it is sits further back; it leads the phrase, the clauses between left out.
    left, _ = clause_span(text, start, end)
    for _ in range(SUBJECT_REACH):
        if left <= 0:
            break
        left, stop = clause_span(text, left - 1, left - 1)
        clause = _tidy(text[left:stop])
        if not clause or clause in best:
            continue  # one of the clauses the phrase already holds
        if "该" in clause or "其" in clause or len(clause) + len(best) > SUBJECT_JOINED_CHARS:
            break
        joined = f"{clause}…{best}"
        joined_share = topic_share(joined, u)
        if joined_share >= MIN_TOPIC_SHARE and joined_share > share:
            return joined
    return best


def _says_whose(phrase: str, label: str, u: Understanding) -> bool:
    """Whether an amount's or a way's phrase touches the topic, a way naming what it is for."""
    return _about_topic(phrase, u) and (label != "apply" or _names_subject(phrase, u))


def _names_subject(phrase: str, u: Understanding) -> bool:
    """Whether a way to apply says what it is for: it touches a topic word that is not a word for a
    way (颐年卡 of 颐年卡…有几种办法; 支持微信公众号…等多种渠道申请 names none)."""
    words = [w for w in u.topic if not WAY_WORDS.search(w)]
    return not words or touches_topic(phrase, replace(u, topic=tuple(words)))


def _age_met(value: str, age: int) -> bool:
    """Whether a caller of ``age`` meets an age condition (年满70周岁, 60周岁以上, 70-79周岁); True
    when the condition is not one of a lowest age."""
    numbers = [int(x) for x in re.findall(r"\d+", value)]
    if not numbers or re.search(r"以下|未满|不满|低于", value):
        return True
    if len(numbers) >= 2 and re.search(r"\d\s*[-—至到~]\s*\d", value):
        return numbers[0] <= age <= numbers[1]
    return age >= numbers[0]


def _fact_phrase(text: str, start: int, end: int, *, widen: bool = False) -> str:
    """The clause around a fact, cut at any comma (full-width or not); with the clause before when
    it starts without its subject (每人每月最高800元) or ``widen`` says so; "" when that is too long
    to read as one fact."""
    left, right = clause_span(text, start, end)
    phrase = text[left:right].strip()
    # 信托财产规模超3.2亿元, 提供每户最高2万元补贴: a few words before the figure do not say whose it is.
    digit = re.search(r"\d", text[start:end])
    lead_in = len(re.findall(r"[\u4e00-\u9fff]", text[left : start + (digit.start() if digit else 0)]))
    if left > 0 and (
        widen or FACT_LEAD.match(phrase) or len(phrase) < 8 or lead_in < MIN_LEAD_IN or "其" in phrase or "该" in phrase
    ):
        before, _ = clause_span(text, left - 1, left - 1)
        wider = text[before:right].strip()
        if len(wider) > FACT_MAX_CHARS:
            return ""  # 最高补贴1.5万元 without whose subsidy it is says too little
        phrase = wider
        if "该" in text[before:left] or "其" in text[before:left] or POINTS_BACK.match(wider):
            return ""  # 目前该基金…, 专项用于…: the clause before points back further still
    phrase = _tidy(phrase)
    if DANGLING.match(phrase) or FACT_TRAILING.search(phrase):
        return ""  # it needs the clause before or after, which did not fit
    return phrase if len(phrase) <= FACT_MAX_CHARS else ""


def _shown_corrections(u: Understanding) -> list[dict[str, str]]:
    """The corrections to show, each once: 高领津帖 → 高龄津贴, not also its part 津帖 → 津贴."""
    pairs = u.rewritten.corrections
    shown: dict[str, str] = {}  # right → wrong; 服务易站…易站能给老人: the same term corrected twice is shown once
    for wrong, right in pairs:
        if right not in shown and not any(right != other and right in other for _, other in pairs):
            shown[right] = wrong
    return [{"wrong": wrong, "right": right} for right, wrong in shown.items()]
