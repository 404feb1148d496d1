"""The measuring stage: the DuckDB store, its schema, the metric SQL and the audit config."""
