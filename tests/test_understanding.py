"""Question understanding: what is asked, about what, when, where, for whom, and whether it is a question."""

from __future__ import annotations

import datetime

import pytest

from assistant.bundled_model import BUNDLED_MODEL_NAME
from assistant.places import Gazetteer
from assistant.spelling import SpellingCorrector
from assistant.tokenizer import Tokenizer
from assistant.understanding import (
    ACTS,
    Understander,
    WordingModel,
    asking_part,
    asks,
    char_gram_counts,
    conditions_in,
    intents,
    load_act_model,
    speech_act,
)
from assistant.vocabulary import load_vocabulary

# Words "the documents use" for these unit tests; the real corpus is used by the slow tests below.
KNOWN = {"高龄津贴", "高龄", "津贴", "颐年卡", "低保", "养老机构", "养老", "机构", "材料", "申请", "岗位", "养老护理员", "入职", "一次性", "短信", "认证", "系统"}


@pytest.fixture(scope="module")
def understander() -> Understander:
    vocabulary = load_vocabulary()
    return Understander(
        vocabulary,
        Tokenizer(vocabulary),
        None,
        lambda word: 5 if word in KNOWN else 0,
        Gazetteer(),
        today=datetime.date(2026, 11, 29),
    )


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize(
    ("text", "name", "in_scope"),
    [
        ("绍兴市的高龄津贴是多少", "绍兴市", False),
        ("广州的高龄津贴", "广州", False),  # a shortened name, once on the hand list of version 0.1
        ("我老家湖南的", "湖南", False),
        ("佛山南海区的养老院", "南海区", False),
        ("南山区的长者饭堂在哪", "南山区", True),  # also a district of Hegang: Shenzhen's is meant
        ("某某县的低保标准", "某某县", False),  # Shenzhen has no counties
        ("广东省的政策", "广东省", True),
    ],
)
def test_places_come_from_the_national_table(gazetteer: Gazetteer, text: str, name: str, in_scope: bool) -> None:
    places = {p.name: p for p in gazetteer.find(text)}
    assert name in places and places[name].in_scope is in_scope


@pytest.mark.parametrize("text", ["长治久安", "区县民政部门", "县级以上", "三明治", "旧城区和已建住宅小区", "城市郊区"])
def test_everyday_words_are_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == ()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("养老院一个月多少钱", "fee"),  # a price paid
        ("深圳低保标准一个月多少钱", "amount"),  # a benefit received, not a fee
        ("民生微实事机动经费按多少比例留", "rate"),
        ("福田区2020年民生微实事一共花了多少钱", "total"),
        ("那要带什么材料", "materials"),
        ("颐年卡怎么申请", "procedure"),
        ("应该怎么给她办？", "procedure"),  # the person helped does not change what is asked
        ("清明扫墓要预约，在哪里约啊？", "procedure"),
        ("有几种办法可以办？", "list"),  # the kinds are listed
        ("啥样的社区才算老龄化社区嘛？", "definition"),
        ("“四同步”指的是哪四个同步？", "definition"),
        ("居家社区养老服务站是干啥的？", "definition"),
        ("婚姻登记处礼拜六上不上班？", "hours"),
        ("“1+4”政策文件为何迟迟未能出台？", "reason"),
        ("颐年卡丢了要怎么挂失补办？", "procedure"),
        ("护理型床位现在多不多？占了多少？", "rate"),  # a share, with 了 between
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: str) -> None:
    assert kind in intents(question)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("深圳低保标准一个月多少钱", "fee"),
        ("小区想修健身器材,能不能申请民生微实事", "procedure"),  # whether one may, not how
        ("时间银行在哪些区试点", "procedure"),  # where, not how to apply
        ("合同期内到底按哪个标准发工资？", "amount"),  # a choice of rule, not a number
        ("我们的人工是按新标准定系照旧合同计？", "count"),  # 定系: Cantonese 还是, a choice
        ("单身女生可以去医院冻卵吗？想过几年再生", "count"),  # 过几年: a time ahead, not a number asked
    ],
)
def test_kinds_not_asked_for(question: str, kind: str) -> None:
    assert kind not in intents(question)


def test_conditions_of_the_person() -> None:
    ages = [c.number for c in conditions_in("我爸85了") if c.kind == "age"]
    assert ages == [85]
    assert [c.number for c in conditions_in("我妈八十多岁了") if c.kind == "age"] == [80]
    assert {c.value for c in conditions_in("非深户的低保老人")} >= {"非深户", "低保"}


@pytest.mark.parametrize(
    ("message", "act"),
    [
        ("你们工作人员态度太差了，我要投诉", "complaint"),
        ("建议你们多建几个长者饭堂", "suggestion"),
        ("帮我查一下我妈的津贴为什么停了", "personal_case"),
        ("你好", "small_talk"),
        ("高龄津贴怎么申请？", "question"),
        ("发现邻居家小孩被打,有没有全天都能打的求助热线?", "question"),
        ("我觉得高龄津贴应该从65岁就开始发，你们能不能考虑调整一下？", "suggestion"),
        # a hotline agent relays a caller's grievance and asks a question of fact
        ("刚才有个家长打进来，说邻居家小孩经常一个人在家没人管。社区儿童主任现在有多少名？", "question"),
        ("孩子一个人在家没人管，你们到底管不管？", "complaint"),
        ("护工说话凶得很，喂饭也没耐心。你们民政管不管这个事？", "complaint"),
        ("今天下大雨，你们还要上班吗？哈哈", "small_talk"),
        # a clause that opens by asking asks; a relayed grievance with a question is a question
        ("家里老人独居,装了一键呼叫,想问半夜出事按了有没有人管,是不是全天都有人响应?", "question"),
        ("有人说去居委会开证明老被推来推去,问有没有一个清单写明哪些证明居委会不该开?", "question"),
        ("问了好几次都没人理", "complaint"),
        ("津贴以前每个月10号到账，这个月到现在都没收到。", "complaint"),
        # identifying details or one card's progress: one person's case
        ("他89岁了，身份证尾号是0312。麻烦帮我查一下是不是系统出问题了？", "personal_case"),
        ("我上个月在社区申请了颐年卡，帮我看看卡做好没有？我叫王秀英", "personal_case"),
        # kind words to the staff with nothing asked; thanks after a question leaves the question
        ("你们民政热线的小姐姐每天接这么多电话,累不累呀?辛苦啦!", "small_talk"),
        ("低保怎么申请？谢谢，辛苦了！", "question"),
        ("我提个意见啊，那个颐年卡上面的字太小了，能不能印大一点？", "suggestion"),
        ("啲职员黑口黑面，仲话我资料唔齐又唔讲清楚差乜，真系好激气！", "complaint"),
        ("哈哈你是AI吧？你能不能顺便帮我脱个单？开玩笑的哈", "small_talk"),
        # a grievance and a call on the bureau; a case told before a question asked apart; a relayed question
        ("婚姻登记预约天天约不上号，太坑了吧，你们能不能管管", "complaint"),
        ("楼里有个小孩常年没人照顾，我想找人管一管，又不知道找谁，社区能帮忙吗？", "question"),
        ("老人家说：我上个礼拜在社区交了颐年卡的申请，你帮我看看卡寄出来没有？", "personal_case"),
        ("老板想看看咱们公司排第几。请问深圳的慈善捐赠榜每年都发哪几个榜？", "question"),
        ("我想看看我的申请排第几", "personal_case"),
        ("市民问光明区是不是有个专门举报伤害小孩情况的小程序？都能报哪些事？", "question"),
        ("来电人问今天深圳是不是要刮台风，说本来打算带老人去长者服务中心玩。", "small_talk"),
        ("我们上个月在系统里报了一个困境儿童个案，能不能帮我看一下区里审核通过了没有？", "personal_case"),
        # whose help is asked: a relative's or a service at the door is a question, a check of one case is not
        ("老人高龄津贴年审在手机度搞可不可以?我儿子可不可以帮我搞", "question"),
        ("我又不会用手机，能不能叫人上门来帮我办？", "question"),
        ("麻烦帮我申请一下高龄津贴", "personal_case"),
        ("市民要求核实：其母亲这个月的高龄津贴为什么没打到颐年卡上，帮忙查下原因", "personal_case"),
        ("养老院些护工对我父亲好恶,成日闹他,你们理不理啊!", "complaint"),
        ("来电人说上次咨询的低保问题已经解决了，特意打来道声谢，没有其他事。", "small_talk"),
        ("来电人说上次咨询高龄津贴办得很顺利,特意打来感谢民政局,无其他诉求。", "small_talk"),
        ("请帮来电人查一下其母亲(福田区,89岁)这个月的高龄津贴为什么没有发放。", "personal_case"),
        ("我老公中风之后一直系我照顾，想问下有没有人可以帮我看住他等我抖下气？", "question"),
        # which number to call is asked, whatever the message tells; a relayed suggestion to build more
        ("发现有小孩被虐待或者没人管，打哪个电话报？是24小时都有人接吗？", "question"),
        ("街坊建议喺布吉嗰边多起几间长者饭堂，而家啲老人家食餐饭要行好远，麻烦登记转交。", "suggestion"),
        # a judgement on one's own case; a grievance said in passing
        ("我们协会上个月刚交了等级评估材料，你帮忙看看能不能评上5A？", "personal_case"),
        ("我个孙系非深户，屋企好困难，你话我知可唔可以批佢做困境儿童？批唔批到？", "personal_case"),
        ("婚姻登记网上预约一直约不上号，搞什么名堂，天天都满", "complaint"),
        # whether someone answers a call for help at night is a question, a grievance asks who acts
        ("家里装了那个一键呼救的东西半夜我按它有没有人管", "question"),
        ("老人被护工骂了，有没有人管？", "complaint"),
    ],
)
def test_what_the_message_is(message: str, act: str) -> None:
    assert speech_act(message) == act


