"""Seed 003: stored templates, `/api/render`, `/api/generate`, the account and the docs pages."""
