"""What staff must know about a person the moment they are scanned: a wheelchair, a VIP, a
speaker, an invoice to collect. Shown on the banner with a sound of its own; where the event
asks (`[alerts] acknowledge = true`) the next scan waits until staff acknowledge it (Space),
like pretix's "requires attention".

Where alerts come from:
- any remark marked as one by its first character (!, ！ or ⚠), always;
- the event file's `[alerts]`: `words` (a remark containing one is shown whole), `categories`
  (everyone in them: the category's name is the alert) and `fields` (any value of these
  fields, e.g. an export column kept as `extra.特殊需求`).

Alerts are shown to desk staff: phone numbers and e-mails inside them are masked, ID
and CME card numbers too.
"""

from __future__ import annotations

from .masking import NEVER_UNMASKED, mask_id, mask_text
from .model import EventConfig, Registrant

MARKS = ("!", "！", "⚠")


def alerts_for(reg: Registrant | None, config: EventConfig) -> tuple[str, ...]:
    """The alerts of this registrant, in the order above, each once."""
    if reg is None:
        return ()
    rules = config.alerts
    found: list[str] = []
    remark = (reg.remarks or "").strip()
    if remark.startswith(MARKS):
        found.append(remark.lstrip("".join(MARKS) + " \u3000"))
    elif remark and any(word.casefold() in remark.casefold() for word in rules.words):
        found.append(remark)
    if reg.category and reg.category in rules.categories:
        category = config.category(reg.category)
        found.append(f"{reg.category} {category.name_en}".strip() if category else reg.category)
    for name in rules.fields:
        value = (reg.extra.get(name[len("extra."):]) if name.startswith("extra.")
                 else getattr(reg, name, None))
        if isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        if value not in (None, ""):  # an ID or CME card number, if named, only masked
            found.append(mask_id(str(value).strip()) if name in NEVER_UNMASKED
                         else str(value).strip())
    return tuple(dict.fromkeys(mask_text(text) for text in found if text))
