"""The read path's last stage: records shown to a person (terminal tables and panels, an HTML page, charts) or handed
to a program (JSON, CSV, iCalendar, Atom). Imports nothing of fetching, the sources, ingest or the store."""
