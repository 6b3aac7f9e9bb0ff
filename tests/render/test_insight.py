"""The usage summary as whole Markdown, checked against numbers computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

from copilot_usage_report._metrics import summarize_paths
from copilot_usage_report._render.insight import render_insight


def counts(i=0, g=0, a=0, sa=0, sd=0, la=0, ld=0) -> dict:
    """Activity counts under GitHub's field names."""
    return {
        "user_initiated_interaction_count": i,
        "code_generation_activity_count": g,
        "code_acceptance_activity_count": a,
        "loc_suggested_to_add_sum": sa,
        "loc_suggested_to_delete_sum": sd,
        "loc_added_sum": la,
        "loc_deleted_sum": ld,
    }


def users(dau, wau, mau, chat, agent) -> dict:
    """The aggregate record's user counts."""
    return {
        "daily_active_users": dau,
        "weekly_active_users": wau,
        "monthly_active_users": mau,
        "monthly_active_chat_users": chat,
        "monthly_active_agent_users": agent,
    }


def render(tmp_path: Path, *records: dict) -> str:
    """Write the records as one NDJSON file and render its insight."""
    path = tmp_path / "report.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return render_insight(summarize_paths([path]))


def test_one_aggregate_day(tmp_path):
    """Headline, feature chart and the four breakdowns of one day, every number by hand."""
    record = {
        "day": "2026-11-20",
        "organization_id": "1",
        **users(12, 30, 45, 9, 3),
        **counts(i=20, g=200, a=50, sa=1200, sd=10, la=700, ld=80),
        "totals_by_ide": [
            {"ide": "vscode", **counts(i=15, g=150, a=45, sa=900, la=600, ld=70)},
            {"ide": "neovim", **counts(i=5, g=50, a=5, sa=300, la=100, ld=10)},
        ],
        "totals_by_feature": [
            {"feature": "code_completion", **counts(g=160, a=48, sa=1000, la=500)},
            {"feature": "chat_panel_agent_mode", **counts(i=20, g=40, a=2, sa=200, la=200, ld=80)},
        ],
        "totals_by_language_feature": [
            {"language": "python", "feature": "code_completion", **counts(g=160, a=48, la=500)},
        ],
        "totals_by_model_feature": [
            {"model": "gpt-4.1", "feature": "chat_panel_agent_mode", **counts(i=20, g=40, a=2)},
        ],
    }
    assert render(tmp_path, record) == (
        "## Copilot usage on 2026-11-20\n"
        "\n"
        "| Metric | Value |\n"
        "| --- | ---: |\n"
        "| Daily active users | 12 |\n"
        "| Weekly active users | 30 |\n"
        "| Total (monthly) active users | 45 |\n"
        "| Agent adoption | 6.7% |\n"
        "| Code completions shown | 160 |\n"
        "| Code completions accepted | 48 |\n"
        "| Code completion acceptance rate | 30.0% |\n"
        "| Chat requests | 20 |\n"
        "| Average chat requests per active user | 1.67 |\n"
        "| Lines added, user-initiated | 700 |\n"
        "| Lines deleted, user-initiated | 80 |\n"
        "| Lines added, agent-initiated | 0 |\n"
        "| Lines deleted, agent-initiated | 0 |\n"
        "| Monthly active chat users | 9 |\n"
        "| Monthly active agent users | 3 |\n"
        "| User-initiated interactions | 20 |\n"
        "| Code generations (all features) | 200 |\n"
        "| Code acceptances (all features) | 50 |\n"
        "| Lines suggested to add | 1,200 |\n"
        "| Lines suggested to delete | 10 |\n"
        "| Lines added | 700 |\n"
        "| Lines deleted | 80 |\n"
        "\n"
        "### Chat requests by mode\n"
        "\n"
        "| Mode | Requests |\n"
        "| --- | ---: |\n"
        "| `chat_panel_agent_mode` | 20 |\n"
        "\n"
        "### Activity by feature\n"
        "\n"
        "```mermaid\n"
        "pie showData\n"
        "    title Interactions and code generations by feature\n"
        '    "code_completion" : 160\n'
        '    "chat_panel_agent_mode" : 60\n'
        "```\n"
        "\n"
        "### By IDE\n"
        "\n"
        "| IDE | Interactions | Code generations | Acceptances | Acceptance rate"
        " | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `vscode` | 15 | 150 | 45 | 30.0% | 900 | 600 | 70 |\n"
        "| `neovim` | 5 | 50 | 5 | 10.0% | 300 | 100 | 10 |\n"
        "\n"
        "### By feature\n"
        "\n"
        "| Feature | Interactions | Code generations | Acceptances | Acceptance rate"
        " | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `code_completion` | 0 | 160 | 48 | 30.0% | 1,000 | 500 | 0 |\n"
        "| `chat_panel_agent_mode` | 20 | 40 | 2 | 5.0% | 200 | 200 | 80 |\n"
        "\n"
        "### By language\n"
        "\n"
        "| Language | Code generations | Acceptances | Acceptance rate"
        " | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `python` | 160 | 48 | 30.0% | 0 | 500 | 0 |\n"
        "\n"
        "### By model\n"
        "\n"
        "| Model | Interactions | Code generations | Acceptances | Acceptance rate"
        " | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `gpt-4.1` | 20 | 40 | 2 | 5.0% | 0 | 0 | 0 |\n"
        "\n"
        "Read 1 file(s): 1 aggregate day record(s).\n"
    )


