"""A local stand-in for the Slack Web API, for tests and the demo; see `server`."""

from coach_devkit.slack_standin.server import RecordedCall, SlackStandIn
from coach_devkit.slack_standin.socket_mode import SocketModeStandIn

__all__ = ["RecordedCall", "SlackStandIn", "SocketModeStandIn"]
