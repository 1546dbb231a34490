"""The welcome wall's page (签到大屏, GET /wall/{event}): one HTML file for a projector at
1920x1080, its CSS and script inline (the venue may have no internet: no CDN, no build).

The page holds no names: its script opens the wall's Server-Sent Events stream
(/wall/{event}/stream, checkin/server/wall_feed.py) and shows what it pushes, each name as
it arrives with a short animation, the running total against expected. Names are set as
text, never as HTML. Sizes are in vh so the page fills any projector the same way; the
newest name is about 160 px high at 1080 lines, readable from the back of a hall.
"""

from __future__ import annotations

import json
from html import escape

from .. import i18n
from ..model import Wall
from ..wall_names import ACCENT, BACKGROUND, ink

_STYLE = """
*{box-sizing:border-box}html,body{height:100%;margin:0}
body{background:var(--bg);color:var(--ink);overflow:hidden;display:flex;flex-direction:column;
padding:3vh 3.5vw 2.5vh;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC",
"Microsoft YaHei",system-ui,sans-serif}
header{display:flex;align-items:center;gap:2.2vw;height:15vh;flex:none}
header img{max-height:13vh;max-width:20vw;object-fit:contain}
h1{flex:1;margin:0;font-size:5.6vh;line-height:1.18;font-weight:700;display:-webkit-box;
-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.count{text-align:right;white-space:nowrap}
.tally{line-height:1;font-variant-numeric:tabular-nums}
.n{font-size:10.5vh;font-weight:800;color:var(--accent)}
.of{font-size:4.6vh;color:var(--muted);margin-left:.3em}
.label{font-size:3.2vh;color:var(--muted);margin-top:.8vh}
.bar{height:1.3vh;background:var(--panel);border-radius:1vh;overflow:hidden;margin:1.6vh 0;
flex:none}
.bar i{display:block;height:100%;width:0;background:var(--accent);transition:width 1s ease}
#hero{height:31vh;flex:none;display:flex;flex-direction:column;justify-content:center;
align-items:center;text-align:center;overflow:hidden}
#hero .hello{font-size:4.2vh;color:var(--accent);letter-spacing:.2em;text-indent:.2em}
#hero .name{font-size:14.5vh;font-weight:800;line-height:1.1;white-space:nowrap;max-width:92vw}
#hero .org{font-size:5.4vh;line-height:1.3;color:var(--muted);white-space:nowrap;
overflow:hidden;text-overflow:ellipsis;max-width:92vw}
#hero.arrive .name{animation:arrive .9s cubic-bezier(.2,.8,.2,1) both}
#hero.arrive .org{animation:arrive .9s .15s cubic-bezier(.2,.8,.2,1) both}
#hero.arrive .hello{animation:glow 1.6s ease both}
@keyframes arrive{from{opacity:0;transform:translateY(7vh) scale(.9);filter:blur(8px)}
to{opacity:1;transform:none;filter:none}}
@keyframes glow{0%{opacity:.2}30%{opacity:1;text-shadow:0 0 3vh var(--accent)}
100%{opacity:1;text-shadow:none}}
#list{flex:1;display:grid;grid-template-columns:repeat(3,minmax(0,1fr));
grid-template-rows:repeat(3,minmax(0,1fr));gap:1.6vh 1.6vw;min-height:0;margin-top:1vh}
.card{background:var(--panel);border-left:.7vh solid var(--accent);border-radius:1.2vh;
padding:0 1.3vw;overflow:hidden;display:flex;flex-direction:column;justify-content:center}
.card.new{animation:slide .8s cubic-bezier(.2,.8,.2,1) both}
.card .name{font-size:5.8vh;font-weight:700;line-height:1.2;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}
.card .org{font-size:3.2vh;line-height:1.35;color:var(--muted);white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
@keyframes slide{from{opacity:0;transform:translateY(-3vh)}to{opacity:1;transform:none}}
#state{position:fixed;right:1.5vw;bottom:1vh;font-size:2.2vh;color:var(--muted)}
main.big{flex:1;display:flex;flex-direction:column;justify-content:center;align-items:center}
main.big .tally{display:flex;flex-direction:column;align-items:center}
main.big .n{font-size:34vh}
main.big .of{font-size:9vh;margin:2vh 0 0}
main.big .label{font-size:6vh;margin-top:2vh}
main.big .bar{width:70vw;height:2.4vh;margin-top:5vh}
.n.bump{display:inline-block;animation:bump .6s ease}
@keyframes bump{40%{transform:scale(1.08)}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
"""

