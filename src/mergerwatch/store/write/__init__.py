"""The write side of the store: the Store (transactions, payloads, the upsert, runs, locks, state, lists) and the
rows it writes. The read path never imports it."""
