"""Limits applied to every file before and after loading, so one crafted upload cannot hold kb.lock.

The case that motivated them: a 97 KB DOCX holding 18 MB of XML (200,000 tiny paragraphs) took
minutes to parse and made 200,001 passages. Zip-based formats (.docx, .xlsx) are checked from the
zip directory alone (declared uncompressed sizes, entry count, compression ratio) BEFORE parsing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .loaders import LoadError

ZIP_SUFFIXES = {".docx", ".xlsx"}


@dataclass(frozen=True)
class FileLimits:
    max_unpacked_mb: float = 50.0  # declared uncompressed size of a .docx/.xlsx
    max_zip_entries: int = 2000
    #: ordinary Office XML compresses 5-20x; far more means padding built to be expanded
    max_compression_ratio: float = 100.0
    max_passages: int = 20_000  # per document, after chunking
    max_parse_seconds: float = 60.0  # loading and chunking one file (knowledge/deadline.py)


def check_before_loading(path: Path, limits: FileLimits) -> None:
    """Raise LoadError naming the file and the limit if the file would unpack too far."""
    if path.suffix.lower() not in ZIP_SUFFIXES or not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise LoadError(path, f"{len(entries)} parts inside, over the limit of {limits.max_zip_entries} "
                              "(JITBOT_MAX_ZIP_ENTRIES); nothing was changed")
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unpacked > limits.max_unpacked_mb * 1024 * 1024:
        raise LoadError(path, f"unpacks to {unpacked / 1048576:.0f} MB, over the limit of "
                              f"{limits.max_unpacked_mb:g} MB (JITBOT_MAX_UNPACKED_MB); nothing was changed")
    if unpacked > 1024 * 1024 and unpacked / packed > limits.max_compression_ratio:
        raise LoadError(path, f"unpacks {unpacked / packed:.0f} times its size, over the limit of "
                              f"{limits.max_compression_ratio:g} (JITBOT_MAX_COMPRESSION_RATIO); nothing was changed")


def check_passages(path: Path, count: int, limits: FileLimits) -> None:
    if count > limits.max_passages:
        raise LoadError(path, f"{count} passages, over the limit of {limits.max_passages} per document "
                              "(JITBOT_MAX_PASSAGES); nothing was changed")
