"""The write path's first stage: one polite, bounded HTTP client and its transports. Knows no source."""