def test_a_follow_up_takes_the_topic_and_conditions_of_the_earlier_turn(understander: Understander) -> None:
    u = understander.understand("那要带什么材料？", ["我爸85了每个月能领多少高龄津贴"])
    assert u.follow_up and u.understood_as == "高龄津贴"
    assert "高龄津贴" in u.text and u.asked == "materials"
    assert [c.number for c in u.conditions if c.kind == "age"] == [85]


def test_an_earlier_turn_naming_no_subject_goes_on_about_the_one_before(understander: Understander) -> None:
    turns = ["深圳的慈善信托发展得怎么样？", "2021年的时候备案了多少单、规模多大？"]
    u = understander.understand("那到2024年呢？", turns)
    assert u.follow_up and "慈善信托" in u.topic and u.years == (2024,)


def test_short_turns_asking_which_year_or_naming_nothing_specific_go_on_about_the_earlier_turn() -> None:
    known = {*KNOWN, "上线", "未成年人保护", "个案", "信息系统", "护理", "专项", "职业", "能力", "证书", "项目"}
    vocabulary = load_vocabulary()
    understander = Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5 if word in known else 0, Gazetteer(),
        today=datetime.date(2026, 11, 29),
    )
    u = understander.understand("是哪一年上线的?", ["深圳有没有专门处理未成年人保护个案的信息系统?"])
    assert u.follow_up and "未成年人保护" in u.topic  # 哪一年 asks, it names nothing
    u = understander.understand("考过了有啥好处?", ["我想考养老护理的专项职业能力证书", "都考哪几个项目?"])
    assert u.follow_up and "证书" in u.topic  # the second turn goes on about the first


def test_a_thing_names_no_topic(understander: Understander) -> None:
    u = understander.understand("那我们小区电梯老是坏，能不能用这个钱来修？", ["民生微实事是什么东西？"])
    assert u.understood_as == "民生微实事" and "东西" not in u.topic


def test_a_follow_up_for_another_year_asks_what_the_earlier_turn_asked(understander: Understander) -> None:
    u = understander.understand("那2021年呢？", ["深圳有多少家养老机构"])
    assert u.follow_up and u.years == (2021,) and "count" in u.intents


def test_a_follow_up_without_history_needs_its_topic(understander: Understander) -> None:
    u = understander.understand("那要带什么材料？")
    assert u.needs_topic and not u.follow_up


def test_a_question_with_its_own_topic_is_not_a_follow_up(understander: Understander) -> None:
    u = understander.understand("颐年卡怎么申请？", ["我爸85了每个月能领多少高龄津贴"])
    assert not u.follow_up and "颐年卡" in u.topic


def test_this_year_is_a_time_constraint_but_an_age_is_not(understander: Understander) -> None:
    assert understander.understand("今年高龄津贴标准是多少").asked_years == (2026,)
    assert understander.understand("我爸今年85了,高龄津贴有多少").asked_years == ()


def test_the_newest_figure_asked_is_this_years_but_the_newest_news_is_no_year(understander: Understander) -> None:
    assert understander.understand("孤儿基本生活养育标准现在最新是多少？").asked_years == (2026,)
    assert understander.understand("想了解民政的最新政策,有没有公众号或者网站可以关注?").asked_years == ()
    assert understander.understand("最新的2025年结婚登记数据有吗？").asked_years == (2025,)


def test_asking_whether_someone_is_in_charge_is_no_complaint_and_a_caller_asking_to_work_it_out_is_a_case() -> None:
    assert speech_act("听讲每个社区都有个儿童主任,全深圳有多少个?街道又有没有人管?") == "question"
    assert speech_act("这个月俺到底能拿多少岗位补贴?你给俺算算") == "personal_case"


def test_when_a_new_standard_applies_asks_a_time_and_a_callers_group_names_no_benefit() -> None:
    assert "amount" not in intents("她的工资什么时候能按新标准来？")
    assert "fee" in intents("长者饭堂吃一顿午饭多少钱？我爸深圳户口，是低保户")


def test_sichuanese_haojiu_asks_how_long_unless_asked_whether_it_is_long() -> None:
    assert "duration" in intents("公办养老院要排对轮候，大概要等好久才排得到嘛？")
    assert "duration" not in intents("申请临时救助是不是要等好久才批？")


def test_an_age_told_is_not_an_age_asked() -> None:
    assert "age" not in intents("高龄老人津贴分几个档次?老人年龄到了换档要不要自己去申请?")
    assert "age" not in intents("超过退休年龄的也能参加工伤保险吗？")
    assert "age" in intents("年龄有什么要求")


def test_southwestern_and_xiang_dialect_words_are_read_as_mandarin(understander: Understander) -> None:
    assert "time" in understander.understand("超过退休年龄参加工伤保险是从么子时候开始的？").intents


def test_internet_slang_is_read_as_the_words_it_stands_for(understander: Understander) -> None:
    u = understander.understand("高龄津贴肿么申请？有木有网上办的")
    assert "procedure" in u.intents and "yesno" in u.intents


def test_the_benefit_named_is_the_programme(understander: Understander) -> None:
    assert understander.understand("养老护理员每个月能领多少岗位补贴").programme in {"岗位", "岗位补贴"}


@pytest.mark.parametrize(
    ("question", "asked_about"),
    [
        ("我是湖南来深圳干了十几年的,孩子能不能在深圳参加医保?", ()),  # where the person is from
        ("我系香港人,而家住喺深圳,搭地铁系咪免费?", ()),
        ("绍兴市的高龄津贴是多少", ("绍兴市",)),
        ("我爸妈户口在东莞,东莞那边的高龄津贴一个月发多少?", ("东莞",)),  # named again as the subject
        ("盐田那家院舍有多少张床位？现在住了多少香港老人？", ()),  # people from a place, living here
        ("东莞的老人高龄津贴一个月发多少", ("东莞",)),  # no Shenzhen place named: Dongguan's benefit
        # the place "over there" asked about, though the caller is from it and lives in Shenzhen
        ("我是湖南衡阳的户口，跟儿子来深圳住了。老家衡阳那边八十岁的老人有没有高龄补贴啊？", ("衡阳",)),
        ("我是衡阳那边过来的，在深圳住了十年，高龄津贴怎么领？", ()),
        # a household registration elsewhere, no Shenzhen place named: that place's benefit
        ("有个从东莞打来的阿姨问，东莞户籍80岁的老人，高龄津贴每月能领多少？", ("东莞",)),
        ("我阿妈户口喺东莞，佢嘅高龄津贴系几多钱一个月？", ("东莞",)),
    ],
)
def test_where_a_person_comes_from_is_not_what_the_question_asks_about(
    understander: Understander, question: str, asked_about: tuple[str, ...]
) -> None:
    assert understander.understand(question).places_elsewhere == asked_about


def test_a_year_in_a_clause_that_only_tells_is_no_time_constraint(understander: Understander) -> None:
    assert understander.understand("我们协会去年评上了4A,区里有奖励吗?给多少?").asked_years == ()
    assert understander.understand("去年新增了多少张养老床位?").asked_years == (2025,)
    # a comparison with last year asks no figure of last year
    assert understander.understand("福利彩票一年能卖多少钱，比上一年涨了多少？").asked_years == ()


def test_which_came_first_or_another_way_names_no_topic() -> None:
    known = {*KNOWN, "时间银行", "公墓", "扫墓", "清明", "预约"}
    vocabulary = load_vocabulary()
    understander = Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5 if word in known else 0, Gazetteer(),
        today=datetime.date(2026, 11, 29),
    )
    u = understander.understand("最早是哪个区在试？", ["深圳搞的那个“时间银行”是什么？"])
    assert u.follow_up and "时间银行" in u.topic
    u = understander.understand("要是人在外地回不去呢，还有别的办法吗？", ["清明去深圳的公墓扫墓要预约吗？"])
    assert u.follow_up and "公墓" in u.topic
    # one rarer word of manner beside the asking words still names no subject of its own
    u = understander.understand("不想去现场挤，网上能弄吗？", ["清明去深圳的公墓扫墓要预约吗？"])
    assert u.follow_up and "扫墓" in u.topic


def test_a_benefit_named_apart_from_its_money_word() -> None:
    vocabulary = load_vocabulary()
    corpus = "对持证养老护理员按月发放岗位补贴。将养老护理员纳入入职补贴范围,最高补贴1.5万元。"
    understander = Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5 if word in corpus else 0, Gazetteer(),
        in_documents=lambda text: text in corpus, today=datetime.date(2026, 11, 29),
    )
    u = understander.understand("那刚入职的有没有一次性的补贴？最多给多少？", ["养老护理员的岗位补贴有多少?"])
    assert u.programme == "入职补贴"
    assert understander.understand("那有没有岗位补贴？", ["入职补贴有多少?"]).programme == "岗位补贴"
    # named by its stem alone in a follow-up, another benefit replaces the conversation's
    assert understander.understand("那刚入职的呢，有没有一次性的？", ["养老护理员的岗位补贴有多少?"]).programme == "入职补贴"
    # a stand-alone message whose segmentation cuts the name (入职能拿 → 入 职能 拿) still names it
    assert understander.understand("我刚毕业想去养老院干护理,听说入职能拿一笔补贴,最多能给多少?").programme == "入职补贴"
    # a word right before 的补贴 describes a benefit the documents name more fully; a tail of a
    # name the vocabulary does not hold (老人津贴 of 高龄老人津贴) names none
    assert understander.understand("听说有个居家养老的补贴，每个月多少？").programme == ""
    assert understander.understand("给老人家里做适老化改造的补贴有多少？").programme != "老人津贴"


def test_a_sentence_after_the_question_asking_for_a_year_sets_it(understander: Understander) -> None:
    u = understander.understand("市民问现在全市一共有多少家社会组织？要2026年最新的数字。")
    assert u.asked_years == (2026,)
    assert understander.understand("我妈去年申请了。高龄津贴多少钱？").asked_years == ()


def test_a_caller_saying_which_year_it_is_asks_for_now(understander: Understander) -> None:
    assert understander.understand("现在2026年了,养老护理员工资指导价是多少啊?").asked_years == (2026,)
    assert understander.understand("我妈2026年满80岁,高龄津贴有多少?").asked_years == ()


