"""Development tooling: benchmarks, the demo, the cluster tools installer, preflight and smoke checks.

It lives beside the tests, outside the `scraper` package, so that no image copies it: the images hold
only what their pods run.
"""
