"""Question understanding: what a question asks, about what, when, where, for whom, and whether it is one.

Between the words (vocabulary, spelling) and retrieval. One typed ``Understanding`` per question:
the topic (the caller's content words and the documents' terms for them), the kind of answer
asked for, a time constraint, the places named (from the national gazetteer), the person's
conditions, the speech act (a question, a complaint, a suggestion, a personal case, small talk),
and, for a follow-up such as 那要带什么材料？, the topic taken from the earlier turns.
"""

from __future__ import annotations

import datetime
import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .places import Gazetteer, Place
from .tokenizer import Tokenizer
from .vocabulary import RewrittenQuery, Vocabulary

MAX_HISTORY = 6
INHERITED_WEIGHT = 0.5  # of a topic word a follow-up takes from an earlier turn
ELLIPSIS_SHARE = 0.5  # the most the inherited words of 那X呢？ weigh against X's

# -- what kind of answer is asked for (the question's side; the composer tests sentences) --------

# 几 asks a number, except in 我们几个, 哪几 (a list), 这几年, 好几, 八十几 (an age), 添几张 (a few),
# 几时/几号 (a date) and 几点 (an hour), 住几天 (a few days' stay).
# 我们几个, 兄妹几个: the few people who are talking, not a question; 想过几年再生: a time ahead.
# 整多几张石凳: Cantonese for a few more (最多几天 still asks); 问了几个人, 跑了几趟 tell what the caller did,
# 我们是几个大学生 and 辖区几家养老机构托我问 who the callers are.
FEW = r"(?<![们好哪这那前近头十隔\d添装买摆放开建加跟和同与住玩待试妹弟姐哥看过整搞弄])(?<![^最]多)(?<![问找跑打]了)(?<!我们是)(?<!咱们是)几(?![时号点]|好(?!多)|[家个位户名][^，。？?]{0,8}(?:托|让|叫|委托)我)"
# 最低生活保障 is the name of 低保, no floor asked.
# 一个月给好多, 今年涨了好多嘛?: southwestern 好多 after a verb of giving is 多少.
ASKS_NUMBER = re.compile(rf"多少|多不多|多唔多|面积(?:要求|标准|规定)|(?:(?<=[给发补领拿交要涨])|(?<=[给发补领拿交要涨][了咗]))好多(?=钱|[啊呀嘛哦噻]?(?:[?？]|[!！。]*$))|(?:一共|总共|共)有?好多|{FEW}|最高|最多|最低(?!生活保障)|最少|上限|封顶|金额|比例|百分之|多大|多长|多久|"
    # 七普 深圳 60岁以上常住人口 占比: a search naming the figure it wants, last
    r"(?:的|\s)(?:占比|人数|数量|总数)\s*$")
# 有么？ asks yes or no; 搞些什么？ does not.
# 在手机上能弄不, 能办那个颐年卡不: a verb of ability, then 不 closing the message, asks yes or no.
YES_NO = re.compile(r"(?:吗|嘛|(?<![什怎那这多要])么)[?？]?$|(?:能|可以|会|行|得|要收)[^，。,；;？?]{0,14}不[啊呀嘛哦噻]?[?？!！。]*$|有[^，。,；;？?]{1,10}(?:没|冇)[?？]?$|(?:吗|(?<![什怎那这多要])么)[?？]|是否|能不能|可不可以|会不会|要不要|有没有|算不算|是不是|对不对|对唔对|(?P<verb>[报领办发给补收交])不(?P=verb)|啱唔啱|真(?:唔|不)真|係唔係|系唔系")
# 给多少钱 asks money; 给多少特殊老人 asks a count.
# 一个月最低交多少: what one pays, though 钱 is not said.
# 花了好多钱，屋里头困难得很: southwestern 好多 after a verb done (了) and before a comma tells a lot spent.
MONEY_FIRST = re.compile(r"(?:报|领|拿|补|给|发|交|缴|付)(?:多少|好多)(?:钱|元|$|[?？,，。])|几多钱|多少钱|(?<!了)好多钱|了好多钱(?![，,。！!；;])")
# 奖 of an award's name (“鹏城慈善奖”, 中华慈善奖) is no money: 有几家企业被表彰 counts; 多少拿奖的 counts winners.
MONEY_WORDS = re.compile(r"钱|元|港币|港元|补|津贴|(?:退休|养老|抚恤)金|资助|(?<!慈善)(?<![拿获得])奖(?![”\"」』])|奖[金励]|赔|(?<![消免])费(?!标准)|工资|报销|能报|金额|经费|资金")
# 就业率定了什么目标？ asks the target share.
TARGET_WORDS = re.compile(r"(?:什么|啥|哪些)目标|目标(?:是|定)(?:什么|多少|几)")
RATE_WORDS = re.compile(r"比例|百分之|百分比|[^\d]率|(?<!各)占(?:了)?(?:多少|几成|比)|几成|多大比重")
# 一次性补贴, 一笔补贴: a money word standing bare after how it is paid, naming no benefit of its own
BARE_BEFORE = r"(?<=[的笔些点种项性])"
# 刚毕业入职养老机构的有没有一次性补贴: the benefit's word may stand this many characters before the money word.
BENEFIT_NAME_REACH = 14
CLAUSE_END = re.compile(r"[，,。；;？?！!：:]")
# 岗位补贴, 运营资助: the word before names which benefit; a figure must be that one's.
BENEFIT_NAMES = ("补贴", "津贴", "补助", "资助", "奖励", "奖补", "补偿", "救助金", "经费")
PROGRAMME_SUFFIX = rf"(?:{'|'.join(BENEFIT_NAMES)})(?![了过多几])"
# 能领多少, 每个月, 我妈: what one person receives or pays, where a city-wide sum is no answer.
PERSONAL = re.compile(r"能领|能拿|能补|能报|补多少|领多少|拿多少|给多少|发多少|每月|每个月|一个月|每人|每户|每年|我|老人|家里|个人")
# 一共花了多少, 累计筹了多少: a total is asked, not what one person receives.
# 到现在帮过多少社工、给了多少钱: what has been given so far is a total too.
TOTAL_WORDS = re.compile(
    r"一共|总共|累计|总额|合计|全市|全区|总计|花了|投入|筹|规模|总的|加起来|合共|总数|至今|迄今|"
    # 福彩一年卖咗几多钱: what is sold is a total, though the caller says 我成日买; so is what a fair closed (成交多少)
    r"卖(?:了|咗|出|掉|得)|销售|销量|成交|交易额|"
    r"(?:给|发|资助|帮扶|救助|捐)(?:了|过)(?=多少|几多)"
)
# 请提供今年深圳市结婚登记数量。: a formal request for a count, with no question word.
COUNT_WORDS = re.compile(rf"(?:提供|告知|给出|列出|公布)[^，。？?]{{0,24}}(?:数量|人数|总数|数目|件数|户数|床位数)|(?:^|\s)(?:数量|人数|总数|数目|床位数)(?=\s|$)|(?:多少|{FEW}|(?<=共)有?好多|有好多(?=[个家张人名对户次间项所位]?[^，。？?吗吧嘛啊]{{0,6}}[？?]?$))(?:个|家|张|人|名|单|项|所|批|期|件|对|户|次|床|岁|年|天|万|亿|类|档)")
# How and where a thing is asked to be done (怎么, 何解; 哪里, 么子地方), and the words for a way: shared
# by the procedure test here and the composer's reading of what is asked to be done.
HOW = r"怎么|怎样|如何|点样|咋|何解"
WHERE = r"哪里|哪儿|哪|边度|(?:什么|啥|哪个|乜)地方"
WAY_NOUNS = r"(?:办法|方法|方式|途径|渠道)"
# How to apply (怎么申请, 去哪办), not whether one may (能不能申请 is eligibility).
# 应该怎么给她办, 在哪里约, 去边度弄, 怎么跟社区提: the person helped or addressed and a colloquial verb do
# not change what is asked.
# 个津贴年审点搞啊: Cantonese 点 (怎么) before a verb of doing asks a way, as Hunanese 何解 does.
PROCEDURE_WORDS = re.compile(
    rf"(?:{HOW}|(?<![一有地])点)(?:去|才能|样|(?:给|帮|替|为|跟|向|找)[^，。？?,]{{0,3}})?(?:申请|申领|办|领|弄|搞|整(?![合理改治顿体])|报名|登记|预约|约|认证|年审|开通|激活|绑定|提(?:交|出)?|反映|挂失|补办|补领|注销|上报|申报)|"
    r"流程|手续|渠道|步骤|办理方式|(?:什么|啥|哪些|别的|其他|其它|哪几种|几种)(?:办法|方法|途径|方式)|"
    r"(?:走|经过)(?:些|哪些|什么|啥子?|几道){0,2}(?:程序|环节)|(?:怎么|怎样|如何)通知|"
    # 得自己去社区申请，还是会自动给办？: whether one applies oneself or it is done for one is the way asked.
    r"自己(?:去|到)[^，。？?,]{0,6}(?:申请|申领|办|报名|登记)|自动(?:给|帮)?(?:办|申请|申领|发放)|"
    # 上哪儿补去: where to go for it (to replace a card)
    # 在么子地方约咯？: the place said as 什么地方.
    rf"(?:去|到|在|上)?(?:{WHERE})(?:去)?(?:可以|能)?(?:申请|申领|办|领|弄|搞|约|预约|报名|登记|认证|年审|激活|挂失|补办|补|享受|建床)"
)
EVENT_DATED = r"(?:印发|发布|出台|实施|施行|生效|成立|开始|上线|开通|启动|启用|投用|运行|举办|开展|挂牌)"
TIME_WORDS = re.compile(
    r"哪一年|哪年|什么时候|啥时候|何时|哪天|哪一天|哪日|几月|(?<![打拨])几号|几时|哪个月|什么时间|啥时间|最早|截止|期限|"
    # 《…办法》的印发日期, …个案管理系统上线时间: a search for a date, naming the event or not
    rf"(?:(?:的|\s){EVENT_DATED}?|{EVENT_DATED})(?:日期|时间)\s*$"
)
# 几岁 asks an age; 八十几岁了 tells one, as do 年龄到了换档, 超过退休年龄的 and 年纪大了.
# 排查的是多大以下的孩子: 多大 before 以下 or a person asks an age.
AGE_WORDS = re.compile(
    r"多大年纪|多少岁|(?<![十\d])几岁|(?<!退休)(?<!法定)年龄(?![到满够]了?)|年纪(?!大)|岁数|周岁|多大(?=以下|以上|以内|的(?:孩子|小孩|儿童|老人|老年人))"
)
# 对会员数量有什么要求？: what one must meet is a condition too.
ELIGIBILITY_WORDS = re.compile(r"(?:什么|哪些|啥|何)要求|要求是什么|在不在[^，。？?]{0,16}范围|属不属于|谁|哪些人|什么人|(?:什么|啥|怎样|哪)样?的?(?:人|老人|家庭|儿童|对象|机构|组织|单位|企业|患者|病人|孩子|小孩)(?:才|可以|能)|算进去|算在内|包括在内|包不包括|条件|资格|能不能|可不可以|能否|可否|是否|有没有份|符合|算不算|够不够|可以领|能领|能享受|能申请|可以申请")
# What a person pays (床位费, 住一个月要多少钱), as opposed to what they receive; 成交多少 is a deal's volume.
# 上门助浴一次指导价多少钱: a service's guide price is paid (a wage's guide price, 工资指导价, is earned).
FEE_WORDS = re.compile(r"(?:服务|项目|上门|助浴|助餐)[^，。？?]{0,8}(?<!工资)指导(?:参考)?价|床位费|服务费|护理费|餐费|伙食费|住宿费|(?<!补)费用|收费|价格|价钱|(?:要|花|(?<!成)交|缴|付)多少钱|(?:(?<!成)交|缴|付)(?:多少|几多)|自付|自费")
# 要不要交钱？ 要自己出钱吗？ 使唔使畀钱？: whether one pays at all.
PAY_ASKED = re.compile(
    # 办这个要收工本费不: a fee named between 收 and the question's close.
    r"(?:要|需要|用|得)(?:不要)?(?:自己)?(?:交|缴|付|掏|出|花)[^，。？?,]{0,3}(?:钱|费)|收不收(?:费|钱)|收[^，。？?,]{0,3}(?:费|钱)(?:吗|不|没有?)|要钱吗|要不要钱|"
    r"免费吗|免不免费|是不是免费|免唔免费|使唔使(?:俾|畀)钱|(?:俾|畀)唔(?:俾|畀)钱"
)
# 养老院一个月多少钱 asks a price; 低保标准一个月多少钱 asks a benefit.
# 住一个月多少钱, 一餐几多钱: a price per unit; 一年卖了多少钱, 累计筹了几多钱 are totals.
# 每个月大概有多少钱: what one has or gets, no price.
PRICE_WORDS = re.compile(
    r"(?:一个月|每个月|每月|一天|每天|一次|每次|一晚|一餐|一顿|一位)[^，。？?]{0,4}(?:要|收|交|花)?(?<![有领拿给补发])(?:多少钱|几多钱)|贵不贵|贵吗"
)
CALLER_GROUP = re.compile(r"低保户|低保对象|低保家庭|特困户|特困人员|低收入户")
BENEFIT_WORDS = re.compile(r"标准|保|津贴|补|救助|资助|奖|金|工资|待遇|领|拿|发|给")
RECEIVE_WORDS = re.compile(r"补|津贴|资助|奖|报销|减免|发放|能领|能拿|能给|给予")
# 具体一个月能领多少, 80岁同90岁分别几多钱, 90岁又发多少: one figure for one case, not a range.
EXACT_WORDS = re.compile(
    r"具体[^，。？?,]{0,8}(?:多少|几多)|分别[^，。？?,]{0,4}(?:多少|几多)|各(?:是|为|系)?(?:多少|几多)|"
    r"又(?:发|是|给|领|系)?(?:多少|几多)|"
    # 九十岁以上那一档一个月到底是多少钱？: one band of a scale asks its own figure.
    r"一档[^，。？?,]{0,8}(?:多少|几多)|"
    # 唔好同我讲个范围,我想知实数: a range refused, the exact figure wanted.
    r"(?:不要|不好|别|唔好|莫)[^，。？?,]{0,6}范围|实数|准数|确切(?:的)?数"
)
ORDINAL_WORDS = re.compile(r"第几")
REIMBURSE_WORDS = re.compile(r"报销|能报|报不报|报多少|赔|理赔")
MINIMUM_WORDS = re.compile(r"最低(?!生活保障)|最少|至少|门槛|起点|起步")
DAYS_WORDS = re.compile(r"(?:多少|几)个?(?:工作)?[天日]")
# 要排多久, 多长时间: how long, answered by a duration.
# 要等好久才排得到嘛？ (Sichuanese 好久, how long), not 等了好久 (a long time, told) nor 是不是要等好久 (whether
# it is long, answered by how soon).
DURATION_WORDS = re.compile(r"多久|多长时间|多长的时间|几耐|几长时间|(?<!是不是)(?<!是否)(?<!会不会)(?:要|得|需要)(?:等|排)?好久")
# 多少张床, 几多个, 多大面积: what is counted.
COUNTED = re.compile(r"(?:多少|几多|几)(个|家|张|人|名|位|对|户|项|所|间|床|单|次|类|种|条|座|分(?![钟之类配别成布散期批档]))|(面积)")
# 手上几份材料数字对不上 tells, 材料呢？ asks.
MATERIALS_WORDS = re.compile(
    # 考边几样嘢 (嘢 read as 东西) asks what is examined: things to bring are brought, handed in or needed.
    r"带(?:些|点)?(?:哪些|什么|啥|乜|[几两三]样)|(?<=[带拿交要备])[几两三]样东西|(?:哪些|什么|啥|准备|乜)(?:材料|证件|证明|资料)|要(?:带|准备|交|提交)(?:哪些|什么|啥)|"
    r"(?:带|交|准备|提交|需要|要)[^，。？?,写]{0,4}(?<!写)材料|材料(?:呢|吗|有哪些|要哪些|是什么|清单|[？?]|$)"
)
# 哪里能查到床位和收费？ asks where to look, not the fee itself.
LOOKUP_WORDS = re.compile(r"(?:哪里|哪儿|在哪|去哪|边度|怎么|怎样|如何|点样)(?:能|可以|才能)?(?:查|查询|查到|看到|找到|了解到)")
HOURS_WORDS = re.compile(
    r"几点|开门|关门|营业时间|开放时间|办公时间|上班时间|值班|上不上班|开不开门|(?:礼拜|星期|周)[六日天末]|周末|"
    # 晚上半夜也有人接吗？: whether it is open at night is asked by the hours, 24小时 answers it
    r"(?:晚上|夜里|夜间|半夜|深夜|凌晨|节假日|过年|24小时|二十四小时|全天候?)[^，,。？?]{0,6}(?:有人|开|接|办|上班|值班|营业)"
)
# 有什么咨询电话可以打？ 打边个热线？ 心理热线 号码 (keywords): the number to call.
PHONE_WORDS = re.compile(
    r"(?:电话|热线|号码)\s*(?:是|多少|号)|有(?:没有)?(?:热线|电话)(?:号码)?(?:吗|嘛|没|冇)|(?:什么|哪个|哪些|啥|边个|谁)[^，。?？,]{0,4}(?:电话|热线|号码)|(?:有没有|有无|有冇|有唔有)[^，。?？,]{0,20}(?:电话|热线)|"
    # Minnan 电话通拍 (可以打)
    r"(?:电话|热线)[^，。?？,]{0,2}(?:可以打|能打|好打|通拍|通打|打(?:哪个|什么|啥|多少|几多|边个))|打(?:哪个|什么|啥|边个)(?:号|电话)|[打拨](?:几|多少)号|"
    # 颐年卡 客服电话: a search whose last word names the line wanted
    r"\s[^\s]{0,4}(?:电话|热线)(?:号码)?\s*$"
)
# 救助管理站具体在哪里？地址是什么？: where a place is (具体在哪里办 asks the way to apply).
ADDRESS_WORDS = re.compile(
    r"地址(?:是|在哪|呢|多少|[？?]|$)|(?:具体|详细)地址|位置在哪|(?:在|是)哪条(?:路|街)|具体在(?:哪里|哪儿|哪|什么地方|边度)(?![^，,。？?]{0,2}(?:申请|办|领|交|报名|预约|查|登记))"
)
PROGRESS_WORDS = re.compile(
    r"进展|进度|推进到|哪一步|到哪了|怎么样了|(?:有何|有什么|有啥|什么)(?:安排|打算|计划)|(?:印发|出台|落实|实施)情况|(?:落实|出台|建成|办好|完成|验收|实施|上线|开通|印发|发文|下发)了?(?:没|吗)|现在.{0,4}情况|"
    # 慈善条例出咗未啊 (出了没): whether a thing is out yet.
    # …配套文件出了没有什么时候印发的: and then when.
    # …配套文件都出齐了没, 后面正式发了没有: all of them out, or issued.
    r"(?:出|出齐|出台|落地|通过|批|印发|正式发|发布|下发)(?:了|咗)?(?:没|未|冇)(?:有)?[啊呀啦吖嘛]?(?:[?？]?$|[?？，,。！!\s]|(?=什么时候|啥时候|几时|哪天))"
)
# 有几种办法, 分哪几类: the kinds are listed, and their number is in the list.
# 都能做些什么: the things of a kind, in the plural.
# 里面有做什么服务, 提供啥活动: the services or activities a place offers, in the plural.
LIST_WORDS = re.compile(r"哪几|哪些(?!人)|些(?:什么|啥)|(?:有|提供|做|开展|搞)(?:什么|啥|哪些)(?:服务|功能|项目|活动)|(?<![们好这那])[几多少]+(?:种|类)|哪[二三四五六七八九十两]+(?:项|个|类|种|条|方面|样)")
# 是指…, 是干啥的, 怎样的社区才算老龄化社区, 指的是哪四个同步: what a term means or what a thing does.
# 为何迟迟未能出台, 为什么不批: the reason, answered by a sentence that gives one.
REASON_WORDS = re.compile(r"为什么|为何|为啥|点解|什么原因|啥原因|原因是")
DEFINITION_WORDS = re.compile(
    r"什么是|(?<!地址)是什么(?!时候|时间|日子)|是啥(?!时候|时间|日子)|指什么|指的是|是指|指啥|什么意思|啥意思|咩嘢|(?:干啥|干什么|做什么|干嘛|做咩)的|有什么用|有啥用|"
    r"才算|怎么算|(?:按|以)(?:什么|啥子?|哪个|哪种)标准(?:来)?算|哪[一二三四五六七八九十两几]个|界定|怎么认定|如何认定|认定标准|定义|"
    # 啥叫老龄化社区, 系点样计㗎 (Cantonese 怎么算), 到底指哪些孩子: what a term covers.
    r"(?:什么|啥|乜嘢?|咩)叫|(?:怎么|怎样|点样)计(?!划|算)|指(?:的是)?哪些|"
    # 什么样的社区算老龄化社区？: what a term covers, asked by the kind of thing that counts as it.
    r"(?:什么|啥|怎样|哪种)样?的[^，。？?]{1,8}(?:才)?算(?![了数术])"
)
# 按哪个标准, 按什么算: a choice of rule, not a number.
# 按新标准定系照旧合同计？: 定系 is Cantonese 还是, a choice between two.
CHOICE_WORDS = re.compile(r"(?:哪个|哪种|哪一|什么|啥)标准|按(?:哪|什么|啥)|定系")
COUNTED_THINGS = re.compile(
    rf"(?:多少|几多)(?:个|家|张|人(?!民币)|名|位|户|所|间|床|次|种|类|项|条|对|老人|老年人|长者|儿童|孩子|社工|机构)|"
    # 分几个档次, 几档: the bands of a rule are counted (四个不同的发放标准), not an amount asked.
    rf"{FEW}(?:种|类|项|条|个?档次?|个(?:不同的)?标准)")
