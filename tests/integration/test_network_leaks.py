"""Leak test: every question of a set, asked by a member of each network, shows nothing of another
network's documents or contacts — not in the reply, the JSON, the Sources button, the query log
or the language model's prompt.

Real services and the default multilingual model. The public knowledge base is the bundled
samples; each network holds material that competes with it for every question: a copy of a
sample document with a canary sentence in each paragraph ("Canary redtram 12."), plus the
Spanish (REDTRAM) and French (WACAP) fixtures. The fictional directory's REDTRAM, WACAP and JITs
Network entries belong to those registered networks. The language model is LangChain's fake
that records every prompt (grounded answers and follow-up rewrites).

The test also shows it could fail: read without restriction, the same questions quote the
restricted copies and list the restricted contacts.
"""

from __future__ import annotations

import json
import re
from functools import cached_property

import pytest

from bot.ask import AskService
from bot.render import render_plain
from bot.services import Services
from bot.settings import load_settings
from bot.telegram.render_html import answer_html, sources_messages
from knowledge.samples import sample_documents
from knowledge.scope import Scope
from tests.conftest import ROOT
from tests.fake_llm import RecordingChatModel

pytestmark = pytest.mark.slow

EVAL = ROOT / "tests" / "eval"
NETWORKS = {"redtram": "REDTRAM", "wacap": "WACAP", "jits": "JITs Network"}
#: which sample each network keeps a canary copy of, and its extra fixture
COPIES = {"redtram": "cross-border-cooperation-concept-note.md", "jits": "best-practices-joint-investigations.md",
          "wacap": "best-practices-joint-investigations.md"}
FIXTURES = {"redtram": EVAL / "multilingual" / "guia-redtram-equipos-conjuntos.md",
            "wacap": EVAL / "multilingual" / "note-wacap-saisie-avoirs.md"}
MEMBERS = {"redtram": 7001, "wacap": 7002, "jits": 7003}
FOLLOWUP = "And what about funding?"
SUBSAMPLE = 24


def questions() -> list[str]:
    out = []
    for name in ("qa-dev", "qa-xling", "qa-lists", "contact-phrasings"):
        out += [json.loads(line)["question"] for line in (EVAL / f"{name}.jsonl").read_text().splitlines() if line.strip()]
    out = out[::SUBSAMPLE]  # the real model under a shared machine: every SUBSAMPLE-th question of the sets
    out += [
        "Who pays for translation and interpretation during the team's operational meetings?",
        "What must a mutual legal assistance request for seizing assets abroad specify?",
        "Who is the REDTRAM contact point in Brazil?",
        "I need the WACAP prosecutor in Nigeria.",
        "Who is the JIT national expert in the Netherlands?",
    ]
    return out


def canary_copy(text: str, network: str) -> str:
    """Every paragraph of `text` gets a sentence naming the network: a canary for quotes and prompts."""
    lines, n = [], 0
    for line in text.splitlines():
        if len(line) > 80 and not line.lstrip().startswith(("#", "|", "-", "*")):
            n += 1
            line = f"{line.rstrip()} Canary {network} {n}."
        lines.append(line)
    return "\n".join(lines) + "\n"


class RecordingServices(Services):
    @cached_property
    def chat_model(self):
        return RecordingChatModel(responses=[
            "Joint investigation teams are set up by agreement between the competent authorities [1]."])


@pytest.fixture(scope="module")
def world(tmp_path_factory, real_embedder):
    data = tmp_path_factory.mktemp("leaks")
    services = RecordingServices(load_settings(data_dir=data / "data", llm_provider="openai", llm_model="fake",
                                               query_log="full"))
    services.__dict__["embedder"] = real_embedder
    for network, name in NETWORKS.items():
        services.networks.add(network, name)
        services.users.add_user(MEMBERS[network], "prosecutor", network=network)
    services.mark_initialised()
    services.load_samples(lambda line: None)
    samples = {s.path.name: s for s in sample_documents()}
    restricted: dict[str, str] = {}  # document id -> network
    for network, sample in COPIES.items():
        copy = data / f"{network}-{sample}"
        copy.write_text(canary_copy(samples[sample].path.read_text(), network))
        result = services.knowledge_base.add_file(copy, title=f"{NETWORKS[network]} copy: {samples[sample].title}",
                                                  networks=[network])
        assert result.status == "added", result.line()
        restricted[result.document_id] = network
    for network, path in FIXTURES.items():
        result = services.knowledge_base.add_file(path, networks=[network])
        assert result.status == "added", result.line()
        restricted[result.document_id] = network
    texts = {doc: [p.text for p in services.catalogue.passages_of(doc, 1)] for doc in restricted}
    contacts = {c["id"]: services.directory.network_of(c["network"]) for c in services.directory.contacts()}
    return services, restricted, texts, contacts


