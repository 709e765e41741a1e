"""Real files made with real libraries, the way the bureau publishes them: a multi-page PDF with
a CJK font, running headers, page numbers and one scanned page; a Word file with numbered
headings and a table; a saved web page with all the site's debris; and the bad files ingestion
must refuse. ``make_samples`` writes them into a folder once per test session.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

PDF_TITLE = "深圳市高龄老人津贴申领指南"
# Facts that each stand on one known page of the PDF (the scanned page is page 3).
PDF_FACTS = {
    1: "年满80周岁不满90周岁的每人每月发放高龄津贴200元",
    2: "申请人应当提交居民身份证和户口簿原件",
    3: "街道办事处自受理之日起十个工作日内办结",
}
DOCX_TITLE = "深圳市困难群众临时救助办事指南"
HTML_NUMBERS = ("20230888", "20230999")
DEBRIS = ("当前位置", "字体大小", "打印", "分享到", "相关新闻", "版权所有", "ICP备", "公网安备",
          "网站地图", "trackPage", "统计代码", "机构概况", "信息来源")


@dataclass(frozen=True)
class Samples:
    folder: Path
    pdf: Path
    docx: Path
    html: Path
    encrypted_pdf: Path
    corrupt_docx: Path
    bomb_docx: Path
    empty_html: Path
    fake_pdf: Path


def cjk_font() -> Path:
    """A TrueType font with Chinese glyphs, found by fontconfig (Debian's fonts-wqy-microhei)."""
    found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout.split()
    fonts = sorted(line.rstrip(":") for line in found if line.rstrip(":").endswith((".ttf", ".ttc")))
    if not fonts:
        raise FileNotFoundError("no CJK font: apt-get install fonts-wqy-microhei")
    return Path(fonts[0])


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def make_pdf(path: Path, *, encrypt: bool = False) -> Path:
    """Three A4 pages: two with a text layer, the third only a scanned image."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = cjk_font()
    pdfmetrics.registerFont(TTFont("cjk", str(font), subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt="secret" if encrypt else None)
    pdf.setTitle(PDF_TITLE)
    pdf.setAuthor("深圳市民政局")
    width, height = A4
    pages = [
        [PDF_TITLE, "一、补贴对象和标准",
         "本市户籍老年人按年龄段领取高龄津贴，" + PDF_FACTS[1] + "，年满90周岁不满100周岁的每人每月发放"
         "高龄津贴500元，年满100周岁的每人每月发放高龄津贴1000元，所需资金由市、区两级财政按规定分担，"
         "津贴按月发放至老年人本人的社会保障卡银行账户，发放情况在社区公示接受群众监督"],
        ["二、申请材料", PDF_FACTS[2] + "，委托他人代办的还应当提交代办人的身份证明。",
         "三、办理流程", "老年人或者其家属向户籍所在地社区工作站提出申请，社区工作站初审后报街道办事处审核。"],
    ]
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("cjk", 9)
        pdf.drawString(72, height - 40, "深圳市民政局办事指南")
        pdf.drawCentredString(width / 2, 30, f"— {number} —")
        pdf.setFont("cjk", 12)
        y = height - 90
        for paragraph in lines:
            for line in _wrap(paragraph, 34):
                pdf.drawString(72, y, line)
                y -= 20
            y -= 8
        pdf.showPage()
    scan = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(scan)
    face = ImageFont.truetype(str(font), 44, index=0)
    for i, line in enumerate(["四、办理时限", PDF_FACTS[3] + "。", "咨询电话：12345"]):
        draw.text((120, 220 + 90 * i), line, font=face, fill=0)
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")
    from reportlab.lib.utils import ImageReader

    pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width=width, height=height)
    pdf.showPage()
    pdf.save()
    return path


def _numbering(document: object) -> tuple[str, str]:
    """Add a Chinese multilevel list (一、 / （一）) and a decimal list (1.) to a python-docx file."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    )
    numbering.append(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    return "90", "91"


def _number(paragraph: object, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def make_docx(path: Path) -> Path:
    """A service guide with Word-numbered headings (一、 （一）), a numbered list and a table."""
    import datetime

    import docx

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.core_properties.created = datetime.datetime(2024, 3, 8, 9, 0)
    headings, items = _numbering(document)
    document.add_paragraph("为规范临时救助工作，现将办理事项告知如下。")
    _number(document.add_heading("救助对象", level=1), headings, 0)
    _number(document.add_heading("急难型救助", level=2), headings, 1)
    document.add_paragraph("因火灾、交通事故等意外事件导致基本生活陷入困境的家庭，可以申请急难型临时救助。")
    _number(document.add_heading("支出型救助", level=2), headings, 1)
    document.add_paragraph("因医疗等必需支出突然增加超出承受能力的家庭，可以申请支出型临时救助。")
    _number(document.add_heading("申请材料", level=1), headings, 0)
    for text in ("临时救助申请书；", "申请人居民身份证；", "医疗费用票据等证明材料。"):
        _number(document.add_paragraph(text, style="List Number"), items, 0)
    _number(document.add_heading("救助标准", level=1), headings, 0)
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ("救助类型", "救助金额", "急难型", "一般不超过当地月低保标准的6倍"), strict=True):
        cell.text = text
    document.save(str(path))
    return path


PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>深圳市民政局2023年政协提案答复内容公开-深圳市民政局网站</title>
<meta name="ArticleTitle" content="深圳市民政局2023年政协提案答复内容公开">
<meta name="PubDate" content="2023-11-20 10:00">
<script>var _hmt = _hmt || []; window.trackPage("首页广告");</script>
<style>.nav{color:red}</style>
</head><body>
<div class="header"><a href="/">首页</a> <a href="/xxgk">信息公开</a> <a href="/bsfw">办事服务</a></div>
<div class="nav"><ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策法规</a></li><li><a href="/c">通知公告</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">信息公开</a> &gt; 建议提案办理</div>
<div class="article">
<h1 class="title">深圳市民政局2023年政协提案答复内容公开</h1>
<div class="info">发布时间：2023-11-20 10:00 信息来源：深圳市民政局 字体大小：<a>大</a> <a>中</a> <a>小</a>
<a href="javascript:window.print()">打印</a></div>
<div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
<div class="content" id="zoom">
<p>1.第20230888号提案的答复函</p>
<p>尊敬的李明委员：</p>
<p>您提出的《关于提高困境儿童基本生活保障水平的建议》（第20230888号）收悉。我局会同市财政局对提案进行认真研究，现答复如下：</p>
<p>一、关于保障标准</p>
<p>我市困境儿童基本生活费标准为每人每月2310元，按照城乡低保标准的一定倍数动态调整，确保困境儿童基本生活得到保障。</p>
<p>二、关于下一步工作</p>
<p>我局将继续加强对困境儿童的关爱服务，推动建立儿童督导员、儿童主任队伍，实现村（社区）全覆盖。</p>
<p>深圳市民政局</p>
<p>2023年11月15日</p>
<p>2.第20230999号提案的答复函</p>
<p>尊敬的王芳委员：</p>
<p>您提出的《关于加强孤独症儿童康复救助的建议》（第20230999号）收悉。现答复如下：</p>
<p>我市对符合条件的孤独症儿童给予每人每年最高2.4万元的康复训练补贴，由残联会同民政部门组织实施。</p>
<p>深圳市民政局</p>
<p>2023年11月16日</p>
</div>
<div class="related"><h3>相关新闻</h3><ul><li><a href="/x1">深圳市民政局召开2023年工作会议</a></li>
<li><a href="/x2">市民政局开展敬老月活动</a></li></ul></div>
</div>
<div class="footer"><p>主办：深圳市民政局 版权所有</p><p>粤ICP备12345678号 粤公网安备 44030402000001号</p>
<p><a href="/sitemap">网站地图</a> | <a href="/contact">联系我们</a></p></div>
<script>document.write("统计代码");</script>
</body></html>
"""

EMPTY_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面</title>
<script>window.location = "/login";</script></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk">信息公开</a></div>
<div class="footer">粤ICP备12345678号</div></body></html>
"""


def make_samples(folder: Path) -> Samples:
    """Write every sample file into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / "bad"
    bad.mkdir(exist_ok=True)
    html = folder / "reply.html"
    html.write_text(PAGE, encoding="utf-8")
    empty_html = bad / "empty.html"
    empty_html.write_text(EMPTY_PAGE, encoding="utf-8")
    docx_path = make_docx(folder / "guide.docx")
    corrupt = bad / "corrupt.docx"
    corrupt.write_bytes(docx_path.read_bytes()[:1500])
    bomb = bad / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(40):  # 40 MB of zeros, about 40 kB packed
                member.write(block)
    fake = bad / "notice.pdf"
    fake.write_bytes(docx_path.read_bytes())  # a Word file renamed .pdf
    return Samples(
        folder=folder,
        pdf=make_pdf(folder / "guide.pdf"),
        docx=docx_path,
        html=html,
        encrypted_pdf=make_pdf(bad / "locked.pdf", encrypt=True),
        corrupt_docx=corrupt,
        bomb_docx=bomb,
        empty_html=empty_html,
        fake_pdf=fake,
    )
