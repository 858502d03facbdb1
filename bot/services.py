"""The composition root: the one place that builds jitbot's services from Settings.

Everything is built on first use, so that commands which do not need the embedding
model or Chroma (`jitbot --help`, `jitbot kb list`) never import them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property

from knowledge import private_files
from knowledge.catalogue import Catalogue

from .settings import Settings

SAMPLE_MARKER = ".initialised"
#: present once the bundled samples were loaded: fictional data, said at every start
SAMPLES_MARKER = ".samples"
SAMPLES_NOTICE = ("Note: this knowledge base holds the bundled samples, with FICTIONAL contact points "
                  "(not for real cases).")
EMPTY_NOTICE = ("The knowledge base in {data_dir} is empty: add documents with `jitbot kb add FILE...` "
                "(contacts: `jitbot contacts import FILE`), or load the bundled samples with "
                "`jitbot kb samples` (or JITBOT_SAMPLES=on).")


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.data_dir
        # The query log may hold case details: whatever this process (or Chroma, bm25s)
        # writes in the data directory is for this account only, whatever the umask.
        private_files.use_private_umask()
        private_files.restrict_data_dir(self.data_dir)  # also files made before this rule
        #: says a one-time message (a migration's) to whoever runs this process
        self.on_notice: Callable[[str], None] = _to_stderr

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.data_dir / "catalogue.db")

    @cached_property
    def users(self):
        """Members, roles, invitations and registered group chats (users.db)."""
        from .users import UserStore

        store = UserStore(self.data_dir / "users.db")
        for notice in store.networks.pop_notices():  # e.g. members moved into network 'default'
            self.on_notice(notice)
        return store

    @cached_property
    def networks(self):
        """The networks served (id, name, languages), in users.db beside the members."""
        return self.users.networks

    @cached_property
    def query_log(self):
        """Every question asked through a front end, its answer and feedback (logs.db)."""
        from .query_log import QueryLog

        s = self.settings
        return QueryLog(self.data_dir / "logs.db", mode=s.query_log, secret=self.log_secret,
                        retention_days=s.log_retention_days)

    def log_secret(self) -> bytes:
        """JITBOT_LOG_SECRET, or else a random one kept in the data directory (mode 0600).

        Only `serve` records Telegram ids, and it refuses to start without the setting; the
        fallback serves commands run by hand (e.g. migrating an old log with raw ids).
        """
        from .query_log import local_secret

        if self.settings.log_secret is not None:
            return self.settings.log_secret.get_secret_value().encode()
        return local_secret(self.data_dir / "log-secret")

    @cached_property
    def embedder(self):
        from retrieval.embeddings import make_embedder

        return make_embedder(self.settings.embedding_model)

    @cached_property
    def dense_index(self):
        from retrieval.dense_index import DenseIndex

        return DenseIndex(
            self.embedder, path=self.data_dir / "chroma", url=self.settings.chroma_url
        )

    @cached_property
    def lexical_index(self):
        from retrieval.lexical_index import LexicalIndex

        return LexicalIndex(
            self.data_dir / "bm25", k1=self.settings.bm25_k1, b=self.settings.bm25_b
        )

    @cached_property
    def searcher(self):
        from retrieval.search import FusionConfig, HybridSearcher

        s = self.settings
        fusion = FusionConfig(method=s.fusion, rrf_k=s.rrf_k, dense_weight=s.dense_weight,
                              dense_weight_foreign=s.dense_weight_foreign)
        return HybridSearcher(self.embedder, self.dense_index, self.lexical_index, fusion,
                              before_search=self.external_changes.check,
                              restricted_documents=self.catalogue.restricted_documents)

    @cached_property
    def external_changes(self):
        """Reloads the in-memory indexes when another process (`jitbot kb` in a shell) changed them."""
        from knowledge.freshness import ExternalChanges

        return ExternalChanges(self.catalogue, self.dense_index.reopen, self.lexical_index.reload)

    @cached_property
    def knowledge_base(self):
        from knowledge.ingest import KnowledgeBase
        from knowledge.limits import FileLimits
        from knowledge.write_lock import WriteLock

        self.mark_initialised()
        # One writer at a time, whether the bot (a worker thread) or `jitbot kb` (a process).
        return KnowledgeBase(self.catalogue, self.dense_index, self.lexical_index,
                             lock=WriteLock(self.data_dir / "kb.lock"),
                             before_write=self.external_changes.check,
                             limits=FileLimits(self.settings.max_unpacked_mb, self.settings.max_zip_entries,
                                               self.settings.max_compression_ratio, self.settings.max_passages,
                                               self.settings.max_parse_seconds))

    def answer_config(self, **overrides):
        from retrieval.answer import AnswerConfig

        s = self.settings
        values = dict(
            top_k=s.top_k,
            answer_sentences=s.answer_sentences,
            min_relevance=s.min_relevance,
            min_relevance_foreign=s.min_relevance_foreign,
            lexical_rescue=s.lexical_rescue,
            max_question_chars=s.max_question_chars,
        )
        values.update(overrides)
        return AnswerConfig(**values)

    @cached_property
    def sentence_vectors(self):
        """Vectors of the sentences answers weigh, kept on disk for the next process."""
        from retrieval.embeddings import VectorCache
        from retrieval.vector_store import SentenceVectorStore

        return VectorCache(self.embedder,
                           store=SentenceVectorStore(self.data_dir / "sentence-vectors.db", self.embedder.name))

    @cached_property
    def answer_service(self):
        from retrieval.answer import AnswerService

        return AnswerService(
            self.searcher, self.catalogue.served_passages, self.answer_config(),
            generator=self.grounded_answerer, followups=self.followup_rewriter,
            contact_finder=self.directory.for_question,
            sentence_vectors=self.sentence_vectors,
            document_titles=self.catalogue.served_titles,
        )

    def prepare_answer(self, question: str) -> None:
        """Before a cold process's first answer: open the dense index in a second thread
        while this one embeds the sentences the answer will probably weigh.

        Opening it imports chromadb (≈ 0.7 s of Python holding the GIL); the embedding
        engine releases the GIL, so the two overlap (BENCHMARKS.md, issue 11). An error
        opening the index is raised here, as the answer would have raised it: opening Chroma
        a second time after a failure (a full disk) fails differently.
        """
        import threading

        failures: list[Exception] = []

        def open_dense_index() -> None:
            try:
                self.dense_index  # noqa: B018 — building it (importing chromadb) is the point
            except Exception as error:  # noqa: BLE001 — re-raised on the calling thread
                failures.append(error)

        opener = threading.Thread(target=open_dense_index, name="open-dense-index", daemon=True)
        opener.start()
        try:
            from retrieval.prefetch import embed_likely_sentences

            embed_likely_sentences(question, self.lexical_index, self.catalogue.served_passages,
                                   self.sentence_vectors)
        except Exception:  # noqa: BLE001, S110 — only a head start; the answer meets any error again
            pass
        finally:
            opener.join()
        if failures:
            raise failures[0]

    @cached_property
    def ask(self):
        """The one ask path of every front end: answer, log once, typed result (bot/ask.py)."""
        from .ask import AskService

        return AskService(self.answer_service, self.query_log, self.directory,
                          self.settings.max_question_chars)

    @cached_property
    def directory(self):
        """Contact points, stored in the catalogue's SQLite file (table `contacts`)."""
        from knowledge.contacts import Directory

        s = self.settings
        return Directory(
            self.catalogue.db, lock=self.catalogue.lock,
            stale_after_months=s.contacts_stale_months, max_results=s.contacts_max_results,
            networks=lambda: [(n.id, n.name) for n in self.networks.all()],
        )

    # --- optional language model (JITBOT_LLM_*) --------------------------------------
    @cached_property
    def chat_model(self):
        """The LangChain chat model named by the settings, or None (extractive answers)."""
        s = self.settings
        if s.llm_provider == "none":
            return None
        if s.llm_provider == "openai":
            from langchain_openai import ChatOpenAI

            key = s.llm_api_key.get_secret_value() if s.llm_api_key else "not-needed"
            # No retries: a slow or failing model falls back to the extractive answer at once.
            return ChatOpenAI(model=s.llm_model, base_url=s.llm_base_url, api_key=key,
                              timeout=s.llm_timeout, max_retries=0, temperature=0)
        from langchain_ollama import ChatOllama

        return ChatOllama(model=s.llm_model, base_url=s.llm_base_url, temperature=0,
                          client_kwargs={"timeout": s.llm_timeout})

    @cached_property
    def text_generator(self):
        from retrieval.generation import LangChainGenerator

        s = self.settings
        model = self.chat_model
        return None if model is None else LangChainGenerator(
            model, name=f"{s.llm_provider}:{s.llm_model}", timeout=s.llm_timeout
        )

    @cached_property
    def grounded_answerer(self):
        from retrieval.generation import GroundedAnswerer
        from retrieval.support import SupportChecker

        if self.text_generator is None:
            return None
        # The e5 similarity lets an answer in Spanish cite an English passage; its threshold is
        # calibrated for the default model (retrieval/support.py).
        return GroundedAnswerer(self.text_generator, support=SupportChecker(self.embedder))

    @cached_property
    def followup_rewriter(self):
        from retrieval.followup import FollowupRewriter

        return FollowupRewriter(self.text_generator)

    def answer_service_with(self, *, generate: bool):
        """The answer service with the language model forced on or off (`eval qa`)."""
        import copy

        if generate and self.grounded_answerer is None:
            raise ValueError(
                "generative answers need a language model: set JITBOT_LLM_PROVIDER "
                "(openai or ollama), JITBOT_LLM_MODEL and JITBOT_LLM_BASE_URL"
            )
        service = copy.copy(self.answer_service)
        service.generator = self.grounded_answerer if generate else None
        return service

    # --- first run -------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.data_dir / SAMPLE_MARKER).exists() or not self.catalogue.is_empty()

    def mark_initialised(self) -> None:
        private_files.private_dir(self.data_dir)
        (self.data_dir / SAMPLE_MARKER).touch()

    def holds_samples(self) -> bool:
        return (self.data_dir / SAMPLES_MARKER).exists()

    def ensure_knowledge_base(self, notify: Callable[[str], None], *, allow_samples: bool = True) -> None:
        """On a data directory never used before: the bundled samples if JITBOT_SAMPLES=on,
        otherwise one line saying how to fill it. Samples hold fictional contact points, so
        they are never loaded unless asked for."""
        if self.is_initialised():
            if self.holds_samples():
                notify(SAMPLES_NOTICE)
            return
        if self.settings.samples != "on" or not allow_samples:
            notify(EMPTY_NOTICE.format(data_dir=self.data_dir))
            return
        notify(f"The data directory {self.data_dir} is empty: loading the bundled sample knowledge base.")
        self.load_samples(notify)

    def load_samples(self, notify: Callable[[str], None]) -> None:
        """The bundled sample documents and fictional directory (`jitbot kb samples`)."""
        from knowledge.samples import sample_documents

        for sample in sample_documents():
            result = self.knowledge_base.add_file(
                sample.path, title=sample.title, metadata=sample.metadata
            )
            notify(f"  {result.line()}")
        self.load_sample_contacts(notify)
        (self.data_dir / SAMPLES_MARKER).touch()
        notify(SAMPLES_NOTICE)

    def load_sample_contacts(self, notify: Callable[[str], None]) -> None:
        """The bundled fictional directory, unless contacts were imported already."""
        from datetime import date

        from knowledge.catalogue import utcnow
        from knowledge.contact_files import check_file
        from knowledge.samples import sample_contacts_path

        path = sample_contacts_path()
        if path is None or self.directory.count():
            return
        checked = check_file(path, today=date.today())
        plan = self.directory.plan_import(checked.records)
        self.directory.apply(plan, now=utcnow())
        notify(f"  contacts: {len(plan.added)} contact points from {path.name}")
