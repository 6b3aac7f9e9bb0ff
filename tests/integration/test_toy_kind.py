"""What a new kind costs: a toy kind, defined and registered in this module only, runs end to end.

This module is both the test and the toy kind's plug-in. The real CLI runs as a subprocess
with this folder on ``PYTHONPATH`` and ``COPILOT_USAGE_REPORT_KIND_MODULES=test_toy_kind``
(read, under ``COPILOT_USAGE_REPORT_TESTING=1`` only, by ``_core.settings.kind_modules``); the
app imports the module before it parses argv, and the module registers the kind's row and its
part in each layer's table (``register()`` below). The kind, ``toy-credits``, is a billing
call: one request per day, as ``copilot-ai-credits`` is, served by a loopback server
here. It is fetched (one call a day, a folder complete on disk not asked again), archived as
``<scope>/toy-credits/<day>/`` with a manifest, counted into the job summary, the outputs and
``metrics``, and kept in the history (its own table, CSV and page section), with no edit to
the package.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from copilot_usage_report._core import ReportKind, kind_modules, register_kind
from copilot_usage_report._pipeline import register_counter
from copilot_usage_report._render import register_section
from copilot_usage_report.history import register_history

# -- the toy kind: its registry row and its part in each layer --------------------------------

KIND = ReportKind(
    "toy-credits",
    rolling=False,
    grain=None,
    request="billing",
    endpoint="{owner}/settings/billing/toy_usage",  # as GitHub's billing API spells an org
    section="toy_credits",
    needs="give it the toy permission",
)


@dataclass(frozen=True)
class ToyNumbers:
    """What the toy kind's saved days add up to."""

    days: int
    quantity: float

    def metrics(self) -> dict[str, Any]:
        return {"days": self.days, "quantity": self.quantity}


def _quantity(path: Path) -> float:
    return sum(item["quantity"] for item in json.loads(path.read_bytes())["usageItems"])


def count(reports: Sequence[Any]) -> ToyNumbers:
    """The counter: the saved files' quantities, summed."""
    return ToyNumbers(len(reports), sum(_quantity(f.path) for r in reports for f in r.files))


def section(numbers: ToyNumbers) -> str:
    """The job summary's section."""
    head = "## Toy credits\n\n| Days | Quantity |\n| ---: | ---: |\n"
    return f"{head}| {numbers.days} | {numbers.quantity:g} |\n"


def outputs(numbers: ToyNumbers) -> dict[str, str]:
    """The step outputs."""
    return {"toy-credits-quantity": f"{numbers.quantity:g}"}


class ToyHistory:
    """The history's part: a table of its own, its CSV and a section of the page."""

    _DDL = (
        "CREATE TABLE IF NOT EXISTS toy_days (scope TEXT, day TEXT, name TEXT, sha256 TEXT, "
        "size INTEGER, mtime_ns INTEGER, quantity REAL, PRIMARY KEY (scope, day))"
    )

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        db.execute(self._DDL)
        rows = db.execute("SELECT scope, day, name, sha256, size, mtime_ns FROM toy_days")
        return {
            (r[0], KIND.name, r[1], r[2]): SimpleNamespace(sha256=r[3], size=r[4], mtime_ns=r[5])
            for r in rows
        }

    def update(
        self, db: sqlite3.Connection, files: Sequence[Any], options: Any
    ) -> tuple[list[str], int]:
        known = self.known(db)
        read = 0
        for f in files:
            if f.report != KIND.name:
                continue
            seen = known.get(f.identity)
            if seen is not None and (seen.sha256, seen.mtime_ns) == (f.sha256, f.mtime_ns):
                continue
            db.execute(
                "INSERT OR REPLACE INTO toy_days VALUES (?, ?, ?, ?, ?, ?, ?)",
                (f.scope, f.folder_day.isoformat(), f.name, f.sha256, f.size, f.mtime_ns,
                 _quantity(f.path)),
            )  # fmt: skip
            read += 1
        return [], read

    def sections(self, db: sqlite3.Connection, options: Any) -> Mapping[str, str]:
        rows = db.execute("SELECT scope, COUNT(*), SUM(quantity) FROM toy_days GROUP BY scope")
        return {
            scope: f'<div class="toy"><h2>Toy credits</h2><p>{total:g} over {n} day(s)</p></div>'
            for scope, n, total in rows
        }

    def tables(self, db: sqlite3.Connection, options: Any) -> Mapping[str, str]:
        rows = db.execute("SELECT scope, day, quantity FROM toy_days ORDER BY scope, day")
        return {
            "toy-credits.csv": "scope,day,quantity\n"
            + "".join(f"{s},{d},{q:g}\n" for s, d, q in rows)
        }


def register() -> None:
    """Register the toy kind: its row, then its part in each layer's table."""
    register_kind(KIND)
    register_counter(KIND.name, count)
    register_section(KIND.name, section, outputs)
    register_history(KIND.name, ToyHistory())


if __name__ in kind_modules():  # imported by the CLI as the plug-in, never by pytest
    register()

