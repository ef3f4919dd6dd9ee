"""Rendering service: the render pool, result cache and output production."""
