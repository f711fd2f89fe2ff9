"""The use cases: each owns its transaction and applies the pure rules (bot.rules)
to stored rows."""
