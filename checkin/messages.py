"""Reasons shown to desk staff, keyed by a stable reason code: the English template here,
its Chinese in the gettext catalogue (checkin/locale/zh_CN/LC_MESSAGES/checkin.po, see
checkin/i18n.py), where `python -m checkin.catalogue update` puts every template of MESSAGES.

The core returns the code and its parameters; the CLI and the desk window pick the
language (`message(code, chinese, **params)`). A template whose English needs another
Chinese for one reason has that reason code as msgctxt in the .po.
"""

from __future__ import annotations

from . import i18n

MESSAGES: dict[str, str] = {
    "welcome": "Welcome, {name}",
    "admitted": "Admitted: {station}",
    "already": "Already admitted at {first_time} by desk {first_device}",
    "not_found": "No registration with code {code}",
    "removed": "No longer on the registration list: ask at the registration desk",
    "unpaid": "Not paid yet: send to the payment desk, or a supervisor override",
    "refunded": "This registration was refunded: send to the registration desk",
    "payment_unknown": ("Payment status '{payment}' is not one the desk knows: check at the "
                        "payment desk"),
    "outside_event": ("Today ({today}) is not a day of this event ({first} to {last}): check this "
                      "laptop's date and clock"),
    "wrong_day": "Not admitted today ({today}); admitted on {days}",
    "too_early": ("{station} admits from {opens} ({start}–{end}); now {now}: come back then, or a "
                  "supervisor override"),
    "too_late": ("{station} admitted until {closes} ({start}–{end}); now {now}: a supervisor "
                 "override lets a latecomer in"),
    "meal_not_entitled": "{slot} is not part of this registration",
    "forum_not_entitled": "Not signed up for {forum}",
    "forum_full": "{forum} is full ({capacity} seats)",
    "list_full": "{station} is full ({capacity})",
    "list_not_category": "{station} is not for category {category}",
    "list_not_entitled": "{station} is not part of this registration",
    "list_not_paid": "{station} is not for payment status {payment}",
    "rule_refused": "Not admitted at {station}: {why}",
    "reentered": "Welcome back: {station}",
    "no_reentry": "{forum} allows no re-entry once left: a supervisor override if need be",
    "exited": "Left {station}",
    "exit_unmatched": "Left {station}; no entry was scanned (the attendance report flags it)",
    "already_left": "Already left {station} at {first_time} by desk {first_device}",
    "override": "Admitted by a supervisor ({reason})",
    "empty": "Nothing was scanned",
    "too_long": "The scanned code is far too long to be a ticket",
    "not_a_code": "This QR code is not a registration code",
    "foreign_link": ("This QR code is a web link ({host}) that matches nobody on the list: ask for "
                     "the registration confirmation, or find the person by name"),
    # Signed tickets (checkin/tickets.py): why one is refused, in words for a volunteer.
    "malformed": "This ticket is damaged or incomplete: scan it again, or find the person by name",
    "forged": "This ticket is forged or altered: do not admit; call a supervisor",
    "unknown_key": "This ticket was not signed by this event's organiser (unknown key)",
    "wrong_event": "This ticket is for another event ({event})",
    "not_yet_valid": "This ticket is not valid yet (from {valid_from})",
    "expired": "This ticket has expired (valid until {valid_until})",
    "revoked": ("This ticket of {code} was revoked: ask for the new one, or find the person by "
                "name"),
    "signature_required": ("Plain codes are not accepted at this event: scan the signed ticket, or "
                           "find the person by name"),
    "unlisted": "Valid ticket; not yet on this desk's list — reconciled at next sync",
    "unlisted_station": ("Valid ticket, but {code} is not on this desk's list yet: {station} needs "
                         "the list (sync first)"),
    # Actions the desk refuses (checkin/desk.py), said where the action was asked for.
    "desk_backfill_needs_reason": "entering a paper sheet needs a reason (power cut, laptop down ...)",
    "desk_backfill_outside_event": ("{at} is not during the event ({first} to {last}): check the "
                                    "date on the paper sheet"),
    "desk_backfill_in_the_future": "{at} has not happened yet: check the time on the paper sheet",
    "desk_exit_not_a_door": "{station} is not a forum door: exit scans are for forum doors",
    "desk_override_needs": "an override needs the supervisor's name and a reason",
    "desk_no_registration": "no registration with code {code}",
    "desk_no_registration_walk_in": "no registration with code {code}: register a walk-in instead",
    "desk_nothing_to_undo": "nothing to undo at this desk",
    "desk_already_undone": "that admission was already undone",
    "desk_not_this_desks": ("that admission was made at desk {desk}: only that desk, or an "
                            "organiser (`checkin server undo`), can undo it"),
    "desk_revocation_needs_reason": "a revocation needs a reason (lost, resold, reissued ...)",
    "desk_already_revoked": "ticket {ticket} is already revoked",
    "desk_walk_in_needs_name": "a walk-in needs at least a name",
    "desk_walk_in_needs_payment": ("a walk-in needs its payment: paid (also on site), unpaid or "
                                   "free"),
    "desk_code_taken": "code {code} is already registered",
    "desk_nothing_to_change": "nothing to change",
    "desk_code_unchangeable": "a registration code cannot be changed: register a walk-in instead",
    "desk_name_empty": "the name cannot be empty",
    "desk_changed_meanwhile": "{code} was changed meanwhile (version {version}); reload and retry",
    "desk_reprint_needs_reason": "a reprint needs a reason (lost badge, name corrected ...)",
    # Printers (checkin/printing/printers.py): the window says them in its language, with
    # what CUPS said in brackets.
    "printer_folder": "cannot save the PDF to {folder}: {detail}",
    "printer_no_cups": "the print service (CUPS) is not installed on this computer",
    "printer_timeout": "printer {name} did not answer within {seconds} s",
    "printer_missing": "printer {name} is not installed on this computer ({said})",
    "printer_not_accepting": ("printer {name} is not taking jobs: is it paused or switched off? "
                              "({said})"),
    "printer_disabled": "printer {name} is disabled: switch it on and enable it ({said})",
    "printer_no_scheduler": "the print service (CUPS) is not running ({said})",
    "printer_refused": "printer {name} refused the job: {said}",
    # Clocks (checkin/clockcheck.py): said in the window and by `checkin sync-status`.
    "clock_off": ("This laptop's clock is {span} {direction} the central list's (measured {at}): "
                  "check-ins use the list's time; set this laptop's clock right"),
    "clock_unchecked": ("This laptop's date ({today}) is outside the event ({first} to {last}) and "
                        "was never compared with the central list: check the date and clock"),
}



def prefers_chinese() -> bool:
    """CHECKIN_LANG=zh|en, else LANG, else the process locale (checkin.i18n.resolve)."""
    return i18n.prefers_chinese()


def message(reason_code: str, chinese: bool = False, **params) -> str:
    template = MESSAGES.get(reason_code, reason_code)
    if chinese:
        template = i18n.translator(i18n.CHINESE).pgettext(reason_code, template)
    # a list (the days someone may come) reads with the language's own separator
    params = {key: ("、" if chinese else ", ").join(value) if isinstance(value, (list, tuple))
              else value for key, value in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
