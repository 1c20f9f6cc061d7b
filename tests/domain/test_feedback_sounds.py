"""The committed feedback WAVs: one per sound, small, loud, distinct, and what the script produces."""

from __future__ import annotations

import hashlib
import importlib.util
import struct
import wave
from pathlib import Path

import pytest

from packstation.domain.feedback import FeedbackSound

ROOT = Path(__file__).resolve().parents[2]
SOUNDS = ROOT / "resources" / "sounds"


def _samples(path: Path) -> tuple[int, list[int]]:
    with wave.open(str(path), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth()) == (1, 2)
        frames = handle.readframes(handle.getnframes())
        return handle.getframerate(), list(struct.unpack(f"<{len(frames) // 2}h", frames))


@pytest.mark.parametrize("sound", list(FeedbackSound))
def test_each_sound_is_a_short_loud_wav(sound: FeedbackSound) -> None:
    path = SOUNDS / sound.filename
    assert path.stat().st_size < 50_000
    rate, samples = _samples(path)
    duration = len(samples) / rate
    assert 0.05 <= duration <= 1.5
    assert max(abs(s) for s in samples) > 0.6 * 32767  # loud enough for a warehouse
    assert abs(samples[0]) < 2000 and abs(samples[-1]) < 2000  # faded: no click


def test_sounds_are_distinct() -> None:
    digests = {hashlib.sha256((SOUNDS / s.filename).read_bytes()).hexdigest() for s in FeedbackSound}
    assert len(digests) == len(FeedbackSound)


def test_committed_files_match_the_generator(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_sounds", ROOT / "scripts" / "make_sounds.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.SOUNDS) == {s.value for s in FeedbackSound}
    fresh = tmp_path / "accepted.wav"
    module.write_wav(fresh, module.SOUNDS["accepted"]())
    assert fresh.read_bytes() == (SOUNDS / "accepted.wav").read_bytes()