def test_a_request_names_the_year_it_wants_and_next_year_asks_the_rules_in_force(
    understander: Understander,
) -> None:
    assert understander.understand("请提供2026年度深圳市一线养老护理员工资指导价位。").asked_years == (2026,)
    assert understander.understand("评上了4A,明年能拿多少扶持?").asked_years == ()


def test_in_a_long_message_the_asking_clauses_say_what_is_asked(understander: Understander) -> None:
    story = "我跟几个朋友开了家小型养老院,电费每个月好几万,压得喘不过气。听说养老机构的水电可以按居民价格收?是真的吗?"
    assert not {"amount", "fee", "count"} & set(understander.understand(story).intents)
    assert "amount" in intents("养老院床位费,多少")  # a short question is read whole
    assert "amount" not in intents("社工薪酬应按新标准还是原合同执行?")  # a choice, not a number


def test_a_message_that_only_tells_is_not_read_as_a_question() -> None:
    assert not asks("谢谢你啊,上次问的颐年卡的事已经办好了,你们辛苦了!")
    assert asks("我想咨询一下深圳高龄津贴的政策")
    assert asks("请提供截至2026年的全市社会组织登记数量。")
    assert asks("我在写一篇关于深圳婚育的稿子，想核实一下2020到2023年深圳每年结婚登记的数量。")
    for question in ("家庭病床的护理费 医保给不给报", "社会组织是在市里登记还是区里登记", "小区门口那个养老服务驿站是干嘛的",
                     "盐田 社会组织承接街道服务职能实验 验收了没"):
        assert asks(question), question


def test_a_follow_up_for_another_district_replaces_the_earlier_one(understander: Understander) -> None:
    u = understander.understand("那福田区呢?", ["南山区对行业协会租办公室有没有补贴?"])
    assert u.follow_up and "南山区" not in u.text and "福田区" in u.text


def test_a_question_without_its_own_topic_in_a_conversation_is_a_follow_up(understander: Understander) -> None:
    u = understander.understand("全市一共设了多少个？", ["颐年卡到底是干什么用的?"])
    assert u.follow_up and "颐年卡" in u.text
    inside = understander.understand("里头都能提供哪些服务？", ["颐年卡到底是干什么用的?"])
    assert inside.follow_up and "颐年卡" in inside.text


def test_a_wage_asked_for_is_earned_not_a_fee(understander: Understander) -> None:
    u = understander.understand(
        "我在老家做过几年护工，打算来深圳的养老院上班。听说发布过养老护理员的工资指导价，一线护理员平均一个月大概多少钱？"
    )
    assert "amount" in u.intents and "fee" not in u.intents
    assert "fee" in understander.understand("养老院一个月多少钱").intents


def test_another_bureaus_matter_in_the_story_is_not_what_is_asked(understander: Understander) -> None:
    story = (
        "我爸退休了，每年要在社保那边做生存认证，同时他还领着高龄津贴，民政这边也要年审，老人家来回折腾得够呛。"
        "听说现在两边打通了，是不是只要认证一次就可以了？"
    )
    assert understander.understand(story).matters == ()
    assert understander.understand("社保怎么交？").matters == ("社保",)
    assert "户口迁来" in understander.understand("想把父亲户口迁来深圳投靠我，要办什么手续？").matters


def test_a_pronoun_or_a_dialect_demonstrative_refers_to_the_earlier_turn(understander: Understander) -> None:
    u = understander.understand("她跟家里人分开过，能不能她一个人单独申请？", ["我姨妈想申请低保，要带什么材料？"])
    assert u.follow_up and "低保" in u.text
    u = understander.understand("盐田嗰间有几多张床？", ["香港老人家想返深圳养老，边间院舍参加咗广东计划？"])
    assert u.follow_up and u.understood_as
    assert not understander.understand("其他区办颐年卡要带什么材料？", ["我爸85了每个月能领多少高龄津贴"]).follow_up


def test_a_follow_up_naming_its_own_benefit_is_not_bound_to_the_earlier_one(understander: Understander) -> None:
    u = understander.understand("那刚入职的有没有一次性的补贴？最多给多少？", ["持证养老护理员每个月的岗位补贴最高多少？"])
    assert u.follow_up and u.programme != "岗位补贴"
    u = understander.understand("那要带什么材料？", ["养老护理员岗位补贴怎么申请"])
    assert u.programme


def test_a_place_asked_about_in_a_clause_of_its_own_is_not_where_the_caller_is_from(understander: Understander) -> None:
    u = understander.understand("广州民办养老院新增一张床位政府补几多钱？同深圳一唔一样？")
    assert "广州市" in u.places_elsewhere or "广州" in u.places_elsewhere
    u = understander.understand("我老家湖南的，现在在深圳，能领高龄津贴吗？")
    assert not u.places_elsewhere
    u = understander.understand("香港老人在深圳养老有什么补贴？")
    assert not u.places_elsewhere


def test_how_long_and_what_is_counted() -> None:
    from assistant.understanding import counted_unit

    assert "duration" in intents("公办养老院轮候入住一般要排多久？")
    assert counted_unit("盐田嗰间有几多张床？") == "张" and counted_unit("要配多大面积的用房？") == "面积"
    assert counted_unit("一个站配几个直聘社工？") == "个"


def test_a_follow_ups_own_words_weigh_more_than_the_inherited_ones(understander: Understander) -> None:
    u = understander.understand("那刚入职的有没有一次性的补贴？", ["持证养老护理员每个月的岗位补贴最高多少？"])
    own_words = ("入职", "刚入职", "一次性")  # 刚入职: the callers' phrase the vocabulary maps to 入职补贴
    own = [u.weight(w) for w in u.topic if w in own_words]
    inherited = [u.weight(w) for w in u.topic if w not in own_words]
    assert own and inherited and min(own) > max(inherited)


def test_shenzhen_districts_by_their_short_names(gazetteer: Gazetteer) -> None:
    assert [p.name for p in gazetteer.find("我们是罗湖的一个协会")] == ["罗湖"]
    assert all(p.district for p in gazetteer.find("住在宝安一个老小区"))
    assert gazetteer.find("光明的未来") == ()  # an everyday word stays one
    assert not next(iter(gazetteer.find("深圳市"))).district


def test_a_bare_benefit_word_names_no_programme(understander: Understander) -> None:
    assert understander.understand("评上4A了,区里有奖励吗?给多少?").programme == ""
    assert understander.understand("养老护理员岗位补贴每月多少").programme


def test_a_documents_term_brings_the_other_terms_of_its_line(understander: Understander) -> None:
    u = understander.understand("深圳低保标准一个月多少钱")
    assert "最低生活保障" in u.terms_for("低保")


@pytest.mark.parametrize(
    ("question", "kind", "not_kind"),
    [
        ("高龄津贴每个月几号到账？", "time", "count"),  # 几号 is a date, not a number
        ("宣传周几时搞？", "time", "count"),
        ("我八十几岁了，去哪里认证？", "procedure", "age"),  # 八十几岁 tells an age
        ("护理型床位现在占多少？", "rate", "count"),
        ("其中主办和会办各占多少件？", "count", "rate"),  # a split of counts, not a share
        ("这个项目资助过多少人？", "count", "amount"),  # 资助 is money, 多少人 counts people
        ("市里到底打算怎么弄？", None, "procedure"),  # the city's plan, not a way to apply
        ("听说只要带两样东西就能办，是哪两样？", "materials", None),
        ("家庭病床都能上门搞些什么？", "list", "yesno"),  # 什么？ is no yes/no question
        ("老龄化社区是按什么标准界定的？", "definition", None),
        ("有没有养老院可以先住几天体验一下的？", None, "days"),  # a few days' stay, not how many
        ("听说水表能报警，是怎么弄的？", None, "procedure"),  # how it works, not how to apply
        ("养老院的护工去回炉培训，有补贴没", "yesno", None),  # a trailing 没 asks yes or no
        ("“无感申办”是哪天开始的？头三个月有多少老人办成了？", "count", "amount"),  # two questions, two kinds
        ("“无感申办”是哪天开始的？头三个月有多少老人办成了？", "time", None),
        ("低保户家里老人能领居家养老服务补助吗？每个月多少钱？", "amount", "fee"),  # received, said in the first
        ("我们兄妹几个商量了，深圳支不支持海葬？", None, "count"),  # the few of us, not how many
        ("颐年卡有没有客服热线？号码多少？", "phone", "count"),  # a phone number, not how many
        ("想比较几家养老院，哪里能查到床位和收费？", None, "fee"),  # where to look, not the fee
        ("我是记者，手上几份材料数字对不上。慈善信托备案了多少单？", "count", "materials"),  # the story's papers
        ("有没有地方能临时帮忙看几天老人？", None, "days"),  # a few days' care, not how many
        ("那个基线调查是哪一天正式启动的？", "time", None),
        ("高龄津贴认证没法在网上做，还有什么办法？", "procedure", None),
        ("高龄津贴80岁发多少，90岁又发多少？", "exact", None),  # one figure for each case, not the range
        ("我爸85了每个月能领多少高龄津贴", "amount", "exact"),
        ("规划对成年孤儿就业率定了什么目标？", "rate", None),  # a target share
        ("老板说工资还是按老合同来,这个说法对不对啊?", "yesno", "count"),  # 对不对 asks yes or no
        ("能否以个人名义单独申请最低生活保障？", "eligibility", "count"),  # 最低生活保障 is 低保's name
        ("第十二届中华慈善奖深圳一共有多少拿奖的?", "count", "amount"),  # winners counted, no prize money
        ("隔壁小孩经常挨打,打哪个号码?", "phone", None),
        ("问市里未成年人救助保护热线打哪个号？", "phone", None),
        ("我们社区想用微实事的钱整多几张石凳,可以做哪几类项目?", "list", "amount"),  # a few more, not how many
        ("最多几天能办好？", "days", None),
        ("请提供今年深圳市结婚登记数量。", "count", None),  # a formal request for a count
        ("护士隔几天上门处理褥疮,医保到底给不给报？", "yesno", "count"),  # every few days, not how many
        ("想去申请救助,要带些什么东西去啊?", "materials", None),
        ("我们居民要怎么提这个需求啊？", "procedure", None),  # how to put a need forward
        ("九十岁以上那一档一个月到底是多少钱？", "exact", None),  # one band of a scale
        ("福彩一年卖咗几多钱？我成日买", "total", None),  # what was sold is a total
        ("一键呼叫晚上半夜也有人接吗？", "hours", None),  # staffed at night: the hours
        ("过年婚姻登记处开不开？", "hours", None),
        ("老人要全天照看，有什么服务？", None, "hours"),  # all-day care is no opening time
        ("退休金今年涨了好多嘛?啥子时候发?", "amount", None),  # southwestern 好多 after 涨了
    ],
)
def test_what_kind_of_answer_is_asked(question: str, kind: str | None, not_kind: str | None) -> None:
    found = intents(question)
    assert kind is None or kind in found
    assert not_kind is None or not_kind not in found


