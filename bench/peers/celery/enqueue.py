"""Enqueues one Celery task per URL, the ordinary way (``apply_async``), and records when.

Usage: enqueue.py TASK_NAME URLS_FILE OUT_FILE
URLS_FILE has one URL per line; OUT_FILE gets a JSON list of [task_id, url, enqueued_at_ms].
"""
import sys

from bench_app import send_all
from tasks import app

task_name, urls_file, out_file = sys.argv[1:4]
send_all(app, urls_file, out_file, lambda url: task_name)
