"""A realistic demo event: a congress that runs today, with an export shaped like the
registration websites' (title row, messy phones, rare characters, teams, totals row).

The demo goes through the real importer, so `checkin demo` exercises the same path
as a real export.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import config_from_dict
from .normalize import id_check_digit

DEMO_TIMEZONE = "Asia/Shanghai"


def event_today() -> dt.date:
    """Today where the demo event runs (not where the laptop's clock is set)."""
    return dt.datetime.now(ZoneInfo(DEMO_TIMEZONE)).date()

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤") + ["单", "解", "仇", "诸葛", "欧阳", "司马"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建文辉玲飞鹏宇浩然欣怡思佳子涵雨轩俊凯琳晨帆诺航斌彤琤")
RARE_GIVEN = ["䶮", "𠇔", "𬱖", "㛃", "𫖯"]
MINORITY = ["阿依古丽·买买提", "巴特尔・额尔敦", "古丽娜尔•托合提", "热依拉·艾力", "次仁·多吉"]
FOREIGN = ["Hans Müller", "Dr. Maria García-López", "Jean-Pierre Dubois", "O'Brien, Siobhan",
           "Anna Kowalczyk", "Nguyễn Văn An", "山田 太郎"]
ORGS = ["北京协和医院", "中国研究型医院学会医疗信息化分会智慧医疗专业委员会", "复旦大学附属中山医院",
        "四川大学华西医院", "浙江大学医学院附属第一医院", "阿里健康", "腾讯医疗", "卫宁健康科技集团股份有限公司",
        "东华医为科技有限公司", "中国信息通信研究院云计算与大数据研究所", "郑州大学第一附属医院",
        "江苏省人民医院", "芙蓉实验室", "清华大学人工智能研究院", "银川市第一人民医院"]
TITLES = ["院长", "副院长", "信息科主任", "主任", "教授", "副教授", "研究员", "高级工程师", "工程师",
          "护士长", "博士研究生", "", "CIO"]
TRACKS = ["技术创新", "应用创新", "数据要素专题赛", "基层医院创新", "中医药创新", "先进基础设施（新质医疗网络）"]
PROJECT_WORDS = ["智能影像辅助诊断平台", "医共体数据中台", "中医舌诊助手", "护理机器人", "慢病管理系统",
                 "院内导航小程序", "临床决策支持系统", "医疗大模型问答"]
FORUMS = ["医疗AI大模型与智能体", "医疗数据要素", "智慧医疗与医共体", "医疗信息技术创新",
          "新质医疗网络与量子通信", "主动健康与体卫融合"]
CATEGORY_WEIGHTS = [("参赛团队", 62), ("参会代表", 25), ("学生", 4), ("嘉宾/专家", 3.5), ("展商", 2),
                    ("评委", 1.5), ("媒体", 1.2), ("工作人员", 1)]
HEADERS = ["序号", "报名编号", "姓名", "性别", "手机号", "邮箱", "单位", "职务/职称", "参会类型", "赛道",
           "项目名称", "缴费状态", "金额(元)", "用餐", "分论坛", "备注", "身份证号"]
# Districts the made-up ID numbers are from (Beijing, Shanghai, Guangzhou, Chengdu, Hangzhou).
ID_REGIONS = ("110105", "310104", "440106", "510107", "330106")


DEMO_ORGANISER_PIN = "demo-organiser"  # public (README): the rule of checkin/pin.py holds


def meal_names(start: dt.date) -> list[str]:
    return [f"{d.month}月{d.day}日午餐" for d in (start, start + dt.timedelta(days=1))]


def demo_config(start: dt.date | None = None) -> dict:
    """The event configuration, as the TOML file would hold it, for an event starting today."""
    start = start or event_today()
    day2 = start + dt.timedelta(days=1)
    lunches = meal_names(start)
    return {
        "event": {
            "name": "第二届医疗行业数字创新大会（演示）", "short_name": "DEMO",
            "timezone": DEMO_TIMEZONE, "start": start.isoformat(), "end": day2.isoformat(),
            "checkin_days": [start.isoformat(), day2.isoformat()],
        },
        "meals": [
            {"id": "day1-lunch", "name": lunches[0], "date": start.isoformat(),
             "start": "11:30", "end": "13:30"},
            {"id": "day2-lunch", "name": lunches[1], "date": day2.isoformat(),
             "start": "11:30", "end": "13:30"},
            {"id": "day1-dinner", "name": f"{start.month}月{start.day}日欢迎晚宴",
             "date": start.isoformat(), "start": "18:30", "end": "20:30"},
        ],
        "forums": [
            {"id": f"F{i + 1}", "name": name, "room": f"{3 + i // 3}楼 {301 + i}",
             "capacity": 300 if i % 2 == 0 else 150, "date": (start if i < 3 else day2).isoformat(),
             "signup_required": i == 0}
            for i, name in enumerate(FORUMS)
        ],
        "categories": [
            {"name": "嘉宾/专家", "name_en": "Guest / Expert", "colour": "#c62828",
             "aliases": ["嘉宾", "专家", "VIP"], "meals": ["day1-dinner"], "all_forums": True},
            {"name": "评委", "name_en": "Judge", "colour": "#6a1b9a", "meals": ["day1-dinner"],
             "all_forums": True},
            {"name": "参赛团队", "name_en": "Competitor", "colour": "#1565c0"},
            {"name": "参会代表", "name_en": "Delegate", "colour": "#2e7d32", "aliases": ["代表"]},
            {"name": "学生", "name_en": "Student", "colour": "#00838f"},
            {"name": "媒体", "name_en": "Press", "colour": "#ef6c00", "all_forums": True},
            {"name": "展商", "name_en": "Exhibitor", "colour": "#795548"},
            {"name": "工作人员", "name_en": "Staff", "colour": "#37474f", "all_forums": True},
        ],
        # The demo's organiser PIN is public (README): it unmasks the made-up phone numbers.
        "privacy": {"organiser_pin_hash": _demo_pin_hash()},
        # A wheelchair or an invoice in the remarks: on the banner, with its own sound.
        "alerts": {"words": ["轮椅", "发票"]},
    }