def test_papers_asked_with_pingshenme_are_no_complaint_and_a_queue_place_is_a_personal_case() -> None:
    assert speech_act("口罩发放机，市民要凭什么证件领取？") == "question"
    assert speech_act("你们凭什么不给办？") == "complaint"
    assert speech_act("我阿爸旧年报咗适老化改造，而家排到第几位啊？") == "personal_case"


def test_a_conversation_keeps_its_benefit_through_a_turn_that_names_none(understander: Understander) -> None:
    history = ["高龄津贴每月发多少？", "现在是不是不用去现场申请，回个短信就行？"]
    u = understander.understand("那每年要做的认证，网上的系统是哪天开通的？", history)
    assert u.follow_up and "高龄津贴" in u.topic and "认证" in u.topic


def test_a_place_name_inside_a_phrase_of_the_documents_is_no_place() -> None:
    understander = _understander_over("三是实施“银龄安康行动”全国最早。")
    assert not understander.understand("银龄安康行动从多少岁开始统保？").places_elsewhere
    assert understander.understand("安康市的高龄津贴是多少？").places_elsewhere


def test_callers_words_stay_whole_when_segmented() -> None:
    tokens = Tokenizer(load_vocabulary()).tokenize("老人卡多大年纪可以办")
    assert "老人卡" in tokens and "卡多大" not in tokens


def test_keywords_typed_into_a_search_box_are_no_statement() -> None:
    from assistant.understanding import KEYWORDS

    assert KEYWORDS.fullmatch("十四五 社工人才 目标人数")
    assert not KEYWORDS.fullmatch("谢谢你们，上次的事办好了")


def test_asking_to_look_up_a_policy_is_no_personal_case() -> None:
    assert speech_act("麻烦帮我查一下3A、4A、5A各是多少?") == "question"
    assert speech_act("帮我查一下我妈的津贴为什么停了") == "personal_case"


def test_a_benefit_name_the_documents_never_use_binds_no_figure() -> None:
    understander = _understander_over("对持证养老护理员按月发放岗位补贴。为备案满6个月的提供不超过1万元的项目资金支持。")
    assert understander.understand("岗位津贴每月多少？").programme == "岗位"
    assert understander.understand("备案满半年的能给多少启动经费？").programme == ""


def _understander_over(corpus: str) -> Understander:
    """An understander whose documents are the given text."""
    vocabulary = load_vocabulary()
    return Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5 if word in corpus else 0, Gazetteer(),
        in_documents=lambda text: text in corpus,
    )


def test_a_follow_up_asking_its_own_yes_or_no_does_not_take_the_earlier_kind(understander: Understander) -> None:
    u = understander.understand("那还要自己跑社区去申请吗？", ["深户老人高龄津贴每个月有多少？"])
    assert u.follow_up and "amount" not in u.intents
    u = understander.understand("那2021年呢？", ["深户老人高龄津贴每个月有多少？"])
    assert "amount" in u.intents  # an ellipsis asks the earlier question again
    assert "amount" not in intents("高龄津贴年审有几种认证方式？")  # 几种 counts kinds, not money


def test_being_complained_about_is_no_complaint() -> None:
    assert speech_act("开吧怕担责任，不开又被投诉。有没有个清单写明哪些证明居委会不该开？") == "question"



def test_asking_the_bureau_to_decide_or_waive_in_ones_own_case_is_a_personal_case() -> None:
    assert speech_act("我低保申请被驳回了，说是家庭收入超标，能不能帮我看看到底哪里超了？") == "personal_case"
    assert speech_act("我爸在养老院欠了三个月费用，你们能不能先帮我们把费用减免了？") == "personal_case"
    assert speech_act("我一个人带俩娃、月收入三千出头，你帮我看看到底够不够条件，能不能给我重新批？") == "personal_case"
    assert speech_act("低保申请被驳回了可以再申请吗？") == "question"
    # an organisation's own application sent back is one case too
    assert speech_act("我们养老院上个月报的运营补贴被退回了，能帮忙看下吗？") == "personal_case"
    assert speech_act("烦请核实本单位是否被列入活动异常名录") == "personal_case"
    assert speech_act("怎么查询社会组织是否被列入活动异常名录？") == "question"


def test_one_applications_progress_is_a_personal_case_and_a_child_alone_no_complaint() -> None:
    assert speech_act("我申请适老化改造都两个月了，现在到哪一步了？帮我看看") == "personal_case"
    assert speech_act("我们协会报的等级评估没有结果，能不能帮我们查一下卡在哪个环节了？") == "personal_case"
    assert speech_act("帮我看看低保标准是多少") == "question"
    assert speech_act("发现小孩没人管，打什么电话求助") == "question"
    assert speech_act("反映了好几次，这事一直没人管") == "complaint"
    assert asks("养老院的护工去回炉培训，有补贴没")


def test_a_way_to_apply_for_nothing_named_refers_to_the_conversation(understander: Understander) -> None:
    u = understander.understand("去哪办？行动不便能上门吗", ["颐年卡是什么卡？"])
    assert u.follow_up and "颐年卡" in u.topic
    assert not understander.understand("在哪里办理颐年卡？", ["低保标准是多少？"]).follow_up


def test_asking_where_to_report_is_no_complaint_and_passing_the_buck_is_one() -> None:
    assert speech_act("楼上邻居老是打小孩，我想举报，该打哪个电话？") == "question"
    assert speech_act("我要举报这家养老院") == "complaint"
    assert speech_act("社区说归街道管，街道又叫我问区里，你们这样推来推去像话吗？") == "complaint"


def test_a_turn_naming_only_who_pays_or_what_to_bring_goes_on_about_the_earlier_topic(knowing: Understander) -> None:
    understander = knowing
    u = understander.understand("那哪些老人可以申请？", ["适老化改造是什么？", "政府有补贴吗？"])
    assert u.follow_up and "适老化改造" in u.topic
    u = understander.understand("要不要带户口本去社区交材料?", ["我爸满70周岁了,高龄津贴要怎么申请?"])
    assert u.follow_up and "高龄津贴" in u.topic
    assert not understander.understand("要不要带户口本去社区交材料?").follow_up
    assert understander.understand("要不要带户口本去社区交材料?").needs_topic is False  # papers alone name a topic


def test_a_question_repeating_the_earlier_turns_words_goes_on_about_it(knowing: Understander) -> None:
    understander = knowing
    history = ["前海国际税务师大厦对入驻的行业商协会有租金支持吗？", "2024年入驻的按多少给？"]
    u = understander.understand("如果是2025年才入驻的呢？按什么标准？", history)
    assert u.follow_up and "租金" in u.topic and u.years == (2025,)
    assert not understander.understand("低保怎么申请？", ["高龄津贴多少钱？"]).follow_up


def test_a_price_asked_after_a_benefit_is_the_benefit_received(understander: Understander) -> None:
    u = understander.understand("咁每个月有几多钱？", ["深圳高龄津贴几多岁先有得领？"])
    assert "amount" in u.intents and "fee" not in u.intents
    assert "fee" in understander.understand("养老院每个月要几多钱？").intents


def test_a_worry_and_a_request_to_act_on_one_case() -> None:
    worry = "她有高血压,我有点担心她在那边身体出状况没人管。想问下日照中心是不是跟社康有合作?"
    assert speech_act(worry) == "question"
    assert speech_act("适老化改造装的那个一键呼叫，要是半夜按了，有没有人管？") == "question"
    assert speech_act("补贴三个月了还没到账，有没有人管？") == "complaint"
    assert speech_act("我们协会被列进活动异常名录,能不能帮我们移出来?") == "personal_case"
    assert speech_act("民政那边有没有什么调解的服务可以帮我们？") == "question"
    assert speech_act("有没有什么基金可以帮我们这种非深户的小孩？") == "question"
    assert speech_act("预约一开放就约满了,你们能不能重视一下?真的很影响心情。") == "complaint"
    assert speech_act("每次去医院都要叫车抬下楼，太折腾了。可以在家里建病床吗？") == "question"


def test_questions_without_a_question_word() -> None:
    assert intents("老人津贴每年那个认证，在手机上能弄不") == ("yesno",)
    assert "amount" in intents("居家养老那个补助一个月给好多")
    assert "procedure" in intents("个津贴年审点搞啊")
    assert asks("我今年刚满60，能办那个颐年卡不")
    assert not intents("社区里好多老人")


def test_a_year_naming_a_title_or_edition_asks_for_no_year(understander: Understander) -> None:
    assert understander.understand("《深圳幸福养老服务指南》(2023版)在哪里可以查阅?").years == ()
    assert understander.understand("2023年全市有多少家养老机构?").years == (2023,)
    assert understander.understand("现在（2026年）全市养老床位一共有多少张？").years == (2026,)


def test_bands_of_a_rule_are_counted() -> None:
    assert intents("高龄津贴分几个档次发的?") == ("count",)
    assert "amount" in intents("高龄津贴几多钱?")
    assert "eligibility" in intents("来电人父亲68岁深户，问可否申请居家适老化改造资助")
    assert "progress" in intents("民政部验收了没有？")


