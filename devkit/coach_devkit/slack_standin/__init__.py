"""A local stand-in for the Slack Web API, response URLs and Socket Mode, for tests and the demo.

`standin` holds the `SlackStandIn` a test drives; `signed_sender` plays Slack towards the bot.
"""

from coach_devkit.slack_standin.calls import RESPONSE_URL, RecordedCall
from coach_devkit.slack_standin.socket_mode import SocketModeStandIn
from coach_devkit.slack_standin.standin import SlackStandIn

__all__ = ["RESPONSE_URL", "RecordedCall", "SlackStandIn", "SocketModeStandIn"]