def test_no_generations_and_no_active_users(tmp_path):
    """Zero users shows 0, a rate without generations shows a dash; empty sections are left out."""
    record = {"day": "2026-11-20", "organization_id": "1", **users(0, 0, 0, None, None)}
    assert render(tmp_path, record) == (
        "## Copilot usage on 2026-11-20\n"
        "\n"
        "| Metric | Value |\n"
        "| --- | ---: |\n"
        "| Daily active users | 0 |\n"
        "| Weekly active users | 0 |\n"
        "| Total (monthly) active users | 0 |\n"
        "| Code completions shown | 0 |\n"
        "| Code completions accepted | 0 |\n"
        "| Code completion acceptance rate | — |\n"
        "| Chat requests | 0 |\n"
        "| Average chat requests per active user | — |\n"
        "| Lines added, user-initiated | 0 |\n"
        "| Lines deleted, user-initiated | 0 |\n"
        "| Lines added, agent-initiated | 0 |\n"
        "| Lines deleted, agent-initiated | 0 |\n"
        "| User-initiated interactions | 0 |\n"
        "| Code generations (all features) | 0 |\n"
        "| Code acceptances (all features) | 0 |\n"
        "| Lines suggested to add | 0 |\n"
        "| Lines suggested to delete | 0 |\n"
        "| Lines added | 0 |\n"
        "| Lines deleted | 0 |\n"
        "\n"
        "Read 1 file(s): 1 aggregate day record(s).\n"
    )


