"""The sample knowledge base bundled with jitbot (knowledge/samples/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).parent / "samples"


@dataclass(frozen=True)
class SampleDocument:
    path: Path
    title: str
    metadata: dict


def sample_documents() -> list[SampleDocument]:
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    return [
        SampleDocument(SAMPLES_DIR / item["file"], item["title"], item.get("metadata", {}))
        for item in manifest["documents"]
    ]


def sample_contacts_path() -> Path | None:
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    name = manifest.get("contacts")
    return SAMPLES_DIR / name if name else None
