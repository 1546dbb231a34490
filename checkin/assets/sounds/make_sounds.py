"""Make the desk's answer sounds (run once; the WAV files are committed):

    python checkin/assets/sounds/make_sounds.py

ok.wav       bright rising two-tone (welcome)
already.wav  one mid tone (already checked in: look at the screen)
refused.wav  low buzz (unknown, unpaid, not entitled, invalid)
alert.wav    three quick high chimes (someone staff must look after: wheelchair, VIP ...)

16-bit mono PCM at 22.05 kHz, 8-15 KB each; the standard library's wave module only, with
short fades so that no tone starts or ends with a click.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050  # a rate every Qt audio backend lists (Windows: 8k, 11k, 22k, 44.1k, 48k)
FOLDER = Path(__file__).resolve().parent


def tone(freq: float, seconds: float, volume: float = 0.5, harmonics=((1, 1.0),),
         fade_s: float = 0.012) -> list[float]:
    n = int(RATE * seconds)
    fade = max(1, int(RATE * fade_s))
    norm = sum(abs(a) for _, a in harmonics)
    out = []
    for i in range(n):
        t = i / RATE
        value = sum(a * math.sin(2 * math.pi * freq * k * t) for k, a in harmonics) / norm
        envelope = min(1.0, i / fade, (n - 1 - i) / fade)
        out.append(volume * envelope * value)
    return out


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def write(name: str, samples: list[float]) -> Path:
    path = FOLDER / name
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32767))
                                 for s in samples))
    return path


SOUNDS = {
    # E6 then A6: a bright rising fourth, like a ticket gate's "go".
    "ok.wav": tone(1318.5, 0.09, 0.45, ((1, 1.0), (2, 0.15))) + silence(0.02)
    + tone(1760.0, 0.14, 0.45, ((1, 1.0), (2, 0.15))),
    # A5 once, softer: attention without alarm.
    "already.wav": tone(880.0, 0.18, 0.4, ((1, 1.0), (3, 0.1))),
    # A low, rough buzz (odd harmonics: square-like), twice.
    "refused.wav": tone(155.0, 0.14, 0.55, ((1, 1.0), (3, 0.5), (5, 0.3), (7, 0.2)))
    + silence(0.04) + tone(155.0, 0.16, 0.55, ((1, 1.0), (3, 0.5), (5, 0.3), (7, 0.2))),
    # C7, C7, G6: three quick chimes, unlike any answer: "look at the screen, this person
    # needs something".
    "alert.wav": tone(2093.0, 0.07, 0.4, ((1, 1.0), (2, 0.2))) + silence(0.05)
    + tone(2093.0, 0.07, 0.4, ((1, 1.0), (2, 0.2))) + silence(0.05)
    + tone(1568.0, 0.16, 0.4, ((1, 1.0), (2, 0.2))),
}


if __name__ == "__main__":
    for name, samples in SOUNDS.items():
        path = write(name, samples)
        print(f"{path.name}: {len(samples) / RATE:.2f} s, {path.stat().st_size} bytes")
