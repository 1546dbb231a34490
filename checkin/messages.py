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
    "unpaid": ("{name}: payment status '{payment}': send to the payment desk, or a supervisor "
               "override", "{name}：缴费状态“{payment}”，请到缴费处缴费，或由主管特批"),
    "refunded": ("{name}'s registration was refunded", "{name} 已退款"),
    "payment_unknown": ("{name}: payment status '{payment}' is unknown", "{name}：缴费状态“{payment}”无法识别"),
    "outside_event": ("Today ({today}) is not a day of this event ({first} to {last}): check "
                      "this laptop's date and clock", "今天（{today}）不在本活动日期内（{first} 至 "
                      "{last}）：请检查本机日期和时间"),
    "wrong_day": ("{name} is not admitted today ({today}); valid: {days}",
                  "{name} 今日（{today}）不可入场；可用日期：{days}"),
    "meal_not_entitled": ("{name} has no {slot}", "{name} 无 {slot} 用餐资格"),
    "forum_not_entitled": ("{name} did not sign up for {forum}", "{name} 未报名 {forum}"),
    "forum_full": ("{forum} is full ({capacity} seats)", "{forum} 已满（{capacity} 座）"),
    "override": ("{name}: admitted by supervisor override ({reason})", "{name}：主管特批（{reason}）"),
    "empty": ("Nothing was scanned", "未读取到内容"),
    "too_long": ("The scanned code is far too long to be a ticket", "扫描内容过长，不是参会凭证"),
    "not_a_code": ("This QR code is not a registration code", "此二维码不是参会凭证"),
    "foreign_link": ("This QR code is a web link ({host}) that matches nobody on the list: "
                     "ask for the registration confirmation, or find the person by name",
                     "这是网页链接（{host}），名单中无对应报名：请出示报名确认码，或按姓名查找"),
    # Signed tickets (checkin/tickets.py): why one is refused, in words for a volunteer.
    "malformed": ("This ticket is damaged or incomplete: scan it again, or find the person "
                  "by name", "凭证损坏或不完整，请重新扫描或按姓名查找"),
    "forged": ("This ticket is forged or altered: do not admit; call a supervisor",
               "伪造或被篡改的凭证，请勿放行并联系主管"),
    "unknown_key": ("This ticket was not signed by this event's organiser (unknown key)",
                    "凭证签名不属于本活动（未知密钥）"),
    "wrong_event": ("This ticket is for another event ({event})", "这是其他活动的凭证（{event}）"),
    "not_yet_valid": ("This ticket is not valid yet (from {valid_from})",
                      "凭证尚未生效（{valid_from} 起有效）"),
    "expired": ("This ticket has expired (valid until {valid_until})",
                "凭证已过期（有效期至 {valid_until}）"),
    "revoked": ("This ticket of {code} was revoked: ask for the new one, or find the person "
                "by name", "{code} 的此凭证已作废，请出示新凭证或按姓名查找"),
    "signature_required": ("Plain codes are not accepted at this event: scan the signed "
                           "ticket, or find the person by name",
                           "本活动须扫描电子凭证；仅有编号请按姓名查找后签到"),
    "unlisted": ("Valid ticket; not yet on this desk's list — reconciled at next sync",
                 "凭证有效，名单待同步"),
    "unlisted_station": ("Valid ticket, but {code} is not on this desk's list yet: "
                         "{station} needs the list (sync first)",
                         "凭证有效，但 {code} 尚未同步到本机名单，{station}需先同步"),
    # Clocks (checkin/clockcheck.py): said in the window and by `checkin sync-status`.
    "clock_off": ("This laptop's clock is {span} {direction} the central list's (measured "
                  "{at}): check-ins use the list's time; set this laptop's clock right",
                  "本机时钟比中心名单{direction}{span}（{at} 测得）：签到按中心名单的时间记录；"
                  "请校准本机时钟"),
    "clock_unchecked": ("This laptop's date ({today}) is outside the event ({first} to "
                        "{last}) and was never compared with the central list: check the date "
                        "and clock", "本机日期（{today}）不在活动日期内（{first} 至 {last}），且从未与"
                        "中心名单对时：请检查本机日期和时间"),
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
