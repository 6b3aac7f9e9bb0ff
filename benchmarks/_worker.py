"""Child process: one measured task, its result as one JSON line on stdout.

``python _worker.py TASK SPEC_JSON``. Each task runs in a fresh interpreter,
so its peak RSS (``ru_maxrss`` of this process, reported with the result) is
that task's alone, and imports are done before the clock starts: the seconds
reported are the work only (start-up is figure 5's business).

Tasks:

- ``download``: the project's own ``download_all`` (what ``fetch`` runs) over
  the given links, from creating the storage client to the last verified file.
- ``loads``: the reference, a plain ``json.loads`` per line over a file.
- ``check``: ``ContentCheck`` (what every download verifies) over a file.
- ``summarize``: ``summarize_paths`` over a file, when the project has it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

Result = dict[str, object]


def download(spec: dict[str, object]) -> Result:
    from copilot_usage_report._download import Download, download_all, make_storage_client

    urls = spec["links"]
    assert isinstance(urls, list)
    folder = Path(str(spec["folder"]))
    concurrency = int(str(spec.get("concurrency", 4)))
    items = [Download(url=str(url), name=f"file-{i}.ndjson") for i, url in enumerate(urls)]
    start, cpu = time.perf_counter(), time.process_time()
    with make_storage_client(concurrency=concurrency) as client:
        batch = download_all(client, items, folder, concurrency=concurrency, retries=0)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        # Every thread's CPU time (user and system): what the download costs the machine.
        "cpu_seconds": time.process_time() - cpu,
        "bytes": sum(f.size for f in batch.saved.values()),
        "files": len(batch.saved),
        "records": sum(f.records for f in batch.saved.values()),
    }


def loads(spec: dict[str, object]) -> Result:
    path = Path(str(spec["path"]))
    start = time.perf_counter()
    records = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                json.loads(line)
                records += 1
    return {"seconds": time.perf_counter() - start, "records": records}


def check(spec: dict[str, object]) -> Result:
    from copilot_usage_report._report import ContentCheck

    path = Path(str(spec["path"]))
    start = time.perf_counter()
    content = ContentCheck()
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            content.feed(chunk)
    content.finish(path.read_bytes)
    return {"seconds": time.perf_counter() - start, "records": content.records}


def summarize(spec: dict[str, object]) -> Result:
    from copilot_usage_report._metrics import summarize_paths

    path = Path(str(spec["path"]))
    start = time.perf_counter()
    insight = summarize_paths([path])
    seconds = time.perf_counter() - start
    days = getattr(insight, "days", ())
    users = getattr(days[0], "daily_active_users", None) if days else None
    return {"seconds": seconds, "users": users}


TASKS: dict[str, Callable[[dict[str, object]], Result]] = {
    "download": download,
    "loads": loads,
    "check": check,
    "summarize": summarize,
}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2]
    result = TASKS[task](json.loads(raw))
    # Linux reports ru_maxrss in KiB.
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
