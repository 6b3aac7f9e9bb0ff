"""Deterministic report content for the benchmarks: per-user NDJSON records.

Records look like GitHub's per-user Copilot usage metrics lines (about 1.3 kB
each, nested totals). The same seed always gives the same bytes, so every tool
in a comparison reads the identical file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

IDES = ["vscode", "intellij", "visualstudio", "neovim", "xcode"]
FEATURES = [
    "code_completion",
    "chat_panel_ask_mode",
    "chat_panel_agent_mode",
    "chat_panel_edit_mode",
    "agent_edit",
]
LANGUAGES = ["python", "typescript", "go", "java", "rust", "csharp", "ruby"]
MODELS = ["gpt-4.1", "claude-sonnet-4.5", "gemini-2.5-pro", "gpt-5"]
BLOCK_BYTES = 1024 * 1024


def user_record(rng: random.Random, user_id: int, day: str = "2026-11-20") -> dict[str, object]:
    """One per-user record; counts are random but plausible."""

    def counts() -> dict[str, int]:
        return {
            "user_initiated_interaction_count": rng.randint(0, 40),
            "code_generation_activity_count": rng.randint(0, 300),
            "code_acceptance_activity_count": rng.randint(0, 120),
            "loc_suggested_to_add_sum": rng.randint(0, 900),
            "loc_suggested_to_delete_sum": rng.randint(0, 50),
            "loc_added_sum": rng.randint(0, 500),
            "loc_deleted_sum": rng.randint(0, 80),
        }

    ides = rng.sample(IDES, rng.randint(1, 2))
    features = rng.sample(FEATURES, rng.randint(1, 4))
    languages = rng.sample(LANGUAGES, rng.randint(1, 4))
    return {
        "day": day,
        "organization_id": "4242",
        "enterprise_id": None,
        "user_id": user_id,
        "user_login": f"user-{user_id}",
        **counts(),
        "used_agent": rng.random() < 0.3,
        "used_chat": rng.random() < 0.6,
        "used_cli": rng.random() < 0.1,
        "totals_by_ide": [
            {
                "ide": ide,
                **counts(),
                "last_known_plugin_version": {
                    "plugin": "copilot-chat",
                    "plugin_version": f"0.{rng.randint(20, 33)}.{rng.randint(0, 9)}",
                    "sampled_at": f"{day}T{rng.randint(0, 23):02d}:00:00Z",
                },
            }
            for ide in ides
        ],
        "totals_by_feature": [{"feature": f, **counts()} for f in features],
        "totals_by_language_feature": [
            {"language": lang, "feature": "code_completion", **counts()} for lang in languages
        ],
        "totals_by_model_feature": [
            {"model": rng.choice(MODELS), "feature": f, **counts()} for f in features[:2]
        ],
    }


def lines(
    count: int, *, seed: int = 6, first_id: int = 1, day: str = "2026-11-20"
) -> Iterator[bytes]:
    """``count`` NDJSON lines (each ending in a newline), user ids from ``first_id``."""
    rng = random.Random(seed)  # noqa: S311 - test content, not a secret
    for user_id in range(first_id, first_id + count):
        yield json.dumps(user_record(rng, user_id, day), separators=(",", ":")).encode() + b"\n"


def block(*, seed: int = 6) -> bytes:
    """About 1 MiB of whole NDJSON lines, the unit a large generated file repeats."""
    parts: list[bytes] = []
    size = 0
    for line in lines(10_000, seed=seed):
        if size + len(line) > BLOCK_BYTES:
            break
        parts.append(line)
        size += len(line)
    return b"".join(parts)


def repeated(size: int, *, seed: int = 6) -> tuple[Callable[[], Iterator[bytes]], int]:
    """A chunk generator of whole lines, and its exact size: ``size`` rounded to whole lines.

    A large body is one ~1 MiB block repeated (rounded up to whole blocks), so a
    gigabyte never sits in memory; a body smaller than a block is its first
    lines up to ``size`` (at least one line).
    """
    unit = block(seed=seed)
    count = -(-size // len(unit))
    if count <= 1:  # whole lines up to ``size``, at least one
        cut = unit.rfind(b"\n", 0, size) + 1 or unit.find(b"\n") + 1
        unit, count = unit[:cut], 1

    def chunks() -> Iterator[bytes]:
        for _ in range(count):
            yield unit

    return chunks, count * len(unit)


def write_users_report(path: Path, users: int, *, seed: int = 6, day: str = "2026-11-20") -> int:
    """Write a per-user report of ``users`` distinct users to ``path``; returns its size."""
    size = 0
    with path.open("wb") as handle:
        batch: list[bytes] = []
        for line in lines(users, seed=seed, day=day):
            batch.append(line)
            if len(batch) == 1000:
                size += handle.write(b"".join(batch))
                batch.clear()
        size += handle.write(b"".join(batch))
    return size