@functools.cache
def _demo_pin_hash() -> str:
    from .pin import hash_pin

    return hash_pin(DEMO_ORGANISER_PIN)


def _messy_phone(rng: random.Random) -> str | int | None:
    if rng.random() < 0.02:
        return None
    number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    shape = rng.random()
    if shape < 0.07:
        return f"+86 {number}"
    if shape < 0.14:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if shape < 0.2:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.012:
        return rng.choice(MINORITY)
    if roll < 0.02:
        return rng.choice(FOREIGN)
    surname = rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if rng.random() < 0.002:
        given = given[:1] + rng.choice(RARE_GIVEN)
    name = surname + given
    if len(name) == 2 and rng.random() < 0.1:
        name = name[0] + rng.choice((" ", "\u3000")) + name[1]
    elif rng.random() < 0.03:
        name = f" {name} "
    return name


def _id_number(rng: random.Random) -> str:
    """A made-up 身份证号 with a right check digit (the CME sheet shows it), or "" (a tenth
    of people gave none)."""
    if rng.random() < 0.1:
        return ""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    first17 = f"{rng.choice(ID_REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def demo_rows(people: int, start: dt.date | None = None, seed: int = 2026) -> list[list]:
    """Export rows (without header) for `people` registrants, teams of up to five."""
    rng = random.Random(seed)
    ids = random.Random(seed + 1)  # its own draws: the other columns stay as they were
    lunches = meal_names(start or event_today())
    rows: list[list] = []
    categories, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    team_no, team_left, team, track = 0, 0, None, None
    for i in range(1, people + 1):
        category = rng.choices(categories, weights)[0]
        if category == "参赛团队":
            if team_left == 0:
                team_no += 1
                team_left = rng.randint(2, 5)
                team = f"T{team_no:03d} {rng.choice(PROJECT_WORDS)}"
                track = rng.choice(TRACKS)
                fee = 1800
            else:
                fee = 0
            team_left -= 1
        else:
            fee = {"参会代表": 480, "学生": 240}.get(category, 0)
        payment = "免费" if fee == 0 and category not in ("参赛团队",) else "已缴费"
        roll = rng.random()
        if roll < 0.06:
            payment = "未缴费"
        elif roll < 0.09:
            payment = "已退款"
        paid = payment in ("已缴费", "免费")
        email = f"user{i}@example.org" if rng.random() > 0.1 else ""
        if email and rng.random() < 0.03:
            email = f" {email.upper()} "
        rows.append([
            i, f"DEMO-{i:06d}", _name(rng), rng.choice(("男", "女", "")), _messy_phone(rng), email,
            rng.choice(ORGS), rng.choice(TITLES), category,
            track if category == "参赛团队" else "", team if category == "参赛团队" else "",
            payment, fee if paid else 0, "、".join(lunches) if paid else "",
            "；".join(rng.sample(FORUMS, rng.randint(0, 3))),
            rng.choice(("", "", "素食", "轮椅通道", "需要发票")), _id_number(ids),
        ])
    return rows


def write_export(path: str | Path, people: int, start: dt.date | None = None) -> Path:
    """An export file (.xlsx with title and totals rows, or .csv) of the demo event."""
    path = Path(path)
    rows = demo_rows(people, start)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
        return path
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("报名信息")
    sheet.append([f"第二届医疗行业数字创新大会 报名信息导出 {event_today().isoformat()}"])
    sheet.append(HEADERS)
    for row in rows:
        # Phones that look like numbers arrive as Excel number cells, as in real exports.
        if isinstance(row[4], str) and row[4].isdigit() and len(row) and row[0] % 4 == 0:
            row = [*row[:4], int(row[4]), *row[5:]]
        sheet.append(row)
    sheet.append([])
    sheet.append(["合计", f"{people} 人"])
    book.save(path)
    return path


def demo_event_config(start: dt.date | None = None):
    return config_from_dict(demo_config(start))
