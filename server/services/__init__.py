"""Shared services the families call: rendering, accounts, rate limits, usage, links, visibility."""