def test_per_user_day_counts_users_and_never_shows_a_login(tmp_path):
    """A per-user report gives active users by IDE and feature, and no login anywhere."""
    alice = {
        "user_id": 1,
        "user_login": "alice",
        "day": "2026-11-20",
        "used_chat": True,
        "used_agent": False,
        **counts(i=2, g=3, a=1, sa=10, la=5, ld=1),
        "totals_by_ide": [{"ide": "vscode", **counts(i=2, g=3, a=1, sa=10, la=5, ld=1)}],
        "totals_by_feature": [
            {"feature": "code_completion", **counts(g=2, a=1, sa=6, la=3)},
            {"feature": "chat_panel_ask_mode", **counts(i=2, g=1, sa=4, la=2, ld=1)},
        ],
    }
    bob = {
        "user_id": 2,
        "user_login": "bob",
        "day": "2026-11-20",
        "used_chat": False,
        "used_agent": True,
        "used_cli": True,
        **counts(i=4),
        "totals_by_ide": [{"ide": "jetbrains", **counts(i=4)}],
        "totals_by_feature": [{"feature": "copilot_cli", **counts(i=4)}],
    }
    markdown = render(tmp_path, alice, bob)
    assert markdown == (
        "## Copilot usage on 2026-11-20\n"
        "\n"
        "| Metric | Value |\n"
        "| --- | ---: |\n"
        "| Daily active users | 2 |\n"
        "| Code completions shown | 2 |\n"
        "| Code completions accepted | 1 |\n"
        "| Code completion acceptance rate | 50.0% |\n"
        "| Chat requests | 2 |\n"
        "| Average chat requests per active user | 1.00 |\n"
        "| Lines added, user-initiated | 5 |\n"
        "| Lines deleted, user-initiated | 1 |\n"
        "| Lines added, agent-initiated | 0 |\n"
        "| Lines deleted, agent-initiated | 0 |\n"
        "| Daily active CLI users | 1 |\n"
        "| User-initiated interactions | 6 |\n"
        "| Code generations (all features) | 3 |\n"
        "| Code acceptances (all features) | 1 |\n"
        "| Lines suggested to add | 10 |\n"
        "| Lines suggested to delete | 0 |\n"
        "| Lines added | 5 |\n"
        "| Lines deleted | 1 |\n"
        "| Users with `used_agent` (per-user rows) | 1 |\n"
        "| Users with `used_chat` (per-user rows) | 1 |\n"
        "| Users with `used_cli` (per-user rows) | 1 |\n"
        "\n"
        "### Chat requests by mode\n"
        "\n"
        "| Mode | Requests |\n"
        "| --- | ---: |\n"
        "| `chat_panel_ask_mode` | 2 |\n"
        "\n"
        "### Activity by feature\n"
        "\n"
        "```mermaid\n"
        "pie showData\n"
        "    title Interactions and code generations by feature\n"
        '    "copilot_cli" : 4\n'
        '    "chat_panel_ask_mode" : 3\n'
        '    "code_completion" : 2\n'
        "```\n"
        "\n"
        "### By IDE\n"
        "\n"
        "| IDE | Active users | Interactions | Code generations | Acceptances"
        " | Acceptance rate | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `vscode` | 1 | 2 | 3 | 1 | 33.3% | 10 | 5 | 1 |\n"
        "| `jetbrains` | 1 | 4 | 0 | 0 | — | 0 | 0 | 0 |\n"
        "\n"
        "### By feature\n"
        "\n"
        "| Feature | Active users | Interactions | Code generations | Acceptances"
        " | Acceptance rate | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `copilot_cli` | 1 | 4 | 0 | 0 | — | 0 | 0 | 0 |\n"
        "| `chat_panel_ask_mode` | 1 | 2 | 1 | 0 | 0.0% | 4 | 2 | 1 |\n"
        "| `code_completion` | 1 | 0 | 2 | 1 | 50.0% | 6 | 3 | 0 |\n"
        "\n"
        "Read 1 file(s): 2 per-user record(s).\n"
    )
    assert "alice" not in markdown and "bob" not in markdown


def test_several_days_add_a_trend_table_and_line_charts(tmp_path):
    """Across days: newest user counts, summed activity, a trend table and two line charts."""
    first = {
        "day": "2026-11-19",
        "organization_id": "1",
        **users(10, 20, 30, 8, 4),
        **counts(i=5, g=40, a=10, sa=100, la=60, ld=6),
        "totals_by_feature": [{"feature": "code_completion", **counts(g=40, a=10, sa=100, la=60)}],
    }
    second = {"day": "2026-11-20", "organization_id": "1", **users(14, 22, 31, 9, 5), **counts(i=7)}
    assert render(tmp_path, second, first) == (
        "## Copilot usage from 2026-11-19 to 2026-11-20 (2 days)\n"
        "\n"
        "| Metric | Value |\n"
        "| --- | ---: |\n"
        "| Daily active users (2026-11-20) | 14 |\n"
        "| Weekly active users (2026-11-20) | 22 |\n"
        "| Total (monthly) active users (2026-11-20) | 31 |\n"
        "| Agent adoption (2026-11-20) | 16.1% |\n"
        "| Code completions shown | 40 |\n"
        "| Code completions accepted | 10 |\n"
        "| Code completion acceptance rate | 25.0% |\n"
        "| Chat requests | 0 |\n"
        "| Average chat requests per active user per day | 0.00 |\n"
        "| Lines added, user-initiated | 60 |\n"
        "| Lines deleted, user-initiated | 0 |\n"
        "| Lines added, agent-initiated | 0 |\n"
        "| Lines deleted, agent-initiated | 0 |\n"
        "| Monthly active chat users (2026-11-20) | 9 |\n"
        "| Monthly active agent users (2026-11-20) | 5 |\n"
        "| User-initiated interactions | 12 |\n"
        "| Code generations (all features) | 40 |\n"
        "| Code acceptances (all features) | 10 |\n"
        "| Lines suggested to add | 100 |\n"
        "| Lines suggested to delete | 0 |\n"
        "| Lines added | 60 |\n"
        "| Lines deleted | 6 |\n"
        "\n"
        "User counts and agent adoption are those of the newest day,"
        " 2026-11-20; activity is summed over the 2 days.\n"
        "\n"
        "### Trend by day\n"
        "\n"
        "| Day | Daily active users | Interactions | Code generations | Acceptances"
        " | Code completion acceptance rate | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| 2026-11-19 | 10 | 5 | 40 | 10 | 25.0% | 60 | 6 |\n"
        "| 2026-11-20 | 14 | 7 | 0 | 0 | — | 0 | 0 |\n"
        "\n"
        "```mermaid\n"
        "xychart-beta\n"
        '    title "Daily active users"\n'
        '    x-axis ["2026-11-19", "2026-11-20"]\n'
        '    y-axis "Users"\n'
        "    line [10, 14]\n"
        "```\n"
        "\n"
        "```mermaid\n"
        "xychart-beta\n"
        '    title "Code completion acceptance rate (%)"\n'
        '    x-axis ["2026-11-19", "2026-11-20"]\n'
        '    y-axis "Percent" 0 --> 100\n'
        "    line [25.0, 0.0]\n"
        "```\n"
        "\n"
        "Charts draw a missing value (no completions, no user count) as 0.\n"
        "\n"
        "### Activity by feature\n"
        "\n"
        "```mermaid\n"
        "pie showData\n"
        "    title Interactions and code generations by feature\n"
        '    "code_completion" : 40\n'
        "```\n"
        "\n"
        "### By feature\n"
        "\n"
        "| Feature | Interactions | Code generations | Acceptances | Acceptance rate"
        " | Lines suggested | Lines added | Lines deleted |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `code_completion` | 0 | 40 | 10 | 25.0% | 100 | 60 | 0 |\n"
        "\n"
        "Read 1 file(s): 2 aggregate day record(s).\n"
    )


