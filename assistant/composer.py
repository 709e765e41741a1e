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
from pathlib import Path

import jinja2
import numpy as np

from .answer import Answer, Citation, Conflict, ConflictValue, Fact, Related
from .chunking import passage_sentences
from .facts import (
    AGE,
    FactMatch,
    amount_value,
    amounts,
    extract_facts,
    has_date,
    has_days,
    has_figure,
    has_quantity,
)
from .retriever import Hit, SearchResult

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

MIN_FOLLOW_CHARS = 20
ASKS_NUMBER = re.compile(r"多少|(?<![们好哪])几|最高|最多|最低|最少|上限|封顶|金额|比例|百分之|多大|多长|多久")
YES_NO = re.compile(r"[吗么][?？]?$|[吗么][?？]|是否|能不能|可不可以|会不会|要不要|有没有")
# 给多少钱 asks money; 给多少特殊老人 asks a count.
MONEY_FIRST = re.compile(r"(?:报|领|拿|补|给|发)多少(?:钱|元|$|[?？,，。])")
MONEY_WORDS = re.compile(r"钱|元|补|津贴|资助|奖|赔|费(?!标准)|工资|报销|能报|金额|经费|资金|比例|百分之")
COUNT_WORDS = re.compile(r"(?:多少|(?<![们好哪])几)(?:个|家|张|人|名|单|项|所|批|期|件|对|户|次|床|岁|年|天|万|亿|类|档)")
PROCEDURE_SENTENCE = re.compile(r"申请|申领|办理|无感|i深圳|线上|窗口")
PROCEDURE_WORDS = re.compile(r"怎么申请|如何申请|怎么办|怎么领|去哪|在哪|哪里|申请|申领|办理|流程|手续|渠道|预约")
TIME_WORDS = re.compile(r"哪一年|哪年|什么时候|啥时候|何时|哪天|几月|几号|多久|最早|截止|期限")
AGE_WORDS = re.compile(r"多大年纪|多少岁|几岁|年龄|年纪|岁数|周岁")
ELIGIBILITY_WORDS = re.compile(r"谁|哪些人|什么人|条件|资格|能不能|可不可以|能否|是否|有没有|符合|算不算|够不够|可以领|能领|能享受")
# What a person pays (床位费, 住一个月要多少钱), as opposed to what they receive.
FEE_WORDS = re.compile(r"床位费|服务费|护理费|餐费|伙食费|住宿费|(?<!补)费用|收费|价格|价钱|(?:要|花|交|缴|付)多少钱|自付|自费")
RECEIVE_WORDS = re.compile(r"补|津贴|资助|奖|报销|减免|发放|能领|能拿|能给|给予")
# 具体能拿多少 wants one figure; 200-1000元不等 is not it.
EXACT_WORDS = re.compile(r"具体(?:能|可以|可)?(?:拿|领|给|发|补|是)?多少")
RANGE = re.compile(r"不等|\d\s*(?:到|至|-|—|~)\s*\d")
ORDINAL_WORDS = re.compile(r"第几")
FEE_SENTENCE = re.compile(r"(?<![免经消])费|价格|缴纳|自付")  # 免费, 经费, 消费券 are not a charge
# 能报多少, 最多能赔多少: a reimbursement or a payout, not a subsidy.
REIMBURSE_WORDS = re.compile(r"报销|能报|报多少|赔|理赔")
REIMBURSE_SENTENCE = re.compile(r"报销|赔|支付|待遇")
MINIMUM_WORDS = re.compile(r"最低|最少|至少|门槛|起点|起步")
MINIMUM_SENTENCE = re.compile(r"最低|不低于|至少|不少于|起")
DAYS_WORDS = re.compile(r"(?:多少|几)个?(?:工作)?[天日]")
MATERIALS_WORDS = re.compile(r"带(?:哪些|什么|啥)|(?:哪些|什么|啥|准备)(?:材料|证件|证明|资料)|要(?:带|准备|交|提交)(?:哪些|什么|啥)")
MATERIALS_SENTENCE = re.compile(r"材料|证件|证明|身份证|户口簿|户口本|资料|照片")
HOURS_WORDS = re.compile(r"几点|开门|关门|营业时间|开放时间|办公时间|上班时间|值班")
HOURS_SENTENCE = re.compile(r"\d{1,2}[:：]\d{2}|\d{1,2}点|[上下]午|全天|24小时|周末|节假日|开放时间|值班")
PHONE_WORDS = re.compile(r"(?:电话|热线|号码)(?:是|多少|号)|(?:什么|哪个|啥)(?:电话|热线)|有没有[^，。?？,]{0,8}(?:电话|热线)")
PHONE_SENTENCE = re.compile(r"\d{5,}|热线")
# 推进到哪一步了, 落实了没: where a matter stands.
PROGRESS_WORDS = re.compile(r"进展|进度|推进到|哪一步|到哪了|怎么样了|(?:落实|出台|建成|办好|完成)了?(?:没|吗)|现在.{0,4}情况")
PROGRESS_SENTENCE = re.compile(r"目前|已经|已完成|已于|正在|截至|进展|下一步")
RELATIVE_TIME = re.compile(r"[上下]半年|年底|年初|年内|月底|近期|今年|明年|第[一二三四]季度")
# 哪几家单位, 哪些平台: a list of names, not a number.
LIST_WORDS = re.compile(r"哪几|哪些(?!人)")
LIST_SENTENCE = re.compile(r"[^、]{1,12}、[^、]{1,12}、|“[^”]{1,12}”[、和及]?“[^”]{1,12}”")
QUALIFIERS = re.compile(r"每[人户月年生]|最高|一次性|不超过")  # a cap per household is not a yearly total
AMOUNT_KINDS = (("minimum", MINIMUM_WORDS), ("exact", EXACT_WORDS), ("reimburse", REIMBURSE_WORDS))
OTHER_INTENTS = (
    ("progress", PROGRESS_WORDS),
    ("list", LIST_WORDS),
    ("materials", MATERIALS_WORDS),
    ("hours", HOURS_WORDS),
    ("phone", PHONE_WORDS),
    ("procedure", PROCEDURE_WORDS),
    ("eligibility", ELIGIBILITY_WORDS),
    ("time", TIME_WORDS),
    ("age", AGE_WORDS),
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


def intents(question: str) -> tuple[str, ...]:
    """What kind of answer the question wants.

    amount (money), fee (money paid rather than received), minimum (a floor), exact (one figure,
    not a range), reimburse (a reimbursement or payout), ordinal (第几批), count, days, progress
    (where a matter stands), list (哪几家), materials (papers to bring), hours (opening hours),
    phone, procedure, eligibility, time, age.
    """
    found = []
    # 标准 names a number only when the question is not a plain yes/no one (能按新的标准结算吗?).
    asks_number = bool(ASKS_NUMBER.search(question)) or ("标准" in question and not YES_NO.search(question))
    if (asks_number and MONEY_WORDS.search(question)) or MONEY_FIRST.search(question):
        found.append("amount")
        if FEE_WORDS.search(question) and not RECEIVE_WORDS.search(question):
            found.append("fee")
        found += [name for name, pattern in AMOUNT_KINDS if pattern.search(question)]
    elif ORDINAL_WORDS.search(question):
        found.append("ordinal")
    elif (COUNT_WORDS.search(question) or asks_number) and not TIME_WORDS.search(question):
        found.append("days" if DAYS_WORDS.search(question) else "count")
    found += [name for name, pattern in OTHER_INTENTS if pattern.search(question)]
    return tuple(found)


def _is_dated(text: str) -> bool:
    return has_date(text) or bool(RELATIVE_TIME.search(text))


def _names_condition(text: str) -> bool:
    return any(f.label in ("age", "hukou", "group") for f in extract_facts(text))


# A sentence holding what the question asks for scores higher: (intent, test, bonus).
SENTENCE_BONUS: tuple[tuple[str, Callable[[str], object], float], ...] = (
    ("amount", amounts, 0.3),
    ("count", has_quantity, 0.15),
    ("days", has_days, 0.25),
    ("materials", MATERIALS_SENTENCE.search, 0.15),
    ("procedure", PROCEDURE_SENTENCE.search, 0.15),
    ("eligibility", _names_condition, 0.1),
    ("time", _is_dated, 0.2),
    ("progress", PROGRESS_SENTENCE.search, 0.2),
    ("list", LIST_SENTENCE.search, 0.15),
    ("age", AGE.search, 0.25),
)
# Kinds the answer must show when a sentence about the question has one (a date for 哪天开始的).
SHOWN = ("amount", "count", "days", "time", "progress", "list")


def _single_figure(text: str) -> bool:
    return any(not RANGE.search(match.value) for match in amounts(text))


# What each kind of question needs in a sentence: (intent, where to look, test, name in the reason).
# "money": sentences about the question that state an amount; "words": sentences about the question;
# "typed": those and the sentences closest in meaning.
ANSWER_TYPES: tuple[tuple[str, str, Callable[[str], object], str], ...] = (
    ("amount", "money", lambda text: True, "amount"),
    ("fee", "money", FEE_SENTENCE.search, "fee"),
    ("minimum", "money", MINIMUM_SENTENCE.search, "minimum"),
    ("reimburse", "money", REIMBURSE_SENTENCE.search, "reimbursement"),
    ("exact", "money", _single_figure, "single figure"),
    ("count", "words", has_quantity, "figure"),
    ("ordinal", "typed", has_figure, "figure"),
    ("days", "typed", has_days, "number of days"),
    ("materials", "typed", MATERIALS_SENTENCE.search, "list of papers"),
    ("hours", "typed", HOURS_SENTENCE.search, "opening hours"),
    ("phone", "typed", PHONE_SENTENCE.search, "phone number"),
)


QUESTION_FILLER = re.compile(r"[^\u4e00-\u9fff\w]|什么|怎么|多少|有没有|能不能|可不可以|是不是|请问|我们|我爸|我妈|我家|现在|那个|这个|一下|吗|呢|吧|啊|的|了")


def _content_bigrams(question: str) -> set[str]:
    """Character bigrams of the question's content (punctuation and fillers removed)."""
    parts = [p for p in QUESTION_FILLER.split(question) if p]
    return {part[i : i + 2] for part in parts for i in range(len(part) - 1)}


def _surroundings(sentence: str, match: FactMatch) -> set[str]:
    """Character bigrams of the words around an amount (figures and punctuation left out)."""
    window = sentence[max(0, match.start - 20) : match.start + len(match.value) + 12]
    words = re.sub(r"[\d.,，。；;、:：()（）“”%万亿元]", "", window)
    return {words[i : i + 2] for i in range(len(words) - 1)}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _similar(a: str, b: str) -> bool:
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not grams_a or not grams_b:
        return a == b
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b)) > 0.8