# 市里打算怎么弄, 政府准备如何解决: the authorities' plan (a policy), not a way to apply.
# 水表能报警,是怎么弄的？ asks how a thing works, not how to apply.
PLAN_WORDS = re.compile(r"(?:打算|准备|计划)(?:要)?(?:怎么|怎样|如何)|是(?:怎么|怎样|如何)(?:弄|搞|做|实现|运作)的")
# 工资一个月多少钱 asks what a worker earns, not a price paid.
EARNED_WORDS = re.compile(r"工资|薪酬|薪水|收入|待遇|指导价|挣|赚")
# 评议和立项最后是谁拍板的？ 这钱谁来管？: who decides or runs a thing (not 谁能申请, who may apply).
WHO_DECIDES_WORDS = re.compile(
    r"谁(?:来)?(?:拍板|决定|说了算|审批|批准|审核|负责|管理?|定的?|牵头)|由谁|(?:哪个|什么|哪些)(?:部门|单位|机构)(?:来)?(?:负责|管理?|审批|审核|决定|牵头)|归(?:哪|谁)管"
)
AMOUNT_KINDS = (("minimum", MINIMUM_WORDS), ("exact", EXACT_WORDS), ("reimburse", REIMBURSE_WORDS))
OTHER_INTENTS = (
    ("progress", PROGRESS_WORDS),
    ("list", LIST_WORDS),
    ("materials", MATERIALS_WORDS),
    ("hours", HOURS_WORDS),
    ("phone", PHONE_WORDS),
    ("address", ADDRESS_WORDS),
    ("procedure", PROCEDURE_WORDS),
    ("eligibility", ELIGIBILITY_WORDS),
    ("time", TIME_WORDS),
    ("age", AGE_WORDS),
    ("who", WHO_DECIDES_WORDS),
    ("definition", DEFINITION_WORDS),
    ("reason", REASON_WORDS),
)
# The one kind named as "asked", most specific first.
ASKED_ORDER = (
    "rate", "fee", "reimburse", "minimum", "exact", "amount", "ordinal", "days", "duration", "count", "materials", "hours",
    "phone", "address", "time", "age", "who", "list", "procedure", "reason", "progress", "eligibility", "definition", "yesno",
)

# 哪天开始的？有多少人办成了？: each question of a message asks its own kind.
QUESTION_BREAK = re.compile(r"(?<=[?？])")
FREE_TOLD = re.compile(r"(?<!要)(?<!是)(?<!不)(?:不要钱|不用钱|不花钱|唔使钱)(?![吗吧嘛么?？])")
PHONE_NUMBER_ASKED = re.compile(r"(号码|电话|热线|手机号)(?:是|打)?(?:多少|几多)(?:号)?")


def intents(question: str) -> tuple[str, ...]:
    """What kinds of answer the question wants: each question of a message asks its own
    (哪天开始实施的？头三个月有多少老人办成了？ asks a date and a count)."""
    whole = _intents(question)
    parts = [p for p in QUESTION_BREAK.split(question) if p.strip()]
    if len(parts) < 2:
        return whole
    # Whether money is paid or received is said anywhere in the message (…领居家养老服务补助？每个月多少钱？).
    money = {"amount", "fee", "minimum", "exact", "reimburse", "total", "rate"}
    added = [kind for part in parts for kind in _intents(part) if kind not in money]
    return tuple(dict.fromkeys((*whole, *added)))



def _intents(question: str) -> tuple[str, ...]:
    """What kind of answer one question wants.

    amount (money), fee (money paid rather than received), minimum (a floor), exact (one figure,
    not a range), reimburse (a reimbursement or payout), ordinal (第几批), count, days, duration (多久), progress
    (where a matter stands), list (哪几家), materials (papers to bring), hours (opening hours),
    phone, procedure, eligibility, time, age, definition, yesno.
    """
    found = []
    # 号码多少？ asks a phone number, not how many.
    question = PHONE_NUMBER_ASKED.sub(r"\1号码", question)
    # 除了坐车不要钱还有啥: what is free, told, asks no money
    question = FREE_TOLD.sub("免费", question)
    # 标准 names a number only when the question is not a plain yes/no one (能按新的标准结算吗?).
    # 按新标准还是原合同? is a choice between two, not a number either.
    asks_number = bool(ASKS_NUMBER.search(question)) or bool(TARGET_WORDS.search(question) and RATE_WORDS.search(question)) or (
        "标准" in question and not YES_NO.search(question) and "还是" not in question and not CHOICE_WORDS.search(question)
        and not TIME_WORDS.search(question)  # 什么时候能按新标准来: when, not how much
    )
    # 资助过多少人 counts people, though 资助 is a money word; 补多少钱 asks money.
    counts_people = bool(COUNTED_THINGS.search(question)) and not MONEY_FIRST.search(question)
    if asks_number and RATE_WORDS.search(question) and not MONEY_FIRST.search(question):
        found.append("rate")
    elif ((asks_number and MONEY_WORDS.search(question)) or MONEY_FIRST.search(question)) and not counts_people:
        found.append("amount")
        # 长者饭堂吃一顿多少钱？我爸是低保户: the caller's group names no benefit asked
        priced = PRICE_WORDS.search(question) and not BENEFIT_WORDS.search(CALLER_GROUP.sub("", question))
        if (FEE_WORDS.search(question) or priced) and not RECEIVE_WORDS.search(question):
            found.append("fee")
        found += [name for name, pattern in AMOUNT_KINDS if pattern.search(question)]
        if TOTAL_WORDS.search(question):
            found.append("total")
    elif ORDINAL_WORDS.search(question):
        found.append("ordinal")
    elif DURATION_WORDS.search(question):
        found.append("duration")
    elif (COUNT_WORDS.search(question) or asks_number) and not TIME_WORDS.search(question):
        found.append("days" if DAYS_WORDS.search(question) else "count")
    found += [name for name, pattern in OTHER_INTENTS if pattern.search(question)]
    if "fee" not in found and PAY_ASKED.search(question):
        found.append("fee")  # 办卡要交工本费吗？ asks whether there is a fee: 免开卡工本费 answers it
    if LOOKUP_WORDS.search(question):
        found = [kind for kind in found if kind not in ("amount", "fee", "count", "minimum", "exact", "total")]
    if "procedure" in found and PLAN_WORDS.search(question):
        found.remove("procedure")  # 市里打算怎么弄 asks what the city will do, 是怎么弄的 how it works
    if YES_NO.search(question):
        found.append("yesno")
    return tuple(dict.fromkeys(found))


