"""API families: each package holds one family's whole HTTP surface (routes, models, presentation)."""
