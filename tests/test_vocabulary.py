"""Callers' words, listed typos and homophone typos map to the documents' terms."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.documents import load_documents
from assistant.spelling import SpellingCorrector
from assistant.tokenizer import STOPWORDS, TOKEN_CHARS, Tokenizer
from assistant.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def test_listed_typos_are_fixed_and_callers_words_expanded(vocabulary):
    rewritten = vocabulary.rewrite("我爸85了有没有高令补贴?")
    assert "高龄" in rewritten.text and "高令" not in rewritten.text
    assert "高龄老人津贴" in rewritten.expansions
    assert ("高令", "高龄") in rewritten.corrections
    assert "养老机构" in vocabulary.rewrite("养老院收费贵吗").expansions
    assert "儿童" in vocabulary.rewrite("小孩上学有补贴吗").expansions


def test_tokenizer_keeps_domain_terms_whole_and_drops_fillers(vocabulary):
    tokens = Tokenizer(vocabulary).tokenize("我爸想申请适老化改造和颐年卡,请问怎么办?")
    assert "适老化改造" in tokens and "颐年卡" in tokens
    assert "请问" not in tokens and "我爸" not in tokens and "?" not in tokens


def whole_text_tokens(tokenizer: Tokenizer, text: str) -> list[str]:
    """The tokens of one jieba call over the whole text: what block-by-block tokenising must equal."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    kept = (token.strip() for token in tokenizer._segmenter().lcut_for_search(normalized))
    return [t for t in kept if t and t not in STOPWORDS and TOKEN_CHARS.search(t)]


@pytest.fixture(scope="module")
def tokenizer(vocabulary):
    return Tokenizer(vocabulary)


def test_tokenising_block_by_block_gives_jiebas_tokens_for_every_seed_document(tokenizer):
    documents = load_documents(Path(__file__).parents[1] / "documents")
    assert documents
    for document in documents:
        text = f"{document.title}\n{document.text}"
        assert tokenizer.tokenize(text) == whole_text_tokens(tokenizer, text), document.id


PIECES = st.sampled_from(["深圳市", "低保", "标准", "2024年", "3.5%", "Ａｂｃ", " ", "\n", "，", "。", "高龄津贴", "a-b_c", "＃1", "的", "颐年卡"])


@settings(max_examples=80, deadline=None)
@given(st.lists(PIECES, max_size=20))
def test_tokenising_block_by_block_gives_jiebas_tokens_for_any_text(tokenizer, pieces):
    text = "".join(pieces)
    assert tokenizer.tokenize(text) == whole_text_tokens(tokenizer, text)



# Document frequencies as in the seed corpus.
TERMS = {"低保": 10, "颐年卡": 17, "培训": 92, "民政局": 70, "养老": 301, "补贴": 48, "医保": 16, "房租": 2,
         "救助": 44, "安老": 7, "一站式": 10, "我市": 60, "冻卵": 3, "做实": 12, "适老化": 30,
         "公墓": 9, "一是": 40, "人大": 30}
CORPUS = "低保 颐年卡 培训补贴 民政局 养老 医保 房租 老年人 政府能给 救助 安老 一站式服务 冻卵 公墓 公开募捐平台 具备公开募捐资格"


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        ("低宝怎么申请", "低宝", "低保"),
        ("多大年纪才能办以年卡?", "以年卡", "颐年卡"),
        ("能领陪训补贴吗", "陪训", "培训"),
        ("去民正局登记", "民正局", "民政局"),
        ("看病医宝能报吗", "医宝", "医保"),
        ("我想去申请就助，要带什么材料", "就助", "救助"),  # a function character is the typo
        ("单身能去医院动卵吗", "动卵", "冻卵"),  # a rare term, but 卵 is no everyday word on its own
    ],
)
def test_homophone_typos_become_the_corpus_term(question, wrong, right):
    corrected, corrections = SpellingCorrector(TERMS, CORPUS).correct(question)
    assert right in corrected and wrong not in corrected
    assert [(c.wrong, c.right) for c in corrections] == [(wrong, right)]


@pytest.mark.parametrize(
    "question",
    [
        "政府能给多少钱", "我是老人", "养老补贴有几种", "低保标准是多少",
        "工资还按老标准发",  # 按|老 sounds like the rare term 安老
        "养老服务一站是干啥的",  # 一站 and 是, not 一站式
        "我是社区工作人员",  # not 我市
        "我家老人做适老化改造最多能补多少",  # 做|适老化, not 做实
        "网上捐钱有哪些正规的公募平台",  # 公募 is short for 公开募捐, not 公墓
        "阮厝老伴前日过身去了，伊是深圳人",  # Teochew 伊是 (he is), not the documents' numbering 一是
        "隔壁的小孩成日给人打",  # a person and the verb done to one after 给, not 人大
    ],
)
def test_correct_words_and_word_boundaries_are_left_alone(question):
    corrected, corrections = SpellingCorrector(TERMS, CORPUS).correct(question)
    assert corrected == question and corrections == ()


def test_a_verb_and_its_measure_word_are_no_typo():
    corrector = SpellingCorrector({**TERMS, "改革": 30}, CORPUS + " 改革")
    assert corrector.correct("我们小区想改个名字")[1] == ()  # 改|个, not 改革
    assert corrector.correct("深圳的养老改格")[0].endswith("改革")  # a real typo of the term still is one


def test_a_verb_said_twice_is_no_typo():
    corrector = SpellingCorrector({**TERMS, "一些": 30}, CORPUS + " 一些")
    assert corrector.correct("能让我歇一歇")[1] == ()  # 歇一歇, not 一些
    assert corrector.correct("想看了看材料")[1] == ()


