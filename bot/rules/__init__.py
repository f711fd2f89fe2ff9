"""The advice as pure rules: planning, the calendar, reconciling decisions, the registry of
nudge kinds, the playbook schema, form validation and the view models the UI is given.

Nothing here imports SQLAlchemy, the store or Slack (a test checks it), so the rules can be
table- and property-tested on their own and reused by the preview without a database.
"""
