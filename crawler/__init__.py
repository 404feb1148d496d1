"""The collecting stage: the Scrapy project (spiders, parsers, pipelines), the simulator and
the CLI."""

__version__ = "0.1.0"
