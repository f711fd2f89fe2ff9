"""The tables slack_sdk's OAuth stores keep in the bot's database, as slack_sdk defines them.

`SQLAlchemyInstallationStore` (installations and bots, one row per install or token refresh)
and `SQLAlchemyOAuthStateStore` (the `state` of installs under way) build their own tables;
migration 0008 creates the same ones under Alembic, and this MetaData lets the migration test
check that it still matches what the installed slack_sdk expects.
"""

from __future__ import annotations

from sqlalchemy import MetaData

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
OAUTH_TABLES = (INSTALLATIONS_TABLE, BOTS_TABLE, OAUTH_STATES_TABLE)


def oauth_metadata() -> MetaData:
    """slack_sdk's own table definitions for the OAuth stores, under the names the bot uses."""
    # Imported here: the stores pull in slack_sdk's OAuth package, which most callers never need.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES_TABLE)
    return metadata
