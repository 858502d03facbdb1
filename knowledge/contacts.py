"""The directory of contact points: one SQLite table next to the catalogue.

Rows come from network directories (JITs Network national experts, central authorities,
specialised prosecutors, police liaison officers) through `jitbot contacts import`. A
re-import updates by id; `plan_import` works out what would change before anything is
written, so a command can show the difference and apply all of it or none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils
from sqlite_utils import Migrations

from .countries import normalise, resolve_country
from .scope import EVERYTHING, Scope

migrations = Migrations("jitbot-contacts")

#: Columns of the directory, in export order. `last_verified` is an ISO date.
FIELDS = (
    "id", "network", "country_code", "country", "authority", "unit", "role", "name",
    "languages", "email", "phone", "secure_channel", "topics", "last_verified",
    "address", "urgent_line", "notes",
)
REQUIRED = ("id", "network", "country_code", "authority", "role", "name", "email", "last_verified")
OPTIONAL_OUTPUT = ("address", "urgent_line", "notes")  # in a contact's dict only when set
STALE_AFTER_MONTHS = 12


@migrations()
def create_contacts(db: sqlite_utils.Database) -> None:
    db["contacts"].create(
        {**{name: str for name in FIELDS}, "updated_at": str},
        pk="id",
    )
    db["contacts"].create_index(["country_code"])


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):  # 31 March minus one month is 28/29 February
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class ImportPlan:
    """What applying a file would do, by contact id."""

    added: list[dict] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> changed columns
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed"
        )


class Directory:
    """Contact points stored in `db` (the catalogue's database), read and written under `lock`."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        lock: threading.RLock | None = None,
        today: Callable[[], date] = date.today,
        stale_after_months: int = STALE_AFTER_MONTHS,
        max_results: int = 5,
        networks: Callable[[], Iterable[tuple[str, str]]] | None = None,
    ):
        self.db = db
        #: the registered networks as (id, name): an entry whose `network` names one of them
        #: is seen only by that network's members (any other entry is public)
        self.networks = networks or (lambda: ())
        self.lock = lock or nullcontext()
        self.today = today
        self.stale_after_months = stale_after_months
        self.max_results = max_results
        with self.lock:
            migrations.apply(db)

    # --- reading ---------------------------------------------------------------------
    def count(self) -> int:
        with self.lock:
            return self.db["contacts"].count

    def rows(self) -> list[dict]:
        """Stored rows as imported (every column), ordered by id."""
        with self.lock:
            return [
                {name: row[name] or "" for name in FIELDS}
                for row in self.db["contacts"].rows_where(order_by="id")
            ]

    def network_of(self, entry_network: str, registered: dict[str, str] | None = None) -> str | None:
        """The registered network id an entry's `network` names (its id or its name, case,
        accents and spacing aside), or None: a public entry."""
        registered = self._registered() if registered is None else registered
        return registered.get(normalise(entry_network or ""))

    def _registered(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for network_id, name in self.networks():
            names[normalise(network_id)] = network_id
            if name:
                names[normalise(name)] = network_id
        names.pop("", None)
        return names

    def visible_rows(self, scope: Scope = EVERYTHING) -> list[dict]:
        """The rows `scope` may read: public entries and those of its networks."""
        rows = self.rows()
        if scope.unrestricted:
            return rows
        registered = self._registered()
        return [r for r in rows if scope.sees(filter(None, [self.network_of(r["network"], registered)]))]

    def contacts(
        self, *, country: str | None = None, network: str | None = None, scope: Scope = EVERYTHING
    ) -> list[dict]:
        """Contact dicts (with `stale`) that `scope` may read, optionally for one country
        (code or name) and network."""
        rows = self.visible_rows(scope)
        if country:
            code = resolve_country(country)
            rows = [r for r in rows if r["country_code"] == code]
        if network:
            wanted = normalise(network)
            rows = [r for r in rows if wanted in normalise(r["network"])]
        return [self.as_contact(r) for r in rows]

    def as_contact(self, row: dict) -> dict:
        """A stored row as the `contacts` entry of an answer."""
        contact = {name: row.get(name) or "" for name in FIELDS if name not in OPTIONAL_OUTPUT}
        contact["stale"] = self.is_stale(contact["last_verified"])
        contact.update({name: row[name] for name in OPTIONAL_OUTPUT if row.get(name)})
        return contact

    def is_stale(self, last_verified: str) -> bool:
        """Not verified within the last `stale_after_months` months (or never)."""
        try:
            verified = date.fromisoformat(last_verified)
        except (TypeError, ValueError):
            return True
        return verified < months_before(self.today(), self.stale_after_months)

    # --- finding ---------------------------------------------------------------------
    def find(self, text: str, scope: Scope = EVERYTHING):
        """Contacts for a country, network or question typed on purpose ('DE', 'REDTRAM in Peru')."""
        from .contact_query import lookup

        return lookup(self.contacts(scope=scope), text, explicit=True, limit=self.max_results)

    def for_question(self, question: str, scope: Scope = EVERYTHING):
        """The answer service's contact finder: conservative, intent 'none' unless asked."""
        from .contact_query import lookup

        return lookup(self.contacts(scope=scope), question, explicit=False, limit=self.max_results)

    # --- writing ---------------------------------------------------------------------
    def plan_import(
        self, records: Iterable[dict], *, replace: bool = False, keep: Iterable[str] = ()
    ) -> ImportPlan:
        """Compare `records` with the stored rows. Only columns present in a record count:
        a file without an `address` column leaves stored addresses alone. With `replace`,
        stored ids absent from the file are removed, except those in `keep` (ids of rows
        that were in the file but skipped as invalid)."""
        records = list(records)
        with self.lock:
            stored = {row["id"]: row for row in self.db["contacts"].rows}
        plan = ImportPlan(records=records)
        for record in records:
            old = stored.get(record["id"])
            if old is None:
                plan.added.append(record)
                continue
            changed = [k for k, v in record.items() if k != "id" and (old.get(k) or "") != v]
            if changed:
                plan.changed[record["id"]] = changed
            else:
                plan.unchanged.append(record["id"])
        if replace:
            present = {r["id"] for r in records} | set(keep)
            plan.removed = sorted(set(stored) - present)
        return plan

    def apply(self, plan: ImportPlan, *, now: str) -> None:
        """Write a plan in one transaction."""
        by_id = {r["id"]: r for r in plan.records}
        with self.lock, self.db.atomic():
            table = self.db["contacts"]
            for record in plan.added:
                table.insert({name: "" for name in FIELDS} | record | {"updated_at": now})
            for contact_id in plan.changed:
                table.update(contact_id, by_id[contact_id] | {"updated_at": now})
            for contact_id in plan.removed:
                table.delete(contact_id)
