"""Scrapy peer of the crawl suite: a CrawlSpider from the seeds, following links within the
seeds' origins (LinkExtractor allow= the origins + OffsiteMiddleware), CLOSESPIDER_PAGECOUNT as the page
limit, CONCURRENT_REQUESTS as concurrency, robots.txt obeyed (as Quarry). Each page's title is
read. Prints `ready`, waits for a line on stdin, crawls, prints `finished <pages>`.

Env: BENCH_SEEDS (comma-separated), BENCH_LIMIT, BENCH_CONCURRENCY.
"""
import os
import re
import sys
from urllib.parse import urlparse

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

SEEDS = os.environ["BENCH_SEEDS"].split(",")
HOSTS = sorted({urlparse(seed).hostname for seed in SEEDS})
# LinkExtractor(allow_domains=) compares domains with the URL's netloc, port included, so it
# drops every link of a site on a port (Scrapy 2.8); the origins as regexes do the same job.
ORIGINS = sorted({f"{urlparse(seed).scheme}://{urlparse(seed).netloc}/" for seed in SEEDS})
LIMIT = int(os.environ["BENCH_LIMIT"])
CONCURRENCY = int(os.environ["BENCH_CONCURRENCY"])
PAGES = {"count": 0}


class SiteSpider(CrawlSpider):
    name = "site"
    allowed_domains = HOSTS
    start_urls = SEEDS
    rules = (Rule(LinkExtractor(allow=[f"^{re.escape(origin)}" for origin in ORIGINS]), callback="parse_page", follow=True),)

    def parse_start_url(self, response, **kwargs):
        return self.parse_page(response)

    def parse_page(self, response):
        PAGES["count"] += 1
        response.css("title::text").get()
        return []


def main():
    process = CrawlerProcess(settings={
        "CLOSESPIDER_PAGECOUNT": LIMIT,
        "CONCURRENT_REQUESTS": CONCURRENCY,
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "ROBOTSTXT_OBEY": True,
        "RETRY_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "HTTPERROR_ALLOW_ALL": True,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    process.crawl(SiteSpider)
    print("ready", flush=True)
    sys.stdin.readline()
    process.start()
    print(f"finished {PAGES['count']}", flush=True)


if __name__ == "__main__":
    main()
