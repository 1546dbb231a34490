"""How the kiosk looks: sizes that scale with the screen (readable from two metres, targets
a thumb cannot miss), one style sheet by object name, and layouts that turn with the screen
(1080x1920 portrait, 1920x1080 landscape)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QSizePolicy

BLUE = "#0d47a1"
GREEN = "#1b5e20"
AMBER = "#8a4b00"
INK = "#1a1a1a"
PAPER = "#f5f7fa"
REFERENCE = 1080  # the short side the sizes below are written for


@dataclass(frozen=True)
class Metrics:
    width: int
    height: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def unit(self) -> float:
        """Pixels per design pixel: the short side against 1080 (never below half)."""
        return max(0.5, min(self.width, self.height) / REFERENCE)

    def px(self, size: float) -> int:
        return max(1, round(size * self.unit))


def sheet(m: Metrics) -> str:
    """The window's style sheet: every kiosk widget is styled by its object name."""
    px = m.px
    return f"""
    QWidget#kiosk {{ background: {PAPER}; color: {INK}; }}
    QLabel {{ color: {INK}; }}
    QLabel#event {{ font-size: {px(30)}px; color: #455a64; }}
    QLabel#title {{ font-size: {px(68)}px; font-weight: bold; }}
    QLabel#body {{ font-size: {px(42)}px; }}
    QLabel#hint {{ font-size: {px(32)}px; color: #455a64; }}
    QLabel#error {{ font-size: {px(38)}px; color: #b71c1c; font-weight: bold; }}
    QLabel#digits {{ font-size: {px(96)}px; font-weight: bold; letter-spacing: {px(18)}px;
                     color: {BLUE}; }}
    QLabel#number {{ font-size: {px(200)}px; font-weight: bold; color: {BLUE}; }}
    QLabel#mark {{ font-size: {px(150)}px; font-weight: bold; color: {GREEN}; }}
    QLabel#warn {{ font-size: {px(150)}px; font-weight: bold; color: {AMBER}; }}
    QLabel#staff {{ font-size: {px(28)}px; color: #37474f; }}
    QPushButton#staff {{ font-size: {px(34)}px; min-height: {px(96)}px; padding: 0 {px(16)}px;
                         background: white; color: {BLUE}; border: {px(3)}px solid {BLUE}; }}
    QPushButton {{ font-size: {px(44)}px; min-height: {px(120)}px; padding: 0 {px(40)}px;
                   border-radius: {px(20)}px; }}
    QPushButton#primary {{ background: {BLUE}; color: white; border: none;
                           font-weight: bold; }}
    QPushButton#primary:pressed {{ background: #002171; }}
    QPushButton#secondary {{ background: white; color: {BLUE};
                             border: {px(4)}px solid {BLUE}; }}
    QPushButton#secondary:pressed {{ background: #e3f2fd; }}
    QPushButton#key {{ font-size: {px(64)}px; font-weight: bold; min-height: {px(130)}px;
                       min-width: {px(150)}px; padding: 0; background: white; color: {INK};
                       border: {px(3)}px solid #90a4ae; }}
    QPushButton#key:pressed {{ background: #e3f2fd; }}
    QPushButton#letter {{ font-size: {px(40)}px; min-height: {px(96)}px; min-width: {px(72)}px;
                          padding: 0; background: white; border: {px(2)}px solid #90a4ae; }}
    QPushButton#candidate {{ min-height: {px(160)}px; padding: {px(10)}px {px(30)}px;
                             background: white; border: {px(4)}px solid #90a4ae; }}
    QLabel#who {{ font-size: {px(56)}px; font-weight: bold; }}
    QLabel#where {{ font-size: {px(34)}px; color: #37474f; }}
    QPushButton#candidate:pressed {{ background: #e3f2fd; }}
    QPushButton#toggle {{ font-size: {px(34)}px; min-height: {px(84)}px;
                          padding: 0 {px(30)}px; background: white; color: {BLUE};
                          border: {px(3)}px solid {BLUE}; border-radius: {px(42)}px; }}
    QLineEdit {{ font-size: {px(48)}px; min-height: {px(100)}px; padding: 0 {px(20)}px; }}
    QListWidget {{ font-size: {px(28)}px; }}
    """


def label(role: str, text: str = "", *, centred: bool = True) -> QLabel:
    """A label styled by its role (title, body, hint, error, digits, number ...)."""
    widget = QLabel(text)
    widget.setObjectName(role)
    widget.setWordWrap(role not in ("digits", "number", "mark", "warn", "badge"))
    widget.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
    if centred:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def button(role: str = "primary", text: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setObjectName(role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scanner's Enter must never press one
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return widget


class Flip(QBoxLayout):
    """A row in landscape, a column in portrait."""

    def __init__(self, parent=None):
        super().__init__(QBoxLayout.Direction.LeftToRight, parent)

    def set_portrait(self, portrait: bool) -> None:
        self.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                          else QBoxLayout.Direction.LeftToRight)
