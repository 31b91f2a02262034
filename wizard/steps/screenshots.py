"""Checking an attestation's screenshot: recognised by its bytes, not its name, verified as an
image within the size limit, and fingerprinted."""

from __future__ import annotations

import hashlib

from PIL import Image, UnidentifiedImageError

from audits.loading import human_size
from wizard import events
from wizard.models import Attestation, Verb

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"GIF87a", "gif", "a GIF image"),
    (b"GIF89a", "gif", "a GIF image"),
    (b"%PDF", "pdf", "a PDF document"),
    (b"PK\x03\x04", "zip", "a zip archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0", "ole", "an old Office document"),
)
IMAGE_TYPES = frozenset({"png", "jpeg", "gif", "webp"})


def sniff(head: bytes) -> tuple[str, str]:
    """(type, description) of a file from its first bytes."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "a WebP image"
    for magic, kind, description in SIGNATURES:
        if head.startswith(magic):
            return kind, description
    if not head:
        return "empty", "an empty file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "binary", "a binary file of unknown type"
    return "text", "a text file"


def check_screenshot(attestation: Attestation, max_bytes: int) -> Attestation:
    """Verify a stored screenshot really is an image within the limit, and fingerprint it."""
    digest = hashlib.sha256()
    with attestation.screenshot.open("rb") as handle:
        head = handle.read(16)
        handle.seek(0)
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        kind, description = sniff(head)
        error = ""
        if size > max_bytes:
            error = f"The screenshot is {human_size(size)}; the limit is {human_size(max_bytes)}."
        elif kind not in IMAGE_TYPES:
            error = f"The screenshot must be a PNG, JPEG, GIF or WebP image; this is {description}."
        else:
            try:
                with Image.open(handle) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError):
                error = "The screenshot could not be read as an image; it may be damaged."
    attestation.screenshot_sha256 = digest.hexdigest()
    attestation.screenshot_status = (
        Attestation.ScreenshotStatus.REJECTED if error else Attestation.ScreenshotStatus.OK
    )
    attestation.screenshot_error = error
    attestation.save(update_fields=["screenshot_sha256", "screenshot_status", "screenshot_error"])
    events.record_for(
        attestation.progress,
        Verb.SCREENSHOT_CHECKED,
        details={
            "attestation": attestation.pk,
            "sha256": attestation.screenshot_sha256,
            "status": attestation.screenshot_status,
            "error": error,
        },
    )
    return attestation
