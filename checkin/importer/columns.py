"""Find the header row of an export and map its columns to registrant fields."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .reader import ImportFileError

# Header words per field, as Chinese and English exports write them. Compared after
# `header_key` (lower case, no spaces or punctuation), so 'Full Name' matches 'fullname'.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("报名编号", "票号", "参会编号", "编号", "报名号", "参会码", "签到码", "凭证号", "凭证编号",
             "门票编号", "订单编号", "ticketcode", "ticket", "ticketno", "ticketnumber", "code",
             "registrationcode", "registrationid", "regno", "regid", "registrationno", "barcode"),
    "name": ("姓名", "名字", "参会人", "参会人姓名", "参会者", "联系人", "name", "fullname",
             "attendeename", "attendee", "participantname"),
    "gender": ("性别", "gender", "sex"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "电话", "联系方式", "移动电话", "mobile",
              "phone", "mobilephone", "telephone", "tel", "cell", "cellphone", "phonenumber",
              "mobilenumber"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail", "emailaddress"),
    "organisation": ("单位", "工作单位", "所在单位", "单位名称", "机构", "机构名称", "公司", "公司名称",
                     "医院", "company", "organization", "organisation", "affiliation", "institution",
                     "employer"),
    "title": ("职务", "职称", "职务职称", "职位", "头衔", "title", "position", "jobtitle", "role"),
    "category": ("参会类型", "类别", "类型", "身份", "参会身份", "参会类别", "人员类别", "票种", "票务类型",
                 "type", "category", "tickettype", "attendeetype", "registrationtype"),
    "track": ("赛道", "参赛赛道", "组别", "赛道组别", "track", "competitiontrack"),
    "team": ("项目名称", "团队名称", "队伍名称", "参赛项目", "团队", "team", "teamname", "project",
             "projectname"),
    "payment": ("缴费状态", "支付状态", "付款状态", "缴费", "是否缴费", "缴费情况", "payment",
                "paymentstatus", "paid", "status"),
    "amount": ("金额", "金额元", "缴费金额", "费用", "实付金额", "注册费", "amount", "fee", "price",
               "amountpaid"),
    "meals": ("用餐", "餐饮", "用餐安排", "餐券", "用餐信息", "meals", "meal", "catering"),
    "forums": ("分论坛", "论坛", "参加分论坛", "分会场", "会场", "sessions", "session", "forums",
               "forum", "breakouts", "breakout"),
    "remarks": ("备注", "说明", "留言", "remarks", "notes", "note", "comments", "comment"),
    # For CME credit (docs/cme.md); checked and masked as personal data of the highest class.
    "id_number": ("身份证号", "身份证", "身份证号码", "证件号码", "证件号", "身份证件号码",
                  "idnumber", "idcard", "idcardno", "idcardnumber", "idno"),
    "cme_card": ("学分卡号", "继教卡号", "继续教育卡号", "学分卡", "继教卡", "学分卡号码",
                 "cmecard", "cmecardno", "cmecardnumber"),
    # A privacy request: yes keeps the person off the welcome wall (still counted).
    "wall_hidden": ("不上墙", "大屏隐藏", "不上大屏", "隐藏姓名", "大屏不显示", "hideonwall",
                    "notonwall", "wallhidden"),
}
FIELDS = tuple(FIELD_HEADERS)
_LOOKUP = {h: f for f, heads in FIELD_HEADERS.items() for h in heads}
# A column named after one meal ("6月26日午餐", "Day 1 lunch") holds yes/no for that meal.
_MEAL_WORDS = re.compile(r"(早餐|午餐|晚餐|晚宴|工作餐|breakfast|lunch|dinner|banquet)", re.I)


def header_key(text) -> str:
    if text is None:
        return ""
    return re.sub(r"[\s\W_]+", "", str(text).lower())


def field_for_header(header) -> str | None:
    """'Full Name / 姓名' -> 'name'; '职务/职称' -> 'title'; unknown -> None."""
    key = header_key(header)
    if key in _LOOKUP:
        return _LOOKUP[key]
    for part in re.split(r"[/|\n（）()]", str(header or "")):
        part_key = header_key(part)
        if part_key in _LOOKUP:
            return _LOOKUP[part_key]
    return None


@dataclass
class ColumnMap:
    headers: list[str]
    fields: dict[str, int] = field(default_factory=dict)  # field -> column index
    meal_columns: dict[int, str] = field(default_factory=dict)  # column -> meal slot name
    extra: dict[int, str] = field(default_factory=dict)  # column -> kept under its header

    def describe(self) -> list[tuple[str, str]]:
        """(header, what it maps to) for every column, in file order."""
        out = []
        for i, head in enumerate(self.headers):
            target = next((f for f, col in self.fields.items() if col == i), None)
            if target:
                out.append((head, target))
            elif i in self.meal_columns:
                out.append((head, f"meal yes/no: {self.meal_columns[i]}"))
            elif head:
                out.append((head, "extra (kept)"))
        return out


def find_header(rows: list[tuple[int, list]], overrides: dict[str, str] | None = None) -> int | None:
    """Index (in `rows`) of the header: the first row that names the most known fields,
    among those that name a code or a name column. Title rows above it are skipped.
    Headers named in a mapping file count as the fields they are mapped to."""
    mapped = {header_key(h): f for f, h in (overrides or {}).items() if h}
    best, best_score = None, 1
    for i, (_, row) in enumerate(rows):
        fields = {mapped.get(header_key(c)) or field_for_header(c)
                  for c in row if c not in (None, "")} - {None}
        if len(fields) > best_score and fields & {"code", "name"}:
            best, best_score = i, len(fields)
    return best


def guess_map(headers: list, overrides: dict[str, str] | None = None) -> ColumnMap:
    """The column map as far as it goes, without insisting on a code and a name column
    (the import wizard shows it for correction). An override of "" leaves that field out."""
    names = ["" if h is None else str(h).strip() for h in headers]
    cmap = ColumnMap(headers=names)
    overrides = overrides or {}
    by_header = {header_key(h): i for i, h in enumerate(names) if h}
    for fld, head in overrides.items():
        if fld not in FIELD_HEADERS:
            raise ImportFileError(
                f"mapping file names an unknown field {fld!r}; fields are: {', '.join(FIELDS)}"
            )
        if not head:
            continue
        col = by_header.get(header_key(head))
        if col is None:
            raise ImportFileError(
                f"mapping file maps {fld!r} to column {head!r}, which the file does not have; "
                f"its columns are: {', '.join(h for h in names if h)}"
            )
        cmap.fields[fld] = col
    taken = set(cmap.fields.values())
    for i, head in enumerate(names):
        if i in taken or not head:
            continue
        fld = field_for_header(head)
        if fld and fld not in cmap.fields and fld not in overrides:
            cmap.fields[fld] = i
        elif fld is None and _MEAL_WORDS.search(head):
            cmap.meal_columns[i] = head
        else:
            cmap.extra[i] = head
    return cmap


def missing_columns(cmap: ColumnMap) -> str | None:
    """Why the map cannot be imported (no code or no name column), or None."""
    found = ", ".join(h for h in cmap.headers if h)
    if "code" not in cmap.fields:
        return ("no column for the registration code (报名编号/票号/Ticket Code ...). Columns found: "
                f"{found}. Name it with --mapping (e.g. code = \"凭证\").")
    if "name" not in cmap.fields:
        return f"no column for the name (姓名/Name). Columns found: {found}."
    return None


def build_map(headers: list, overrides: dict[str, str] | None = None) -> ColumnMap:
    cmap = guess_map(headers, overrides)
    problem = missing_columns(cmap)
    if problem:
        raise ImportFileError(problem)
    return cmap


def load_mapping(path: str | Path) -> dict[str, str]:
    """A mapping file: TOML (`code = "凭证号"`, optionally under [columns]) or JSON."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"cannot read mapping file {path}: {exc}") from exc
    try:
        raw = json.loads(content) if path.suffix.lower() == ".json" else tomllib.loads(content)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ImportFileError(f"mapping file {path} is not valid: {exc}") from exc
    raw = raw.get("columns", raw)
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ImportFileError(f"mapping file {path}: expected field = \"column header\" pairs")
    return raw
