"""Recognising files by their bytes, not their names."""

from __future__ import annotations

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


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