# Shows what the stream pushes: `snapshot` (the whole wall, on every (re)connection) and
# `update` (new arrivals newest first, ids no longer shown, the counts). A burst of arrivals
# (a desk that was offline syncs) is shown one after the other, faster the longer the queue.
_SCRIPT = """
(() => {
const W = JSON.parse(document.getElementById("words").textContent);
const $ = (id) => document.getElementById(id);
const KEEP = 9;
const list = $("list"), hero = $("hero");
let queue = [], timer = null, seen = new Set(), current = null, source = null;
const fmt = (n) => Number(n).toLocaleString(W.locale);
if (location.search) history.replaceState(null, "", location.pathname);  // the token off screen

function fit(el) {
  el.style.fontSize = "";
  const ratio = el.clientWidth / el.scrollWidth;
  if (ratio < 1) {
    el.style.fontSize = parseFloat(getComputedStyle(el).fontSize) * ratio * 0.97 + "px";
  }
}
function counts(m) {
  const total = $("total");
  if (total.textContent !== fmt(m.total)) {
    total.textContent = fmt(m.total);
    total.classList.remove("bump"); void total.offsetWidth; total.classList.add("bump");
  }
  $("expected").textContent = fmt(m.expected);
  $("of").hidden = !m.expected;
  $("bar").style.width = m.expected ? Math.min(100, m.total * 100 / m.expected) + "%" : "0";
}
function card(a, animate) {
  const box = document.createElement("div");
  box.className = animate ? "card new" : "card";
  box.dataset.id = a.id;
  const name = document.createElement("div");
  name.className = "name";
  name.textContent = a.name;
  const org = document.createElement("div");
  org.className = "org";
  org.textContent = a.organisation || "";
  box.append(name, org);
  return box;
}
function trim() {
  while (list.children.length > KEEP) list.lastElementChild.remove();
}
function setHero(a, animate) {
  if (!hero) return;
  current = a;
  hero.dataset.id = a ? a.id : "";
  hero.querySelector(".name").textContent = a ? a.name : "";
  hero.querySelector(".org").textContent = a ? a.organisation || "" : "";
  hero.classList.remove("arrive");
  if (a && animate) { void hero.offsetWidth; hero.classList.add("arrive"); }
  fit(hero.querySelector(".name"));
}
function place(a) {
  if (current) list.prepend(card(current, true));
  trim();
  setHero(a, true);
}
function pump() {
  timer = null;
  const a = queue.shift();
  if (!a) return;
  place(a);
  if (queue.length) timer = setTimeout(pump, queue.length > 6 ? 300 : 1200);
}
function arrive(items) {
  for (const a of items.slice().reverse()) {  // oldest first onto the queue
    if (!seen.has(a.id)) { seen.add(a.id); queue.push(a); }
  }
  if (!timer) pump();
}
function gone(ids) {
  for (const id of ids) {
    queue = queue.filter((a) => a.id !== id);
    const box = list.querySelector(`[data-id="${id}"]`);
    if (box) box.remove();
    if (current && current.id === id) {
      const next = list.firstElementChild;
      if (next) {
        next.remove();
        setHero({id: +next.dataset.id, name: next.querySelector(".name").textContent,
                 organisation: next.querySelector(".org").textContent}, false);
      } else setHero(null, false);
    }
  }
}
function snapshot(m) {
  clearTimeout(timer); timer = null; queue = [];
  seen = new Set(m.arrivals.map((a) => a.id));
  if (list) {
    list.replaceChildren(...m.arrivals.slice(1).map((a) => card(a, false)));
    setHero(m.arrivals[0] || null, false);
  }
  counts(m);
}
function state(text) { $("state").textContent = text; }
function connect() {
  source = new EventSource(location.pathname.replace(/\\/+$/, "") + "/stream");
  source.addEventListener("snapshot", (e) => { state(""); snapshot(JSON.parse(e.data)); });
  source.addEventListener("update", (e) => {
    const m = JSON.parse(e.data);
    counts(m);
    gone(m.gone || []);
    arrive(m.arrivals || []);
  });
  source.onerror = () => {
    state(W.offline);
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
  };
}
state(W.connecting);
connect();
})();
"""


def _colours(wall: Wall) -> str:
    background = wall.background or BACKGROUND
    text, muted, panel = ink(background)
    fill = (background if wall.background
            else f"radial-gradient(ellipse at top,#1a2b45,{BACKGROUND} 70%) fixed")
    return (f":root{{--accent:{wall.colour or ACCENT};--ink:{text};--muted:{muted};"
            f"--panel:{panel}}}body{{--bg:{fill}}}")


def render(event_name: str, wall: Wall, language: str | None = None) -> str:
    """The page for one event's wall, in `language` ("zh" or "en"; default: the event's
    [wall] language, else the service's)."""
    language = language or wall.language
    words = i18n.translator(language) if language else i18n.current()
    title = escape(wall.title or event_name)
    logo = f'<img src="{escape(wall.logo)}" alt="">' if wall.logo else ""
    checked_in = escape(words.gettext("Checked in"))
    count = ('<div class="tally"><span class="n" id="total">0</span><span class="of" '
             'id="of">/ <span id="expected">0</span></span></div>'
             f'<div class="label">{checked_in}</div>')
    if wall.show == "counts":  # no names: the count alone, large
        body = (f"<header>{logo}<h1>{title}</h1></header><main class=\"big\">{count}"
                '<div class="bar"><i id="bar"></i></div></main>')
    else:
        hello = escape(words.gettext("Welcome"))
        body = (f'<header>{logo}<h1>{title}</h1><div class="count">{count}</div></header>'
                '<div class="bar"><i id="bar"></i></div>'
                f'<section id="hero"><div class="hello">{hello}</div><div class="name"></div>'
                '<div class="org"></div></section><section id="list"></section>')
    script_words = {"locale": "zh-CN" if words.chinese else "en",
                    "connecting": words.gettext("Connecting…"),
                    "offline": words.gettext("Connection lost: reconnecting…")}
    # </script> cannot occur in JSON made with these escapes
    data = json.dumps(script_words, ensure_ascii=False).replace("<", "\\u003c")
    return f"""<!doctype html>
<html lang="{"zh-CN" if words.chinese else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title><style>{_colours(wall)}{_STYLE}</style></head>
<body class="{escape(wall.show)}">{body}<div id="state"></div>
<script type="application/json" id="words">{data}</script>
<script>{_SCRIPT}</script></body></html>"""


def locked(event_id: str, language: str | None = None) -> str:
    """What a browser without the wall's token sees (401)."""
    words = i18n.translator(language) if language else i18n.current()
    title = escape(words.gettext("Welcome wall"))
    text = escape(words.gettext(
        "This welcome wall opens with its link, which carries a token: the organiser prints "
        "it with `checkin server wall-token --event {0}`.").format(event_id))
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{title}</title></head>'
            f'<body style="font:2rem system-ui;margin:3rem"><p>{text}</p></body></html>')