def test_who_decides_is_asked_apart_from_who_may_apply() -> None:
    assert "who" in intents("那评议和立项最后是谁拍板的？")
    assert "who" in intents("深圳市老龄委现在归哪个部门管？")
    assert "who" not in intents("谁能申请高龄津贴？")


def test_a_worry_beside_the_question_asks_no_way() -> None:
    worry = "老板讲我超龄了买不了工伤保险，万一摔了咋办？像我这样超过退休年龄的人到底能不能参加工伤保险？"
    assert "procedure" not in intents(asking_part(worry))
    assert "procedure" in intents(asking_part("要是不会用手机怎么办？"))


def test_how_old_one_must_be_is_an_age_asked() -> None:
    assert "procedure" in intents("但他不会用智能手机，那咋整？")
    assert "age" in intents("那排查的是多大以下的孩子？")
    assert "age" not in intents("社区长者饭堂的面积有多大？")


def test_a_phone_number_asked_in_other_words() -> None:
    assert "phone" in intents("办颐年卡有什么咨询电话可以打？")
    assert "phone" in intents("有冇热线电话可以打？")


def test_a_sentence_closed_by_a_full_stop_tells_when_others_ask() -> None:
    story = "我们刚起步没什么钱，租不起办公室。想问问孵化基地能提供什么帮助？什么样的机构能进去？"
    assert "amount" not in intents(asking_part(story)) and "minimum" not in intents(asking_part(story))
    assert "amount" in intents(asking_part("我妈85岁了。高龄津贴多少钱"))  # no question mark: all of it


def test_what_is_planned_and_how_far_a_paper_is_issued_ask_progress() -> None:
    assert "progress" in intents("贵局对于设立“深圳市社会组织宣传周”的建议，目前有何安排？")
    assert "progress" in intents("请问那4个配套文件目前印发情况如何？")


def test_ways_steps_and_how_one_is_told_are_procedures() -> None:
    for question in ("请问这个卡有哪几种办法可以办？", "一个项目要走些啥子程序才做得成嘛？", "系统那边是怎么通知到人的？"):
        assert "procedure" in intents(question), question


def test_who_may_is_asked_of_organisations_and_by_what_counts() -> None:
    assert "eligibility" in intents("社会组织孵化基地什么样的组织才能进去？")
    assert "eligibility" in intents("困境儿童排查会不会把这种流动儿童也算进去？")


def test_a_clause_reporting_what_someone_said_asks_nothing_when_another_asks() -> None:
    relayed = "社区书记打电话来，说今年民生微实事有几个项目做完还剩了点钱，社区基金会那边正好缺经费，问能不能把这笔结余直接转给社区基金会用。"
    assert "amount" not in intents(asking_part(relayed)) and "yesno" in intents(asking_part(relayed))
    assert "amount" in intents(asking_part("说明一下高龄津贴每个月多少钱"))  # 说明 requests


def test_whether_one_pays_at_all_asks_a_fee() -> None:
    for question in ("办卡要交工本费吗?", "那办这个卡要不要交钱？", "考证要自己交钱吗？", "使唔使畀钱？"):
        assert "fee" in intents(question), question
    assert "fee" not in intents("有什么补贴吗？")


def test_a_card_named_by_its_head_noun_goes_on_about_the_earlier_turn(knowing: Understander) -> None:
    u = knowing.understand("办卡要交工本费吗?", ["智慧养老颐年卡是干什么用的?"])
    assert u.follow_up and any("颐年卡" in w for w in u.topic)
    assert not knowing.understand("低保怎么申请？", ["智慧养老颐年卡是干什么用的?"]).follow_up


def test_a_place_name_beside_a_typo_inside_a_documents_phrase_is_no_place() -> None:
    understander = _understander_over("三是实施“银龄安康行动”全国最早。")
    assert not understander.understand("银玲安康行动是啥？").places_elsewhere
    assert understander.understand("我老家陕西安康，那边高龄津贴多少").places_elsewhere


def test_a_place_name_right_after_a_sound_alike_typo_of_a_documents_phrase_is_no_place() -> None:
    corpus = "三是实施“银龄安康行动”全国最早。"
    vocabulary = load_vocabulary()
    speller = SpellingCorrector({}, corpus)
    understander = Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 5 if word in corpus else 0, Gazetteer(),
        in_documents=speller.occurs, heard_in_documents=speller.heard,
    )
    # 银铃安康 sounds like the documents' 银龄安康 (the 行动 that would show it is left out)
    assert not understander.understand("银铃安康那个老人意外险，最多能赔几多").places_elsewhere
    assert understander.understand("陕西安康的老人有高龄津贴吗").places_elsewhere


def test_asking_the_rule_in_a_sentence_of_its_own_is_no_complaint() -> None:
    story = "窗口让我回社区开证明，两边踢皮球，跑了三趟。想问下是不是有规定哪些证明社区能开？"
    assert speech_act(story) == "question"
    assert speech_act("你们踢皮球，有没有规定管管？") == "complaint"


def test_an_ellipsis_naming_another_of_the_documents_subjects_replaces_the_earlier_one(
    knowing: Understander,
) -> None:
    u = knowing.understand("那颐年卡呢，又去哪里办？", ["我爸80了，高龄津贴是不是要带材料去社区申请？"])
    assert u.follow_up and "高龄津贴" not in u.topic and "颐年卡" in u.topic
    u = knowing.understand("那非深户的呢？", ["高龄津贴每个月多少？"])
    assert "高龄津贴" in u.topic  # a condition of the person, not another subject


def test_a_short_question_of_common_words_goes_on_about_the_conversation(understander: Understander) -> None:
    u = understander.understand("一共资助过多少人?", ["听说深圳有个颐年卡,是干嘛的?"])
    assert u.follow_up and "颐年卡" in u.topic
    assert not understander.understand("低保怎么申请？", ["颐年卡是干嘛的?"]).follow_up  # a subject of its own


def test_whose_remit_is_no_complaint_and_a_fierce_carer_is_one() -> None:
    assert speech_act("民政管不管志愿服务记录和证明出具这一块?") == "question"
    assert speech_act("你们到底管不管？") == "complaint"
    assert speech_act("护工态度还特别凶,我多问两句就甩脸色。太气人了!") == "complaint"


def test_an_award_is_no_money_and_a_hotline_number_is_a_topic(
    understander: Understander,
) -> None:
    assert "amount" not in intents("鹏城慈善奖2023年是第几届?有几家企业被表彰?")
    assert "amount" in intents("评上4A能奖多少钱")
    assert not understander.understand("12355是个什么热线啊").needs_topic
    assert speech_act("那里能不能帮我们老人量量血压、做做体检啊") == "question"
    assert speech_act("我阿妈的高龄津贴已经三个月没有到账啦") == "complaint"  # 冇 after the dialect step


def test_which_typed_as_that_is_read_as_which_only_when_nothing_else_asks(understander: Understander) -> None:
    u = understander.understand("长者饭堂是那年开始搞的")
    assert u.intents == ("time",) and "哪年" in u.text
    assert "那年" in understander.understand("就是那年开始搞的，现在有多少家？").text  # 多少 asks already
    assert asks("来电人询问目前全市慈善信托备案数量")  # a relayed ask without a question word


def test_an_a_not_a_truth_question_and_a_paying_word_of_its_own(knowing: Understander) -> None:
    assert "yesno" in intents("听人讲返去就冇晒福利，真唔真？")
    u = knowing.understand("社会人员报名参加要交钱吗?")
    assert "交钱" not in u.topic + u.unknown_words  # it asks; it names nothing of its own


def test_a_long_follow_up_naming_another_subject_keeps_only_the_person(knowing: Understander) -> None:
    earlier = "我姨妈是香港人,住在深圳,六十多岁了,她能不能免费坐公交地铁?"
    u = knowing.understand("那她平时想了解深圳的养老政策,有没有专门给香港老人咨询的地方?", [earlier])
    assert not u.understood_as and "公交" not in u.text
    u = knowing.understand("那我妈才65岁，不过中风以后中度失能了，她也能申请吗？", ["居家适老化改造的资助对象有哪些？"])
    assert u.follow_up  # 失能 is the person's condition, no subject of its own


def test_thanks_that_ask_nothing_are_small_talk() -> None:
    assert speech_act("谢谢你哈，上次问的颐年卡已经办下来了，我妈开心得不得了！") == "small_talk"
    assert speech_act("来电人说上次咨询的津贴已经解决了，专门打过来说一声谢谢民政局") == "small_talk"
    assert speech_act("谢谢，高龄津贴多少钱") == "question"
    assert speech_act("感谢民政局的支持，我们想申请民生微实事项目") == "question"  # a request


def test_what_a_term_covers_and_whether_a_thing_is_out_yet() -> None:
    for question in ("啥叫老龄化社区啊？", "老龄化社区系点样计㗎?", "困境儿童到底指哪些孩子？"):
        assert "definition" in intents(question), question
    assert "definition" not in intents("十四五规划怎么计划的？")
    assert "progress" in intents("深圳的慈善条例出了没啊?")


def test_what_one_gets_a_month_is_no_price_and_a_reported_standard_asks_nothing() -> None:
    assert "fee" not in intents("我想问下每个月大概有多少钱?")
    assert "fee" in intents("养老院一个月要多少钱？")
    story = "她的合同还有半年才到期，机构说新的打包费标准要等续签以后才执行，想问政策上到底怎么规定的？"
    assert "标准" not in asking_part(story)
    assert "今年的标准" in asking_part("现在孤儿每个月养育费发多少？今年的标准")


def test_what_one_pays_without_saying_money() -> None:
    assert {"amount", "fee", "minimum"} <= set(intents("灵活就业人员交城乡居民养老保险一个月最低交多少？"))
    assert "fee" not in intents("交多少人的名单？")


def test_a_year_asked_by_a_trailing_not(knowing: Understander) -> None:
    assert knowing.understand("2025年深圳结婚登记数出来没，有多少对？").years == (2025,)
    assert knowing.understand("2021年我递交了材料，现在能领多少？").years == ()  # told, not asked


