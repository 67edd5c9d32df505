"""Shared helpers: the external vector files of the repository (read in place, never copied)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


@lru_cache(maxsize=None)
def load_json(rel: str) -> Any:
    """A JSON vector file under ``tests/vectors`` (cached: the files are read-only inputs)."""
    path = VECTORS / rel
    if not path.is_file():
        pytest.fail(f"vector file missing: {path}")
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def hx(s: str) -> bytes:
    """Hex (any case, ``""`` = empty) to bytes."""
    return bytes.fromhex(s)


def wycheproof_tests(doc: dict) -> Iterator[tuple[dict, dict]]:
    """``(group, test)`` pairs of a Wycheproof file."""
    for g in doc["testGroups"]:
        for t in g["tests"]:
            yield g, t


def rsp_records(rel: str) -> list[dict[str, str]]:
    """Records of a NIST CAVP / PQC KAT ``.rsp`` file (CRLF tolerant; ``[...]`` headers and
    ``#`` comments skipped; records are separated by blank lines)."""
    out: list[dict[str, str]] = []
    cur: dict[str, str] = {}
    for line in (VECTORS / rel).read_text(encoding="ascii").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("["):
            if cur and not line:
                out.append(cur)
                cur = {}
            continue
        if "=" in line:
            k, v = line.split("=", 1)
            cur[k.strip()] = v.strip()
    if cur:
        out.append(cur)
    return out


def case_id(doc_name: str, t: dict) -> str:
    """A readable name for an assertion message."""
    return f"{doc_name} tcId {t.get('tcId', t.get('id', '?'))}"
