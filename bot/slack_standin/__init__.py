"""A local stand-in for the Slack Web API, for tests and the demo; see `server`."""

from bot.slack_standin.server import RecordedCall, SlackStandIn

__all__ = ["RecordedCall", "SlackStandIn"]
