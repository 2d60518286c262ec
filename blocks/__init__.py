"""Pure Block Kit builders: data in, dicts out, checked against Slack's limits. No I/O here."""
