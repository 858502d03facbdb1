"""One writer at a time per knowledge base: across threads and across processes.

The Telegram bot ingests uploads in a worker thread while a coordinator may run
`jitbot kb add` in a shell: both write the same catalogue, Chroma directory and BM25
index. Writers take this lock for the whole change. Across processes it is an advisory
`flock` on a file in the data directory, which the kernel releases when a process dies,
so a killed writer never blocks the next one — and whoever holds the lock knows that a
version still marked 'indexing' was left behind by a writer that is gone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: threads of this process only
    fcntl = None  # type: ignore[assignment]



class _Holder:
    """The state shared by every WriteLock on one file in this process."""

    def __init__(self) -> None:
        self.threads = threading.RLock()
        self.depth = 0  # nesting in the holding thread; changed only while holding `threads`
        self.file = None


_holders: dict[str, _Holder] = {}
_registry_lock = threading.Lock()


def _holder_for(key: str) -> _Holder:
    """One holder per lock file in this process, however many KnowledgeBase objects use it."""
    with _registry_lock:
        return _holders.setdefault(key, _Holder())


class WriteLock:
    """Re-entrant in the holding thread; `path` None = threads of this process only."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else None
        key = str(self.path.resolve()) if self.path is not None else f"memory:{id(self)}"
        self._holder = _holder_for(key)

    @contextlib.contextmanager
    def hold(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the lock for the block; `on_wait()` is called once if someone else has it."""
        holder = self._holder
        waited = False
        if not holder.threads.acquire(blocking=False):
            waited = True
            if on_wait:
                on_wait()
            holder.threads.acquire()
        try:
            if holder.depth == 0:
                holder.file = self._lock_file(None if waited else on_wait)
            holder.depth += 1
            try:
                yield
            finally:
                holder.depth -= 1
                if holder.depth == 0 and holder.file is not None:
                    fcntl.flock(holder.file.fileno(), fcntl.LOCK_UN)
                    holder.file.close()
                    holder.file = None
        finally:
            holder.threads.release()

    def _lock_file(self, on_wait: Callable[[], None] | None):
        if self.path is None or fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for as long as the lock
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except BaseException:
            handle.close()
            raise
        return handle
