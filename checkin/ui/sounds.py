"""A short sound for every answer, so that staff hear it without looking: a bright rising
two-tone for a welcome, one mid tone for "already", a low buzz for a refusal, three quick
chimes for someone with an alert (a wheelchair, a VIP).

Played with QtMultimedia's QSoundEffect (low latency, preloaded). Where QtMultimedia
cannot load (its audio libraries missing) or there is no audio output (CI, offscreen, a
desk without speakers), the player stays silent, without errors: a sound is a help,
never a condition for checking someone in.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from ..model import Decision, Outcome
from ..resources import sounds_dir
from .banner import refused_again

log = logging.getLogger(__name__)

SOUND_DIR = sounds_dir()
SOUNDS = {"ok": "ok.wav", "already": "already.wav", "refused": "refused.wav",
          "alert": "alert.wav"}


def sound_for(outcome: Outcome | str) -> str:
    """Which sound answers an outcome: ok, already, or refused for every other one."""
    if outcome == Outcome.OK:
        return "ok"
    if outcome == Outcome.ALREADY:
        return "already"
    return "refused"


@functools.cache
def audio_output_available() -> tuple[bool, str]:
    """Asked once per process, on the GUI thread, before the window starts its worker
    threads: Qt loading its audio backend while a worker loads a decoder library
    (pyzbar's dlopen) has hung the process."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:  # e.g. libpulse missing on a minimal Linux
        return False, f"QtMultimedia unavailable ({exc})"
    if not QMediaDevices.audioOutputs():
        return False, "no audio output device"
    return True, ""


class SoundPlayer(QObject):
    """`play(decision)` on every answer; `enabled` follows the sounds setting."""

    def __init__(self, enabled: bool = True, folder: Path = SOUND_DIR,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.enabled = enabled
        self.folder = folder
        self.last_sound: str | None = None  # what the last play() chose (tests, diagnostics)
        self._effects: dict = {}
        self.available, self.why_silent = audio_output_available()
        if self.available:
            self._load()
        else:
            log.info("sounds are silent: %s", self.why_silent)

    def _load(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        for name, file in SOUNDS.items():
            path = self.folder / file
            if not path.exists():
                log.warning("sound file missing: %s", path)
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            self._effects[name] = effect

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled

    def play(self, decision: Decision | Outcome | str) -> str | None:
        """Play the sound of this answer; returns its name, or None when muted."""
        if not self.enabled:
            return None
        outcome = decision.outcome if isinstance(decision, Decision) else decision
        name = "refused" if isinstance(decision, Decision) and refused_again(decision) \
            else sound_for(outcome)
        if name != "refused" and isinstance(decision, Decision) and decision.alerts:
            name = "alert"  # someone staff must look after: a sound of its own
        self.last_sound = name
        effect = self._effects.get(name)
        if effect is not None:
            try:
                effect.play()
            except RuntimeError as exc:  # an audio device that vanished: stay silent
                log.warning("sound %s not played: %s", name, exc)
        return name


def install_sounds(window, enabled: bool = True) -> SoundPlayer:
    """Give a desk window its sounds: every decision of its scan screen plays one."""
    player = SoundPlayer(enabled, parent=window)
    window.scan.decided.connect(player.play)
    window.sounds = player
    return player