def leaks(text: str, network: str, restricted: dict[str, str], texts: dict[str, list[str]]) -> list[str]:
    """What of `network`'s material shows in `text`: canaries, document ids, distinctive sentences."""
    found = [m for m in re.findall(rf"Canary {network} \d+", text)]
    for doc, owner in restricted.items():
        if owner != network:
            continue
        found += [doc] if doc in text else []
        if doc.startswith(("guia-", "note-")):  # the fixtures' own sentences (the copies repeat public ones)
            found += [p[:60] for p in texts[doc] if p[:60] in text]
    return found


def test_no_member_sees_another_networks_documents_or_contacts_anywhere(world):
    services, restricted, texts, contacts = world
    ask: AskService = services.ask
    model = services.chat_model
    log = services.query_log
    readers = {"public": (Scope.public(), None)} | {
        n: (services.users.scope_for(MEMBERS[n]), MEMBERS[n]) for n in NETWORKS}
    assert readers["redtram"][0] == Scope.of(["redtram"])
    asked = checked = 0
    control_docs: set[str] = set()
    control_contacts: set[str] = set()
    failures: list[str] = []
    for question in questions():
        # Control: the operator reads everything; the log id is reused for the Sources button below.
        control = ask.ask(question, {"role": "operator", "front_end": "cli", "chat_type": "cli"})
        if control.answer is not None:
            control_docs |= {c.document_id for c in control.answer.citations} & set(restricted)
            control_contacts |= {c["id"] for c in control.answer.contacts if contacts.get(c["id"])}
        for reader, (scope, member) in readers.items():
            hidden = [n for n in NETWORKS if not scope.sees([n])]
            prompts_before = len(model.received)
            who = {"user_id": member, "role": "prosecutor", "chat_type": "private", "front_end": "telegram"}
            result = ask.ask(question, who, scope=scope)
            followup = ask.ask(FOLLOWUP, who, history=[(question, result.answer.answer if result.answer else "")],
                               scope=scope)
            asked += 2
            for outcome in (result, followup):
                answer = outcome.answer
                if answer is None:
                    continue
                row = log.query(outcome.query_id)
                sources = ask.logged_citations(outcome.query_id, scope)
                surfaces = {
                    "reply": render_plain(answer) + "\n" + answer_html(answer),
                    "json": json.dumps(answer.to_json(), ensure_ascii=False),
                    "sources": "\n".join(sources_messages(sources)),
                    "log": json.dumps(row, ensure_ascii=False, default=str),
                }
                for surface, text in surfaces.items():
                    for network in hidden:
                        if found := leaks(text, network, restricted, texts):
                            failures.append(f"{reader} / {question!r} / {surface}: {found[:3]}")
                for contact in answer.contacts + row["contacts"]:
                    if (owner := contacts.get(contact["id"])) and not scope.sees([owner]):
                        failures.append(f"{reader} / {question!r}: contact {contact['id']} of {owner}")
                for citation in answer.citations + sources:
                    if (owner := restricted.get(citation.document_id)) and not scope.sees([owner]):
                        failures.append(f"{reader} / {question!r}: cited {citation.passage_id}")
                checked += 1
            # The Sources button of the operator's answer, pressed by this member.
            for citation in ask.logged_citations(control.query_id, scope) if control.query_id else []:
                if (owner := restricted.get(citation.document_id)) and not scope.sees([owner]):
                    failures.append(f"{reader} / {question!r}: operator's Sources show {citation.passage_id}")
            prompts = "\n".join(str(m.content) for messages in model.received[prompts_before:] for m in messages)
            for network in hidden:
                if found := leaks(prompts, network, restricted, texts):
                    failures.append(f"{reader} / {question!r} / prompt: {found[:3]}")
    print(f"\nleak test: {len(questions())} questions x {len(readers)} readers, {asked} asks "
          f"({checked} answers checked), {len(model.received)} prompts; leaks: {len(failures)}")
    assert not failures, "\n".join(failures[:20])
    # It could have failed: unrestricted, the restricted material is quoted and listed.
    assert set(restricted.values()) == {restricted[d] for d in control_docs}, control_docs
    assert {contacts[c] for c in control_contacts} == set(NETWORKS), control_contacts
    assert len(model.received) >= asked // 2  # the model saw (and was checked for) most answers
