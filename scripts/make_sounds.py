"""Generate the scan feedback sounds in ``resources/sounds/`` (stdlib only, reproducible byte for byte).

Each outcome gets a sound a packer can tell apart without looking: pitch, rhythm and direction
differ, not just volume. Square-ish waves (fundamental plus odd harmonics) cut through warehouse
noise better than sine tones; short fades stop the clicks that make cheap speakers crackle.

Run: ``python scripts/make_sounds.py`` (writes accepted.wav, wrong_item.wav, over_scan.wav,
unknown.wav, complete.wav, stop.wav). The names match ``packstation.domain.feedback.FeedbackSound``.
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

RATE = 16_000
AMPLITUDE = 0.85  # of full scale: loud, with headroom so harmonics never clip
FADE_S = 0.006
OUT_DIR = Path(__file__).resolve().parent.parent / "resources" / "sounds"

Frequency = Callable[[float], float]  # seconds into the segment -> Hz


def _square_ish(phase: float) -> float:
    # First three odd harmonics of a square wave: bright and loud, but not harsh.
    return (math.sin(phase) + math.sin(3 * phase) / 3 + math.sin(5 * phase) / 5) / 1.2


def _segment(duration: float, frequency: Frequency) -> list[float]:
    samples: list[float] = []
    phase = 0.0
    count = int(duration * RATE)
    fade = int(FADE_S * RATE)
    for i in range(count):
        t = i / RATE
        phase += 2 * math.pi * frequency(t) / RATE
        envelope = min(1.0, i / fade, (count - 1 - i) / fade) if fade else 1.0
        samples.append(AMPLITUDE * envelope * _square_ish(phase))
    return samples


def _tone(hz: float, duration: float) -> list[float]:
    return _segment(duration, lambda _t: hz)


def _chirp(start_hz: float, end_hz: float, duration: float) -> list[float]:
    return _segment(duration, lambda t: start_hz + (end_hz - start_hz) * t / duration)


def _silence(duration: float) -> list[float]:
    return [0.0] * int(duration * RATE)


def _join(*parts: Sequence[float]) -> list[float]:
    return [sample for part in parts for sample in part]


SOUNDS: dict[str, Callable[[], list[float]]] = {
    # One short high blip: the sound heard hundreds of times a shift, so brief and pleasant.
    "accepted": lambda: _tone(1760, 0.09),
    # Low double buzz: unmistakably "no".
    "wrong_item": lambda: _join(_tone(196, 0.22), _silence(0.07), _tone(196, 0.22)),
    # Three quick mid beeps: "too many".
    "over_scan": lambda: _join(*[_join(_tone(988, 0.07), _silence(0.05)) for _ in range(3)]),
    # A falling sweep: "what was that?"
    "unknown": lambda: _chirp(1200, 400, 0.32),
    # Rising arpeggio (C6-E6-G6-C7): done, label coming.
    "complete": lambda: _join(*[_tone(hz, 0.09) for hz in (1047, 1319, 1568)], _tone(2093, 0.2)),
    # Siren, alternating high/low: stop, order cancelled, do not ship.
    "stop": lambda: _join(*[_join(_tone(1400, 0.12), _tone(700, 0.12)) for _ in range(4)]),
}


def write_wav(path: Path, samples: Sequence[float]) -> None:
    """16-bit mono PCM at :data:`RATE`."""
    frames = b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767)) for s in samples)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(frames)


def main() -> None:
    """Write every sound to :data:`OUT_DIR`."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, build in SOUNDS.items():
        path = OUT_DIR / f"{name}.wav"
        write_wav(path, build())
        print(f"{path} {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
