"""Celery peer of the politeness suite: one task per domain, throttled with ``rate_limit``.

Celery's ``rate_limit`` is per task type and per worker instance, so a Celery user who wants
per-domain limits defines a task per domain, as here, and each worker enforces it on its own.
Run by bench/suites/politeness/systems/celery-rate-limit.ts as
``/usr/bin/python3 -m celery -A politeness_tasks worker --pool=prefork -c N`` (two instances),
with BENCH_BROKER_URL and BENCH_RESULTS_URL set.

Run as a script, it enqueues: ``politeness_tasks.py URLS_FILE OUT_FILE`` sends each URL to its
domain's task and writes a JSON list of ``[task_id, url, enqueued_at_ms]``.
"""
import os
import sys
from urllib.parse import urlsplit

import requests

from bench_app import make_app, send_all

app = make_app("quarry_politeness")

_sessions = {}


def task_name(host):
    return "fetch_" + host.replace(".", "_")


def _fetch(url):
    # One keep-alive session per pool process: a session made before the fork would share sockets.
    session = _sessions.setdefault(os.getpid(), requests.Session())
    response = session.get(url, timeout=30)
    return {"status": response.status_code, "bytes": len(response.content)}


# The suite's limits (bench/suites/politeness/workload.ts; the adapter checks they match).
@app.task(name="fetch_127_0_0_2", rate_limit="4/s")
def fetch_127_0_0_2(url):
    return _fetch(url)


@app.task(name="fetch_127_0_0_3", rate_limit="10/s")
def fetch_127_0_0_3(url):
    return _fetch(url)


@app.task(name="fetch_127_0_0_4", rate_limit="20/s")
def fetch_127_0_0_4(url):
    return _fetch(url)


if __name__ == "__main__":
    send_all(app, sys.argv[1], sys.argv[2], lambda url: task_name(urlsplit(url).hostname))
