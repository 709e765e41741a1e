"""Evidence agreement: which year a figure is of."""

from __future__ import annotations

import pytest

from assistant.agreement import (
    figure_agreement,
    figure_years,
    names_other_benefit,
    years_in,
)
from assistant.facts import FactMatch, amounts
from assistant.places import Gazetteer
from assistant.tokenizer import Tokenizer
from assistant.understanding import Understander
from assistant.vocabulary import load_vocabulary


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("我市2020-2023年结婚登记数量", [2020, 2021, 2022, 2023]),
        ("2016年至2020年", [2016, 2017, 2018, 2019, 2020]),
        ("2021年和2024年", [2021, 2024]),
        ("从2016年1,900元提高至2,299元", [2016]),
        ("共有1,200张床位", []),
    ],
)
def test_years_and_spans_of_years(text: str, years: list[int]) -> None:
    assert years_in(text) == years


def test_each_figure_of_a_span_is_of_any_year_in_it() -> None:
    sentence = "经统计,我市2020-2023年结婚登记数量分别为67625对、76380对"
    at = sentence.index("67625对")
    assert 2020 in figure_years(sentence, FactMatch("count", "67625对", at), 2024)
    assert figure_years("共有1,200张床位", FactMatch("count", "1,200张", 2), 2024) == [2024]
    # the figure risen to (提高至2,299元) is of the years just before the document's, not of 2016
    sentence = "孤儿最低生活养育标准从2016年1,900元/人/月提高至2,299元/人/月"
    risen = figure_years(sentence, FactMatch("amount", "2,299元", sentence.index("2,299元")), 2022)
    assert 2020 in risen and 2016 not in risen and 2018 not in risen
    assert figure_years(sentence, FactMatch("amount", "1,900元", sentence.index("1,900元")), 2022) == [2016]


@pytest.fixture(scope="module")
def understander(knowing: Understander) -> Understander:
    return knowing  # every word "known" to the documents, so the benefit each question names is its programme


def test_a_figure_named_for_another_benefit_does_not_answer_this_one(understander: Understander) -> None:
    u = understander.understand("户籍老人有就餐补贴,具体每餐能补多少?")
    context = "对满足条件的户籍重点保障对象就餐给予就餐补贴、送餐补贴、运营补贴等;"
    other = "完善居家养老服务设施,符合条件的老年人家庭每户最高可获得1.2万元适老化改造补贴;"
    match = amounts(other)[0]
    assert u.programme
    assert not figure_agreement(u, other, match, 2024, Gazetteer(), context).subject
    own = "户籍重点保障对象就餐补贴每餐5元"
    assert figure_agreement(u, own, amounts(own)[0], 2024, Gazetteer()).subject
    generic = "70周岁以上户籍老年人每月可领取200-1000元不等的津贴"
    elderly = understander.understand("我妈八十多岁了,高龄津贴一个月能领多少钱")
    lead = "一是高龄老人津贴标准全国前列。"
    assert figure_agreement(elderly, generic, amounts(generic)[0], 2024, Gazetteer(), lead).subject
    rent = "对重点行业商协会按实际支付租金的50%且不超过50元/平方米/月的标准给予资助"
    tenant = understander.understand("南山区商协会租办公室,租金资助最多多少?")
    assert tenant.programme
    assert any(
        figure_agreement(tenant, rent, m, 2024, Gazetteer()).subject for m in amounts(rent)
    )


def test_a_benefit_asked_by_another_benefit_word_is_the_same_benefit(understander: Understander) -> None:
    u = understander.understand("取得职业技能等级证书的养老护工,每个月的岗位津贴上限是多少?")
    sentence = "根据养老护理员职业技能等级,对持证养老护理员按月发放岗位补贴,每人每月最高800元"
    assert u.programme == "岗位津贴"
    assert figure_agreement(u, sentence, amounts(sentence)[0], 2024, Gazetteer()).subject
    other = "将养老护理员等职业类型纳入入职补贴范围,最高补贴1.5万元"
    assert not figure_agreement(u, other, amounts(other)[0], 2024, Gazetteer()).subject


def test_a_phrase_naming_another_benefit_by_its_own_name(understander: Understander) -> None:
    entry = understander.understand("刚入行的护理员有没有一次性的入职补贴？最多给多少？")
    assert names_other_benefit("对持证养老护理员按月发放岗位补贴,每人每月最高800元", entry)
    assert not names_other_benefit("将养老护理员等职业类型纳入入职补贴范围,最高补贴1.5万元", entry)
    # 每户最高资助 says how a benefit is paid, not which benefit it is
    adapt = understander.understand("适老化改造补贴最多能补多少钱？")
    assert not names_other_benefit("开展家庭适老化改造,每户最高资助2万元", adapt)
    both = understander.understand("护工的入职补贴和岗位补贴分别是给哪些人的？")
    assert not names_other_benefit("对持证养老护理员按月发放岗位补贴,每人每月最高800元", both)
    # a question about 低保 itself: 居家养老服务补助 is another benefit whose groups say nothing of 低保
    assert names_other_benefit("对低保老人每月给予居家养老服务补助", understander.understand("低保怎么申请？"))