# -- time ---------------------------------------------------------------------------------------

NUMBERISH = re.compile(r"[\d.]+|[\d一二三四五六七八九十两百千万多几]+(?:岁|周岁|年|月|个|元|块)?")
YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?:年|年度)?(?!\d)")
TITLED_YEAR = re.compile(r"《[^》]*》|\d{4}年?版")  # not 现在（2026年）, which asks that year
CURRENT_WORDS = re.compile(r"最新|现在|目前|如今|现行|当前|眼下|而家|宜家")
# 今年评上4A了, 去年查出来老年痴呆: what happened to the caller in a year, after the year's word.
CALLER_EVENT = (
    r"[已经都刚才就\s]{0,3}(?:评上|评为|被评|获评|入园|入学|入读|入职|上幼儿园|上小学|上初中|考上|退休|结婚|毕业|成立|注册|搬|来深|到深|"
    r"查出|确诊|中风|摔|住院|生病|得了|患上|去世|过世|走了|离婚|生了)"
)
# 今年85了, 今年刚满七十 state an age, not the year a figure is asked for; 要是今年评上4A级 is a case
# supposed, whose rule in force is asked.
THIS_YEAR = re.compile(
    r"(?<!要是)(?<!如果)(?<!假如)(?<!假设)(?<!万一)(?<!若是)(?<!若)今年(?![已经都刚满有才就\s]{0,3}[\d一二三四五六七八九十]+\s*(?:岁|了|周岁|多|出头))"
    r"(?![已经都刚才就\s]{0,3}满[\d一二三四五六七八九十])"
    # 今年评上4A了, 今年入幼儿园, 今年刚退休: what happened to the caller this year, not the year asked.
    rf"(?!{CALLER_EVENT})"
    r"|本年度?"
)
# 比上一年涨了多少 compares with last year; it asks no figure of last year.
# 我爸去年查出来老年痴呆了: what befell the caller last year, not the year asked.
LAST_YEAR = re.compile(rf"(?<![比较])(?:去年|上一年)(?!{CALLER_EVENT})")
# 现在都2026年了, 今年已经2026年: the caller says which year it is now, and asks for now.
YEAR_NOW = re.compile(r"(?:现在|今年|而家|宜家)(?:已经|都|是|已)*(20\d\d)年")
# 孤儿养育标准现在最新是多少？ 有没有最新的数？: the newest figure is asked, and the newest is this year's;
# 最新政策, 最新消息 ask where news is, no figure.
NEWEST_FIGURE = re.compile(r"最新(?![的]?(?:政策|消息|资讯|动态|通知|情况|进展|文件))")
# 现在深圳低保标准是多少一个月？: a standard is set year by year, so the one in force now is this year's
# (现在有多少家 is told by the newest count the documents give; 现在的标准提高了没有 by the newest figure).
STANDARD_ASKED = re.compile(r"(?:标准|指导价)[^，。？?]{0,8}(?:多少|几多|好多|几钱)")

# -- the person's conditions ---------------------------------------------------------------------

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
AGE_DIGITS = re.compile(r"(?<![\d.])(\d{2,3})\s*(?:周岁|岁|了)")
AGE_WORDS_CN = re.compile(r"([一二三四五六七八九])十(?:([一二三四五六七八九])|多)?(?:周岁|岁)")
HUKOU_WORDS = re.compile(r"非深户籍?|非户籍|外地户口|外省户口|没有深圳户口|不是深户|深户|深圳户口|深圳户籍|本市户籍|户籍")
GROUP_WORDS = (
    "低保边缘", "低保", "特困", "低收入", "失能", "半失能", "失智", "残疾", "困境儿童", "孤儿",
    "留守儿童", "优抚对象", "退役军人", "独居", "空巢", "孤寡", "计划生育特殊家庭",
)

# -- what the message is, if not a question ------------------------------------------------------

COMPLAINT = re.compile(
    r"(?<!被)投诉|(?<!被)举报|态度(?:太|很|非常|极其)?(?:差|恶劣|不好|冷淡)|推诿|踢皮球|不作为|敷衍|乱收费|不给办|"
    # 申请三个月了一直没批, 一直没给办 are grievances; 颐年卡一直没办 says the caller has not applied yet.
    r"(?:一直|到现在|至今|[\d一二三四五六七八九十两几]+个?(?:月|星期|周|天|年)|半年)了?(?:都|还|也)?(?:没有?|不|未)(?:到账|发|批|给办|办下来|办好|回复|人管|处理|解决|收到|打到|打过来|到卡)|"
    r"没到账|你们(?:到底|这|是)?(?:怎么回事|怎么搞的|怎么做事|干什么吃的)|工作是怎么做的|凭什么(?![证材资手身户])|太过分|坑人|"
    r"(?:太|好|真|这么|多么)(?:奇葩|离谱|荒唐|荒谬)|岂不是|"
    r"推来推去|踢来踢去|像话吗|转了一圈|互相推|搞什么名堂|搞什么鬼|搞乜鬼|"
    r"(?<![孩子童人老她他有])没人管|没人理|不负责|气死|气人|忍不住要说|"
    # 老人被护工骂了，有没有人管？ is a grievance; 街道又有没有人管？ 半夜出事了有没有人管？ ask who is in charge.
    r"(?:被|给)[^，。？?]{1,8}(?:骂|打|欺负|虐待|坑|骗|赶)了?[，,]?\s*有没有人管|"
    # 你们到底管不管？ is a grievance; 民政管不管志愿服务记录这一块？ asks whose remit it is.
    r"(?:你们|民政|政府)[^，。？?]{0,4}(?:管不管|理不理)(?=这|那|[啊呀吗？?！!。，,]|$)|"
    r"态度(?:还|也|真|就)?(?:太|很|非常|极其|特别)?(?:凶|恶)|"
    # 你们能不能重视一下？真的很影响心情: asking the bureau to take a grievance seriously.
    r"(?:你们|政府|民政|部门)[^，。？?]{0,6}重视一下|影响心情|"
    # 啲职员黑口黑面…真系好激气: a Cantonese grievance about how one was treated.
    r"黑口黑面|好激气|激死|好嬲|嬲死|"
    # 520那天根本抢不到,太坑了吧,你们能不能管管: a grievance, and a call on the bureau to step in.
    r"(?:太|好|真|很)坑|坑爹|(?:你们|政府|民政|部门|领导)[^，,。？?]{0,6}管一?管(?=[吧啊呀嘛啦]?(?:[？?！!。，,]|$))"
)
# The people who may act for the caller (能叫我女儿帮我弄吗？): who does it, no subject asked about
# (社工 may act for one too, but 社会工作者 is a subject of the documents).
HELPERS = frozenset("儿子 女儿 子女 孩子 家人 家里人 家属 老伴 亲戚 别人 他人 其他人 邻居 保姆".split())
MAY = re.compile(r"能|可以|可不可以|可否|得唔得|行不行|允许")
# 能让我儿子在网上帮我弄吗？ 家里人能不能代办？: whether someone else may do it for one is a rule.
PROXY_ASKED = re.compile(
    rf"(?:{'|'.join(sorted(HELPERS | {'社工'}, key=lambda w: (-len(w), w)))})"
    r"[^，,。？?]{0,8}(?:帮|代)(?:我|她|他|忙|办|领|认证|弄|搞|签|交)"
)
RULE_ASKED = re.compile(r"(?:有没有|是不是有|有什么|有无|有冇)[^，。？?]{0,6}(?:规定|政策|清单|文件|依据)|规定(?:了)?哪些")
# 我有点担心她在那边身体出状况没人管: a worry about what might happen is no grievance, nor the question
# asked after a supposition (要是半夜按了，有没有人管？).
WORRY_CLAUSE = re.compile(
    r"[^，,。？?!！；;]*(?:担心|怕|万一|要是|如果|假如)[^，,。？?!！；;]*(?:[，,][^，,。？?!！；;]*(?=[？?]))?"
)
# 想问半夜出事按了有没有人管: a clause that opens by asking asks, whatever words it holds.
ASKED_CLAUSE = re.compile(r"(?:^|(?<=[，,。？?!！；;\s]))(?:我|就是|主要|还)?(?:想|要)?(?:请问|问问|问一下|问下|问(?![了过])|咨询)[^，,。？?!！；;]*")
SUGGESTION = re.compile(
    r"我建议|(?:街坊|居民|市民|群众|老人家|大家|有人)(?:都)?建议|(?:请|希望)[^，。？?！!]{0,6}采纳|建议[^，。？?！!]{0,10}多(?:建|开|设|起|办|搞)|"
    r"(?:我|想)?提(?:个|点|条)(?:意见|建议)|(?:我|俺)有(?:个|一个|条|一条|点)(?:小)?建议|(?:转给|转达给?|反映给)(?:你们)?(?:的)?领导|建议(?:你们|政府|民政|市里|相关部门|有关部门|增加|增设|多建|多设|加大|把|在全市)|"
    r"希望(?:你们|政府|民政|相关部门|有关部门|以后|将来|能够?多|可以多)|"
    r"(?:政府|你们|民政局)(?:应该|应当|最好)|呼吁|(?:能不能|可不可以|可唔可以|能否|可否)[^，。？?]{0,12}多(?:建|开|设|办|搞|啲|放|装|配|加|修)|为什么不(?:多建|多开|多设)|"
    # 你们能不能考虑调整一下, 我觉得…应该从65岁开始发: a suggestion asked as a question.
    r"(?:能不能|可不可以|能否|可否|是否可以|可唔可以)(?:考虑|研究|调整|改一下|改改)|我(?:觉得|认为|看)[^。？?]{0,24}应该|"
    # 颐年卡可唔可以加个坐车提醒功能？你同上面讲声: a feature asked for, passed on to those above.
    r"(?:能不能|可不可以|能否|可否|可唔可以)(?:加(?![载入强])|增加|添|多加)(?:个|一个|啲|点)?[^，。？?]{0,8}功能|"
    r"(?:同|跟|和|向)(?:上面|上头|上级|领导)(?:讲|说|反映|提)(?:一)?(?:声|下|吓|嘢)"
)
PERSONAL_CASE = re.compile(
    # 能不能叫人上门来帮我办: a service that comes to the door is asked about, not one case handed over.
    r"(?<!上门)(?<!上门来)(?<!叫人)帮(?:我|忙)(?:办|催|处理|申请|联系|核实|跟进)|"
    # 能不能帮我们移出来？ 麻烦帮我改一下: asks the bureau to act on one case (not 帮我解释一下 or 帮我们这些老人).
    # 我儿子可不可以帮我搞: whether a relative may do it for one is a question of the rules.
    r"(?<!儿子)(?<!女儿)(?<!子女)(?<!家人)(?<!家属)(?<!孩子)(?<!老伴)(?<!亲戚)(?<!朋友)(?<!邻居)(?<!别人)(?<!他人)(?<!旁人)(?<!家里人)(?<!屋企人)(?<!亲人)"
    # 民生微实事能不能帮我们小区装几个健身器材: what a programme does for a whole estate is asked of its rules.
    r"(?:能不能|能否|可不可以|可否|麻烦|请)(?:你们)?(?:先|就|直接)?帮(?:我们|我(?!们)|忙)(?!查|看|问|解|介绍|说明|讲|了解|想|分析|算|这|那|老人|小区|社区|楼|村|街道|[，,。？?])[\u4e00-\u9fff]|"
    r"(?:名字|名称)叫[\u4e00-\u9fff]{2,}|"
    # 帮我查一下我妈的津贴 asks about one person; 帮我查一下3A、4A各是多少 asks the policy.
    r"帮(?:我们?|忙)(?:查|看(?![住着护管顾])|问)(?:一下|下|看)?(?=[^，,。？?]{0,8}(?:我|妈|爸|家|他|她|的(?:申请|津贴|补贴|进度|情况|钱)|为什么|原因|怎么还|到账|进度|卡在|哪一步|哪个环节|审核|通过了?没|批了?没))|帮(?:我们?|忙)(?:查|看|问)(?:查|看|问)?(?:一下|下|看)?(?:吧|啊)?(?:[，,。？?!！]|$)|帮(?:我们?|忙)(?:揀|拣|挑|选)(?:一下|下|个|间|家)?(?:吧|啊)?(?:[，,。？?!！]|$)|(?<!单位)(?<!单位能)(?<!单位会)(?<!公司)(?<!公司能)(?<!老板)给(?:我|俺)(?:查|办|回电|打电话|处理|回复|重新批|批|算算|算一下|算下)|查(?:一下|查)?我(?:的|家|妈|爸)|"
    # 烦请核查我会…是否已审核通过: checking one's own organisation's standing is one case too.
    r"(?:核查|核实|查核|查询)(?:一下)?(?:我|本)(?:会|协会|单位|机构|公司|院)|"
    # 只肯赔两千，我们到底该要多少赔偿？: what to claim in one's own dispute is a case to judge.
    r"(?:我|我们|我家|俺|俺们)(?:到底|究竟)?(?:该|应该|应当|能|可以)(?:要|索要|索赔|争取|让[他她]们?赔)(?:多少|几多)|"
    # 我们养老院上个月报的运营补贴被退回了: an organisation's own application is one case too.
    r"(?:我|(?<=[说问])(?:他|她))(?:(?:们|的|家|妈|爸|奶奶|爷爷|外婆|外公)[^，。？?!！]{0,12}|(?=申请|低保|津贴|补贴|救助|补助))(?:申请|津贴|补贴|低保|救助|补助)[^，。？?!！]{0,8}"
    r"(?:被驳回|被拒|驳回|不批|没批|没通过|不通过|停了|停发|被停|取消了|卡住|打回|退回|少发|少打|少给|扣了|没到账|没有到账|没收到)|身份证号|(?:身份证|手机|电话)号?码?尾号|我的电话是|我叫[\u4e00-\u9fff]{2,3}(?:[，,。!！]|$)|(?:卡|证)(?:做|办|制|批|寄)(?:好|出来|出去|下来|到)(?:了)?(?:没有?|未|吗)|"
    r"请(?:尽快|马上|赶紧)(?:处理|解决|回复|办)|什么时候(?:能|会)?(?:给我|到我)|"
    # 市民要求核实：其母亲这个月的津贴为什么没打到卡上: a relayed request to check one person's case.
    r"要求(?:核实|核查|查询|查一下)|其(?:母亲|父亲|家人|老人|本人|子女|孩子)(?:[(（][^)）]{0,12}[)）])?[^，,。？?]{0,16}(?:为什么|为何|没有?(?:到|发|打)|未(?:到|发))|"
    r"帮(?:来电人|市民|群众|他|她|老人)(?:查|核实|催)|"
    # 你帮忙看看能不能评上5A？ 你帮我判断下他算不算困境儿童, …能不能批低保？你帮我判断一下: a judgement on
    # one's own case, asked of whoever reads the message.
    r"帮(?:我们?|忙)?(?:看看|看下)[^，,。？?]{0,12}(?:能不能|能否|算不算|是不是|可不可以|评得上|评上|够不够|符不符合|哪里)|"
    r"帮(?:我们?|忙|她|他|佢)(?:判断|评估)|"
    # 今年申请3A评估，能不能评上？ 能不能排上公办养老院？ 你睇下我可唔可以入: one case's outcome, or
    # the reader asked to look at one's own case.
    r"(?:能不能|能否|可不可以|可唔可以|得唔得)(?:评上|评得上|排上|排得上)|你(?:睇|看)(?:下|一下)(?:我|佢|他(?!们)|她(?!们))|"
    # 你直接告诉我算还是不算, 审到哪一步了, 我们错过了…还能不能补发, 什么时候打到我们账户上: one case.
    r"(?:算还是不算|是还是不是)[，,。？?!！]*$|(?:审|批|办)到(?:哪一步|哪步|哪里|哪儿|什么程度)|"
    r"(?:我们|我)[^。？?]{0,30}(?:错过|漏了|忘了)[^。？?]{0,24}(?:能不能|能否|可不可以|还能)?补(?:发|回|给)|"
    r"(?:什么时候|何时|几时|啥时候)[^，。？?]{0,6}(?:打|发|转)到(?:我们|我|我家)的?(?:账户|账上|卡上|卡里|户头)|"
    # 能不能马上给他恢复, 能不能保证入选, 直接给个能不能批的结论: a decision on one case, or a guarantee.
    r"(?:马上|立刻|立即|尽快)(?:给|帮)(?:他|她|我)们?(?:恢复|办|批|发|处理|解决)|(?:能不能|能否|可不可以)保证|"
    r"给(?:我|我们|俺)?(?:个|一个|句)[^，。？?]{0,6}(?:结论|准话)|"
    # 街道会不会跟我们续签？: what another will decide on the caller's own contract or application.
    r"(?:会不会|会否|还会不会|肯不肯|愿不愿意)(?:跟|和|与|给)(?:我们|我(?!们)|俺们?)[^，,。？?]{0,4}(?:续签|续约|签约|签合同|延期|批|通过)|"
    # 你能不能直接给我们家批一个？ 你直接告诉我能还是不能: the reader asked for the verdict on one's case.
    r"给(?:我们家|我们|我家|俺家)(?:直接)?批|告诉(?:我|俺)(?:到底)?(?:能还是不能|行还是不行|可以还是不可以|能不能|行不行|批不批|批唔批|给不给)(?:[，,。？?!！]|$)|"
    r"批(?:佢|他|她|我)(?:做|当|为)|批唔批|批不批得?到|批还是不批|(?:能不能|能否|可不可以)批(?:得)?下来|"
    # 能不能把我们移出来？: the bureau asked to undo a decision on one's own case.
    r"(?:能不能|能否|可不可以|可否|麻烦|请)(?:你们)?把(?:我们?|我家|俺)[^，,。？?]{0,8}(?:移出|移除|撤销|撤掉|删除|删掉|恢复)|"
    # 现在能不能马上移出来？ 烦请贵局协助核实, 请我们核实一下: the bureau asked to act on or check one case.
    r"(?:能不能|能否|可不可以|可否)(?:马上|尽快|立刻|立即)(?:移出|撤出|撤销|恢复)|"
    r"(?:烦请|麻烦|请)(?:我们|你们|贵局|贵单位)(?:协助|帮忙)?(?:核实|核查)|"
    # 适老化改造的申请交上去两个月了: one application's progress.
    r"申请(?:交|递|报|提)上去(?:了)?[^，,。？?]{0,4}[\d一二三四五六七八九十两几半]+个?(?:月|天|周|星期|年)了|"
    # 而家排到第几位: where one application stands in a queue.
    r"(?:排|轮)到(?:第几|几|我|多少号)|排第几|"
    # 我们养老院去年报了40张新增床位的资助，到底批下来没有？: whether one application was granted.
    r"我们?[^，,。？?]{0,8}(?:申请|报|提交|递交)了[^，,。？?]{0,16}[，,]?\s*(?:到底|究竟|现在)?(?:批(?:下来)?了?没有?|批没批|批了吗|批下来了吗|有没有批)|"
    # 我申请适老化改造都两个月了,现在到哪一步了: one application's progress.
    r"我们?(?:去年|上个月|之前)?(?:申请|报|提交|递交)(?:了|的)?[^，,。？?]{0,12}(?:都|已经)?[\d一二三四五六七八九十两几半]+个?(?:月|天|周|星期|年)了"
)
# 有个家长打进来说…, 来电人反映…: a hotline agent relays a caller; the caller's grievance is the story
# and the agent's question is what is asked.
REPORTING = re.compile(r"(?<!被)(?:投诉|举报)")
RELAY = re.compile(r"来电|打进来|打来|有人(?:说|反映|问|咨询)|(?:^|(?<=[，,。：:\s]))(?:市民|居民|群众|家长|家属|老人家)(?:问|说|反映|咨询|称)|有(?:个|位|名)?(?:市民|居民|家长|老人|群众|阿姨|大爷|阿婆|街坊|家属)(?:来电|打|说|反映|咨询|问)")
SMALL_TALK = re.compile(
    r"^(?:你好|您好|嗨|哈喽|hello|hi|在吗|在不在|谢谢|多谢|感谢|辛苦了|早上好|晚上好|晚安|再见|拜拜|好的|ok|嗯+|哈+)[!！。.~～,， 呀啊啦哈]*$|"
    r"你是谁|你叫什么|你是机器人|你是真人|你是(?:AI|ai|人工智能)|开(?:个)?玩笑的?(?:哈|啦|啊|嘛)?[!！。.~～]*$|讲个笑话|讲笑话|陪我聊|聊聊天|天气|下雨|下大雨|台风|下暴雨|暴雨|天气预报|性价比|理财|收益(?:好|高)|哪家[^，。？?]{0,8}(?:好吃|好玩|好喝|实惠)|(?:好吃|好玩)的?[^，。？?]{0,4}推荐|吃饭了吗|吃了吗|你几岁|你多大了|唱首歌|无聊|"
    # 帮我写个请假条, 写一首诗: something to be written is asked, nothing the documents say.
    r"帮(?:我|忙)?(?:写|编|拟|起草|翻译)(?:个|一个|一份|一篇|一封|份|篇|封|首|一首|段|一段)",
    re.IGNORECASE,
)
# …就开个玩笑哈哈: laughter closing a message that asks nothing (啥时候开始 我们想去蹭个曝光哈哈 asks).
LAUGHTER_END = re.compile(r"哈哈+[!！。.~～]*$")
# 接这么多电话,累不累呀？辛苦啦！: kind words to the staff, with nothing asked of the documents.
# …已经解决了，特意打来道声谢，没有其他事。: thanks, and nothing asked.
KIND_WORDS = re.compile(
    r"累不累|忙不忙|辛苦(?:啦|了|晒|哂|你们了|您了)[!！。.~～]*$|道(?:声|个)?谢|(?:特意|专门)(?:打来|来电|打电话)?(?:感谢|道谢)|"
    r"(?:无|没有?)(?:其他|别的)(?:事|事情|诉求)了?[。.!！~～]*$|"
    # 来电阿姨话冇乜事，就系想多谢你哋: nothing wanted but to thank.
    r"(?:没有?|冇)(?:什么|啥|乜)事[^。？?]{0,10}(?:谢|感谢)"
)
THANKS = re.compile(r"谢谢|多谢|感谢|道谢|唔该晒")
WANTS = re.compile(r"想(?:要|申请|办|问|了解|知道|咨询|请)|请|麻烦|帮(?:我|忙)")  # 感谢…我们想申请…: a request