def test_a_suggestion_said_so_weather_talk_and_an_employer_granting_leave() -> None:
    assert speech_act("我有个建议：高龄津贴能不能从65岁就开始发？你帮我转给领导。") == "suggestion"
    assert speech_act("帮我查下明天深圳会不会下暴雨，社区的户外长者活动要不要取消？") == "small_talk"
    assert speech_act("我爸住院了，我是独生子，单位能给我批护理假吗，一年最多几天？") == "question"
    assert speech_act("我的低保申请都三个月了，能不能给我批一下？") == "personal_case"
    assert speech_act("他那个高龄津帖到底能不能批下来？你直接告诉我批还是不批。") == "personal_case"
    assert speech_act("我们协会年报交晚了被列入活动异常名录，能不能把我们移出来？") == "personal_case"
    assert speech_act("帮我推荐下深圳哪家婚纱摄影性价比高？") == "small_talk"
    assert "count" in intents("现在深圳一共有好多社工咯？")  # 好多 = 多少 after 一共
    assert "count" not in intents("听说有好多人排队，要预约吗？")


def test_a_turn_telling_only_the_persons_conditions_goes_on_about_the_earlier_topic(knowing: Understander) -> None:
    u = knowing.understand("我妈68岁，深圳户口，能办不？", ["屋企老人想做适老化改造，深圳有补贴冇？"])
    assert u.follow_up and "适老化改造" in u.text
    assert {c.kind for c in u.conditions} >= {"age", "hukou"}


def test_people_from_a_place_living_in_the_conversations_shenzhen_place(knowing: Understander) -> None:
    u = knowing.understand("那现在里面住了多少老人？香港籍的有多少？", ["深圳复康会颐康院在哪个区？有多少张床位？"])
    assert u.follow_up and not u.places_elsewhere
    u = knowing.understand("那东莞呢？", ["深圳的高龄津贴每月多少钱？"])
    assert u.places_elsewhere == ("东莞",)


def test_where_to_go_for_a_service_is_a_way_to_get_it() -> None:
    assert "procedure" in intents("那要到哪里去建床、享受这个服务？")
    assert "procedure" in intents("去哪里申请？")
    assert "phone" in intents("半夜见到街边有个小孩没有大人管，可以打谁电话？")


def test_over_there_in_a_later_clause_asks_about_the_home_place(knowing: Understander) -> None:
    assert "达州" in knowing.understand("我回四川达州老家，那边低保一个月好多钱？").places_elsewhere
    assert not knowing.understand("我老家湖南的，在深圳住了十年，高龄津贴能领吗？").places_elsewhere


def test_asking_the_bureau_to_look_into_pick_for_or_explain_ones_own_case() -> None:
    assert speech_act("我爸高龄津贴这个月少发了两百，是咋回事？") == "personal_case"
    assert speech_act("我老伴去世了，他的颐年卡里的津贴要退吗？你帮我查查") == "personal_case"
    assert speech_act("阿嫲90岁 住边间养老院好啲 帮我揀") == "personal_case"
    assert speech_act("帮我查查高龄津贴标准是多少") == "question"


def test_a_choice_or_an_insistent_question_asks_without_a_question_mark() -> None:
    assert asks("老龄工作而家归卫健定系民政管")
    assert asks("听人讲光明区有个两床融合 究竟系点运作㗎")


def test_a_clause_ending_in_de_names_who_the_next_asks_about(knowing: Understander) -> None:
    assert knowing.understand("今年做养老护工的，政府公布的那个参考工资涨到几多了？").this_year == 2026
    assert "count" in intents("今年深圳结婚的有好多对？")  # 有好多 before what is counted, asked
    assert "count" not in intents("有好多人去吗？")
    assert speech_act("深圳哪家早茶好吃，推荐一下") == "small_talk"


def test_free_told_asks_no_money_and_magnitude_asked_by_a_not_a() -> None:
    assert intents("敬老优待一共有几样啊?除了坐车不要钱还有啥") == ("count",)
    assert "fee" in intents("坐车要不要钱？")
    assert "count" in intents("今年深圳结婚登记的人多不多？")
    assert "phone" in intents("有没有24小时都能打的未成年人救助保护热线？")
    assert speech_act("来电人说他爸的高龄津贴上个月没到账，问是不是被停发了") == "personal_case"
    assert speech_act("他的高龄津贴怎么申请") == "question"
    assert speech_act("我们协会想买点理财，最近哪个基金收益好一点？给推荐推荐。") == "small_talk"


def test_cantonese_ji_before_an_adjective_and_a_report_written_ask_no_count_or_papers() -> None:
    assert "count" not in intents("有个公益节目几好听，佢唔记得叫咩名，系边个栏目呀？")
    assert "count" in intents("有几多间院舍？")
    assert "materials" not in intents("那个基线调查是哪天正式启动的？街道要写材料用")
    assert "materials" in intents("要准备什么材料？")


def test_what_has_been_given_so_far_is_a_total_and_a_pension_is_money() -> None:
    assert "total" in intents("那到现在帮过多少社工、给了多少钱？")
    assert "amount" in intents("今年退休金涨了没有啊，涨好多？")
    assert "yesno" in intents("那护理那块的钱医保报不报?")
    assert speech_act("你们民政热线的小姐姐每天接这么多电话,累不累呀?辛苦啦!") == "small_talk"


def test_someone_else_doing_it_for_one_is_a_rule_but_a_decision_or_guarantee_on_one_case_is_a_case() -> None:
    assert speech_act("高龄津贴那个年审 在手机上哪里弄 我儿子不在身边 别人能不能帮我弄") == "question"
    assert speech_act("一个居民的低保上个月被停了，他说家里情况没变，问能不能马上给他恢复") == "personal_case"
    assert speech_act("一家社工机构报了个儿童关爱项目，问能不能保证入选鹏城慈善项目库") == "personal_case"
    assert speech_act("儿子问能不能批适老化改造资助，麻烦直接给个能不能批的结论") == "personal_case"
    assert speech_act("居民想把小区旁边那块空地改成老年门球场，想请民政局采纳一下") == "suggestion"


def test_a_part_read_across_a_word_the_documents_never_use_is_no_topic() -> None:
    vocabulary = load_vocabulary()
    unknown = {"邻居家", "坐地铁"}
    understander = Understander(
        vocabulary, Tokenizer(vocabulary), None, lambda word: 0 if word in unknown else 5, Gazetteer(),
        today=datetime.date(2026, 11, 29),
    )
    known, _ = understander.topic_words("发现邻居家小孩被打")
    assert "居家" not in known  # 邻居家 reads 邻居 家
    known, _ = understander.topic_words("他坐地铁要不要钱")
    assert "地铁" in known and "坐地" not in known  # 坐地铁 reads 坐 地铁
    known, _ = understander.topic_words("邻居家的老人想申请居家养老")
    assert any("居家" in w for w in known)  # said on its own elsewhere


def test_asking_when_is_no_definition() -> None:
    assert "definition" not in intents("深圳那个养老服务条例是啥时候开始实行的哦")
    assert "time" in intents("深圳那个养老服务条例是啥时候开始实行的哦")
    assert "definition" in intents("无感申办是啥？")


def test_character_grams_are_cut_as_scikit_learn_cuts_them() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = "我个女系社工，佢可唔可以申请  安居房㗎？ OK"
    analyzer = CountVectorizer(analyzer="char", ngram_range=(1, 2)).build_analyzer()
    expected: dict[str, int] = {}
    for gram in analyzer(text):
        expected[gram] = expected.get(gram, 0) + 1
    assert char_gram_counts(text, (1, 2)) == expected


