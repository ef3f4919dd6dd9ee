"""Render-graph node kinds: one module per family of nodes."""