# -- follow-ups -----------------------------------------------------------------------------------

# 那要带什么材料？ 这个怎么申请？ 我妈也能领吗？ 那2021年呢？: the topic is in an earlier turn.
# 那2021年呢？ 咁入公园呢？ 那非深户的呢？: the earlier question again, for something else.
# 现在怎么解决？ 那怎么处理？: how a matter is dealt with, a way and no figure.
HOW_SOLVED = re.compile(r"(?:怎么|怎样|如何|咋|点样)(?:来|去)?(?:解决|处理|弥补|补救|落实|保障|安排)")
ELLIPSIS = re.compile(r"[^，。？?]{0,14}呢[?？]?")
ELLIPSIS_LEAD = re.compile(r"^(?:那|那么|咁)?[^，。？?]{1,14}呢(?:[?？，,]|$)")
ANAPHORA = re.compile(
    # 后面正式发了没有？: what became of the matter the conversation named.
    r"^(?:那|那么|那个|那这个|这个|这|那请问|还有|另外|同样|它|此|该|里头|里面|里边|后面|后来|之后)|^[^，。]{0,12}呢[?？]?$|也(?:能|可以|有|要|算)|"
    # 如果是2025年才入驻的呢？按什么标准？: the same question for another case, then more.
    r"^(?:如果|要是|假如|假设)[^，。？?]{0,14}呢[?？]|"
    # 我爸腿脚不好，也不会弄手机，那怎么办？: the last clause opens by going on from the conversation.
    r"[，,]\s*那(?:怎么|咋|点样|点算|该怎么|可以怎么)|"
    # 老人腿脚不便去不了现场，还有别的方式吗？: another way than the one the conversation named.
    rf"(?:^|[，,]\s*)那?(?:还有|有没有|有冇|有无)(?:别的|其他|其它|另外的?){WAY_NOUNS}|"
    # 最早那家是哪年加入的？: one picked out of those the conversation named.
    r"这个|那个|这项|该项|上面|刚才|前面|(?:最早|最晚|最新|最近|最大|最小|第[一二三四五六七八九十\d]+)(?:那|这)(?:家|间|所)|它[的们]?|他们|她们|佢|嗰[个间度啲只]|呢[间个只]|(?<![其])[她他](?![们人])|"
    # 盐田嗰间 (那间 once read as Mandarin): the place the conversation named.
    r"[那这]间|"
    # 去哪办？ 怎么申请啊？: a way to apply for something the message does not name.
    r"^(?:要|得|去|到|在)?(?:哪里?|哪儿|边度|怎么|怎样|如何|点样)(?:去)?(?:办|申请|办理|申领|领|弄|报名|登记)"
    r"(?:呢|啊|呀|吗|嘛)?(?:[，,。？?!！]|$)"
)
# Who pays, where to go and what to bring name no topic of their own: after earlier turns, a question
# naming only these (政府有补贴吗？ 要不要带户口本去社区交材料？) goes on about the earlier topic.
GENERIC = frozenset(
    "政府 国家 官方 民政 民政局 民政部门 部门 有关部门 相关部门 社区 街道 居委 居委会 工作站 社区工作站 "
    "户口本 户口簿 身份证 居住证 银行卡 存折 照片 证件 复印件 原件 表格".split()
)


PERSON_ONLY = ("age", "hukou")  # conditions that are never a subject asked about
# A person's state and its degree (中度失能), told of the person like an age: no subject asked about
# (低保 and 残疾 name benefits too: 低保怎么申请？).
PERSON_STATES = frozenset("失能 半失能 失智 轻度 中度 重度 中度失能 重度失能 完全失能".split())


def _told(word: str, u: Understanding, kinds: tuple[str, ...] = ()) -> bool:
    """Whether a word is one of the person's conditions as told (非深户 of 那非深户的呢？), not a subject;
    ``kinds``: only conditions of these kinds."""
    return any((word in c.value or c.value in word) and (not kinds or c.kind in kinds) for c in u.conditions)


def _shown_topic(inherited: tuple[str, ...], subjects: frozenset[str], earlier: Understanding) -> str:
    """The conversation's topic as the answer names it: of the inherited words that are not the person's
    age, household or state, the documents' subjects (适老化改造, not 中度失能深圳户口适老化改造得到), else
    all of those."""
    kept = [w for w in inherited if not _told(w, earlier, PERSON_ONLY) and w not in PERSON_STATES]
    return "".join(w for w in kept if w in subjects) or "".join(kept) or "".join(inherited)


def _with_earlier(current: Understanding, earlier: Understanding) -> tuple[Condition, ...]:
    """The person's conditions: the message's own, then the earlier turn's of other kinds (她68岁 stays)."""
    kinds = {c.kind for c in current.conditions}
    return (*current.conditions, *(c for c in earlier.conditions if c.kind not in kinds))


def _places_after(current: Understanding, earlier: Understanding) -> tuple[Place, ...]:
    """A follow-up's places: its own, read as the conversation's Shenzhen place goes on (香港老人 living in
    the 颐康院 of 深圳复康会颐康院在哪个区？ are people from Hong Kong, not Hong Kong asked about); else the earlier's."""
    if not current.places:
        return earlier.places
    here = tuple(p for p in earlier.places if p.in_scope and p not in current.places)
    if not here or any(p.in_scope for p in current.places):
        return current.places
    return mark_origins((*current.places, *here), current.text)[: len(current.places)]