def test_of_terms_that_sound_alike_the_one_used_beside_the_callers_words_is_meant():
    terms = {**TERMS, "一站": 40, "驿站": 12}
    corpus = CORPUS + " 一站式服务 居家养老服务驿站 养老服务驿站"
    corrector = SpellingCorrector(terms, corpus)
    corrected, corrections = corrector.correct("居家养老服务义站有多少个？义站能给老人做什么？")
    assert "服务驿站" in corrected and "一站" not in corrected
    assert {c.right for c in corrections} == {"驿站"}


def test_other_bureaus_matters_are_found_longest_first(vocabulary):
    assert vocabulary.matters_in("住房公积金能取出来交养老院费用吗") == ("住房公积金",)
    assert vocabulary.matters_in("医保和养老保险怎么交") == ("养老保险", "医保")
    assert vocabulary.matters_in("高龄津贴怎么领") == ()
    assert vocabulary.matters_in("社康门诊医保报销比例是多少") == ("医保报销", "报销比例")
    assert vocabulary.matters_in("深圳有没有正规的宠物火化的地方") == ("宠物火化",)
    assert vocabulary.matters_in("我退休金今年涨多少") == ("退休金",)


def test_wu_hokkien_and_hakka_words_are_read_as_mandarin() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.mandarin("一个号头几钿？") == "一个号头多少钱？"
    assert vocabulary.mandarin("长护险哪能申请？") == "长护险怎么申请？"
    assert vocabulary.mandarin("佗位可以办？") == "哪里可以办？"
    assert vocabulary.mandarin("阮阿母厝内底一个人，颐年卡按怎办？") == "我妈家里一个人，颐年卡怎么办？"
    assert vocabulary.mandarin("偌济钱一个月？啥物材料？") == "多少钱一个月？什么材料？"
    assert vocabulary.mandarin("偃系客家人，爱唔爱去社区办？") == "我是客家人，要不要去社区办？"  # 偃 typed for Hakka 𠊎
    assert vocabulary.mandarin("基金会使用捐款") == "基金会使用捐款"  # no Hakka 会使 (can) inside 基金会|使用


def test_a_typo_heard_in_another_reading_of_its_character_is_corrected() -> None:
    corrector = SpellingCorrector({**TERMS, "海葬": 6}, CORPUS + " 倡导和鼓励骨灰海葬")
    corrected, corrections = corrector.correct("老伴走了想搞海藏")  # 藏 is zang in 西藏
    assert corrected == "老伴走了想搞海葬" and [(c.wrong, c.right) for c in corrections] == [("海藏", "海葬")]


def test_a_rare_dictionary_reading_or_a_term_only_inside_a_longer_word_corrects_nothing() -> None:
    terms = {**TERMS, "我局": 50, "华人": 9}
    corpus = CORPUS + " 我局将会同医保局 《中华人民共和国老年人权益保障法》 《中华人民共和国民法典》"
    corrector = SpellingCorrector(terms, corpus)
    assert corrector.correct("全靠我和我姐轮流照顾")[1] == ()  # 姐 is read ju in no word
    assert corrector.correct("深圳六十岁以上的老人一共有几化人啊")[1] == ()  # 华人 only in 中华人民共和国


def test_a_callers_word_with_a_sound_alike_first_character_before_it_is_no_typo():
    corrector = SpellingCorrector(
        {**TERMS, "非政府": 5, "市政府": 8, "政府": 80, "保教费": 3}, CORPUS + " 非政府组织 学前教育保教费 市政府 政府 政府 政府"
    )
    assert corrector.correct("上幼儿园的保教费政府有没有补助？")[1] == ()  # 保教费|政府, not 非政府
    assert corrector.correct("小孩被打，这种事政府有人管吗？")[1] == ()  # 这种事|政府, not 市政府
    # the documents write 年卡 only inside 颐年卡: 以年卡 is still a typo
    assert corrector.correct("多大年纪才能办以年卡?")[0] == "多大年纪才能办颐年卡?"


def test_a_dictionary_word_is_meant_unless_its_sound_alike_makes_a_phrase_of_the_documents():
    terms = {**TERMS, "税费": 5, "接受": 20, "条例": 30}
    corpus = CORPUS + " 税费减免 接受监督 慈善事业促进条例 促进条例"
    corrector = SpellingCorrector(terms, corpus)
    assert corrector.correct("养老院的水费电费按什么价收")[1] == ()  # 水费 is a word, not 税费
    assert corrector.correct("社会组织接手街道服务的试点")[1] == ()  # 接手 is a word, not 接受
    corrected, _ = corrector.correct("慈善事业促进条理出了没有")  # 促进条例 is the documents' phrase
    assert "促进条例" in corrected


def test_a_word_split_by_a_measure_word_is_put_back_together(vocabulary):
    assert vocabulary.joined("清明想去扫个墓") == "清明想去扫墓"
    assert "扫墓" in vocabulary.rewrite("给老伴扫个墓要预约吗").text
    assert vocabulary.joined("买个菜") == "买个菜"  # not a word the vocabulary knows whole


def test_a_colloquial_work_injury_insurance_is_the_documents_term(vocabulary):
    assert "工伤保险" in vocabulary.rewrite("送外卖的能不能交公伤险").text


def test_a_term_written_in_pinyin_among_chinese_is_read_as_the_term(pipeline_seed):
    speller = pipeline_seed.retriever.speller
    text, corrections = speller.pairs("单身31岁在sz能不能去医院dongluan啊")
    assert ("dongluan", "冻卵") in corrections and "冻卵" in text
    # an English word, an initialism and a unit stay as written
    assert speller.pairs("我用wechat和email问sz的高龄津贴")[1] == ()
