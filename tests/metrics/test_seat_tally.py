"""Seats counted one at a time as they arrive: the same facts as the whole list read at once,
every user once (id 0 included), and a bounded record per user whatever a seat holds."""

from __future__ import annotations

import json

from copilot_usage_report._metrics import SeatTally, seat_facts


def _seat(uid: int | None, login: str, **extra: object) -> bytes:
    seat = {
        "assignee": {"id": uid, "login": login},
        "created_at": "2026-01-05T10:00:00Z",
        "last_activity_at": extra.pop("last", None),
        "plan_type": extra.pop("plan", "Business"),
        **extra,
    }
    return json.dumps(seat).encode()


def test_one_at_a_time_gives_what_the_whole_list_gives():
    """Seats added one by one merge into the facts ``seat_facts`` reads from all the lines."""
    lines = [
        _seat(0, "zero"),
        _seat(1, "one", last="2026-11-30T10:00:00Z"),
        _seat(0, "zero", last="2026-11-29T10:00:00Z"),  # an enterprise's second object
        _seat(None, "", plan="enterprise"),
        _seat(None, ""),
    ]
    tally = SeatTally()
    for line in lines:
        tally.add(line)
    assert tally.problem is None and tally.seats == 5
    assert tally.facts() == seat_facts(lines)
    keys = [fact.key for fact in tally.facts()]
    assert keys == ["0", "1", "#3", "#4"]  # id 0 is a user; nameless seats are one each
    assert tally.facts()[0].objects == 2 and tally.facts()[0].plan == "business"


def test_a_seat_that_is_not_one_stops_the_count_with_a_reason():
    """A line that is not a seat leaves the tally's reason, naming the seat; later lines wait."""
    tally = SeatTally()
    tally.add(_seat(1, "one"))
    tally.add(b'{"assignee": {"id": "x"}}')
    tally.add(_seat(2, "two"))
    assert tally.problem is not None and tally.problem.startswith("seat 2 of the seat list")
    assert [fact.key for fact in tally.facts()] == ["1"]


def test_names_kept_per_user_are_bounded():
    """Logins, teams and editors past any GitHub name are kept short; users stay apart."""
    long_a, long_b = "a" * 100_000 + "1", "a" * 100_000 + "2"
    tally = SeatTally()
    for login in (long_a, long_b, long_a):
        tally.add(_seat(None, login, last_activity_editor="e" * 50_000))
    facts = tally.facts()
    assert len(facts) == 2 and facts[0].objects == 2
    for fact in facts:
        assert len(fact.key) <= 256 and len(fact.login) <= 256
        assert fact.editor is not None and len(fact.editor) <= 256
