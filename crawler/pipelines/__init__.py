"""Item pipelines: validate, then write to DuckDB in batches."""