def test_no_usage_record_at_all(tmp_path):
    """Files without any usage record give a short note naming the skipped files."""
    (tmp_path / "other.json").write_text('{"name": "not a report"}')
    markdown = render_insight(summarize_paths([tmp_path], unrecognised="skip"))
    assert markdown == (
        "## Copilot usage\n"
        "\n"
        "No Copilot usage record was found in the files read.\n"
        "\n"
        "Read 0 file(s). Skipped 1 file(s) holding no usage record: `other.json`.\n"
    )


def test_other_row_and_team_table(tmp_path):
    """Past ten keys an "other" row sums the rest, with no user count; teams are tabled."""
    records = [
        {
            "user_id": n,
            "user_login": f"user-{n}",
            "day": "2026-11-20",
            **counts(g=n),
            "totals_by_feature": [{"feature": f"feature-{n:02d}", **counts(g=n)}],
        }
        for n in range(1, 13)
    ]
    path = tmp_path / "users.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    teams = tmp_path / "teams.ndjson"
    teams.write_text(
        "".join(
            json.dumps({"user_id": n, "day": "2026-11-20", "team_id": 7, "slug": "core"}) + "\n"
            for n in (1, 2, 99)
        )
    )
    markdown = render_insight(summarize_paths([tmp_path]))
    assert "| `feature-03` | 1 | 0 | 3 | 0 | 0.0% | 0 | 0 | 0 |\n" in markdown
    assert "| `other` | — | 0 | 3 | 0 | 0.0% | 0 | 0 | 0 |\n" in markdown
    assert "feature-02`" not in markdown
    assert '    "other" : 3\n' in markdown
    assert (
        "### Teams on 2026-11-20\n\n"
        "| Team | Active users | Members | Interactions | Code generations | Acceptances "
        "| Lines added |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        "| `core` | 2 | 3 | 0 | 3 | 0 | 0 |\n"
    ) in markdown
    assert "user-1" not in markdown


def test_keys_cannot_break_tables_or_charts(tmp_path):
    """A key with pipes, backticks, quotes or a line break stays inside its cell, as written (a
    longer fence round its backtick, its line break shown as an escape), and in its chart label."""
    record = {
        "day": "2026-11-20",
        "daily_active_users": 1,
        "totals_by_feature": [{"feature": 'a|b`c"\n: 9', **counts(g=1)}],
    }
    markdown = render(tmp_path, record)
    assert '| ``a\\|b`c"\\n: 9`` | 0 | 1 |' in markdown
    assert '    "a_b_c___ 9" : 1\n' in markdown
