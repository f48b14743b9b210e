"""LinkedIn profile pipeline: parse saved pages, scrape with a browser, upload, provision Airbyte."""

__version__ = "0.1.0"
