"""Ingest: build a dataset from published sources (``build``), one reader per source layout
(``sources``), checking one source file (``validate``) and downloading sources (``fetch``)."""
