"""Importers: existing public datasets loaded into the replyaudit schema (docs/dataset.md)."""
