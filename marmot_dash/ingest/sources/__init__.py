"""Readers for every kind of source file the builder takes, and ``validate_source``.

One module per kind: ``fingertips`` (the Fingertips CSV export), ``council`` (council value
tables and catalogues, CSV or XLSX), ``boundaries``, ``imd`` (English Indices of Deprivation),
``lookups``, ``population`` and ``config`` (the sources file itself).
``marmot_dash.ingest.validate`` checks one file of any kind.
"""
