"""A few fictional contact points for tests, and helpers to write them as files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import sqlite_utils

from knowledge.contacts import Directory

TODAY = date(2026, 11, 23)

HEADER = ["id", "network", "country_code", "country", "authority", "unit", "role", "name",
          "languages", "email", "phone", "secure_channel", "topics", "updated"]

ROWS = [
    ["cp-022", "JITs Network", "NL", "Netherlands", "Public Prosecution Service", "National Office",
     "National expert on joint investigation teams", "Pieter van Dalsum", "nl;en;de",
     "p.vandalsum@om-nl.example", "+31 555 0122", "SIENA", "joint investigations;cybercrime",
     "2026-03-21"],
    ["cp-010", "WACAP", "ZM", "Zambia", "National Prosecution Authority", "Anti-Human Trafficking Desk",
     "Specialized prosecutor on trafficking in persons", "Mwila Chanda Phiri", "en;bem",
     "mwila.chanda@npa-zm.example", "+260 555 0110", "", "trafficking in persons;joint investigations",
     "2026-03-03"],
    ["cp-011", "INTERPOL liaison", "ZM", "Zambia", "Zambia Police Service", "NCB Lusaka",
     "Police liaison officer", "Bwalya Musonda Tembo", "en", "b.musonda@police-zm.example",
     "+260 555 0111", "I-24/7", "police cooperation;smuggling of migrants", "2025-12-09"],
    ["cp-019", "REDTRAM", "BR", "Brazil", "Ministério Público Federal", "Grupo de Apoio",
     "Specialized prosecutor on trafficking and smuggling", "Beatriz Camargo Lins", "pt;es;en",
     "b.camargo@mpf-br.example", "+55 555 0119", "", "trafficking in persons;smuggling of migrants",
     "2026-05-30"],
    ["cp-029", "JITs Network", "DE", "Germany", "Federal Office of Justice", "International Legal Assistance",
     "National expert on joint investigation teams", "Katrin Oberländer", "de;en",
     "k.oberlaender@bfj-de.example", "+49 555 0129", "SIENA", "joint investigations;mutual legal assistance",
     "2026-05-26"],
    ["cp-101", "JITs Network", "MD", "Moldova", "Prosecutor General's Office", "",
     "National expert on joint investigation teams", "Victor Ciobanu-Rusu", "ro;ru;en",
     "v.ciobanu@procuratura-md.example", "+373 555 0201", "SIENA", "joint investigations",
     "2024-09-12"],
]


def csv_text(rows=ROWS, header=HEADER, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows=ROWS, header=HEADER, *, delimiter=",", bom=False) -> Path:
    path.write_text(("\ufeff" if bom else "") + csv_text(rows, header, delimiter), encoding="utf-8")
    return path


def records(rows=ROWS, header=HEADER) -> list[dict]:
    """Rows as the checked records an import produces (header 'updated' = last_verified)."""
    names = ["last_verified" if h == "updated" else h for h in header]
    return [dict(zip(names, row)) for row in rows]


def directory(rows=ROWS, today: date = TODAY, **options) -> Directory:
    """An in-memory directory holding `rows`."""
    store = Directory(sqlite_utils.Database(memory=True), today=lambda: today, **options)
    store.apply(store.plan_import(records(rows)), now="2026-11-23T00:00:00+00:00")
    return store
