"""The live headcount page (GET /live/{event}): one HTML page for a phone or a projector.

Counts only (no names, codes or desks), so it can be opened without a token; it reloads
itself every REFRESH_SECONDS with no script, so it works on any browser.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from zoneinfo import ZoneInfo

from .. import i18n

REFRESH_SECONDS = 15

_STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"PingFang SC",
"Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#10151b;color:#eef2f5}
main{max-width:760px;margin:0 auto;padding:16px}h1{font-size:1.15rem;margin:0 0 4px;
font-weight:600}.when{color:#8fa1b3;font-size:.85rem;margin-bottom:16px}
.big{font-size:3.4rem;font-weight:700;line-height:1}.big small{font-size:1.4rem;color:#8fa1b3;
font-weight:500}.pct{font-size:1.1rem;color:#8fa1b3;margin:6px 0 18px}
h2{font-size:.95rem;color:#8fa1b3;font-weight:600;margin:22px 0 8px;text-transform:uppercase;
letter-spacing:.05em}.row{margin:8px 0}.label{display:flex;justify-content:space-between;
font-size:1rem}.num{font-variant-numeric:tabular-nums;white-space:nowrap;margin-left:12px}
.bar{height:10px;background:#25303b;border-radius:5px;overflow:hidden;margin-top:4px}
.bar i{display:block;height:100%;background:#43a047}.warn i{background:#f9a825}
.full i{background:#e53935}footer{color:#5f7183;font-size:.75rem;margin-top:28px}
"""


def _bar(done: int, total: int | None, *, cap: bool = False) -> str:
    share = done / total if total else 0.0
    css = "bar"
    if cap and total:
        css += " full" if share >= 1 else " warn" if share >= 0.9 else ""
    return f'<div class="{css}"><i style="width:{min(share, 1.0) * 100:.1f}%"></i></div>'


def _row(label: str, done: int, total: int | None, *, cap: bool = False) -> str:
    count = f"{done:,} / {total:,}" if total is not None else f"{done:,}"
    return (f'<div class="row"><div class="label"><span>{escape(label)}</span>'
            f'<span class="num">{count}</span></div>{_bar(done, total, cap=cap)}</div>')


def _heading(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def render(counts: dict, language: str | None = None) -> str:
    """The page in `language` ("zh" or "en"; default: the service's, checkin/i18n.py)."""
    words = i18n.translator(language) if language else i18n.current()
    try:
        zone = ZoneInfo(counts.get("timezone") or "UTC")
    except (KeyError, ValueError):
        zone = dt.UTC
    at = dt.datetime.fromisoformat(counts["generated_at"]).astimezone(zone)
    arrived, expected = counts["arrived"], counts["expected"]
    pct = f"{arrived / expected * 100:.1f}%" if expected else "—"
    checked_in = escape(words.gettext("Checked in"))
    parts = [
        f"<h1>{escape(counts['name'])}</h1>",
        f'<div class="when">{checked_in} · {at:%Y-%m-%d %H:%M:%S}</div>',
        f'<div class="big" id="arrived">{arrived:,} <small>/ {expected:,}</small></div>',
        f'<div class="pct">{pct}</div>',
        _bar(arrived, expected),
    ]
    if counts["by_category"]:
        parts.append(_heading(words.gettext("By category")))
        parts += [_row(c["category"], c["arrived"], c["expected"]) for c in counts["by_category"]]
    if counts["meals"]:
        parts.append(_heading(words.gettext("Meals")))
        parts += [_row(m["name"], m["redeemed"], m["entitled"]) for m in counts["meals"]]
    if counts["forums"]:
        parts.append(_heading(words.gettext("Forums: inside now")))
        for f in counts["forums"]:
            label = f["name"] + (f" · {f['room']}" if f.get("room") else "")
            parts.append(_row(label, f["inside"], f["capacity"], cap=True))
    if counts.get("lists"):
        parts.append(_heading(words.gettext("Check-in lists")))
        parts += [_row(x["name"], x["entered"], x["capacity"], cap=True) for x in counts["lists"]]
    footer = escape(words.gettext("Checkin Desk · refreshes every {0} s").format(REFRESH_SECONDS))
    return f"""<!doctype html>
<html lang="{"zh-CN" if words.chinese else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="{REFRESH_SECONDS}">
<title>{escape(counts['name'])} · {arrived:,}/{expected:,}</title><style>{_STYLE}</style></head>
<body><main>{''.join(parts)}
<footer>{footer}</footer></main></body></html>"""


def not_found(event_id: str, language: str | None = None) -> str:
    words = i18n.translator(language) if language else i18n.current()
    title = escape(words.gettext("Not found"))
    text = escape(words.gettext("No event {0} on this server.").format(event_id))
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{title}</title></head>'
            f"<body><p>{text}</p></body></html>")
