"""Enqueues one Celery task per URL, the ordinary way (``apply_async``), and records when.

Usage: enqueue.py TASK_NAME URLS_FILE OUT_FILE
URLS_FILE has one URL per line; OUT_FILE gets a JSON list of [task_id, url, enqueued_at_ms].
"""
import json
import sys
import time

from tasks import app

task_name, urls_file, out_file = sys.argv[1:4]
with open(urls_file, encoding="utf-8") as handle:
    urls = [line.strip() for line in handle if line.strip()]

records = []
with app.producer_or_acquire() as producer:
    for url in urls:
        at = time.time() * 1000
        result = app.send_task(task_name, args=[url], producer=producer)
        records.append([result.id, url, at])

with open(out_file, "w", encoding="utf-8") as handle:
    json.dump(records, handle)