# -- the test ---------------------------------------------------------------------------------

TOKEN = "ghp_TOYTOKEN1234567890"
TODAY = datetime.now(UTC).date()
DAYS = [TODAY - timedelta(days=n) for n in (12, 11, 10)]
#: A day GitHub has nothing for (404): skipped, as a range's missing day is.
EMPTY = DAYS[1]


def served(day: date) -> float:
    """The quantity the server answers for ``day`` (two items, one fractional)."""
    return day.day + 0.25


@contextmanager
def toy_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback server of the toy billing endpoint for ``my-org``; the URL and every path
    asked. It stops at the block's end, or after two minutes whatever happens."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            asked.append(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            authorised = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            if url.path != "/organizations/my-org/settings/billing/toy_usage" or not authorised:
                self._answer(403, {"message": "Resource not accessible"})
                return
            day = date(int(query["year"]), int(query["month"]), int(query["day"]))
            if day == EMPTY:
                self._answer(404, {"message": "Not Found"})
                return
            items = [{"product": "toy", "quantity": day.day}, {"product": "toy", "quantity": 0.25}]
            self._answer(200, {"usageItems": items})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    timer = threading.Timer(120, server.shutdown)
    timer.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(5)


def _env(api: str, tmp_path: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": str(Path(__file__).parent),
        "COPILOT_USAGE_REPORT_KIND_MODULES": "test_toy_kind",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": api,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
    }


def test_a_toy_kind_is_fetched_archived_summarised_and_kept_in_the_history(run_cli, tmp_path):
    """A kind registered by a plug-in module alone goes through fetch, archive, summary,
    outputs and history like a built-in one."""
    span = f"{DAYS[0]}..{DAYS[-1]}"
    with toy_server() as (api, asked):
        env = _env(api, tmp_path)
        helped = run_cli("fetch", "--help", env=env)
        run = run_cli("fetch", "--org", "my-org", "--report", KIND.name, "--day", span,
                      env=env, actions=True)  # fmt: skip
        first = list(asked)
        again = run_cli("fetch", "--org", "my-org", "--report", KIND.name, "--day", span,
                        env=env, actions=True)  # fmt: skip
    assert KIND.name in helped.stdout
    assert run.code == 0, run.stderr
    # one request per day, with the day as GitHub's billing endpoints take it
    assert sorted(first) == sorted(
        f"/organizations/my-org/settings/billing/toy_usage?year={d.year}&month={d.month}&day={d.day}"
        for d in DAYS
    )
    kept = [d for d in DAYS if d != EMPTY]
    for day in kept:
        folder = tmp_path / "out" / "orgs" / "my-org" / KIND.name / day.isoformat()
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["report"] == KIND.name and manifest["report_day"] == day.isoformat()
        assert [f["name"] for f in manifest["files"]] == [f"{KIND.name}.json"]
        assert _quantity(folder / f"{KIND.name}.json") == served(day)
    assert not (tmp_path / "out" / "orgs" / "my-org" / KIND.name / EMPTY.isoformat()).exists()
    total = sum(served(d) for d in kept)
    assert run.outputs["toy-credits-quantity"] == f"{total:g}"
    assert json.loads(run.outputs["metrics"])["toy_credits"] == {"days": 2, "quantity": total}
    assert f"| 2 | {total:g} |" in run.summary
    # a rerun asks only the day GitHub had nothing for: the saved days are complete on disk
    assert again.code == 0, again.stderr
    assert len(asked) == len(first) + 1 and str(EMPTY.day) in asked[-1].rsplit("=", 1)[-1]
    assert again.outputs["toy-credits-quantity"] == f"{total:g}"

    site = tmp_path / "site"
    history = run_cli("history", str(tmp_path / "out"), "--out", str(site), env=env)
    assert history.code == 0, history.stderr
    db = sqlite3.connect(site / "copilot-usage.sqlite")
    rows = db.execute("SELECT scope, day, quantity FROM toy_days ORDER BY day").fetchall()
    db.close()
    assert rows == [("orgs/my-org", d.isoformat(), served(d)) for d in kept]
    assert (site / "toy-credits.csv").read_text().count("\n") == 3
    assert (
        f"<h2>Toy credits</h2><p>{total:g} over 2 day(s)</p>" in (site / "index.html").read_text()
    )
    assert str(site / "toy-credits.csv") in history.stdout


def test_a_refused_toy_kind_says_what_the_token_needs(run_cli, tmp_path):
    """A 403 from a billing kind's endpoint is one line naming the kind and what to give."""
    with toy_server() as (api, _):
        env = {**_env(api, tmp_path), "INPUT_TOKEN": "ghp_OTHERTOKEN1234567890"}
        run = run_cli("fetch", "--org", "my-org", "--report", KIND.name, "--day", str(DAYS[0]),
                      env=env)  # fmt: skip
    assert run.code == 1
    assert "toy-credits" in run.stderr and "give it the toy permission" in run.stderr
    assert "Traceback" not in run.stderr
