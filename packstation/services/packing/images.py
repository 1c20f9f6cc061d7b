"""Product pictures for the pack screen, downloaded once and kept on the station's disk.

A picture helps the packer pick the right colour; it must never slow a scan down. Downloads run on
worker threads, failures are remembered for a while (no hammering a dead host), and anything that
is not a modest-sized image is refused.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx

log = logging.getLogger("packstation.services.packing.images")
MAX_BYTES = 3_000_000
RETRY_AFTER_S = 600.0


class ImageCache:
    """URL -> local file, thread-safe; ``get`` returns None when there is no usable picture."""

    def __init__(self, folder: Path, *, client: httpx.Client | None = None, timeout_s: float = 5.0) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=True)
        self._failed: dict[str, float] = {}
        self._lock = threading.Lock()

    def path_for(self, url: str) -> Path:
        """Where the picture of ``url`` is (or would be) kept."""
        return self.folder / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".img")

    def get(self, url: str) -> Path | None:
        """The cached picture, downloading it first if needed; None if it cannot be had."""
        if not url or not url.startswith(("https://", "http://")):
            return None
        path = self.path_for(url)
        if path.exists():
            return path
        with self._lock:
            failed_at = self._failed.get(url)
        if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_S:
            return None
        try:
            data = self._download(url)
        except (httpx.HTTPError, ValueError) as exc:
            log.info("product image unavailable url=%s reason=%s", url, exc)
            with self._lock:
                self._failed[url] = time.monotonic()
            return None
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)  # atomic: another thread never sees half a picture
        return path

    def _download(self, url: str) -> bytes:
        with self._client.stream("GET", url) as response:
            response.raise_for_status()
            kind = response.headers.get("content-type", "")
            if not kind.startswith("image/"):
                raise ValueError(f"not an image ({kind or 'no content type'})")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValueError(f"larger than {MAX_BYTES} bytes")
                chunks.append(chunk)
        return b"".join(chunks)
