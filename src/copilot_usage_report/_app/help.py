"""What ``--help`` says beyond the options: exit codes, the token advice, examples.

One text per command, shown as its epilog by ``parser``, each with the exit codes
of that command; plain strings, so ``--help`` imports nothing more.
"""

__all__ = [
    "CREDENTIAL_ADVICE",
    "DEMO_EPILOG",
    "EXIT_CODES",
    "FETCH_EPILOG",
    "HISTORY_EPILOG",
    "MAIN_EPILOG",
    "PUBLISH_EPILOG",
    "SERVE_EPILOG",
    "SUMMARIZE_EPILOG",
    "WAREHOUSE_EPILOG",
]

EXIT_CODES = """exit codes:
  0    done: every report asked for is saved (days without one skipped or warned, by policy)
  1    failed: GitHub refused or failed, a download or the output folder failed
  2    bad input: the message names it; nothing was sent to GitHub
  130  interrupted (Ctrl-C): no partial file is left behind"""

DEMO_EXIT_CODES = """exit codes:
  0    done: the stand-in served, the fetch saved what was asked, the dashboard is written
  1    failed: the fetch from the stand-in or writing the output folder failed
  2    bad input: the message names it; nothing was fetched
  130  interrupted (Ctrl-C): no partial file is left behind"""

SUMMARIZE_EXIT_CODES = """exit codes:
  0    done: the summary is printed (a FIFO or device among the paths is skipped, with a warning)
  1    a file holds no record it recognises (or a malformed one), or a CSV write failed
  2    bad input: a path that does not exist or holds no report file
  130  interrupted (Ctrl-C)"""

HISTORY_EXIT_CODES = """exit codes:
  0    done: the history is written (a folder that fails its checks is skipped with a warning)
  1    failed: the database, daily.csv or the page cannot be written
  2    bad input: an archive folder that does not exist
  130  interrupted (Ctrl-C)"""

PUBLISH_EXIT_CODES = """exit codes:
  0    done: the branch holds the archive's days (pushed, or nothing new to push)
  1    failed: git could not fetch, commit or push the branch
  2    bad input: no archive, branch, repository or history token, or one of them malformed
  130  interrupted (Ctrl-C)"""

WAREHOUSE_EXIT_CODES = """exit codes:
  0    done: the dataset holds every verified folder (one that fails its checks is left out with
       a warning); a rerun over the same archive writes nothing
  1    failed: a Parquet file cannot be written, or the warehouse extra (pyarrow) is missing
  2    bad input: an archive folder that does not exist
  130  interrupted (Ctrl-C): no partial file is left behind"""

CREDENTIAL_ADVICE = """the token:
  Put it in GH_TOKEN, not on the command line: a --token value lands in the shell history
  and is visible to every user of this machine in the process list (ps). For example
    export GH_TOKEN="$(gh auth token)"      # GitHub CLI's token, if it may read the metrics
  GH_TOKEN is read first, as the GitHub CLI does, then GITHUB_TOKEN. It needs the
  organization permission "Organization Copilot metrics: read" (fine-grained token or
  GitHub App) or read:org (classic token)."""

FETCH_EPILOG = f"""{CREDENTIAL_ADVICE}

{EXIT_CODES}

examples:
  copilot-usage-report fetch --org my-org
      the newest day GitHub has a report for, into copilot-usage-metrics/
  copilot-usage-report fetch --org my-org --day last-30-days --report organization-1-day,users-1-day
      a backfill of 30 days, two reports each; days without a report are skipped
  copilot-usage-report fetch --enterprise my-enterprise --report enterprise-28-day --json
      the enterprise's latest 28-day report; the outputs as JSON on stdout

Try any of them without a token against the built-in stand-in of GitHub:
  eval "$(copilot-usage-report serve-demo --env)"; copilot-usage-report fetch --org "$ORG"
"""

DEMO_EPILOG = f"""The stand-in serves organization octo-demo and enterprise octo-demo-enterprise:
every report kind, 121 days up to the day before yesterday, with a few gaps; demo
fetches the organization's reports.

{DEMO_EXIT_CODES}

examples:
  copilot-usage-report demo
      the newest day's organization report, its outputs and job summary
  copilot-usage-report demo --day last-90-days --output-dir demo-history
      90 days of history (gaps skipped), e.g. for a dashboard
  copilot-usage-report demo --report users-1-day,user-teams-1-day --format csv
      per-user and team rows, with CSV tables beside the files"""

SUMMARIZE_EPILOG = f"""{SUMMARIZE_EXIT_CODES}

examples:
  copilot-usage-report summarize copilot-usage-metrics/
      every report file under the folder, as Markdown
  copilot-usage-report summarize copilot-usage-metrics/ --json
      the metrics as one JSON object
  copilot-usage-report summarize downloaded-artifact/ --format csv
      also write CSV tables beside the files"""

SERVE_EPILOG = """exit codes:
  0    serving (or stopped, with --stop)
  1    the stand-in did not start
  2    bad input

examples:
  eval "$(copilot-usage-report serve-demo --env)"
      serve in the background and point this shell at it (GH_TOKEN, GITHUB_API_URL,
      ORG, ENTERPRISE); then: copilot-usage-report fetch --org "$ORG"
  copilot-usage-report serve-demo --scenario forbidden --lifetime 300
      a stand-in that refuses every request with 403, for five minutes; prints its URL
  copilot-usage-report serve-demo --stop
      stop every stand-in serve-demo started (each also stops by itself after --lifetime)"""

HISTORY_EPILOG = f"""{HISTORY_EXIT_CODES}

examples:
  copilot-usage-report history copilot-usage-metrics/ --out site/
      the database, daily.csv and index.html of every day archived so far
  copilot-usage-report history copilot-usage-metrics/ downloaded-artifacts/ --out site/
      several archives at once: fetch output and merged or unmerged artifacts
  copilot-usage-report history copilot-usage-metrics/ --out site/ --no-users
      leave per-user rows out of the database (teams are still counted)"""

PUBLISH_EPILOG = f"""{PUBLISH_EXIT_CODES}

examples:
  copilot-usage-report publish-history --archive out --branch usage --repository me/x
      commit the archive's verified days and the dashboard to the branch (HISTORY_TOKEN set)
  copilot-usage-report publish-history --archive out --branch usage --repository me/x --per-user
      also keep per-user reports and seat lists, gzip-compressed
  copilot-usage-report publish-history --archive out --branch usage --repository me/x --site site/
      also write the dashboard, daily.csv and the database over the whole branch into site/"""

WAREHOUSE_EPILOG = f"""{WAREHOUSE_EXIT_CODES}

examples:
  copilot-usage-report warehouse copilot-usage-metrics/ --out warehouse/
      one Parquet file per table, scope and day; a rerun writes only what changed
  duckdb -c "FROM read_parquet('warehouse/users/*/*/*.parquet', hive_partitioning = true)"
      read it in place (also Spark, BigQuery, Athena: see docs/warehouse.md)

needs the warehouse extra: pip install 'copilot-usage-report[warehouse]'"""

MAIN_EPILOG = """examples:
  copilot-usage-report demo                                try it: no token, no network
  copilot-usage-report fetch --org my-org                  the newest day (token from GH_TOKEN)
  copilot-usage-report summarize copilot-usage-metrics/    numbers of files on disk

Run "copilot-usage-report COMMAND --help" for a command's options, defaults and exit codes."""
