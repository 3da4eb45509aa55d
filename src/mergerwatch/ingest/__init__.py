"""The write path after fetching: payloads through parsing into the store (pipeline, worker), the nightly refresh,
the live check of every source (doctor) and the delivery of watch alerts (notify). Imports nothing of the CLI."""
