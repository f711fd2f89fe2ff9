"""The one way the bot makes a WebClient: honouring SLACK_API_URL, with retries for people."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
)

from bot.config import Settings


def interactive_client(settings: Settings) -> WebClient:
    """For work a person is waiting on (a command, a button): retry briefly in-thread.

    Sleeping on Retry-After is right here and wrong for the dispatcher, which never sleeps.
    """
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.2)
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=1),
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        ],
    )
