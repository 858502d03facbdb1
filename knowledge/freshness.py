"""Notice when another process changed the knowledge base, so this one reloads its indexes.

The bot holds the Chroma collection and the BM25 index in memory. When a coordinator runs
`jitbot kb add` in a shell meanwhile, the catalogue (SQLite) shows the new version at once,
but the bot's in-memory indexes would not: the new passages would be unsearchable and the
document would drop out of answers until a restart. SQLite's `PRAGMA data_version` changes
exactly when another connection committed to the catalogue, so one cheap query before each
search (and before each write, so that the bot never writes from a stale view) tells when to
reload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .catalogue import Catalogue


class ExternalChanges:
    def __init__(self, catalogue: Catalogue, *reloads: Callable[[], None]):
        self.catalogue = catalogue
        self.reloads = reloads
        self._lock = threading.Lock()
        self.seen = self._data_version()

    def _data_version(self) -> int:
        with self.catalogue.lock:
            return self.catalogue.db.execute("PRAGMA data_version").fetchone()[0]

    def check(self) -> bool:
        """Reload if another process committed since the last check; True if it did."""
        version = self._data_version()
        if version == self.seen:
            return False
        with self._lock:
            if version == self.seen:  # another thread reloaded meanwhile
                return False
            for reload in self.reloads:
                reload()
            self.seen = version
        return True
