#!/usr/bin/env python3
"""Builds documents.jsonl, the demo catalogue of `normreg demo` and the sentence pool of
`benches/public.rs`, from the LawRefBook corpus of real local regulations.

Usage: python3 assets/demo/build.py /path/to/local-regulations.jsonl > assets/demo/documents.jsonl

Each chosen regulation becomes a Liaoning normative document: the title is rewritten
(条例 → 办法), place names are moved to Liaoning (a province's text to 辽宁省, a city's to
沈阳市 or 大连市), the body keeps its first whole articles (about 2,200 characters) and ends
with an article on entry into force. Texts of regulations are not protected by copyright in
China (Copyright Law, Art. 5). The output is deterministic.
"""
import json
import re
import sys

# (source title, demo title, agency code, published days before the demo's day, fate)
# fate: "" in force; "filed" filed on time and accepted; "filed_late"; "repealed";
# "provisional" (暂行: 2 years, so expired when old enough).
PLAN = [
    ("浙江省信息化促进条例", "辽宁省信息化促进办法", "LN", 2190, ""),
    ("浙江省气象灾害防御条例", "辽宁省气象灾害防御办法", "LN", 1400, ""),
    ("浙江省消防条例", "辽宁省消防安全管理办法", "LN", 900, ""),
    ("浙江省绿色建筑条例", "辽宁省绿色建筑管理办法", "LN", 420, ""),
    ("广东省建筑垃圾管理条例", "辽宁省建筑垃圾管理办法", "LN", 160, ""),
    ("浙江省劳动保障监察条例", "辽宁省劳动保障监察办法", "LN", 700, "repealed"),
    ("浙江省台湾同胞投资保障条例", "辽宁省台湾同胞投资保障办法", "LN", 75, ""),
    ("浙江省技术市场条例", "辽宁省技术市场管理暂行办法", "LN", 1000, "provisional"),
    ("广东省公路条例", "辽宁省公路管理办法", "LN", 12, ""),
    ("浙江省法律援助条例", "辽宁省法律援助实施办法", "LN-SFT", 800, "filed"),
    ("宁波市人民调解条例", "辽宁省人民调解工作办法", "LN-SFT", 300, "filed"),
    ("浙江省价格条例", "辽宁省价格管理办法", "LN-SCJG", 1200, "filed"),
    ("浙江省计量监督管理条例", "辽宁省计量监督管理办法", "LN-SCJG", 500, "filed_late"),
    ("浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定", "辽宁省食品小作坊小餐饮店小食杂店和食品摊贩管理规定", "LN-SCJG", 90, "filed"),
    ("浙江省反不正当竞争条例", "辽宁省制止不正当竞争行为办法", "LN-SCJG", 240, ""),
    ("上海市经纪人条例", "辽宁省经纪人管理暂行办法", "LN-SCJG", 380, "provisional"),
    ("北京市学前教育条例", "辽宁省学前教育管理办法", "LN-JYT", 600, "filed"),
    ("上海市中小学校学生伤害事故处理条例", "辽宁省中小学校学生伤害事故处理办法", "LN-JYT", 200, "filed"),
    ("上海市高等教育促进条例", "辽宁省高等教育促进办法", "LN-JYT", 45, ""),
    ("上海市促进就业若干规定", "沈阳市促进就业若干规定", "SY", 1500, "filed"),
    ("北京市老年人权益保障条例", "沈阳市老年人权益保障办法", "SY", 650, "filed"),
    ("杭州市城市供水管理条例", "沈阳市城市供水管理办法", "SY", 330, "filed"),
    ("温州市家政服务条例", "沈阳市家政服务管理办法", "SY", 130, "filed"),
    ("杭州市公共汽车客运管理条例", "沈阳市公共汽车客运管理办法", "SY", 1800, "repealed"),
    ("上海市地面沉降防治管理条例", "沈阳市地面沉降防治管理办法", "SY", 60, ""),
    ("北京市湿地保护条例", "沈阳市湿地保护办法", "SY", 20, ""),
    ("重庆市厂务公开条例", "沈阳市厂务公开办法", "SY", 2000, ""),
    ("台州市电梯安全管理规定", "沈阳市电梯安全管理规定", "SY-SCJG", 450, "filed"),
    ("上海市专利保护条例", "沈阳市专利保护办法", "SY-SCJG", 210, "filed"),
    ("杭州市户外广告设施和招牌指示牌管理条例", "沈阳市户外广告设施和招牌指示牌管理办法", "SY-SCJG", 35, "filed"),
    ("宁波市市政设施管理条例", "大连市市政设施管理办法", "DL", 1100, "filed"),
    ("宁波市公路养护管理条例", "大连市公路养护管理办法", "DL", 560, "filed_late"),
    ("杭州市旅游条例", "大连市旅游促进办法", "DL", 270, "filed"),
    ("温州市市容和环境卫生管理条例", "大连市市容和环境卫生管理办法", "DL", 150, "filed"),
    ("重庆市气象条例", "大连市气象管理办法", "DL", 50, ""),
    ("上海市母婴保健条例", "大连市母婴保健管理办法", "DL", 5, ""),
]

AGENCY_NAMES = {
    "LN": "辽宁省人民政府",
    "LN-SFT": "辽宁省司法厅",
    "LN-SCJG": "辽宁省市场监督管理局",
    "LN-JYT": "辽宁省教育厅",
    "SY": "沈阳市人民政府",
    "SY-SCJG": "沈阳市市场监督管理局",
    "DL": "大连市人民政府",
}

SOURCE_PLACES = ["浙江省", "广东省", "上海市", "北京市", "重庆市", "杭州市", "宁波市", "温州市",
                 "台州市", "广州市", "深圳市"]

DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else DIGITS[tens]
    return head + "十" + (DIGITS[ones] if ones else "")


def move_places(text, province):
    target = "辽宁省" if province else None
    for place in SOURCE_PLACES:
        text = text.replace(place, target or "{CITY}")
    if province:
        text = text.replace("本市", "本省").replace("市人民政府", "省人民政府")
        text = text.replace("市人民代表大会", "省人民代表大会")
    else:
        text = text.replace("本省", "本市").replace("省人民政府", "市人民政府")
    return text


def shorten(body, limit=2200):
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    kept, size = [], 0
    for p in paragraphs:
        if size >= limit and re.match(r"^第[一二三四五六七八九十百零]+条", p):
            break
        kept.append(p)
        size += len(p)
    while kept and re.match(r"^第[一二三四五六七八九十]+章", kept[-1]):
        kept.pop()
    return kept


def main(path):
    corpus = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            corpus[row["title"]] = row
    for source, title, agency, days, fate in PLAN:
        row = corpus[source]
        province = title.startswith("辽宁省")
        city = title[:3]
        kept = shorten(row["body"])
        text = move_places("\n".join(kept), province).replace("{CITY}", city)
        text = text.replace("本条例", "本办法" if not title.endswith("规定") else "本规定")
        articles = len(re.findall(r"(?m)^第[一二三四五六七八九十百零]+条", text))
        word = "本规定" if title.endswith("规定") else "本办法"
        text += "\n第%s条 %s由%s负责解释，自公布之日起三十日后施行。" % (
            chinese_number(articles + 1), word, AGENCY_NAMES[agency])
        out = {
            "agency": agency,
            "title": title,
            "body": text,
            "published_days_ago": days,
            "fate": fate,
            "source": "%s（%s，LawRefBook）" % (source, row["region"]),
        }
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
