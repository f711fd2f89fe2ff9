"""End-to-end tests: signed HTTP to the real endpoint, the Slack stand-in over HTTP,
processes, Socket Mode, the demo."""
