"""Scale-out on scrapy-redis: one run spread over worker processes (docs/scale.md)."""
