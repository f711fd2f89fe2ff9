"""Interview Coach's development kit: the local Slack stand-in, the signed-request sender
and the scripted demo. Installed for development and the demo, never in the runtime image."""