def _repeats(current: Understanding, earlier: Understanding) -> bool:
    """Every topic word of a question is in the earlier turn (2024年入驻的按多少给？ after 前海…对入驻的
    行业商协会有租金支持吗？): it names nothing new, so it goes on about the earlier topic."""
    return bool(current.topic) and all(w in earlier.topic or w in earlier.text for w in current.topic)


# 办卡要交工本费吗？ after 颐年卡是干什么用的？: the card of the earlier turn, by its head noun.
HEAD_NOUNS = "卡证院站险床馆堂"
HEAD_REFERENCE = r"(?:办|申请|领|这个?|那个?|该|此|张|嗰[张个间]?|呢[张个间])"


def _names_head(current: Understanding, earlier: Understanding) -> bool:
    """The question names an earlier topic word by its head noun alone (办卡 for 颐年卡)."""
    return any(
        len(w) >= 3 and w[-1] in HEAD_NOUNS and w not in current.text
        and re.search(HEAD_REFERENCE + re.escape(w[-1]), current.text)
        for w in earlier.topic
    )


# 2024年那份提案办理总结里说…, 2021年的答复里…: the document where the caller read it, not what is asked.
SOURCE_NAMED = re.compile(
    r"(?:20\d\d年的?)?(?:那份|这份|那个|这个)?(?:20\d\d年的?)?(?:市政协|政协|人大|代表|委员)?(?:提案|建议)?(?:办理)?(?:工作)?"
    r"(?:总结|答复函|答复|回复)(?:里面|里|中|上)(?:说|提到|讲|写|提)?的?"
)
# Words that ask rather than name a topic: a question made only of these lacks its topic.
ASKING = frozenset(
    "申请 申领 办理 怎么办 材料 资料 证件 证明 条件 资格 标准 多少 多少钱 钱 元 流程 手续 时间 电话 热线 地址 "
    "哪里 地方 窗口 网上 线上 需要 需要带 带 准备 提交 补贴 补助 津贴 待遇 政策 规定 情况 问题 事情 事 "
    # 要走哪些步骤，我想跟他讲清楚: the steps asked, and the caller's wish to understand them (程序 may be
    # 小程序's, an app)
    "步骤 环节 清楚 明白 "
    # 十四五期间…的规模目标是多少？: the measure asked for, and the plan's span, not a topic
    "规模 目标 指标 期间 "
    # 当时进展到哪一步？: where a matter stands, asked of a topic named elsewhere
    "进展 进度 一步 哪一步 正在 "
    # 那份办法主要讲什么？ 后来正式印发了没有？: what a document says, and whether it was issued, of one named
    "主要 正式 "
    # 能在家里建家庭病床吗: where the caller is, said as the documents never say it (they write 居家)
    "在家 "
    "年 月 每月 每个月 一个 领取 能 可以 有 没有 要 请问 谢谢 你好 您好 具体 一般 大概 多久 几天 上限 最高 最低 "
    "老人 老年人 家人 我妈 我爸 妈妈 爸爸 母亲 父亲 孩子 小孩 本人 自己 人 呢 吗 也 还 又 那 这 那个 这个 "
    "深圳 深圳市 市民 居民 户籍 深户 非深户 现在 最新 今年 去年 明年 目前 每个 每人 每年 个月 一年 我要 "
    "你们 我们 他们 咱们 知道 想问 问问 了解 咨询 告诉 一下 怎么办 怎么样 怎样 如何 为什么 是不是 能不能 可不可以 "
    "最多 最少 最高 最低 多少钱 能补 补多少 能拿 能报 能领 领多少 拿多少 一共 总共 多久 几个 多大 封顶 上限 "
    # what is asked about a topic rather than the topic: 全市一共设了多少个？ 打算什么时候办？ 面积有啥要求？
    "全市 全区 一共 总共 打算 计划 要求 面积 规定 成立 设立 开始 时候 结果 效果 变化 人数 数量 地点 地址 位置 "
    # 要交钱吗？ 使唔使畀钱？: whether one pays, asked of a topic named elsewhere
    "交钱 付钱 花钱 出钱 掏钱 收钱 要钱 畀钱 俾钱 "
    # 办下来要交钱不？ 办好了要收钱吗？工本费之类的: the verb's result and a trailing "and such", not a topic
    "下来 办好 办完 之类 之类的 什么的 "
    # 能办不？ 办得了吗？: whether it can be done, asked of a topic named elsewhere
    "能办 可以办 办得 办得了 那要 那就 那还 还要 还得 还需 还需要 "
    # 多少钱一张？ 火化一次要收多少钱？: the unit a price is asked per, no topic of its own
    "一张 一次 一间 一位 一份 一餐 一顿 一晚 一天 一人 一户 一床 每张 每次 每间 每位 每份 每餐 每顿 每天 每户 "
    # which one or which came first (第一家在哪个区？ 最早是哪个区在试？): the order asked, not a topic
    "最早 最先 最初 首先 第一 一家 第一家 第一个 第一批 哪家 哪个 "
    # 还有别的办法吗？ 有多少张床位？: another way, or a thing counted of the earlier subject
    "别的 其他 其它 办法 方法 途径 床位 哪些办法 什么办法 啥办法 哪些方式 什么方式 哪些途径 "
    # 民生微实事是什么东西？: a thing, whatever it is
    "东西 什么东西 "
    # 老龄化社区是咋定义的？: what a term means is asked of it, no topic of its own
    "定义 界定 含义 意思 "
    # 照顾老人方面的证: the side of things named, no topic of its own
    "方面 "
    # 系鼓励边啲人去帮边啲人？ 支持啲乜？: what a policy does, asked of a topic named elsewhere
    "鼓励 支持 帮 帮助 帮忙 "
    "不想 不用 不会 不能 不可 "
    "几多 点样 边度 乜嘢 咩 嘅 咗 冇 唔 系 佢 而家 宜家".split()
)


@dataclass(frozen=True)
class Condition:
    kind: str  # age / hukou / group
    value: str  # as the caller wrote it (85岁, 非深户, 低保)
    number: int | None = None  # the age in years


@dataclass(frozen=True)
class Understanding:
    """One question as understood, ready for retrieval and for checking the evidence against it."""

    question: str  # as asked
    rewritten: RewrittenQuery  # corrected, and for a follow-up prefixed with the inherited topic
    intents: tuple[str, ...]  # every kind of answer asked for
    asked: str  # the most specific of them, or "other"
    topic: tuple[str, ...]  # the caller's content words (and inherited ones), document terms in rewritten
    years: tuple[int, ...] = ()  # years asked about
    current: bool = False  # 最新 / 现在 / 目前: the newest figure is wanted
    this_year: int | None = None  # 今年 / 明年 resolved against today: a figure of that year is wanted
    places: tuple[Place, ...] = ()
    conditions: tuple[Condition, ...] = ()
    act: str = "question"  # question / complaint / suggestion / personal_case / small_talk
    act_probability: float = 1.0  # the act model's probability that it is a question (1 without a model)
    elsewhere_probability: float = 0.0  # the act model's probability that it is about what others handle
    follow_up: bool = False  # the topic (and perhaps the asked kind) came from earlier turns
    understood_as: str = ""  # the inherited topic, shown as 按“…”理解
    needs_topic: bool = False  # a follow-up without any earlier turn that names a topic
    matters: tuple[str, ...] = ()  # other bureaus' matters named (公积金, 医保…)
    unknown_words: tuple[str, ...] = ()  # content words the documents never use (二胎, 挂失)
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # topic word → the documents' terms for it
    weights: tuple[float, ...] = ()  # each topic word's idf in the corpus (rare words weigh more)
    programme: str = ""  # the topic word naming the benefit asked about (岗位 of 岗位补贴), if any
    personal: bool = False  # asks what one person or household gets or pays (能领多少, 每月, 我妈…)
    unit: str = ""  # what a count counts, by its measure word (张 of 多少张床, 面积 of 多大面积)
    # 那要是评上五星级呢？: the words taken from earlier turns count this much in a sentence's coverage.
    background: tuple[str, ...] = ()
    background_weight: float = 1.0

    def weight(self, word: str) -> float:
        return dict(zip(self.topic, self.weights, strict=False)).get(word, 1.0)

    def terms_for(self, word: str) -> tuple[str, ...]:
        """A topic word and the documents' terms for it (养老院 → 养老机构)."""
        return (word, *next((terms for w, terms in self.synonyms if w == word), ()))

    @property
    def text(self) -> str:
        return self.rewritten.text

    @property
    def places_elsewhere(self) -> tuple[str, ...]:
        """The places outside Shenzhen the question asks about (not where the person comes from)."""
        return tuple(p.name for p in self.places if not p.in_scope and not p.origin)

    @property
    def asked_years(self) -> tuple[int, ...]:
        """The years a figure must be of: the named ones, or this/next year when said so."""
        return self.years or ((self.this_year,) if self.this_year else ())

    def with_intents(self, found: tuple[str, ...]) -> Understanding:
        return replace(self, intents=found, asked=asked_kind(found))


def counted_unit(question: str) -> str:
    """What a count question counts by its measure word (张 of 多少张床, 面积 of 多大面积), or ""."""
    match = COUNTED.search(question)
    return (match.group(1) or match.group(2)) if match else ""


def asked_kind(found: tuple[str, ...]) -> str:
    return next((kind for kind in ASKED_ORDER if kind in found), "other")


def conditions_in(text: str) -> tuple[Condition, ...]:
    """The person's conditions the text states: an age, a household registration, a group."""
    found: list[Condition] = []
    for match in AGE_DIGITS.finditer(text):
        age = int(match.group(1))
        if 40 <= age <= 120:
            found.append(Condition("age", match.group(0), age))
    for match in AGE_WORDS_CN.finditer(text):
        tens = CN_DIGITS[match.group(1)] * 10
        found.append(Condition("age", match.group(0), tens + (CN_DIGITS[match.group(2)] if match.group(2) else 0)))
    for match in HUKOU_WORDS.finditer(text):
        found.append(Condition("hukou", match.group(0)))
    for group in GROUP_WORDS:
        if group in text and not any(group in c.value for c in found):
            found.append(Condition("group", group))
    return tuple(found)


# "elsewhere": a question about something the documents leave to others (another bureau's matter,
# another place, an uncovered topic); it is a signal for the answerability model, never a pointer.
ACTS = ("question", "complaint", "suggestion", "personal_case", "small_talk", "elsewhere")
POINTER_ACTS = ("complaint", "suggestion", "personal_case", "small_talk")
ELSEWHERE = ("other_bureau", "other_place", "off_topic")
ACTS_PATH = Path(__file__).parent / "data" / "acts.json"
STORY_MESSAGE_CHARS = 24  # a first message this long tells its own story, it follows up nothing
MIN_ACT_PROBABILITY = 0.6  # for another act than question to override the wording
STORY_CHARS = 40
NAMED_NUMBER = re.compile(r"(?<!\d)\d{5,}(?!\d)")
SHORT_FOLLOW_CHARS = 15  # Han characters of a question short enough to go on about the conversation
COMMON_WORD_IDF = 3.6  # below it a word is common in the documents (项目, 组织, 资助), naming no subject
MAX_RARE_IN_FOLLOW = 1  # rarer words a short question in a conversation may hold and still go on about it
ASKED_MEASURE = re.compile(r"^(?:几|多少|哪)")  # 几批, 几类, 哪一年: what is asked, not a word of the topic
STORY_WEIGHT = 0.5  # a topic word only in the story, not in a clause that asks
# 十四五 社工人才 目标人数: words typed into a search box, not a statement.
KEYWORDS = re.compile(r"[^\s，。,.!！?？]{1,8}(?:\s+[^\s，。,.!！?？]{1,8})+")
def _names_no_benefit(word: str) -> bool:
    """A bare money word (奖励, 补贴) or a generic one (政府 of 政府补贴) names no benefit."""
    return bool(re.fullmatch(PROGRAMME_SUFFIX, word)) or word in GENERIC


# words apart with no sentence between them (第十二届中华慈善奖 深圳 获奖 企业): a search box's query
KEYWORD_SEARCH = re.compile(r"[^\s，。,.!！?？]{1,16}(?:\s+[^\s，。,.!！?？]{1,16}){2,}")
MIN_STATEMENT_CHARS = 12  # shorter messages without a question are keyword searches (高龄津贴 标准)
FIGURE_ASKED = {"amount", "fee", "rate", "total", "count", "ordinal", "days", "duration", "time"}
FIGURE_KINDS = ("rate", "amount", "fee", "minimum", "exact", "reimburse", "total")  # a figure's kinds a turn may inherit
MIN_ACT_PROBABILITY_ASKING = 0.75  # the same when the message asks something (多少, 吗, ？)


WHITESPACE = re.compile(r"\s\s+")


def char_gram_counts(text: str, sizes: tuple[int, int]) -> dict[str, int]:
    """The character n-grams of a text, as scikit-learn's ``TfidfVectorizer(analyzer="char")`` cuts them."""
    text = WHITESPACE.sub(" ", text.lower())
    counts: dict[str, int] = {}
    for n in range(sizes[0], sizes[1] + 1):
        for i in range(len(text) - n + 1):
            gram = text[i : i + n]
            counts[gram] = counts.get(gram, 0) + 1
    return counts


@dataclass(frozen=True)
class WordingModel:
    """The act read from a message's characters beside its embedding: a softmax regression over the
    embedding and the TF-IDF weights (sublinear, l2-normalised) of its character n-grams, which hold
    what a sentence embedding blurs (帮我, 够唔够, 采纳)."""

    grams: dict[str, int]  # n-gram → column
    idf: np.ndarray
    sizes: tuple[int, int]
    gram_coef: np.ndarray  # acts × n-grams
    vector_coef: np.ndarray  # acts × dimension
    intercept: np.ndarray

    def logits(self, vector: np.ndarray, text: str) -> np.ndarray:
        counts = [(self.grams[g], c) for g, c in char_gram_counts(text, self.sizes).items() if g in self.grams]
        z = self.vector_coef @ vector + self.intercept
        if counts:
            columns = np.array([col for col, _ in counts])
            weights = (1.0 + np.log([c for _, c in counts])) * self.idf[columns]
            z = z + self.gram_coef[:, columns] @ (weights / np.linalg.norm(weights))
        return z


