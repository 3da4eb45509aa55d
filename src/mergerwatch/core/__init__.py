"""The shared bottom of the house: the vocabulary, errors and exit statuses, names, safe text, redaction, the
typed records and the registry of sources. Modules here import nothing of mergerwatch outside ``core``."""
