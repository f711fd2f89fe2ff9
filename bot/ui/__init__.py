"""Block Kit builders: domain objects in, Slack blocks and views out. Pure."""
