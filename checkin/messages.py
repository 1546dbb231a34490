"""Reasons shown to desk staff, in English and Chinese, keyed by a stable reason code.

The core returns the code and its parameters; the CLI and the desk window pick the
language (the window through Qt's translations of its own strings).
"""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, tuple[str, str]] = {
    "welcome": ("Welcome, {name}", "欢迎，{name}"),
    "admitted": ("Admitted: {station}", "可以进入：{station}"),
    "already": ("Already admitted at {first_time} by desk {first_device}",
                "已于{first_time}在{first_device}办理"),
    "not_found": ("No registration with code {code}", "查无此报名编号：{code}"),
    "removed": ("No longer on the registration list: ask at the registration desk",
                "已不在报名名单中：请到报到处核实"),
    "unpaid": ("Not paid yet: send to the payment desk, or a supervisor override",
               "未缴费：请到缴费处缴费，或由主管特批"),
    "refunded": ("This registration was refunded: send to the registration desk",
                 "报名已退款：请到报到处核实"),
    "payment_unknown": ("Payment status '{payment}' is not one the desk knows: check at the "
                        "payment desk", "缴费状态“{payment}”无法识别：请到缴费处核实"),
    "outside_event": ("Today ({today}) is not a day of this event ({first} to {last}): check "
                      "this laptop's date and clock", "今天（{today}）不在本活动日期内（{first}至"
                      "{last}）：请检查本机日期和时间"),
    "wrong_day": ("Not admitted today ({today}); admitted on {days}",
                  "今天（{today}）不能入场，可入场日期：{days}"),
    "meal_not_entitled": ("{slot} is not part of this registration",
                          "报名未含{slot}"),
    "forum_not_entitled": ("Not signed up for {forum}", "未报名{forum}"),
    "forum_full": ("{forum} is full ({capacity} seats)", "{forum}已满（{capacity}座）"),
    "override": ("Admitted by a supervisor ({reason})", "主管特批入场（{reason}）"),
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
                      "凭证尚未生效（{valid_from}起有效）"),
    "expired": ("This ticket has expired (valid until {valid_until})",
                "凭证已过期（有效期至{valid_until}）"),
    "revoked": ("This ticket of {code} was revoked: ask for the new one, or find the person "
                "by name", "{code}的此凭证已作废，请出示新凭证或按姓名查找"),
    "signature_required": ("Plain codes are not accepted at this event: scan the signed "
                           "ticket, or find the person by name",
                           "本活动须扫描电子凭证；仅有编号请按姓名查找后签到"),
    "unlisted": ("Valid ticket; not yet on this desk's list — reconciled at next sync",
                 "凭证有效，名单待同步"),
    "unlisted_station": ("Valid ticket, but {code} is not on this desk's list yet: "
                         "{station} needs the list (sync first)",
                         "凭证有效，但{code}尚未同步到本机名单，{station}需先同步"),
    # Actions the desk refuses (checkin/desk.py), said where the action was asked for.
    "desk_override_needs": ("an override needs the supervisor's name and a reason",
                            "主管特批需要主管姓名和理由"),
    "desk_no_registration": ("no registration with code {code}", "查无此报名编号：{code}"),
    "desk_no_registration_walk_in": ("no registration with code {code}: register a walk-in "
                                     "instead", "查无此报名编号：{code}，请办理现场报名"),
    "desk_nothing_to_undo": ("nothing to undo at this desk", "本签到台没有可撤销的记录"),
    "desk_already_undone": ("that admission was already undone", "该记录已撤销"),
    "desk_not_this_desks": ("that admission was made at desk {desk}: only that desk, or an "
                            "organiser (`checkin server undo`), can undo it",
                            "该记录由{desk}办理：只有该签到台或组织方（`checkin server undo`）可以撤销"),
    "desk_revocation_needs_reason": ("a revocation needs a reason (lost, resold, reissued ...)",
                                     "作废凭证需要理由（遗失、转卖、重发……）"),
    "desk_already_revoked": ("ticket {ticket} is already revoked", "凭证 {ticket} 已作废"),
    "desk_walk_in_needs_name": ("a walk-in needs at least a name", "现场报名至少需要姓名"),
    "desk_walk_in_needs_payment": ("a walk-in needs its payment: paid (also on site), unpaid or "
                                   "free", "现场报名需要缴费状态：已缴费（含现场缴费）、未缴费或免费"),
    "desk_code_taken": ("code {code} is already registered", "编号 {code} 已有报名"),
    "desk_nothing_to_change": ("nothing to change", "没有需要修改的内容"),
    "desk_code_unchangeable": ("a registration code cannot be changed: register a walk-in "
                               "instead", "报名编号不能修改：请办理现场报名"),
    "desk_name_empty": ("the name cannot be empty", "姓名不能为空"),
    "desk_changed_meanwhile": ("{code} was changed meanwhile (version {version}); reload and "
                               "retry", "{code} 刚被修改过（版本 {version}）：请重新载入后再改"),
    "desk_reprint_needs_reason": ("a reprint needs a reason (lost badge, name corrected ...)",
                                  "重打需要理由（胸卡遗失、姓名更正……）"),
    # Printers (checkin/printing/printers.py): the window says them in its language, with
    # what CUPS said in brackets.
    "printer_folder": ("cannot save the PDF to {folder}: {detail}",
                       "无法把 PDF 保存到 {folder}：{detail}"),
    "printer_no_cups": ("the print service (CUPS) is not installed on this computer",
                        "本机没有安装打印服务（CUPS）"),
    "printer_timeout": ("printer {name} did not answer within {seconds} s",
                        "打印机 {name} 在 {seconds} 秒内没有响应"),
    "printer_missing": ("printer {name} is not installed on this computer ({said})",
                        "本机没有打印机 {name}（{said}）"),
    "printer_not_accepting": ("printer {name} is not taking jobs: is it paused or switched "
                              "off? ({said})", "打印机 {name} 不接受任务：是否暂停或关机？（{said}）"),
    "printer_disabled": ("printer {name} is disabled: switch it on and enable it ({said})",
                         "打印机 {name} 已停用：请开机并启用（{said}）"),
    "printer_no_scheduler": ("the print service (CUPS) is not running ({said})",
                             "打印服务（CUPS）没有运行（{said}）"),
    "printer_refused": ("printer {name} refused the job: {said}",
                        "打印机 {name} 拒绝了打印任务：{said}"),
    # Clocks (checkin/clockcheck.py): said in the window and by `checkin sync-status`.
    "clock_off": ("This laptop's clock is {span} {direction} the central list's (measured "
                  "{at}): check-ins use the list's time; set this laptop's clock right",
                  "本机时钟比中心名单{direction}{span}（{at} 测得）：签到按中心名单的时间记录；"
                  "请校准本机时钟"),
    "clock_unchecked": ("This laptop's date ({today}) is outside the event ({first} to "
                        "{last}) and was never compared with the central list: check the date "
                        "and clock", "本机日期（{today}）不在活动日期内（{first}至{last}），且从未与"
                        "中心名单对时：请检查本机日期和时间"),
}


def prefers_chinese() -> bool:
    lang = os.environ.get("CHECKIN_LANG") or os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return lang.lower().startswith("zh")


def message(reason_code: str, chinese: bool = False, **params) -> str:
    english, zh = MESSAGES.get(reason_code, (reason_code, reason_code))
    template = zh if chinese else english
    # a list (the days someone may come) reads with the language's own separator
    params = {key: ("、" if chinese else ", ").join(value) if isinstance(value, (list, tuple))
              else value for key, value in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
