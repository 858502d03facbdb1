"""Who may see what: the networks a reader belongs to, as one value passed down every search.

A document or contact entry belongs to no network (public: everyone sees it) or to one or
more networks (only their members see it). A `Scope` is the reader's side: the networks
whose restricted material they may see, or `everything` for those who see all of it (the
operator at the server's shell, an admin). It lives in its own module so that the
catalogue, the indexes, the directory and the bot can all speak of it without importing
one another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: a network id: what `jitbot networks add` accepts and what is stored beside documents
NETWORK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def check_network_id(value: str) -> str:
    """A normalised network id, or ValueError naming what is wrong with it."""
    network = value.strip().lower()
    if not NETWORK_ID.match(network):
        raise ValueError(
            f"network id {value!r}: use 1–32 lowercase letters, digits, '-' or '_' (e.g. redtram)"
        )
    return network


@dataclass(frozen=True)
class Scope:
    """The networks whose restricted documents and contacts a reader may see.

    `networks is None` means no restriction at all; an empty set means public material only.
    """

    networks: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def public(cls) -> Scope:
        return cls(frozenset())

    @classmethod
    def of(cls, networks: Iterable[str]) -> Scope:
        return cls(frozenset(check_network_id(n) for n in networks))

    @property
    def unrestricted(self) -> bool:
        return self.networks is None

    def sees(self, item_networks: Iterable[str]) -> bool:
        """Whether an item belonging to `item_networks` (none: public) is visible in this scope."""
        owners = set(item_networks)
        if not owners or self.networks is None:
            return True
        return bool(owners & self.networks)

    def cache_key(self) -> tuple[str, ...] | None:
        return None if self.networks is None else tuple(sorted(self.networks))

    def label(self) -> str:
        """For logs and messages: 'all networks', 'public only' or 'redtram, wacap'."""
        if self.networks is None:
            return "all networks"
        return ", ".join(sorted(self.networks)) or "public only"


#: the default scope of every search and lookup (the operator at the shell: no restriction)
EVERYTHING = Scope(None)

#: index metadata: a restricted passage carries RESTRICTED_KEY and one NETWORK_KEY per network
RESTRICTED_KEY = "restricted"
NETWORK_KEY = "net_{}"


def index_metadata(networks: Iterable[str]) -> dict[str, bool]:
    """What a passage's vectors carry about its networks (nothing for a public passage), so
    that a vector search can filter on them: {"restricted": True, "net_redtram": True}."""
    networks = sorted(set(networks))
    if not networks:
        return {}
    return {RESTRICTED_KEY: True, **{NETWORK_KEY.format(n): True for n in networks}}
