"""HTTP routes: each handler parses, calls, responds."""
