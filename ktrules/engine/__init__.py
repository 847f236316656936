"""Evaluation: facts read from records (`facts`), leaf criteria decided by durable_rules (`matcher`),
verdicts assembled and explained (`evaluate`), records loaded in any format (`inputs`)."""
