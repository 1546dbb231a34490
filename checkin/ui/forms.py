"""What every small form dialog of the desk shares: a line for its problems and the
Cancel + action buttons at the bottom right (the action is the default: Enter presses it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton

ERROR_STYLE = "color:#c62828; font-weight:bold"
BAD_FIELD = "border: 2px solid #c62828;"


def message_line(style: str = ERROR_STYLE) -> QLabel:
    """A hidden, wrapping line where the form says what is wrong."""
    line = QLabel(wordWrap=True)
    line.setStyleSheet(style)
    line.setVisible(False)
    return line


def action_buttons(dialog: QDialog, action: QPushButton, cancel_text: str) -> QHBoxLayout:
    """Cancel (rejects the dialog) and the default action, right-aligned."""
    action.setDefault(True)
    cancel = QPushButton(cancel_text)
    cancel.clicked.connect(dialog.reject)
    dialog.cancel_button = cancel
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(cancel)
    buttons.addWidget(action)
    return buttons
