"""Prompt templates for the optional generator, stored as versioned files beside this module.

A prompt file is named `<name>.v<version>.md` and holds a small front matter (name, version)
and two sections, `## System` and `## User`. The user section's `{placeholders}` are filled by
`Prompt.render`. Changing a prompt means adding a new version file, so that every answer can
say exactly which wording produced it (`Answer.prompt`, e.g. "grounded_answer.v1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent

_FILE = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<version>\d+)\.md$")
_FRONT_MATTER = re.compile(r"\A---\n(?P<head>.*?)\n---\n", re.DOTALL)
_SECTION = re.compile(r"^## (System|User)[ \t]*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class PromptError(ValueError):
    """A prompt that does not exist or is not written in the expected shape."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user_template: str
    #: other front-matter fields, e.g. passages: quoted
    options: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        """What answers record: name and version, e.g. grounded_answer.v1."""
        return f"{self.name}.v{self.version}"

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.user_template))

    def render(self, **values: str) -> str:
        """The user message. One pass, so text inside a value is never substituted again."""
        missing = self.placeholders - set(values)
        if missing:
            raise PromptError(f"{self.id} needs values for: {', '.join(sorted(missing))}")
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.user_template)


def available(directory: Path = PROMPTS_DIR) -> dict[str, list[int]]:
    """Prompt names and their versions, oldest first."""
    found: dict[str, list[int]] = {}
    for path in directory.glob("*.md"):
        match = _FILE.match(path.name)
        if match:
            found.setdefault(match["name"], []).append(int(match["version"]))
    return {name: sorted(versions) for name, versions in sorted(found.items())}


def load_prompt(name: str, version: int | None = None, directory: Path = PROMPTS_DIR) -> Prompt:
    """The prompt `name` at `version` (default: the newest); "name.vN" also selects a version."""
    if version is None and (match := re.fullmatch(r"(.+)\.v(\d+)", name)):
        name, version = match[1], int(match[2])
    versions = available(directory).get(name)
    if not versions:
        raise PromptError(f"no prompt named {name!r} in {directory}")
    version = versions[-1] if version is None else version
    path = directory / f"{name}.v{version}.md"
    if not path.exists():
        raise PromptError(f"prompt {name!r} has no version {version} (has {versions})")
    return parse_prompt(path.read_text(encoding="utf-8"), name, version, source=path.name)


def parse_prompt(text: str, name: str, version: int, source: str = "prompt") -> Prompt:
    head = _FRONT_MATTER.match(text)
    if not head:
        raise PromptError(f"{source}: missing front matter (---, name:, version:, ---)")
    fields = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in head["head"].splitlines())
        if key.strip()
    }
    # The file name and the front matter must agree: a copied file left unedited would
    # otherwise record the wrong version with every answer.
    if fields.get("name") != name or fields.get("version") != str(version):
        raise PromptError(
            f"{source}: front matter says {fields.get('name')}.v{fields.get('version')}, "
            f"file name says {name}.v{version}"
        )
    body = text[head.end():]
    parts = _SECTION.split(body)
    # ["preamble", "System", text, "User", text]
    sections = dict(zip(parts[1::2], parts[2::2]))
    if set(sections) != {"System", "User"} or len(parts) != 5:
        raise PromptError(f"{source}: needs exactly one '## System' and one '## User' section")
    options = {k: v for k, v in fields.items() if k not in ("name", "version")}
    return Prompt(name, version, sections["System"].strip(), sections["User"].strip(), options)


__all__ = ["Prompt", "PromptError", "available", "load_prompt", "parse_prompt"]
