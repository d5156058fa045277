"""Celery peer of the politeness suite: one task per domain, throttled with ``rate_limit``.

Celery's ``rate_limit`` is per task type and per worker instance, so a Celery user who wants
per-domain limits defines a task per domain, as here, and each worker enforces it on its own.
Run by bench/suites/politeness/systems/celery-rate-limit.ts as
``/usr/bin/python3 -m celery -A politeness_tasks worker --pool=prefork -c N`` (two instances),
with BENCH_BROKER_URL and BENCH_RESULTS_URL set.

Run as a script, it enqueues: ``politeness_tasks.py URLS_FILE OUT_FILE`` sends each URL to its
domain's task and writes a JSON list of ``[task_id, url, enqueued_at_ms]``.
"""
import json
import os
import sys
import time
from urllib.parse import urlsplit

import requests
from celery import Celery

app = Celery("quarry_politeness", broker=os.environ["BENCH_BROKER_URL"], backend=os.environ["BENCH_RESULTS_URL"])
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)

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


def _enqueue(urls_file, out_file):
    with open(urls_file, encoding="utf-8") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    records = []
    with app.producer_or_acquire() as producer:
        for url in urls:
            at = time.time() * 1000
            result = app.send_task(task_name(urlsplit(url).hostname), args=[url], producer=producer)
            records.append([result.id, url, at])
    with open(out_file, "w", encoding="utf-8") as handle:
        json.dump(records, handle)


if __name__ == "__main__":
    _enqueue(*sys.argv[1:3])
