"""Presents the audit: the typed report context, its Jinja templates and the HTML renderer.

`reports` reads the `benchmarks` views and never imports Scrapy. See docs/development.md, "Layout".
"""
