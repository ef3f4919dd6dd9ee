"""Shared services the families call: rendering, accounts, rate limits, the ledger (metered
usage), media ingest and links."""
