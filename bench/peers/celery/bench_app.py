"""What the Celery peers share: the app configured like every bench broker (JSON, Redis result
backend from BENCH_BROKER_URL / BENCH_RESULTS_URL), and the ordinary enqueue loop that records
when each task was sent."""
import json
import os
import time

from celery import Celery


def make_app(name):
    app = Celery(name, broker=os.environ["BENCH_BROKER_URL"], backend=os.environ["BENCH_RESULTS_URL"])
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def send_all(app, urls_file, out_file, task_for_url):
    """``send_task`` per URL (``task_for_url(url)`` names the task); OUT_FILE gets a JSON list of
    ``[task_id, url, enqueued_at_ms]``."""
    with open(urls_file, encoding="utf-8") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    records = []
    with app.producer_or_acquire() as producer:
        for url in urls:
            at = time.time() * 1000
            result = app.send_task(task_for_url(url), args=[url], producer=producer)
            records.append([result.id, url, at])
    with open(out_file, "w", encoding="utf-8") as handle:
        json.dump(records, handle)