def _softmax(acts: tuple[str, ...], z: np.ndarray) -> dict[str, float]:
    z = np.exp(z - z.max())
    return dict(zip(acts, (z / z.sum()).tolist(), strict=True))


@dataclass(frozen=True)
class ActModel:
    """Softmax regressions fitted on the training pool (eval/fit_acts.py): over the question's embedding
    (its probabilities are signals of the answerability model, fitted on them), and, when shipped, over
    the embedding and the message's characters, which decides the act."""

    acts: tuple[str, ...]
    coef: np.ndarray  # acts × dimension
    intercept: np.ndarray
    model: str  # the embedding model it was fitted on
    wording: WordingModel | None = None

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        return _softmax(self.acts, self.coef @ vector + self.intercept)

    def decide(self, vector: np.ndarray, text: str) -> dict[str, float]:
        """The probabilities the act is decided by."""
        if self.wording is None:
            return self.probabilities(vector)
        return _softmax(self.acts, self.wording.logits(vector, text))


def load_act_model(model_name: str, path: Path = ACTS_PATH) -> ActModel | None:
    """The fitted act model for this embedding model, or None (patterns alone then)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("model") != model_name:
        return None
    wording = None
    if "wording" in data:
        w = data["wording"]
        wording = WordingModel(
            {g: i for i, g in enumerate(w["grams"])}, np.array(w["idf"]), (w["sizes"][0], w["sizes"][1]),
            np.array(w["gram_coef"]), np.array(w["vector_coef"]), np.array(w["intercept"]),
        )
    return ActModel(tuple(data["acts"]), np.array(data["coef"]), np.array(data["intercept"]), data["model"], wording)


HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
CLAUSE = re.compile(r"[^，,。；;！!？?\n]+[，,。；;！!？?]?")
SENTENCE = re.compile(r"[^。！!？?\n]+[。！!？?\n]*")
QUESTION_MARK = re.compile(r"[？?]")
TOLD = re.compile(r"[。！!]\s*$")  # a sentence closed by a full stop or an exclamation
ASKING_CLAUSE = re.compile(rf"多少|{FEW}|吗|么|呢|[?？]|怎么|怎样|如何|什么|啥|哪|是否|能不能|可不可以|有没有|标准|点样|咩|边度|系咪|冇")
# 请提供2026年度…, 想要最新的2025年数据, 截至2026年…: a request names the year it wants.
REQUEST = re.compile(
    r"请|提供|查询|询问|打听|想要|想了解|了解一下|想知道|咨询|问一下|问问|告诉|介绍|说明|截至|年度|全年|最新|"
    r"核实|核对|确认一下|查一下"  # 想核实一下…每年结婚登记的数量: a figure asked for
)
# 给不给报, 是在市里还是区里, 是干嘛的, 验收了没: questions without a question word or mark.
# 有补贴没, 办好了冇: a yes or no asked by a trailing 没.
QUESTION_FORM = re.compile(
    r"([\u4e00-\u9fff])[不没]\1|还是|定系|定是|究竟|到底|干嘛|干啥|为什么|为啥|咋|怎|谁|何时|几时|有无|了没|没有[?？]?$|未[?？]?$|"
    r"有[^，。,；;]{1,10}(?:没|冇)[?？]?$"
)
# 2025年深圳结婚登记数出来没，有多少对？: a clause asking by a trailing 没 names the year it asks of.
TRAILING_NOT = r"(?:没|冇)(?:有|得)?[，,？?]?$"
YEAR_CLAUSE = re.compile(ASKING_CLAUSE.pattern + "|" + REQUEST.pattern + "|" + TRAILING_NOT)
# …一共有多少家社会组织？要2026年最新的数字。: a sentence after the question that asks for a year.
YEAR_WANTED = re.compile(r"(?:要|想要|需要|请提供|提供|给我)[^，,。？?]{0,4}(?:20\d\d年|今年|本年度|最新)")
ORIGIN_BEFORE = re.compile(r"(?:老家|来自|从|户口在|户籍在|户口是|老家在|回|系|是)(?:那边的?)?$")
ORIGIN_AFTER = re.compile(r"^(?:人|籍|户口|户籍|老家|过来|来的|来深|嚟|的户口|那边过来)")
# 老家衡阳那边八十岁的老人…: the place over there, asked about (not 衡阳那边过来的).
NAMES_WHO = re.compile(r"的[，,]$")  # 今年做养老护工的，: a clause naming who the next one asks about
THERE_ASKED = re.compile(r"^[，,\s]*(?:那边|那里|那儿|当地|嗰边|嗰度|嗰头)(?!过来|来)")
ASKED_AFTER = re.compile(r"^(?:那边|那里|那儿|当地|嗰边|那头)(?!过来|来|的人|人)")
# 东莞户籍80岁的老人, 户口在东莞: a household registration elsewhere, with no Shenzhen place named, makes
# a benefit tied to it that place's benefit.
HUKOU_BEFORE = re.compile(r"(?:户口在|户籍在|户口是|户籍是)$")
HUKOU_AFTER = re.compile(r"^(?:籍|户口|户籍|的户口|的户籍)")
# 盐田那家院舍…住了多少香港老人: people from a place, living in a Shenzhen place the message names.
PEOPLE_AFTER = re.compile(r"^(?:的)?(?:老人|长者|老年人|居民|同胞)(?!院|中心|服务)")


# 民生微实事是那年开始搞的: in a message that asks nothing else, 那 before a year or a place was typed for 哪.
WHICH_TYPED = re.compile(r"(?<=[是去到在])那(?=一?(?:年|里|儿|天|个月))")
REPORTED = re.compile(r"说|讲|称|表示|告知|通知")
# 半夜我按它有没有人管, 半夜出事了有没有人管？: whether someone answers a call for help, no grievance.
DUTY_ASKED = re.compile(r"(?:按|呼叫|呼救|出事|半夜|紧急|求助)[^，,。？?]{0,8}有没有人管")
REPORTED_START = re.compile(r"^[，,\s]*(?:他|她|对方|来电人|老人|家属|居民|市民)?(?:说|称|表示|反映)(?!明)")
WORRY_ASK = re.compile(r"(?:万一|要是|如果|假如)[^，,。？?!！；;]*(?:咋办|怎么办|点算|如何是好)")


def asking_clauses(text: str, asking: re.Pattern[str] = ASKING_CLAUSE) -> list[str]:
    """The clauses of a message that ask something.

    When some sentences end with a question mark, a sentence ending with a full stop tells rather
    than asks: 刚起步没什么钱。 and 治疗费要几十万，…借遍了。 name no amount asked.
    """
    sentences = [m.group(0) for m in SENTENCE.finditer(text)]
    if any(QUESTION_MARK.search(s) for s in sentences) and len(sentences) > 1:
        text = "".join(s for s in sentences if QUESTION_MARK.search(s) or not TOLD.search(s))
    # 今年做养老护工的，…参考工资涨到几多了？: a clause ending in 的 names who the next one asks about.
    pieces: list[str] = []
    for m in CLAUSE.finditer(text):
        if pieces and NAMES_WHO.search(pieces[-1]):
            pieces[-1] += m.group(0)
        else:
            pieces.append(m.group(0))
    clauses = [c for c in pieces if asking.search(c)]
    # 机构说新的打包费标准要等续签以后才执行,…想问政策上到底怎么规定的？: 标准 in a clause reporting
    # what someone said asks nothing when another clause asks with a question word (今年的标准 asks).
    worded = {c: bool(asking.search(c.replace("标准", ""))) for c in clauses}
    kept = [c for c in clauses if worded[c] or not REPORTED.search(c)]
    clauses = kept if any(worded[c] for c in kept) else clauses
    # 说今年…有几个项目做完还剩了点钱，…问能不能把这笔结余…: a clause reporting what someone said
    # asks nothing when another clause asks.
    asked = [c for c in clauses if not REPORTED_START.match(c)]
    clauses = asked or clauses
    # 万一摔了咋办？…到底能不能参加工伤保险？: a worry beside the question asks no way to do anything.
    return [c for c in clauses if not WORRY_ASK.search(c)] or clauses


def asking_part(text: str, asking: re.Pattern[str] = ASKING_CLAUSE) -> str:
    """The clauses of a message that ask something (all of it when none does)."""
    return "".join(asking_clauses(text, asking)) or text


def asks(text: str) -> bool:
    """Whether a message asks or requests anything (有没有…, 请提供…), rather than only telling."""
    return bool(ASKING_CLAUSE.search(text) or REQUEST.search(text) or QUESTION_FORM.search(text) or intents(text))


def mark_origins(places: tuple[Place, ...], text: str) -> tuple[Place, ...]:
    """Places that say where the person is from (老家湖南, 我系香港人), not what the question is about.

    A message that also names Shenzhen or one of its districts asks about Shenzhen, unless the
    place is asked about in a clause of its own.
    """
    here = any(p.in_scope for p in places)
    clauses = asking_clauses(text)
    marked = []
    for place in places:
        # 户口在东莞,东莞那边的高龄津贴…: a place named again as the subject is asked about.
        mentions = [m.start() for m in re.finditer(re.escape(place.name), text)] or [text.find(place.name)]
        # 广州…补几多钱？同深圳一唔一样？ asks about Guangzhou in a clause of its own.
        # (在深圳坐公交都不要钱的，我就想问问惠州那边…免费吗？: the part of a clause that asks, as well)
        asked_here = any(
            place.name in part and not any(p.in_scope and p.name in part for p in places)
            for clause in clauses
            for part in (clause, *(piece for piece in re.split(r"[，,]", clause) if ASKING_CLAUSE.search(piece)))
        )
        # 老家衡阳那边…有没有高龄补贴？: the place "over there" in a clause that asks is what is asked.
        over_there = asked_here and any(ASKED_AFTER.match(text[at + len(place.name) :]) for at in mentions)
        # 我回四川达州老家，那边低保一个月好多钱？: a later clause asking about "over there" asks about the place.
        over_there = over_there or not here and any(
            THERE_ASKED.match(clause) and place.name not in clause for clause in clauses
        )
        registered_there = not here and any(
            HUKOU_BEFORE.search(text[max(0, at - 4) : at]) or HUKOU_AFTER.match(text[at + len(place.name) :])
            for at in mentions
        )
        origin = not place.in_scope and not over_there and not registered_there and (
            (here and not asked_here)
            or all(
                ORIGIN_BEFORE.search(text[max(0, at - 4) : at])
                or ORIGIN_AFTER.match(text[at + len(place.name) :])
                or (here and PEOPLE_AFTER.match(text[at + len(place.name) :]))
                for at in mentions
            )
        )
        marked.append(replace(place, origin=origin) if origin else place)
    return tuple(marked)


def _inside_phrase(text: str, name: str, in_documents: Callable[[str], bool]) -> bool:
    """Whether ``name`` stands inside a run of Han characters that the documents also use, with
    at least one character on each side (银龄安康行动 → 龄安康行) or two on one side (银玲安康行动, a
    typo before it → 安康行动)."""
    for match in re.finditer(re.escape(name), text):
        start, end = match.start(), match.end()
        for before, after in ((1, 1), (1, 2), (2, 1), (2, 2), (0, 2), (2, 0)):
            piece = text[start - before : end + after] if start >= before else ""
            if len(piece) == len(name) + before + after and HAN_RUN.fullmatch(piece) and in_documents(piece):
                return True
    return False


def _case_only_told(text: str) -> bool:
    """One's own case told in sentences before a question asked in a sentence of its own (…想看看咱们
    公司排第几。请问深圳的慈善捐赠榜每年都发哪几个榜？): the story, while the question asks the policy."""
    asked = ASKED_CLAUSE.search(text)
    if asked is None or asked.start() == 0:
        return False
    before, rest = text[: asked.start()].rstrip(), text[asked.start() :]
    return bool(TOLD.search(before)) and not PERSONAL_CASE.search(rest)


# 帮我查一下我爷爷…一个月大概能拿多少钱给个范围就行: the rule's figure for one like him, no record looked up.
RULE_FIGURE_ASKED = re.compile(r"(?:给|说|讲)个?(?:大概的?|大致的?)?范围|范围就(?:行|好|可以)|(?:大概|大致|一般)(?:能|可以)?(?:拿|领|有|发|给|补)?(?:多少|几多)")


def speech_act(text: str) -> str:
    """question, or what the message is instead by its wording: complaint, suggestion, personal_case, small_talk."""
    # 家属能不能帮忙办？: whether a relative may do it is asked of the rules, not one case handed over
    # (负责人让我们帮他查 hands one over).
    permitted = PROXY_ASKED.sub(lambda m: "，" if MAY.search(m.group(0)) else m.group(0), text)
    if PERSONAL_CASE.search(permitted) and not _case_only_told(text) and not RULE_FIGURE_ASKED.search(text):
        return "personal_case"
    relayed = RELAY.search(text) and intents(asking_part(text))
    # 我想举报,该打哪个电话？ asks where to report, it makes no complaint to the bureau.
    # 发现有小孩被虐待或者没人管，打哪个电话报？ asks which number to call, whatever it tells.
    asked = set(intents(asking_part(text)))
    reporting = "phone" in asked or (not COMPLAINT.search(REPORTING.sub("", text)) and bool({"phone", "procedure"} & asked))
    # 两边踢皮球,跑了三趟。想问下是不是有规定哪些证明社区能开？ asks the rule, in a clause of its own.
    rule = any(RULE_ASKED.search(s) and not COMPLAINT.search(s) for s in SENTENCE.findall(text))
    told = DUTY_ASKED.sub("，", ASKED_CLAUSE.sub("，", WORRY_CLAUSE.sub("，", text)))
    if COMPLAINT.search(told) and not relayed and not reporting and not rule:
        return "complaint"
    if SUGGESTION.search(text):
        return "suggestion"
    # Laughter closing a message is small talk unless it asks more than yes or no (啥时候开始…蹭个曝光哈哈
    # asks a date; 你们民政局发月饼吗哈哈 does not), and a joke told as one is small talk whatever it asks.
    laughing = LAUGHTER_END.search(text) and (not set(intents(text)) - {"yesno"} or "玩笑" in text)
    if SMALL_TALK.search(text.strip()) or (KIND_WORDS.search(text) and not intents(text)) or laughing:
        return "small_talk"
    # 谢谢你哈，上次问的颐年卡已经办下来了！ …专门打过来说一声谢谢民政局: thanks, and nothing asked.
    if THANKS.search(text) and not intents(text) and not ASKING_CLAUSE.search(text) and not WANTS.search(text):
        return "small_talk"
    return "question"


class Understander:
    """Turns a question (and the conversation before it) into an ``Understanding``."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        tokenizer: Tokenizer,
        corrector: Callable[[str], tuple[str, tuple[tuple[str, str], ...]]] | None,
        document_frequency: Callable[[str], int],
        gazetteer: Gazetteer | None = None,
        today: datetime.date | None = None,
        passages: int = 1000,
        embed: Callable[[str], np.ndarray] | None = None,
        acts: ActModel | None = None,
        in_documents: Callable[[str], bool] | None = None,
        heard_in_documents: Callable[[str], bool] | None = None,
    ) -> None:
        self.embed = embed
        self.in_documents = in_documents  # whether a piece of text occurs in the documents
        # or one that sounds the same does (a typo of a programme's name around a place's: 银铃安康)
        self.heard_in_documents = heard_in_documents or in_documents
        self.acts = acts
        self.passages = passages  # the number of indexed passages, for the topic words' idf
        self.vocabulary = vocabulary
        # the benefits the vocabulary names by their whole names, longest first (入职补贴, 高龄津贴)
        self._benefit_terms = tuple(sorted(
            {t for t in (*(term for term, _ in vocabulary.terms), *(x for _, ts in vocabulary.synonyms for x in ts))
             if re.search(PROGRAMME_SUFFIX + "$", t)},
            key=lambda t: (-len(t), t),
        ))
        # The documents' subjects: the terms callers' words are mapped to (颐年卡, 低保, 适老化改造…).
        self._subjects = frozenset(t for _, targets in vocabulary.synonyms for t in targets)
        self.tokenizer = tokenizer
        self.corrector = corrector
        self.document_frequency = document_frequency
        self.gazetteer = gazetteer or Gazetteer()
        self.today = today

    def topic_words(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The content words of a text that the documents use, and those they never use.

        Asking words (申请, 材料, 多少), numbers and the person's conditions are left out.
        """
        known, unknown = [], []
        text = SOURCE_NAMED.sub("，", text)
        ages = [c.value for c in conditions_in(text) if c.kind == "age"]
        tokens = self.tokenizer.tokenize(text)
        straddling = self._straddling(tokens, text)
        # 去考要不要交钱: a word cut into the A-not-A of 要不要 (考要) is no word the caller said.
        straddling |= {t for t in tokens if len(t) >= 2 and re.search(re.escape(t) + "[不没]" + re.escape(t[-1]), text)}
        for token in tokens:
            if token in ASKING or len(token) < 2 or NUMBERISH.fullmatch(token) or any(token in c for c in ages):
                continue
            if token in straddling:
                continue
            if self.document_frequency(token) > 0 or any(word in token for word, _ in self.vocabulary.synonyms):
                known.append(token)
            elif all("\u4e00" <= ch <= "\u9fff" for ch in token):
                unknown.append(token)

        def longest(words: list[str]) -> tuple[str, ...]:
            # Search mode also yields the parts of a long word (高龄 in 高龄津贴): keep the longest.
            return tuple(w for w in dict.fromkeys(words) if not any(w != o and w in o for o in words))

        return longest(known), longest(unknown)

    def _straddling(self, tokens: list[str], text: str) -> set[str]:
        """Search-mode parts of a word the documents never use that cross the word's reading: 居家 of
        邻居家 (read 邻居 家), which is no 居家 the caller said; 地铁 of 坐地铁 (坐 地铁) stays. A part the
        text says elsewhere stays too."""
        found: set[str] = set()
        for whole in dict.fromkeys(t for t in tokens if len(t) >= 3):
            if self.document_frequency(whole) > 0:
                continue
            pieces = self.tokenizer.reading(whole)
            ends = list(itertools.accumulate(len(p) for p in pieces))
            cuts = {0, *ends}
            spans = [(end - len(p), end) for p, end in zip(pieces, ends, strict=True)]
            for part in {t for t in tokens if t != whole and len(t) >= 2 and t in whole}:
                start = whole.find(part)
                end = start + len(part)
                aligned = start in cuts and end in cuts
                inside = any(a <= start and end <= b for a, b in spans)
                if not aligned and not inside and text.count(part) <= text.count(whole):
                    found.add(part)
        return found

    def _names_a_benefit(self, word: str) -> bool:
        """Whether the documents name a benefit by this word (岗位 of 岗位补贴 or 岗位津贴); a caller's
        name they never use (启动经费) binds no figure to it."""
        if self.in_documents is None:
            return True
        stem = re.sub(PROGRAMME_SUFFIX + "$", "", word) or word
        return any(self.in_documents(stem + suffix) for suffix in BENEFIT_NAMES)

    def _benefit_named_apart(self, topic: tuple[str, ...], text: str) -> str:
        """A follow-up's benefit named with its word apart from the money word (刚入职的有没有一次性的
        补贴 → 入职, as the documents' 入职补贴): a topic word that the documents use with a benefit's
        suffix, followed in the same clause by that suffix standing bare."""
        if self.in_documents is None:
            return ""
        for w in topic:
            if len(w) < 2 or w in GENERIC or TOTAL_WORDS.search(w) or re.search(PROGRAMME_SUFFIX + "$", w):
                continue
            for suffix in BENEFIT_NAMES:
                # the money word stands bare (一笔补贴, 一次性的补贴), not as another name's (生均补贴)
                apart = re.search(re.escape(w) + r"[^，,。；;？?！!]{1,8}?" + BARE_BEFORE + suffix, text)
                if apart and self.in_documents(w + suffix):
                    return w + suffix
        return ""

    def _benefit_meant(self, topic: tuple[str, ...], text: str) -> str:
        """A benefit the caller names by a word of their own the vocabulary maps to it (刚入这行的人…补贴 →
        入职补贴); "" when none. A bare 奖励 or 补贴 names none, whatever the vocabulary reads it as."""
        return next((
            term for word, terms in self._synonyms(topic) for term in terms
            if not _names_no_benefit(word) and re.search(PROGRAMME_SUFFIX + "$", term) and self._names_a_benefit(term)
            # (the money asked of in the word's clause: 刚入这行的人有一次性的补贴, not 想入行…工资多少)
            and re.search(re.escape(word) + r"[^，,。？?！!]{0,12}?" + PROGRAMME_SUFFIX, text)
        ), "")

    def _benefit_bare(self, text: str) -> str:
        """A benefit named by a word a few characters before the bare money word, whatever the
        segmentation (入职能拿一笔补贴 → 入职补贴, as the documents write it); "" when none."""
        if self.in_documents is None:
            return ""
        for match in re.finditer(BARE_BEFORE + "(" + "|".join(BENEFIT_NAMES) + ")", text):
            start = max((m.end() for m in CLAUSE_END.finditer(text, 0, match.start())), default=0)
            clause = text[max(start, match.start() - BENEFIT_NAME_REACH) : match.start()]
            for i in range(len(clause) - 2, -1, -1):
                for word in (clause[i : i + 3], clause[i : i + 2]):
                    # 居家养老的补助 names the documents' 居家养老服务补助 by its words: only a word set apart
                    # from the money word (入职能拿一笔补贴) is read as the benefit's name
                    if not clause[i + len(word) :].strip("的"):
                        continue
                    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", word) or word in GENERIC \
                            or TOTAL_WORDS.search(word):
                        continue
                    for suffix in (match.group(1), *BENEFIT_NAMES):
                        # a benefit the vocabulary names (入职补贴), not a tail of one (老人津贴 of 高龄老人津贴)
                        if word + suffix in self._benefit_terms and self.in_documents(word + suffix):
                            return word + suffix
        return ""

    def _other_benefit_stem(self, text: str, earlier: str) -> str:
        """Another benefit named by its stem alone in a follow-up (那刚入职的呢，有没有一次性的？ after
        岗位补贴: 入职 of the vocabulary's 入职补贴), which replaces the conversation's; "" when none."""
        for term in self._benefit_terms:
            stem = re.sub(PROGRAMME_SUFFIX + "$", "", term)
            if len(stem) >= 2 and stem in text and stem not in earlier and stem not in GENERIC \
                    and (self.in_documents is None or self.in_documents(term)):
                return term
        return ""

    def _places(self, text: str) -> tuple[Place, ...]:
        """The places a text names, less other places' names inside a phrase of the documents
        (安康 in “银龄安康行动”, a programme's name)."""
        found = self.gazetteer.find(text)
        if self.in_documents is None:
            return found
        heard = self.heard_in_documents or self.in_documents
        return tuple(p for p in found if p.in_scope or not _inside_phrase(text, p.name, heard))

    def _idf(self, word: str) -> float:
        df = self.document_frequency(word)
        n = max(self.passages, df + 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else math.log(1 + n)

    def _synonyms(self, words: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        # A caller's word maps to the documents' terms; a documents' term to the others of its line
        # (低保 ~ 最低生活保障, 高龄津贴 ~ 高龄老人津贴).
        return tuple(
            (
                w,
                tuple(dict.fromkeys(
                    t for caller, targets in self.vocabulary.synonyms
                    if caller in w or any(term in w for term in targets)
                    for t in targets if t not in w
                )),
            )
            for w in words
        )

    def _single(self, question: str) -> Understanding:
        """One message on its own, its act by its wording only."""
        rewritten = self.vocabulary.rewrite(question, self.corrector)
        if not asks(rewritten.text) and WHICH_TYPED.search(rewritten.text):
            rewritten = replace(rewritten, text=WHICH_TYPED.sub("哪", rewritten.text))
        text = rewritten.text
        # In a long message the clauses that ask say what is asked; the story around them
        # (每个月电费好几万…是真的吗？) names amounts nobody asks for.
        asked_text = asking_part(text) if len(text) > STORY_CHARS else text
        found = intents(asked_text)
        # 工资…一个月大概多少钱, 一个月能挣多少钱 is earned, not paid; 听人讲政府每个月有补助给我们买服务,一个月是
        # 多少钱？ asks the benefit the story names, though its asking clause alone reads as a price.
        received = asked_text != text and RECEIVE_WORDS.search(CALLER_GROUP.sub("", text))
        if "fee" in found and (EARNED_WORDS.search(text) or received) and not FEE_WORDS.search(asked_text):
            found = tuple(f for f in found if f != "fee")
        # A year counts when it is in a clause that asks (去年评上了4A,给多少奖励? asks no year).
        asking = asking_part(text, YEAR_CLAUSE) + "".join(s for s in SENTENCE.findall(text) if YEAR_WANTED.search(s))
        # 2021年答复里说的…政策文件，后来到底出台没有？: the year names where the caller read it; where the
        # matter stands now is asked.
        if "progress" in found:
            asking = SOURCE_NAMED.sub("，", asking)
        # 《深圳幸福养老服务指南》(2023版): a year naming a title or an edition asks for no year.
        years = tuple(dict.fromkeys(int(y) for y in YEAR.findall(TITLED_YEAR.sub("", asking))))
        today = self.today or datetime.date.today()
        # 明年能拿多少 asks what the rules in force give; no document states next year's figures.
        this_year = today.year if THIS_YEAR.search(asking) else None
        if any(int(y) >= today.year for y in YEAR_NOW.findall(text)):
            this_year = today.year
        if (NEWEST_FIGURE.search(asking) or CURRENT_WORDS.search(asking) and STANDARD_ASKED.search(asking)) and not years:
            this_year = today.year
        if LAST_YEAR.search(asking):
            years = (*years, today.year - 1)
        topic, unknown = self.topic_words(text)
        # In a long message the story's words (护理专业…毕业…工资低) say less about what is asked
        # than the words of the clauses that ask (刚入职的话能拿多少入职补贴？).
        told_only = {w for w in topic if w not in asked_text} if asked_text != text else set()
        weights = tuple(self._idf(w) * (STORY_WEIGHT if w in told_only else 1.0) for w in topic)
        programme = next(
            (
                w for w in topic
                # 岗位补贴 names a benefit; a bare 奖励 or 补贴 names none (有奖励吗 may be answered by 扶持),
                # nor does who pays it (政府补贴).
                if not TOTAL_WORDS.search(w) and not _names_no_benefit(w)
                and (re.search(re.escape(w) + PROGRAMME_SUFFIX, text) or re.search(PROGRAMME_SUFFIX + "$", w))
                and self._names_a_benefit(w)
            ),
            "",
        ) or self._benefit_bare(text) or self._benefit_meant(topic, text)
        act = speech_act(text)
        return Understanding(
            question=question,
            rewritten=rewritten,
            intents=found,
            asked=asked_kind(found),
            topic=topic,
            unknown_words=unknown,
            synonyms=self._synonyms(topic),
            weights=weights,
            programme=programme,
            personal=bool(PERSONAL.search(text)) or bool(conditions_in(text)),
            unit=counted_unit(text),
            years=years,
            current=bool(CURRENT_WORDS.search(text)),
            this_year=this_year,
            places=mark_origins(self._places(text), text),
            conditions=conditions_in(text),
            act=act,
            # 每年要在社保那边认证…是不是只要认证一次: a matter in the story is not what is asked.
            matters=self.vocabulary.matters_in(asked_text),
        )

    def understand(self, question: str, history: Sequence[str] = (), *, classify: bool = True) -> Understanding:
        """Understand a question; ``history`` holds the conversation's earlier questions, oldest first."""
        turns = [t for t in (h.strip() for h in list(history)[-MAX_HISTORY:]) if t]
        current = self._single(question)
        if current.act != "question":
            return current
        resolved = self._resolve(current, turns)
        return self._classify(resolved) if classify else resolved

    def _classify(self, u: Understanding) -> Understanding:
        """The act model's view, on the text retrieval will embed (one encoding per question)."""
        if self.acts is None or self.embed is None:
            return u
        vector = self.embed(u.text)
        probabilities = self.acts.probabilities(vector)
        # The wording model decides the act; the embedding's probabilities stay the answerability signals.
        decided = self.acts.decide(vector, u.text)
        likeliest = max(POINTER_ACTS, key=lambda a: decided.get(a, 0.0))
        floor = MIN_ACT_PROBABILITY_ASKING if u.intents or QUESTION_MARK.search(u.text) else MIN_ACT_PROBABILITY
        if len(u.text) >= MIN_STATEMENT_CHARS and not asks(u.text) and not KEYWORDS.fullmatch(u.question.strip()):
            floor = 0.0  # it tells and asks nothing (谢谢,上次的事办好了): a pointer, whichever fits best
        act = likeliest if decided.get(likeliest, 0.0) >= floor else u.act
        # 第十二届中华慈善奖 深圳 获奖 企业: a keyword search naming the documents' subjects searches them,
        # however little it reads like a question
        if act == "small_talk" and KEYWORD_SEARCH.fullmatch(u.question.strip()) and len(u.topic) >= 2:
            act = u.act
        # 家属问半夜按了有没有人管，是不是全天都有人: a caller's question relayed by the agent is no
        # grievance, whatever its words (as speech_act reads relayed questions)
        if act == "complaint" and RELAY.search(u.question) and intents(asking_part(u.question)):
            act = u.act
        # 小孩老是被大人打，也没人管，我该打什么电话反映？: which number to call is asked, whatever is told
        # (as speech_act reads it); where to lodge one's own grievance (打什么电话投诉) stays one
        if act == "complaint" and "phone" in intents(asking_part(u.question)) and "投诉" not in u.question:
            act = u.act
        # 能让我儿子在网上帮我弄吗？: whether another may act for one is asked of the rules, whoever's case
        if act == "personal_case" and PROXY_ASKED.search(asking_part(u.question)):
            act = u.act
        # 那份人大建议的答复里,说颐年卡惠及了多少老人？: a figure or a date asked with a question mark is a
        # question, whatever words of proposals or grievances it holds (建议…捐了多少都公开出来 tells one)
        # (办这个要收工本费不: a yes or no closing the message asks as a question mark does)
        if act in ("suggestion", "complaint") and FIGURE_ASKED & set(u.intents) and (
            QUESTION_MARK.search(u.text) or YES_NO.search(u.text)
        ):
            act = u.act
        return replace(
            u,
            act=act,
            act_probability=probabilities.get("question", 1.0),
            elsewhere_probability=probabilities.get("elsewhere", 0.0),
        )

    def _resolve(self, current: Understanding, turns: list[str]) -> Understanding:
        """A follow-up with its topic from the earlier turns; any other question as it is."""
        refers_back = bool(ANAPHORA.search(current.text))
        # 二胎有什么补贴 names a topic (one the documents lack); 那要带什么材料？ names none.
        # 12355是个什么热线啊？ names a number (a hotline, a document's number) as its topic.
        # 隔篱屋个细路成日俾佢老豆打,…打咩电话好？: a first message telling a story is no follow-up, whatever
        # its pronouns; it is searched as it is.
        story = not turns and len(current.text) >= STORY_MESSAGE_CHARS
        lacks_topic = not current.topic and not NAMED_NUMBER.search(current.text) and not story and (
            refers_back or bool(turns) or not current.unknown_words
        )
        # 我妈68岁，深圳户口，行得走得，能办不？: the person's conditions told, and nothing named to ask about.
        # (低保 of 低保怎么申请？ is a group one may belong to and a subject asked about; age and 户口 are no subject.)
        lacks_topic = lacks_topic or bool(turns) and all(
            w in GENERIC or w in PERSON_STATES or w in HELPERS or _told(w, current, PERSON_ONLY) for w in current.topic
        )
        if not lacks_topic and not refers_back and not turns:
            return current
        earlier = self._topic_turn(turns)
        goes_on = earlier is not None and (
            _repeats(current, earlier) or _names_head(current, earlier) or self._names_nothing_specific(current)
        )
        if not lacks_topic and not refers_back and not goes_on:
            return current
        if earlier is None:
            return replace(current, needs_topic=lacks_topic)
        if len(current.text) >= STORY_MESSAGE_CHARS and self._own_subject(current, earlier):
            # 那她平时想问…有没有专门给香港老人咨询的地方？ after 她能不能免费坐公交地铁？: a long message naming
            # a subject of the documents the earlier turn does not asks about it, for the same person.
            return replace(current, conditions=_with_earlier(current, earlier), places=current.places or earlier.places)
        return self._follow(current, earlier)

    def _own_subject(self, current: Understanding, earlier: Understanding) -> bool:
        """Whether a message names one of the documents' subjects (by the documents' term or a caller's
        word for it) that the earlier turn names in no way."""
        earlier_terms = {t for w in earlier.topic for t in earlier.terms_for(w)}
        return any(
            term in self._subjects and term not in earlier_terms and term not in earlier.text
            # 中度失能了, 江西户口: the person's conditions, not a subject asked about
            and term not in GROUP_WORDS and not HUKOU_WORDS.search(term) and not _told(w, current)
            for w in current.topic for term in current.terms_for(w)
        )

    def _topic_turn(self, turns: list[str]) -> Understanding | None:
        """The latest earlier turn that names a topic, itself resolved against the turns before it.

        A turn that only tells something (她68岁,深圳户口) adds its conditions to the question before it.
        """
        for i in range(len(turns) - 1, -1, -1):
            turn = self._single(turns[i])
            # 政府有补贴吗？ names none; 隔壁小孩老是被打,政府管不管？ names one by a caller's word (被打)
            if (turn.topic and not all(w in GENERIC for w in turn.topic)) or self._read_subjects(turn):
                tells = asking_part(turn.text) == turn.text and not ASKING_CLAUSE.search(turn.text)
                # 南山区怎么补？ after 商协会租办公室有补贴吗？ asks the same for a place.
                only_places = all(any(w in p.name or p.name in w for p in turn.places) for w in turn.topic)
                refers_back = bool(ANAPHORA.search(turn.text)) or tells or only_places
                # 高龄老人津贴每月发多少？ 现在是不是回个短信就行？: the second goes on about the benefit
                # the first names, until a turn names another.
                if i > 0 and (refers_back or not turn.programme):
                    before = self._topic_turn(turns[:i])
                    # 2021年的时候备案了多少单？ after 深圳的慈善信托发展得怎么样？: a turn naming none of the
                    # documents' subjects asks more about the subject the turn before names.
                    subject_before = before is not None and not any(w in self._subjects for w in turn.topic) and any(
                        w in self._subjects for w in before.topic
                    )
                    # 都考哪几个项目？ after 我想考养老护理的专项职业能力证书: a short turn naming no subject.
                    if before is not None and (
                        refers_back or before.programme or _repeats(turn, before) or subject_before
                        or self._names_nothing_specific(turn)
                    ):
                        return self._follow(turn, before, force=True)
                return turn
        return None

    def _read_subjects(self, u: Understanding) -> tuple[str, ...]:
        """The documents' subjects a message's callers' words were read as (被打 → 未成年人救助保护热线),
        without those inside another (未成年人 of 未成年人救助保护热线); not the person (小孩 → 儿童) nor
        the person's conditions (非深户 → 非深户籍)."""
        found = list(dict.fromkeys(
            t for word, targets in self.vocabulary.callers_words(u.text)
            if word not in ASKING and not _told(word, u) and not HUKOU_WORDS.search(word)
            for t in targets if t in self._subjects
        ))
        return tuple(t for t in found if not any(t != o and t in o for o in found))

    def _names_nothing_specific(self, current: Understanding) -> bool:
        """A short question in a conversation whose words are all common in the documents and none
        of them one of the documents' subjects (一年组织几批？ 都包括哪几类项目？ 一共资助过多少人？):
        it goes on about the conversation's topic."""
        if sum(map(len, HAN_RUN.findall(current.text))) > SHORT_FOLLOW_CHARS or [
            w for w in current.unknown_words if not ASKED_MEASURE.match(w)
        ]:
            return False
        if any(w in self._subjects for w in current.topic):
            return False
        # 几时发？按月给还是一次性给？ 不想去现场挤,网上能弄吗？: one rarer word of manner (一次性, 现场)
        # beside the asking words still names no subject of its own.
        rare = [w for w, weight in zip(current.topic, current.weights, strict=False) if weight >= COMMON_WORD_IDF]
        return len(rare) <= MAX_RARE_IN_FOLLOW

    def _names_new_subject(self, current: Understanding, earlier: Understanding) -> bool:
        """那X呢 where X is one of the documents' subjects (颐年卡, 低保…) that the earlier turn does
        not name, and not a condition of the person (那非深户的呢？) or an attribute (那五星级呢？)."""
        lead = ELLIPSIS_LEAD.match(current.text)
        if lead is None:
            return False
        return any(
            w in lead.group(0) and w not in earlier.topic and w in self._subjects and not _told(w, current)
            for w in current.topic
        )

    def _follow(self, current: Understanding, earlier: Understanding, *, force: bool = False) -> Understanding:
        """The follow-up with the earlier turn's topic (and conditions, places, years it does not restate).

        A place the follow-up names replaces the earlier one (南山区… 那福田区呢？).
        """
        replaced = {p.name for p in earlier.places} if current.places else set()
        inherited = tuple(w for w in earlier.topic if w not in current.topic and not any(w in r or r in w for r in replaced))
        # 发现楼上小孩经常被打，这种事政府有人管吗？ names its subject only by callers' words outside its
        # topic words (被打 → 未成年人救助保护热线): when its topic words name no subject of the
        # documents, the documents' terms the earlier turn was expanded to carry the topic.
        carried = () if any(
            w in self._subjects or any(t in self._subjects for t in earlier.terms_for(w)) for w in earlier.topic
        ) else tuple(t for t in self._read_subjects(earlier) if t not in current.text)
        inherited = (*inherited, *carried)
        if self._names_new_subject(current, earlier):
            # 那颐年卡呢，又去哪里办？ after 高龄津贴…: the same question about another of the documents'
            # subjects, which replaces the earlier one (as a place replaces a place).
            found = current.intents if current.intents else earlier.intents
            return replace(current, intents=found, asked=asked_kind(found), follow_up=True)
        if not inherited and not force:
            return current
        prefix = "".join(inherited)
        text = f"{prefix} {current.text}"
        rewritten = RewrittenQuery(
            original=current.question,
            text=text,
            expansions=self.vocabulary.expansions(text),
            corrections=current.rewritten.corrections,
        )
        found = current.intents
        if "fee" in found and not FEE_WORDS.search(current.text) and BENEFIT_WORDS.search(prefix):
            # 咁每个月有几多钱？ after 高龄津贴…: the benefit named before makes it money received.
            found = tuple(f for f in found if f != "fee")
        if not found or ELLIPSIS.fullmatch(current.text.strip()):
            # 那2021年呢？ asks what the earlier turn asked, for another year; 那还要自己跑社区去申请吗？
            # asks a yes or no of its own; 那老小区没配的，现在怎么解决？ asks how, no figure asked before.
            asked_before = earlier.intents if not HOW_SOLVED.search(current.text) else tuple(
                i for i in earlier.intents if i not in FIGURE_ASKED and i not in FIGURE_KINDS
            )
            found = tuple(dict.fromkeys((*asked_before, *found)))
        elif set(found) <= {"count", "yesno"} and "count" in found and not current.unit and {"rate", "amount"} & set(earlier.intents):
            # 那2021年初的时候是多少？ after 护理型床位占比多少: a bare 多少 asks the kind of figure asked before.
            found = tuple(dict.fromkeys((*(i for i in earlier.intents if i in FIGURE_KINDS), *(f for f in found if f != "count"))))
        factor = INHERITED_WEIGHT
        own = sum(current.weights)
        if own and ELLIPSIS.fullmatch(current.text.strip()):
            # 那要是评上五星级呢？: the words before 呢 are what is asked now and weigh at least as
            # twice as much as the conversation's, so a sentence must name them to name the topic.
            inherited_total = sum(earlier.weight(w) for w in inherited)
            factor = min(factor, ELLIPSIS_SHARE * own / inherited_total) if inherited_total else factor
        # 那刚入职的有没有一次性的补贴？ after 岗位补贴: the turn's own benefit (入职补贴) replaces the
        # conversation's, and a money word of its own unbinds the earlier name.
        programme = (
            current.programme
            or (self._benefit_named_apart(current.topic, current.text) if earlier.programme else "")
            # (刚毕业入行的: the documents' 入职补贴 the caller's 入行 is expanded to)
            or (
                self._other_benefit_stem(" ".join((current.text, *current.rewritten.expansions)), earlier.programme)
                if earlier.programme else ""
            )
            or ("" if re.search(PROGRAMME_SUFFIX, current.text) else earlier.programme)
        )
        # and the answer says it was understood as that benefit, not the earlier one
        replaced_benefit = bool(earlier.programme) and programme not in ("", earlier.programme) and (
            earlier.programme not in programme
        )
        return replace(
            current,
            rewritten=rewritten,
            intents=found,
            asked=asked_kind(found),
            topic=(*inherited, *current.topic),
            synonyms=(*earlier.synonyms, *current.synonyms),
            # The follow-up's own words say what is new (那刚入职的呢？): the inherited ones weigh less.
            weights=(*(factor * earlier.weight(w) for w in inherited), *current.weights),
            conditions=_with_earlier(current, earlier),
            places=_places_after(current, earlier),
            years=current.years or earlier.years,
            current=current.current or (earlier.current and not current.years),
            this_year=current.this_year or (earlier.this_year if not current.years else None),
            follow_up=True,
            programme=programme,
            personal=current.personal or earlier.personal,
            unit=counted_unit(text),
            understood_as=(
                programme if replaced_benefit
                else max(carried, key=len) if carried
                else _shown_topic(inherited, self._subjects, earlier) or "".join(earlier.topic)
            ),
            background=inherited,
            background_weight=factor,
            matters=current.matters or earlier.matters,
        )
