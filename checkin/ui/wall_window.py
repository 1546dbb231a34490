"""The desk's own welcome wall (签到大屏) for a second screen, where there is no central
service: the arrivals this desk recorded and those its syncs brought, named by the event's
`[wall] show` (checkin/wall_names.py, the rule of the service's /wall page), the total
against expected. A person marked wall_hidden is never shown, and still counted.

    wall = WallWindow(store, changes=window.changes, runner=window.runner)
    show_on_another_screen(wall, beside=window)  # or wall.show(); F11 full screen, Esc leaves

It refreshes on the window's change bus (a scan, an undo, a walk-in, a sync round) and every
`refresh_ms` as well, for a wall opened on its own. Sizes follow the window's height, as the
web page's follow the screen's.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsOpacityEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..store import Store
from ..store import counts as count_store
from ..store import wall as wall_store
from ..wall_names import ACCENT, BACKGROUND, card, ink
from .changes import ChangeBus, Changes
from .tasks import DbRunner

RECENT = 10  # the newest arrival large, nine more below it
COLUMNS = 3


def _label(name: str, *, centred: bool = False) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a name is never read as HTML
    if centred:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class _Card(QFrame):
    def __init__(self) -> None:
        super().__init__(objectName="card")
        self.name, self.org = _label("cardName"), _label("cardOrg")
        # rows share the height left under the newest name: the text never grows the window
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setSpacing(0)
        layout.addStretch()
        layout.addWidget(self.name)
        layout.addWidget(self.org)
        layout.addStretch()

    def show_item(self, item: dict | None) -> None:
        self.name.setText(item["name"] if item else "")
        self.org.setText(item["organisation"] if item else "")
        self.setVisible(item is not None)


class WallWindow(QWidget):
    def __init__(self, store: Store, *, changes: ChangeBus | None = None,
                 runner: DbRunner | None = None, refresh_ms: int = 3000, parent=None):
        super().__init__(parent)
        self.store, self.runner = store, runner
        config = store.config
        self.wall = config.wall
        self.setWindowTitle(self.tr("Welcome wall") + f" — {config.name}")
        self.title = _label("title")
        self.title.setText(self.wall.title or config.name)
        self.title.setWordWrap(True)
        self.total, self.expected = _label("total"), _label("expected")
        self.label = _label("label")
        self.label.setText(self.tr("Checked in"))
        self.bar = QProgressBar(textVisible=False)
        self.hello = _label("hello", centred=True)
        self.hello.setText(self.tr("Welcome"))
        self.hero_name, self.hero_org = _label("heroName", centred=True), _label("heroOrg",
                                                                                  centred=True)
        self.cards = [_Card() for _ in range(RECENT - 1)]
        self._build()
        self._fade = QGraphicsOpacityEffect(self.hero_name)
        self.hero_name.setGraphicsEffect(self._fade)
        self._animation = QPropertyAnimation(self._fade, b"opacity", self, duration=700,
                                             startValue=0.0, endValue=1.0,
                                             easingCurve=QEasingCurve.Type.OutCubic)
        self.arrivals: list[tuple[str, dict]] = []  # (admission uuid, card), newest first
        self.counts = (0, 0)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self._toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.showNormal)
        if changes is not None:
            changes.changed.connect(self.on_changes)
        self._timer = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._timer.start()
        self.resize(1280, 720)
        self.refresh()

    def _build(self) -> None:
        count = QVBoxLayout()
        tally = QHBoxLayout()
        tally.addStretch()
        tally.addWidget(self.total, alignment=Qt.AlignmentFlag.AlignBottom)
        tally.addWidget(self.expected, alignment=Qt.AlignmentFlag.AlignBottom)
        count.addLayout(tally)
        count.addWidget(self.label, alignment=Qt.AlignmentFlag.AlignRight)
        header = QHBoxLayout()
        header.addWidget(self.title, stretch=1)
        header.addLayout(count)
        self.hero = QWidget()
        hero = QVBoxLayout(self.hero)
        for widget in (self.hello, self.hero_name, self.hero_org):
            hero.addWidget(widget)
        grid = QGridLayout()
        for i, box in enumerate(self.cards):
            grid.addWidget(box, i // COLUMNS, i % COLUMNS)
            grid.setRowStretch(i // COLUMNS, 1)
            box.setVisible(False)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(header)
        self.layout_.addWidget(self.bar)
        self.layout_.addWidget(self.hero)
        self.layout_.addLayout(grid, stretch=1)
        self.hero.setVisible(self.wall.show != "counts")

    # -- data -------------------------------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        if changes.admissions or changes.registrants:
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._timer.isActive():  # shown again after it was closed
            self._timer.start()
            self.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._timer.stop()  # a closed wall reads nothing (its event may be closing too)
        super().closeEvent(event)

    def refresh(self) -> None:
        """Read the wall (on the DbRunner when there is one) and show it."""
        store, show = self.store, self.wall.show

        def read():
            conn = store.reader()
            rows = [] if show == "counts" else wall_store.latest_arrivals(conn, RECENT)
            shown = [(uuid, item) for uuid, name, org in rows
                     if (item := card(name, org, False, show)) is not None]
            return shown, wall_store.arrived(conn), count_store.expected(conn)

        if self.runner is None:
            self._show(read())
        else:
            self.runner.run(read, self._show)

    def _show(self, result) -> None:
        arrivals, total, expected = result
        newest = arrivals[0][0] if arrivals else None
        arrived = newest is not None and newest != (self.arrivals[0][0] if self.arrivals
                                                    else None)
        self.arrivals, self.counts = arrivals, (total, expected)
        self.total.setText(f"{total:,}")
        self.expected.setText(f"/ {expected:,}" if expected else "")
        self.bar.setRange(0, max(expected, 1))
        self.bar.setValue(min(total, max(expected, 1)))
        top = arrivals[0][1] if arrivals else None
        self.hero_name.setText(top["name"] if top else "")
        self.hero_org.setText(top["organisation"] if top else "")
        for box, (_uuid, item) in zip(self.cards, arrivals[1:], strict=False):
            box.show_item(item)
        for box in self.cards[max(len(arrivals) - 1, 0):]:
            box.show_item(None)
        self._fit()
        if arrived:
            self._animation.stop()
            self._animation.start()

    # -- looks ------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._style()

    def _style(self) -> None:
        """Font sizes in hundredths of the window's height, as the web page's vh."""
        vh = max(self.height(), 200) / 100
        background = self.wall.background or BACKGROUND
        text, muted, panel = ink(background)
        accent = self.wall.colour or ACCENT
        fill = background if self.wall.background else (
            f"qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #1a2b45, stop:0.7 {BACKGROUND})")
        sizes = {"title": 5.6, "total": 10, "expected": 4.6, "label": 3.2, "hello": 4.2,
                 "heroName": 14.5, "heroOrg": 5.4, "cardName": 5.4, "cardOrg": 3}
        bold = {"title", "total", "heroName", "cardName"}
        colours = {"total": accent, "hello": accent, "expected": muted, "label": muted,
                   "heroOrg": muted, "cardOrg": muted}
        rules = [f"WallWindow {{ background: {fill}; }}",
                 f"QLabel {{ color: {text}; background: transparent; }}",
                 f"#card {{ background: {panel}; border-left: {0.7 * vh:.0f}px solid {accent};"
                 f" border-top-right-radius: {1.2 * vh:.0f}px;"
                 f" border-bottom-right-radius: {1.2 * vh:.0f}px; }}",
                 f"QProgressBar {{ background: {panel}; border: none; border-radius: "
                 f"{0.6 * vh:.0f}px; max-height: {1.3 * vh:.0f}px; }}",
                 f"QProgressBar::chunk {{ background: {accent}; border-radius: "
                 f"{0.6 * vh:.0f}px; }}"]
        for name, size in sizes.items():
            rules.append(f"#{name} {{ font-size: {size * vh:.0f}px; font-weight: "
                         f"{700 if name in bold else 400}; color: {colours.get(name, text)}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("\n".join(rules))
        self.hero.setFixedHeight(round(31 * vh))
        for box in self.cards:
            box.layout().setContentsMargins(round(1.6 * vh), 0, round(1.6 * vh), 0)
        self.layout_.setContentsMargins(round(3.5 * vh), round(3 * vh), round(3.5 * vh),
                                        round(2.5 * vh))
        self._fit()

    def _fit(self) -> None:
        """A long name shrinks to the window's width rather than being cut."""
        label = self.hero_name
        size = round(14.5 * max(self.height(), 200) / 100)
        font = QFont(label.font())
        font.setPixelSize(size)
        width = QFontMetrics(font).horizontalAdvance(label.text() or " ")
        room = self.width() * 0.92
        if width > room:
            size = max(int(size * room / width), 12)
        label.setStyleSheet(f"font-size: {size}px;")

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()


def show_on_another_screen(wall: QWidget, beside: QWidget) -> None:
    """Full screen on a screen other than the desk window's (the projector or the second
    monitor the desk's laptop drives); in a window of its own when there is only one."""
    others = [s for s in QGuiApplication.screens() if s is not beside.screen()]
    if others:
        wall.setGeometry(others[0].geometry())
        wall.showFullScreen()
    else:
        wall.show()
