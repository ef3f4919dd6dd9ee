"""HTTP machinery every family shares: errors, bodies, auth, hosts, OpenAPI, conditional requests."""
