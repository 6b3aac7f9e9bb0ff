"""Notes about records collapse: a few of a kind in full, then one counted line, in any merge."""

from __future__ import annotations

import json
from pathlib import Path

from copilot_usage_report._metrics import summarize_paths
from copilot_usage_report._metrics.notes import Notes
from copilot_usage_report._metrics.tally import Tally


def _aggregate(day: str, users: int = 1) -> str:
    return json.dumps({"day": day, "organization_id": "1", "daily_active_users": users})


def test_many_replacements_are_three_notes_and_a_count(tmp_path):
    """86,480 replaced records of one day: three notes with line numbers, one line with the rest."""
    path = tmp_path / "big.ndjson"
    path.write_text("\n".join(_aggregate("2026-11-30", n) for n in range(1000)) + "\n")
    notes = summarize_paths([path]).notes
    assert len(notes) == Notes.SHOWN + 1
    assert [n.split(": ", 1)[0] for n in notes[:3]] == [f"{path}, line {i}" for i in (2, 3, 4)]
    assert notes[-1] == "… and 996 more aggregate records for 2026-11-30 replaced earlier ones."


def test_many_days_replaced_stay_a_few_dozen_lines(tmp_path):
    """Every day of a year replaced many times: the lines stay bounded, every record counted."""
    path = tmp_path / "year.ndjson"
    days = [f"2026-{m:02}-{d:02}" for m in range(1, 13) for d in range(1, 29)]
    path.write_text("".join((_aggregate(day) + "\n") * 10 for day in days))
    notes = summarize_paths([path]).notes
    assert len(notes) <= Notes.KINDS * (Notes.SHOWN + 1) + 1
    shown = [n for n in notes if not n.startswith("…")]
    counted = sum(int(n.split()[2].replace(",", "")) for n in notes if n.startswith("…"))
    assert len(shown) + counted == len(days) * 9
    assert notes[-1].endswith(f"of {len(days) - Notes.KINDS} more days replaced earlier ones.")


def test_tallies_merged_in_order_note_as_one_tally(tmp_path):
    """Files tallied apart and merged give the notes one tally of them all gives, in order."""
    paths: list[Path] = []
    files = (["2026-11-01"] * 2, ["2026-11-02", "2026-11-01"], ["2026-11-01"] * 5)
    for i, days in enumerate(files):
        path = tmp_path / f"f{i}.ndjson"
        path.write_text("".join(_aggregate(d) + "\n" for d in days))
        paths.append(path)
    one = Tally()
    for path in paths:
        one.add_file(path)
    merged = Tally()
    for path in paths:
        part = Tally()
        part.add_file(path)
        merged.merge(part)
    assert merged.insight().notes == one.insight().notes
    assert one.insight().notes[-1].startswith("… and 4 more aggregate records for 2026-11-01")
