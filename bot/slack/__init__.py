"""Talking to Slack's Web API: a client per workspace, the one DM path, and what errors mean."""