class Composer:
    """Turns a search result into a cited answer or an honest refusal."""

    def __init__(self, settings: ComposerSettings | None = None) -> None:
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

    # -- scoring -----------------------------------------------------------------------------

    def _coverage(self, result: SearchResult, text: str) -> float:
        """Share of the question's idf weight (known words only) that appears in the text."""
        known = [t for t in result.terms if t.df > 0]
        total = sum(t.idf for t in known)
        if total <= 0:
            return 0.0
        matched = sum(t.idf for t in known if t.text in text)
        # A caller's word counts as present when the document term it maps to is there.
        expansion_hit = any(e in text for e in result.rewritten.expansions)
        if expansion_hit:
            matched = min(total, matched + max(t.idf for t in known))
        return matched / total

    @staticmethod
    def _bigram_overlap(question_grams: set[str], text: str) -> float:
        if not question_grams:
            return 0.0
        return sum(1 for gram in question_grams if gram in text) / len(question_grams)

    def _unknown_share(self, result: SearchResult) -> float:
        """Share of the question's weight in specific words the corpus never uses.

        Everyday words (年纪, 老婆, 突然) are absent from policy documents however well they
        answer; a specific word (挂失, 二胎, 冷静期) that the corpus never uses means the
        question is about something the documents do not cover.
        """
        total = sum(t.idf for t in result.terms)
        if total <= 0:
            return 1.0
        specific = [t for t in result.terms if t.df == 0 and t.everyday < self.settings.everyday_word_freq]
        return sum(t.idf for t in specific) / total

    @staticmethod
    def _known_share(result: SearchResult) -> float:
        """Share of the question's weight in words the corpus uses (明天深圳会下雨吗: only 深圳)."""
        total = sum(t.idf for t in result.terms)
        return sum(t.idf for t in result.terms if t.df > 0) / total if total > 0 else 0.0

    def _candidates(self, result: SearchResult, wanted: tuple[str, ...]) -> list[_Sentence]:
        candidates = []
        grams = _content_bigrams(result.rewritten.expanded)
        for rank, hit in enumerate(result.hits[: self.settings.hits_considered]):
            passage_coverage = self._coverage(result, hit.text)
            previous = ""
            for text, start, end in passage_sentences(hit.text, hit.start):
                # A clause after a semicolon continues its sentence: “…购买老年人意外伤害保险;” then
                # “目前统保年龄降至60周岁,最高可获得10万元赔偿”. Its words count for both.
                context = previous if previous.endswith(("；", ";")) else ""
                coverage = self._coverage(result, context + text)
                previous = text
                score = (
                    0.7 * coverage
                    + 0.4 * self._bigram_overlap(grams, text)
                    + 0.3 * passage_coverage
                    + 0.25 / (1 + rank)
                )
                score += sum(bonus for intent, holds, bonus in SENTENCE_BONUS if intent in wanted and holds(text))
                if len(text) > 220:
                    score -= 0.15
                similarity = result.sentence_scores.get((hit.doc_id, start))
                candidates.append(_Sentence(hit, rank, text, start, end, coverage, similarity, score))
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

    def _about(self, candidates: list[_Sentence], best: _Sentence) -> list[_Sentence]:
        """The candidates that are about the question by their words, compared with the best one."""
        floor = max(self.settings.min_figure_coverage, 0.5 * best.coverage)
        return [c for c in candidates if c.coverage >= floor]

    def _select(self, candidates: list[_Sentence], wanted: tuple[str, ...]) -> list[_Sentence]:
        chosen = self._pick(candidates)
        if not chosen:
            return chosen
        # The answer must show the kind of thing asked (a date, an amount, where a matter stands)
        # when a sentence about the question states it, even if other sentences scored higher.
        about = self._about(candidates, chosen[0])
        for intent, holds, _ in SENTENCE_BONUS:
            if intent not in wanted or intent not in SHOWN or any(holds(c.text) for c in chosen):
                continue
            found = next((c for c in about if holds(c.text)), None)
            if found is not None:
                chosen = self._fit([chosen[0], found, *chosen[1:]])
        return chosen

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

    def _facts(self, cited: list[tuple[int, _Sentence]]) -> tuple[Fact, ...]:
        facts: list[Fact] = []
        seen: set[tuple[str, str]] = set()
        for n, sentence in cited:
            for match in extract_facts(sentence.text):
                if match.label == "period" and not amounts(sentence.text):
                    continue
                key = (match.label, match.value)
                if key not in seen:
                    seen.add(key)
                    facts.append(Fact(self._labels.get(match.label, match.label), match.value, n))
        return tuple(facts[:8])

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
                    topic_terms = [t.text for t in result.terms if t.df > 0 and all(t.text in s.text for s in found)]
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
        qualifiers = set(QUALIFIERS.findall(figure.value))
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
                # Same thing: the words around both figures overlap (适老化改造…每户最高), unlike
                # 发行慈善共同基金9.8亿元 and 专项基金…资金规模约4.2亿元.
                if (
                    other_value is not None
                    and other_value not in seen_values
                    and set(QUALIFIERS.findall(match.value)) == qualifiers
                    and _overlap(around, _surroundings(other.text, match)) >= self.settings.min_conflict_overlap
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
        """Compose the answer for a search result."""
        s = self.settings
        wanted = intents(result.rewritten.text)
        if not result.hits:
            return self._refuse(result, "no passages", [], wanted, 0.0)
        candidates = self._candidates(result, wanted)
        chosen = self._select(candidates, wanted)
        top = result.hits[: s.top_for_decision]
        top_dense = max(h.dense_score for h in top)
        coverage = max(self._coverage(result, h.text) for h in top)
        unknown = self._unknown_share(result)
        confidence = round(min(1.0, coverage) * max(0.0, top_dense), 4)
        if not chosen or top_dense < s.min_dense:
            return self._refuse(result, f"weak match (cosine {top_dense:.3f})", [], wanted, confidence)
        if unknown > s.max_unknown:
            return self._refuse(result, f"question words absent from the corpus ({unknown:.2f})", [], wanted, confidence)
        known = self._known_share(result)
        if known < s.min_known:
            return self._refuse(result, f"almost no question word is in the corpus ({known:.2f})", [], wanted, confidence)
        if coverage < s.min_coverage:
            return self._refuse(result, f"low coverage ({coverage:.2f})", [], wanted, confidence)
        missing_places = [p for p in result.places if not any(p in h.text for h in top)]
        if missing_places:
            return self._refuse(result, f"about {missing_places[0]}, not Shenzhen", [], ("place",), confidence)
        # Stricter than places: a letter may mention 住房公积金 in passing, so the answer itself must.
        missing_matters = [m for m in result.matters if not any(m in c.text for c in chosen)]
        if missing_matters:
            return self._refuse(result, f"about {missing_matters[0]}, a matter of another bureau", [], ("matter",), confidence)
        # The asked figure must be in a sentence that is itself about the question, by its words.
        # For a typed answer (a number of days, a list of papers) the sentence the embedding finds
        # closest counts too: a figure of that type there is rarely a coincidence, a sum of money is.
        relevant = self._about(candidates, chosen[0])
        best = max((c.similarity for c in candidates if c.similarity is not None), default=None)
        closest = [c for c in candidates if best is not None and c.similarity is not None and c.similarity >= best - s.semantic_margin]
        missing = self._missing_answer(wanted, relevant, relevant + closest)
        if missing:
            asked, reason = missing
            return self._refuse(result, reason, chosen[:1], (asked, *wanted), confidence)

        conflicts_found = self._conflicts(result, candidates, chosen)
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

        text = self._render(
            "answer.j2", sentences=[{"text": c.text, "n": n} for n, c in cited[: len(chosen)]], conflicts=notes
        ).strip()
        citations = tuple(self._citation(n, sentence) for n, sentence in cited)
        return Answer(
            question=result.question,
            answer=text,
            refused=False,
            citations=citations,
            facts=self._facts(cited),
            conflicts=tuple(conflicts),
            related=self._related(result, {c.doc_id for c in citations}),
            confidence=confidence,
        )

    @staticmethod
    def _missing_answer(
        wanted: tuple[str, ...], relevant: list[_Sentence], typed: list[_Sentence]
    ) -> tuple[str, str] | None:
        """The kind of answer asked for that the sentences do not hold, and the reason; None when they do.

        Money and counts are looked for in the sentences about the question by their words
        (``relevant``); typed answers also in those closest in meaning (``typed``).
        """
        pools = {"money": [c for c in relevant if amounts(c.text)], "words": relevant, "typed": typed}
        for intent, pool, holds, what in ANSWER_TYPES:
            if intent in wanted and not any(holds(c.text) for c in pools[pool]):
                return intent, f"no {what} in the matching sentences"
        return None

    def _refuse(
        self, result: SearchResult, reason: str, closest: list[_Sentence], wanted: tuple[str, ...], confidence: float
    ) -> Answer:
        asked = next((w for w in wanted if w in self._missing), "other")
        citations = tuple(self._citation(n, sentence) for n, sentence in enumerate(closest, start=1))
        text = self._render(
            "refusal.j2",
            question=result.question,
            asked=asked,
            place=result.places[0] if result.places else "",
            matter=result.matters[0] if result.matters else "",
            closest=[{"text": c.text, "n": c.n} for c in citations],
            missing=self._missing[asked],
        ).strip()
        return Answer(
            question=result.question,
            answer=text,
            refused=True,
            citations=citations,
            related=self._related(result, set()),
            reason=reason,
            confidence=confidence,
        )

    def _render(self, template: str, **values: object) -> str:
        return self._env.get_template(template).render(**values)
