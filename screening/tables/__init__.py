"""Split by area: visits, records, imports, leads, review."""
