"""What changed in the desk's data, said once to every view of the window.

A producer (a decided scan, an undo, the person panel, a walk-in, a sync round, the printer)
publishes one `Changes` on the window's `ChangeBus`; each view subscribes once with its own
`on_changes(changes)` and decides from the fields what it refreshes. Modelled on Anki's
OpChanges: the producer says what changed, never who must refresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..model import Decision


@dataclass(frozen=True)
class PrintResult:
    """A print job that ended (the print panel's `finished`)."""

    code: str
    document: str  # "badge" or "vouchers"
    state: str  # "done", "failed" or "cancelled"
    detail: str  # why it failed, or what to check on a done job


@dataclass(frozen=True)
class Changes:
    admissions: bool = False
    """Who is in where may have changed (a scan decided or undone, other desks' check-ins):
    counts, search marks, the person's status and history."""
    registrants: bool = False
    """Registrant data changed (an edit, a walk-in, a sync, an import): the search index,
    the expected counts, the person's fields."""
    marks: bool = False
    """What a person's row and panel show may have changed (an action in the person panel),
    not the counts."""
    new_facts: bool = False
    """This desk recorded an admission the central list should have now (a round, online)."""
    printed: tuple[PrintResult, ...] = ()
    """Print jobs that ended."""
    code: str | None = None
    """The one registrant concerned; None: anyone may be."""

    def __bool__(self) -> bool:
        return bool(self.admissions or self.registrants or self.marks or self.new_facts
                    or self.printed)

    def merge(self, other: Changes) -> Changes:
        """Both at once: every flag of either, every print, the code only when both concern
        the same person (an empty Changes concerns nobody and changes nothing)."""
        if not self:
            return other
        if not other:
            return self
        same = self.code is not None and other.code is not None \
            and self.code.upper() == other.code.upper()
        return Changes(admissions=self.admissions or other.admissions,
                       registrants=self.registrants or other.registrants,
                       marks=self.marks or other.marks,
                       new_facts=self.new_facts or other.new_facts,
                       printed=self.printed + other.printed,
                       code=self.code if same else None)

    __or__ = merge

    @classmethod
    def decided(cls, decision: Decision) -> Changes:
        """A scan, a Find check-in or an override was answered. Without a code it concerns
        no one on the list (a link or text that is not a code): nothing changed."""
        if not decision.code:
            return cls()
        return cls(admissions=True, code=decision.code, new_facts=bool(decision.event_uuid))

    @classmethod
    def print_finished(cls, code: str, document: str, state: str, detail: str) -> Changes:
        return cls(printed=(PrintResult(code, document, state, detail),), code=code)


class ChangeBus(QObject):
    """The window's one change path: `publish` a Changes, views connect to `changed`
    (delivered at once, on the GUI thread)."""

    changed = Signal(object)  # a Changes

    def publish(self, changes: Changes) -> None:
        if changes:  # nothing changed: nobody is bothered
            self.changed.emit(changes)