def test_a_question_naming_no_benefit_or_money_word_is_about_its_matter() -> None:
    vocabulary = load_vocabulary()
    understander = Understander(vocabulary, Tokenizer(vocabulary), None, lambda word: 5, Gazetteer())
    single = understander.understand("我一个人能不能单独申请低保？")
    assert names_other_benefit("对低保、生活不能自理、重点优抚对象等户籍老年人每月给予居家养老服务补助", single)
    extra = understander.understand("低保对象除了低保金以外还有没有额外的钱可以领？")
    assert not names_other_benefit("对低保、生活不能自理、重点优抚对象等户籍老年人每月给予居家养老服务补助", extra)


def test_a_benefits_name_needs_a_word_for_money(understander: Understander) -> None:
    u = understander.understand("高龄津贴80岁的一个月具体是多少钱？")
    insurance = "2009年起,我市为户籍高龄老人购买老年人意外伤害保险,目前统保年龄降至60周岁,最高可获得10万元赔偿"
    figure = [m for m in amounts(insurance) if "万" in m.value][0]
    assert not figure_agreement(u, insurance, figure, 2021, Gazetteer()).subject
    own = "为70周岁以上户籍老年人发放每人每月200到1000元不等的高龄老人津贴"
    assert figure_agreement(u, own, amounts(own)[0], 2024, Gazetteer()).subject


def test_a_figures_subject_is_not_where_to_go(understander: Understander) -> None:
    from assistant.agreement import subject_words

    u = understander.understand("她爸75岁,深圳户口,高龄津贴一个月能领多少钱?要不要自己跑社区去申请?")
    assert "高龄津贴" in subject_words(u) and "社区" not in subject_words(u)
    generic = "70周岁以上户籍老年人每月可领取200-1000元不等的津贴"
    lead = "一是高龄老人津贴标准全国前列。"
    assert figure_agreement(u, generic, amounts(generic)[0], 2021, Gazetteer(), lead).subject



def test_a_figure_agrees_by_latin_letters_and_by_what_it_is_for(understander: Understander) -> None:
    graded = "对当年评定为3A、4A、5A级的行业商协会等社会组织,次年分别给予2万元、3万元、4万元扶持;"
    u = understander.understand("想问下罗湖区评上3A、4A、5A各奖多少钱？")
    assert figure_agreement(u, graded, amounts(graded)[0], 2024, Gazetteer()).subject  # 3a of 评定为3A
    fund = "罗湖区财政每年向全区111个居委会每个投放10万设立社区基金,专项用于社区社会组织孵化、社区文体公益活动等,由街道办进行日常管理"
    asked = understander.understand("社区基金用来孵化社区组织、搞文体活动的,每个居委会多少钱？")
    assert figure_agreement(asked, fund, amounts(fund)[0], 2024, Gazetteer()).subject
    listed = "最低生活保障标准由2016年800元/人/月增至2020年的1,250元/人/月,低收入、特困人员供养、临时救助等政策标准大幅提升"
    relief = understander.understand("临时救助一次最多能给多少钱？")
    assert not any(figure_agreement(relief, listed, m, 2024, Gazetteer()).subject for m in amounts(listed))


def test_a_figure_named_for_a_benefit_the_question_does_not_name_does_not_answer(understander: Understander) -> None:
    u = understander.understand("长者饭堂户籍的重点保障对象吃饭一餐补贴多少？")
    other = "完善居家养老服务设施,符合条件的老年人家庭每户最高可获得1.2万元适老化改造补贴"
    assert not u.programme
    assert not figure_agreement(u, other, amounts(other)[0], 2024, Gazetteer()).subject
    old_age = understander.understand("高龄老人一个月能领多少？")
    own = "为70周岁以上户籍老年人每月发放200元高龄津贴"
    assert figure_agreement(old_age, own, amounts(own)[0], 2024, Gazetteer()).subject


def test_the_heading_of_a_run_of_clauses_joined_by_semicolons_names_the_figures_subject(
    understander: Understander,
) -> None:
    from assistant.agreement import sentence_figures

    u = understander.understand("银龄安康行动最多赔多少钱？")
    heading, clause = "三是实施“银龄安康行动”全国最早。", "2009年起,我市为户籍高龄老人购买老年人意外伤害保险;"
    sentence = "目前统保年龄降至60周岁,最高可获得10万元赔偿,有效提高了老年人抵御风险的能力。"
    assert any(f.subject for f in sentence_figures(u, sentence, 2021, Gazetteer(), heading + clause))
    # without the heading, nothing in the run names 银龄安康
    assert not any(f.subject for f in sentence_figures(u, sentence, 2021, Gazetteer(), clause))
