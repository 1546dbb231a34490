"""Reasons shown to desk staff, in English and Chinese, keyed by a stable reason code.

The core returns the code and its parameters; the CLI and the desk window pick the
language (the window through Qt's translations of its own strings).
"""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, tuple[str, str]] = {
    "welcome": ("Welcome, {name}", "欢迎，{name}"),
    "admitted": ("{name}: admitted to {station}", "{name}：可以进入{station}"),
    "already": ("Already admitted at {first_time} by desk {first_device}",
                "已于 {first_time} 在 {first_device} 办理"),
    "not_found": ("No registration with code {code}", "查无此报名编号：{code}"),
    "removed": ("{name} is no longer on the registration list", "{name} 已不在报名名单中"),
    "unpaid": ("{name} has not paid ({payment})", "{name} 未缴费（{payment}）"),
    "refunded": ("{name}'s registration was refunded", "{name} 已退款"),
    "payment_unknown": ("{name}: payment status '{payment}' is unknown", "{name}：缴费状态“{payment}”无法识别"),
    "wrong_day": ("{name} is not admitted today ({today}); valid: {days}",
                  "{name} 今日（{today}）不可入场；可用日期：{days}"),
    "meal_not_entitled": ("{name} has no {slot}", "{name} 无 {slot} 用餐资格"),
    "forum_not_entitled": ("{name} did not sign up for {forum}", "{name} 未报名 {forum}"),
    "forum_full": ("{forum} is full ({capacity} seats)", "{forum} 已满（{capacity} 座）"),
    "override": ("{name}: admitted by supervisor override ({reason})", "{name}：主管特批（{reason}）"),
    "empty": ("Nothing was scanned", "未读取到内容"),
    "too_long": ("The scanned code is far too long to be a ticket", "扫描内容过长，不是参会凭证"),
    "not_a_code": ("This QR code is not a registration code", "此二维码不是参会凭证"),
}


def prefers_chinese() -> bool:
    lang = os.environ.get("CHECKIN_LANG") or os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return lang.lower().startswith("zh")


def message(reason_code: str, chinese: bool = False, **params) -> str:
    english, zh = MESSAGES.get(reason_code, (reason_code, reason_code))
    template = zh if chinese else english
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