def test_the_wording_model_weighs_grams_by_sublinear_tf_idf_beside_the_embedding() -> None:
    import numpy as np

    grams = {"帮": 0, "帮我": 1, "我": 2}
    model = WordingModel(
        grams, np.array([1.0, 2.0, 1.0]), (1, 2),
        gram_coef=np.array([[0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]), vector_coef=np.zeros((2, 4)), intercept=np.zeros(2),
    )
    # 帮我 once: weights (1, 2, 1) over 帮, 帮我, 我, l2-normalised; only 帮我 moves the second act
    z = model.logits(np.zeros(4), "帮我")
    assert z[0] == 0.0 and abs(z[1] - 3.0 * 2.0 / np.sqrt(6.0)) < 1e-9
    assert not model.logits(np.zeros(4), "申请").any()  # no known gram: the embedding's part alone


def test_the_shipped_act_model_decides_with_the_wording_of_the_message() -> None:
    model = load_act_model(BUNDLED_MODEL_NAME)
    assert model is not None and model.wording is not None and model.acts == ACTS
    assert len(model.wording.grams) == model.wording.gram_coef.shape[1] == len(model.wording.idf)



def test_a_requirement_of_area_asks_a_figure() -> None:
    assert "count" in intents("深圳对新建小区配套养老设施到底有没有面积要求？")



def test_asking_whoever_reads_to_judge_ones_case_is_a_personal_case_and_not_having_applied_no_complaint() -> None:
    assert speech_act("我妈深户七十了，她能不能批低保？你帮我判断一下") == "personal_case"
    assert speech_act("我妈能自己吃饭但走不了路,你帮我判断下她算中度失能还是重度失能?") == "personal_case"
    assert speech_act("我爸七十八了腿脚不好 颐年卡一直没办 都有啥办法能办啊") == "question"
    assert speech_act("跑了三趟社区,一直没给办") == "complaint"


def test_a_standard_in_force_now_is_this_years_but_whether_it_rose_is_not(understander: Understander) -> None:
    assert understander.understand("现在深圳低保标准是多少一个月？").asked_years == (2026,)
    assert understander.understand("那现在的标准提高了没有？").asked_years == ()
    assert understander.understand("深圳现在有多少家医养结合机构？").asked_years == ()  # the newest count answers


def test_a_services_guide_price_is_paid_and_a_wages_is_earned(understander: Understander) -> None:
    assert "fee" in understander.understand("上门助浴一次指导价多少钱？").intents
    assert "fee" not in understander.understand("一线养老护理员工资指导价是多少？").intents
    assert "fee" not in understander.understand("一线养老护理员人工指导价几多钱一个月？").intents


def test_a_cantonese_what_things_examined_is_a_list_not_papers() -> None:
    # 考边几样嘢 as the dialect table reads it
    assert "materials" not in intents("养老护理那个专项职业能力考核,考哪几样东西?")
    assert "list" in intents("养老护理那个专项职业能力考核,考哪几样东西?")
    assert "materials" in intents("要带几样东西去社区？")


def test_a_follow_up_names_its_topic_without_the_persons_state(knowing: Understander) -> None:
    u = knowing.understand(
        "那要咋个申请嘛,网上能弄不?", ["家里老人六十五岁,中度失能,深圳户口,能申请适老化改造不?", "那最多补得到好多钱?"]
    )
    assert u.understood_as == "适老化改造"
    assert "失能" in {c.value for c in u.conditions}


def test_one_cases_outcome_or_the_reader_asked_to_look_at_it_is_a_personal_case() -> None:
    assert speech_act("我们机构今年申请3A评估，能不能评上？") == "personal_case"
    assert speech_act("我七十五,两套房,仔喺香港,你睇下我可唔可以入公办养老院?") == "personal_case"
    assert speech_act("什么样的社会组织能评上5A？") == "question"
    assert speech_act("你看一下他们这个政策是什么意思") == "question"


def test_an_age_just_reached_this_year_asks_no_years_figure(understander: Understander) -> None:
    assert understander.understand("我老头子今年刚满七十 户口是深圳的 那个高龄津贴一个月能拿多少啊").asked_years == ()
    assert understander.understand("我妈今年满80了，高龄津贴多少？").asked_years == ()
    assert understander.understand("今年高龄津贴多少？").asked_years == (2026,)


def test_the_first_or_last_of_those_named_is_taken_from_the_conversation(understander: Understander) -> None:
    u = understander.understand("那家现在住了多少香港老人？", ["“广东计划”里深圳有哪几家养老院？", "最早那家是哪年加入的？"])
    assert u.follow_up
    assert understander.understand("最早那家是哪年加入的？").needs_topic


def test_a_word_cut_into_an_a_not_a_question_or_a_verbs_result_is_no_topic(understander: Understander) -> None:
    u = understander.understand("社会上的人去考要不要交钱？")
    assert "考要" not in u.unknown_words
    assert "下来" not in understander.understand("办下来要交钱不？工本费啥的").topic


def test_a_relative_doing_it_for_one_is_a_rule() -> None:
    assert speech_act("年审人不在深圳的话能在网上弄吗？家里人能不能帮忙代办？") == "question"
    assert speech_act("能不能帮忙代办一下我的认证？") == "personal_case"


def test_another_place_asked_after_a_comma_in_a_sentence_naming_shenzhen_is_asked_about(understander: Understander) -> None:
    u = understander.understand("儿子在惠州给我们买了房。在深圳坐公交不要钱的，我想问问惠州那边老人坐公交也免费吗？")
    assert [p.name for p in u.places if not p.in_scope and not p.origin] == ["惠州"]
    u = understander.understand("我老家是惠州的，在深圳住了十年，深圳的老人坐公交免费吗？")
    assert all(p.origin for p in u.places if not p.in_scope)


def test_asking_the_reader_for_the_verdict_on_ones_case_is_a_personal_case() -> None:
    assert speech_act("我儿子智力残疾二级，能不能领重度残疾人护理补贴？你直接告诉我能还是不能") == "personal_case"
    assert speech_act("听说现在有家庭养老床位，你能不能直接给我们家批一个？") == "personal_case"
    assert speech_act("你能告诉我能不能网上申请低保吗？") == "question"


def test_a_price_like_clause_after_a_story_of_pay_or_a_benefit_asks_what_is_received(understander: Understander) -> None:
    earned = understander.understand("我妈五十出头,想去养老院当护理员,深圳这行一个月大概能挣多少钱啊?")
    assert "amount" in earned.intents and "fee" not in earned.intents
    benefit = understander.understand("我是深圳户口的老人,中风以后不能自理了,听人讲政府每个月有补助给我们买服务,一个月是多少钱?")
    assert "amount" in benefit.intents and "fee" not in benefit.intents
    assert "fee" in understander.understand("我妈想住养老院,一个月是多少钱?").intents


def test_who_helps_the_caller_names_no_subject_of_a_follow_up(understander: Understander) -> None:
    u = understander.understand("我眼睛不好使,能叫我女儿帮我弄吗?", ["颐年卡怎么申请？"])
    assert u.follow_up and "颐年卡" in u.text


def test_this_year_in_a_supposed_case_asks_no_years_figure(understander: Understander) -> None:
    assert understander.understand("要是今年评上4A级,区里第二年给多少钱扶持?").asked_years == ()
    assert understander.understand("今年4A级的给多少钱扶持?").asked_years != ()


def test_whether_they_take_money_asks_a_fee_and_laughter_after_a_question_is_no_small_talk() -> None:
    assert "fee" in intents("那办卡要收钱吗？")
    assert speech_act("听说要搞宣传周？啥时候开始 我们想去凑个热闹哈哈") == "question"
    assert speech_act("你真逗哈哈") == "small_talk"
    assert speech_act("有人开玩笑说民政局能不能给他介绍个对象，哈哈。") == "small_talk"


def test_what_happened_to_the_caller_this_year_asks_no_years_figure(understander: Understander) -> None:
    assert understander.understand("我们协会今年评上4A了,有没有钱奖励?多少?").asked_years == ()
    assert understander.understand("孙女今年入幼儿园,一个月补多少?").asked_years == ()
    assert understander.understand("今年的高龄津贴标准是多少?").asked_years != ()


def test_a_relative_permitted_to_do_it_is_a_rule_but_one_handed_over_is_a_case() -> None:
    told = "来电人说她父亲88岁，高龄津贴每年要年审，她在外地上班回不来，这个资格认证还有什么办法？家属能不能帮忙办？"
    assert speech_act(told) == "question"
    assert speech_act("有个社工机构负责人让我们帮他查一下他们机构今年的等级评估结果出来了没有。") == "personal_case"


def test_writing_something_is_small_talk_and_a_queue_number_is_a_personal_case() -> None:
    assert speech_act("帮我写个请假条，孩子发烧要请两天假。") == "small_talk"
    assert speech_act("公租房轮候排到多少号了在哪查") == "personal_case"
    assert speech_act("帮我查一下写申请书要准备什么材料") == "question"


def test_keywords_with_a_space_ask_a_phone_number() -> None:
    assert "phone" in intents("青少年心理求助热线 号码")


def test_whether_it_came_out_followed_by_when_asks_progress() -> None:
    assert "progress" in intents("社工若干措施那几个配套文件出了没有什么时候印发的")
    assert "progress" not in intents("出了事没有人管吗")


def test_hong_kong_dollars_are_money_asked() -> None:
    assert "amount" in intents("香港那边的长者院舍照顾服务券，一张券值多少港币？")


def test_judging_someone_elses_case_or_demanding_the_verdict_is_a_personal_case() -> None:
    assert speech_act("一位72岁的深户阿婆，名下有套房子，她能不能批低保？帮她判断一下。") == "personal_case"
    assert speech_act("我妈中度失能，我们家这种能不能批适老化改造？你直接告诉我批不批") == "personal_case"
    assert speech_act("适老化改造怎么申请？批不批要多久？") == "question"


def test_asking_to_have_more_of_something_put_in_is_a_suggestion() -> None:
    assert speech_act("你们能不能跟公园说一声多放几根板凳嘛，我们老年人走一截路就累了") == "suggestion"


def test_a_search_naming_the_figure_or_date_it_wants_last_asks_it() -> None:
    assert "time" in intents("《深圳市承接政府职能转移和购买服务社会组织推荐目录编制管理办法》的印发日期")
    assert "rate" in intents("七普 深圳 60岁以上常住人口 占比")
    assert "time" not in intents("办事时间紧")


def test_whether_there_is_a_hotline_asks_a_phone_number() -> None:
    assert "phone" in intents("这种婚恋平台去哪投诉？有热线吗")


def test_a_search_naming_the_event_then_time_asks_a_date() -> None:
    assert "time" in intents("深圳市未成年人保护个案管理系统 上线时间")
    assert "time" in intents("颐年卡线上申请功能开通时间")
    assert "time" not in intents("我没有时间")


def test_a_lot_spent_in_a_story_asks_no_money() -> None:
    found = intents("我爸住院花了好多钱，家里困难得很，想申请救助，要准备啥子材料嘛？")
    assert "materials" in found and "amount" not in found
    assert "amount" in intents("去年一共花了好多钱？")


def test_a_dialect_whether_there_is_a_line_to_call_asks_a_phone_number() -> None:
    assert "phone" in intents("阮孙仔心情唔好，有无专门帮后生仔个电话通拍？")
    assert "phone" in intents("有冇专门管老人嘅热线？")


def test_money_not_yet_on_the_card_and_calling_it_absurd_are_grievances() -> None:
    assert speech_act("你们这个养老补贴怎么回事，到现在还没打到我卡上，是不是停了？") == "complaint"
    assert speech_act("社区还要我证明我妈是我妈，这岂不是太离谱?") == "complaint"
    assert speech_act("高龄津贴一般几号打到卡上？") == "question"


def test_a_feature_asked_for_and_passed_on_upwards_is_a_suggestion() -> None:
    assert speech_act("颐年卡能不能加个语音播报功能？你同上面讲声") == "suggestion"
    assert speech_act("麻烦跟上面反映一下，长者饭堂能不能多开几家") == "suggestion"
    assert speech_act("颐年卡可以加载哪些功能？") == "question"


def test_what_a_term_means_names_no_topic(understander: Understander) -> None:
    assert "定义" not in understander.understand("老龄化社区是咋定义的?").topic
    assert "还要" not in understander.understand("社团注销现在还要等几天").topic


def test_a_count_by_the_measure_word_of_sites() -> None:
    from assistant.understanding import counted_unit

    assert counted_unit("深圳一共有多少座公墓？") == "座"
    assert counted_unit("申请安居房积分要够多少分？") == "分"
    assert counted_unit("要等多少分钟？") != "分"


def test_what_to_claim_in_ones_own_dispute_is_a_personal_case() -> None:
    assert speech_act("我妈在养老院摔伤了，院方只肯赔三千，我们到底该要多少赔偿？") == "personal_case"
    assert speech_act("老人意外伤害保险最高能赔多少？") == "question"


def test_what_services_a_place_offers_asks_a_list() -> None:
    assert "list" in intents("社区长者服务站里面有做什么服务？")
    assert "list" in intents("日间照料中心提供啥活动")


def test_the_side_of_things_named_is_no_topic(understander: Understander) -> None:
    assert "方面" not in understander.understand("想考个照顾老人方面的证，要交钱吗？").topic


def test_where_to_go_to_replace_a_card_asks_the_way() -> None:
    assert "procedure" in intents("俺的社保卡丢了上哪儿补去啊？")


def test_what_a_programme_does_for_a_whole_estate_is_a_question() -> None:
    assert speech_act("民生微实事能不能帮我们小区加几张椅子、修修路灯？") == "question"
    assert speech_act("能不能帮我们办一下低保") == "personal_case"


def test_a_deals_volume_is_no_fee_paid() -> None:
    assert "fee" not in intents("那次博览会有多少展商？成交多少？")
    assert "total" in intents("那次博览会成交多少？")
    assert "fee" in intents("住养老院一个月要交多少？")


def test_what_befell_the_caller_last_year_asks_no_year(understander: Understander) -> None:
    assert understander.understand("我妈去年确诊了失智听说可以免费装呼叫设备哪些人能装").years == ()
    assert 2025 in understander.understand("去年高龄津贴一共发了多少钱？").years


def test_applying_oneself_or_having_it_done_automatically_asks_the_way() -> None:
    assert "procedure" in intents("要自己跑去街道申请，还是系统会自动给办？")


def test_another_way_than_the_one_named_goes_on_about_the_conversation(pipeline_seed) -> None:
    u = pipeline_seed.retriever.understander.understand("家里老人腿脚不便去不了现场，还有别的方式吗？", ["清明去公墓扫墓要预约吗？"])
    assert u.follow_up and "扫墓" in u.topic


def test_demanding_a_straight_answer_or_whether_ones_application_was_granted_is_a_personal_case() -> None:
    assert speech_act("我们两口子都八十了，这情况能不能批？你直接给我句准话") == "personal_case"
    assert speech_act("我们机构上个月报了20张床位的资助，批下来没有？") == "personal_case"
    assert speech_act("新增床位的资助多久能批下来？") == "question"


def test_how_many_people_the_caller_asked_is_no_count_asked() -> None:
    found = intents("家庭病床上门护理的费用医保能不能报？我问了几个人都说不一样")
    assert "count" not in found and "amount" not in found
    assert "count" in intents("全市一共有几个人申请？")


def test_where_said_as_what_place_and_hunanese_how_ask_the_way() -> None:
    assert "procedure" in intents("扫墓要先约，在什么地方约？")
    assert "procedure" in intents("我冇得智能手机，何解办？")
    assert "procedure" in intents("那我有想法，怎么跟居委会提？")


def test_what_is_required_of_founders_is_a_condition(understander: Understander) -> None:
    assert "eligibility" in intents("成立行业协会对会员有什么要求？")
    assert "清楚" not in understander.understand("民生微实事要走哪些步骤，我想讲清楚").topic


def test_how_a_matter_is_dealt_with_inherits_no_figure_asked_before(pipeline_seed) -> None:
    u = pipeline_seed.retriever.understander.understand("那老小区当年没配的，现在怎么解决？", ["新建小区配建养老用房按什么面积标准？"])
    assert u.follow_up and "count" not in u.intents, u.intents


def test_the_measure_asked_for_and_the_plans_span_are_no_topic(pipeline_seed) -> None:
    topic = pipeline_seed.retriever.understander.understand("十四五期间社工人才队伍的规模目标是多少？").topic
    assert not {"规模", "目标", "期间"} & set(topic), topic


def test_a_search_ending_with_the_line_wanted_asks_a_phone_number() -> None:
    assert "phone" in intents("长者饭堂 咨询电话")
    assert "phone" not in intents("我给社区打了电话")


def test_whether_all_are_out_or_it_was_issued_asks_progress() -> None:
    assert "progress" in intents("那几个配套文件都出齐了没")
    assert "progress" in intents("后来正式发了没有？")


def test_who_the_callers_are_is_no_count_asked() -> None:
    assert "amount" not in intents("我们是几个退休老师，没钱租场地，社区活动室能借给我们用吗？")


def test_the_kind_of_thing_that_counts_as_a_term_asks_its_definition() -> None:
    assert "definition" in intents("什么样的家庭算低收入家庭？")


def test_what_became_of_the_matter_named_before_goes_on_about_it(pipeline_seed) -> None:
    u = pipeline_seed.retriever.understander.understand("后来正式印发了吗？", ["社区养老服务设施“四同步”管理办法当时研制到哪一步了？"])
    assert u.follow_up and "社区养老服务设施" in u.topic, u.topic
    assert "一步" not in u.topic and "进展" not in u.topic


def test_ones_own_verdict_queue_missed_payment_or_transfer_is_a_personal_case() -> None:
    assert speech_act("我家这种情况算不算低保边缘家庭？你直接告诉我算还是不算") == "personal_case"
    assert speech_act("老人上周交了颐年卡申请，现在审到哪一步了") == "personal_case"
    assert speech_act("我妈的年审我们错过了，停掉那两个月的钱还能补发吗？") == "personal_case"
    assert speech_act("我们协会的等级奖励什么时候打到我们账户上？") == "personal_case"
    assert speech_act("高龄津贴一般什么时候发？") == "question"


def test_a_fee_asked_with_a_closing_no_is_a_question_not_a_grievance(pipeline_seed) -> None:
    u = pipeline_seed.retriever.understander.understand("办这个要收工本费不", ["颐年卡在哪里可以办？"])
    assert u.act == "question" and "fee" in u.intents, (u.act, u.intents)


def test_a_range_refused_asks_one_exact_figure() -> None:
    assert "exact" in intents("高龄津贴每个月几多？唔好同我讲个范围，我想知实数")
    assert "exact" not in intents("高龄津贴每个月几多？")


def test_the_year_naming_where_the_caller_read_it_is_not_asked_when_progress_is(understander: Understander) -> None:
    u = understander.understand("2021年答复里说的那个管理办法后来到底出台没有？")
    assert "progress" in u.intents and u.years == (), (u.intents, u.years)
    assert 2021 in understander.understand("2021年全市发了多少高龄津贴？").years


def test_the_few_who_sent_the_caller_are_no_count_asked() -> None:
    assert not {"count", "amount"} & set(intents("辖区几家养老机构托我问，那个补贴政策出台了没有？"))
    assert "count" in intents("辖区有几家养老机构？")


def test_a_decision_on_the_callers_own_contract_is_a_personal_case() -> None:
    assert speech_act("我们机构的服务项目年底到期，街道还会不会跟我们续约？") == "personal_case"
    assert speech_act("社工服务项目合同到期后怎么续签？") == "question"


def test_the_rules_figure_for_one_like_the_caller_is_asked_even_when_told_to_look_it_up() -> None:
    assert speech_act("帮我查一下我奶奶快九十了深户高龄津贴大概能拿多少，给个范围就行") == "question"
    assert speech_act("帮我查一下我妈的高龄津贴为什么还没到账") == "personal_case"


def test_a_keyword_search_naming_a_count_asks_one() -> None:
    assert "count" in intents("检索：医养结合机构 数量 + 构成")
    assert "count" not in intents("床位数量不足怎么办")


def test_an_address_is_asked_by_where_a_place_is_not_by_where_to_apply() -> None:
    assert "address" in intents("市救助管理站具体在哪里？地址是什么？")
    assert "definition" not in intents("救助站的地址是什么？")
    assert "address" not in intents("低保具体在哪里申请？")


def test_issued_and_a_document_sent_out_ask_progress() -> None:
    assert "progress" in intents("那个办法现在正式发文了吗？")
    assert "progress" in intents("配套文件印发了没？")


def test_minnan_when_and_how_long_are_read_in_mandarin() -> None:
    vocabulary = load_vocabulary()
    assert "什么时候" in vocabulary.mandarin("普查是底时开始的？")
    assert "多久" in vocabulary.mandarin("变更登记着等偌久？")
    assert vocabulary.mandarin("3月底时全市") == "3月底时全市"


def test_a_benefit_meant_by_the_callers_own_word_is_the_programme(understander: Understander) -> None:
    assert understander.understand("刚入这行的人有一次性的补贴吗？").programme == "入职补贴"
    # a bare 奖励 names no benefit, whatever the vocabulary reads it as
    assert understander.understand("协会评上4A，区里有没有奖励？").programme == ""


def test_which_number_to_report_a_child_to_is_asked_whatever_is_told(pipeline_seed) -> None:
    understand = pipeline_seed.retriever.understander.understand
    assert understand("楼下有个小孩老是被大人打，也没人管，我该打什么电话反映？").act == "question"
    assert understand("物业乱收费，没人管，我该打什么电话投诉？").act == "complaint"


def test_which_number_to_dial_is_a_phone_not_a_date() -> None:
    assert "phone" in intents("小孩被打 晚上也能打电话举报吗 打几号")
    assert "time" not in intents("小孩被打 晚上也能打电话举报吗 打几号")
    assert "time" in intents("高龄津贴每个月几号发？")


def test_a_keyword_search_naming_the_documents_subjects_is_no_small_talk(pipeline_seed) -> None:
    u = pipeline_seed.retriever.understander.understand("第十二届中华慈善奖 深圳 获奖 企业 项目 个人")
    assert u.act == "question", u.act
    assert pipeline_seed.retriever.understander.understand("你好 在吗").act == "small_talk"
