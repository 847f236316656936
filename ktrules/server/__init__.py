"""`ktrules serve`: the council's web pages and an HTTP API, a thin face over the library like the CLI."""
