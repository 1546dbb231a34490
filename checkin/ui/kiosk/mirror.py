"""The camera preview as a mirror, with a frame to hold the phone or the letter in.

People line a code up in a mirror without thinking; an unmirrored preview moves the wrong way.
Only the picture is mirrored: the worker decodes the camera's own frames. Without a camera
(unplugged, turned off) the frame stays with a word that the handheld scanner works."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class Mirror(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 240)
        self._frame: QImage | None = None
        self.caption = ""  # under the frame, in the window's language
        self.note = ""  # the camera's trouble, when there is one

    @Slot(QImage)
    def show_frame(self, image: QImage) -> None:
        self._frame = image.flipped(Qt.Orientation.Horizontal)
        self.note = ""  # a picture: the camera works (again)
        self.update()

    def set_note(self, note: str) -> None:
        self.note = note
        if note:
            self._frame = None
        self.update()

    def clear(self) -> None:
        self._frame = None
        self.update()

    def has_picture(self) -> bool:
        return self._frame is not None

    def target(self) -> QRectF:
        """The square the code should be held in: two thirds of the shorter side."""
        side = min(self.width(), self.height()) * 0.66
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2 - side * 0.06,
                      side, side)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect())
        path = QPainterPath()
        path.addRoundedRect(area, 24, 24)
        painter.setClipPath(path)
        painter.fillRect(area, QColor("#263238"))
        if self._frame is not None:  # cover the widget, centred, keeping the aspect
            image = self._frame
            scale = max(area.width() / image.width(), area.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF((area.width() - w) / 2, (area.height() - h) / 2, w, h),
                              image)
        box = self.target()
        shade = QPainterPath()
        shade.addRect(area)
        hole = QPainterPath()
        hole.addRoundedRect(box, 18, 18)
        painter.fillPath(shade.subtracted(hole), QColor(0, 0, 0, 110))
        self._corners(painter, box)
        text = self.note or self.caption
        if text:
            font = QFont(self.font())
            font.setPixelSize(max(14, int(min(self.width(), self.height()) * 0.055)))
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("white"))
            below = QRectF(0, box.bottom() + 4, area.width(), area.height() - box.bottom() - 4)
            painter.drawText(below.adjusted(12, 0, -12, 0),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        painter.end()

    @staticmethod
    def _corners(painter: QPainter, box: QRectF) -> None:
        """Viewfinder corners: thick white brackets at the frame's four corners."""
        arm = box.width() * 0.18
        pen = QPen(QColor("white"), max(4.0, box.width() * 0.025))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        for corner, dx, dy in ((box.topLeft(), 1, 1), (box.topRight(), -1, 1),
                               (box.bottomLeft(), 1, -1), (box.bottomRight(), -1, -1)):
            painter.drawLine(corner, corner + QPointF(dx * arm, 0))
            painter.drawLine(corner, corner + QPointF(0, dy * arm))
