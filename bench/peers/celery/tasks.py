"""Celery peer of the Quarry bench: the same fetch + extraction as Quarry's HTTP mode.

Run by the adapter in bench/suites/jobs/systems/celery.ts as
``/usr/bin/python3 -m celery -A tasks worker --pool=prefork -c N`` with
BENCH_BROKER_URL and BENCH_RESULTS_URL set (a Redis broker and a Redis result backend).

Two tasks: ``scrape_bs4`` (requests + BeautifulSoup with the lxml parser, the usual Celery
scraper) and ``scrape_lxml`` (requests + bare lxml.html, the fast path). Both return
``{"title", "extract": {"h1", "price", "links"}}``, the shape of Quarry's result.
"""
import os
import re

import requests
from bs4 import BeautifulSoup
from lxml import html as lxml_html

from bench_app import make_app

app = make_app("quarry_bench")

_WHITESPACE = re.compile(r"\s+")
_sessions = {}


def _clean(text):
    return _WHITESPACE.sub(" ", text).strip()


def _session():
    # One keep-alive session per pool process: a session made before the fork would share sockets.
    pid = os.getpid()
    if pid not in _sessions:
        _sessions[pid] = requests.Session()
    return _sessions[pid]


def _fetch(url):
    response = _session().get(url, timeout=30)
    return response.content


@app.task(name="scrape_bs4")
def scrape_bs4(url):
    soup = BeautifulSoup(_fetch(url), "lxml")

    def first(selector):
        found = soup.select_one(selector)
        return None if found is None else _clean(found.get_text())

    return {
        "title": first("title"),
        "extract": {
            "h1": first("h1"),
            "price": first(".price"),
            "links": [a["href"] for a in soup.select("a.link") if a.has_attr("href")],
        },
    }


@app.task(name="scrape_lxml")
def scrape_lxml(url):
    doc = lxml_html.fromstring(_fetch(url))

    def first(xpath):
        found = doc.xpath(xpath)
        return None if not found else _clean(found[0].text_content())

    return {
        "title": first("//title"),
        "extract": {
            "h1": first("//h1"),
            "price": first("//*[contains(concat(' ', normalize-space(@class), ' '), ' price ')]"),
            "links": doc.xpath("//a[contains(concat(' ', normalize-space(@class), ' '), ' link ')]/@href"),
        },
    }
