"""The read path's questions, answered from the store's read side as records in the ``--json`` shape
(core/records.py): companies, deals, timelines, lists, statistics, clocks, deadlines, changes, source health and
watches. Imports nothing of fetching, the sources, ingest or the store's write side."""
