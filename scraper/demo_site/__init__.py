"""A synthetic LinkedIn-like site for demos and browser tests (see docs/demo-site.md).

Every person is generated deterministically and the site knows the record a correct scrape yields.
"""

from scraper.demo_site.people import Person, all_people
from scraper.demo_site.server import DemoSettings, DemoSite

__all__ = ["DemoSettings", "DemoSite", "Person", "all_people"]
