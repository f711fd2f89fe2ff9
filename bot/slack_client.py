"""The ways the bot makes a WebClient, all honouring SLACK_API_URL: with retries for people,
without for the dispatcher."""

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
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings

# A person waiting on a click will sit through a second or two, not more; a modal's
# trigger id also expires 3 s after the click.
PATIENCE_SECONDS = 2
# Slack usually answers in well under a second; a stuck call must not hold a worker long.
REQUEST_TIMEOUT_SECONDS = 5
# Nobody waits on a background send; still, a hung call holds a claimed nudge until it ends.
DISPATCH_TIMEOUT_SECONDS = 10


class PatientRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retries a 429 only when Slack asks for a wait a person would sit through."""

    def __init__(self, max_wait_seconds: float = PATIENCE_SECONDS) -> None:
        super().__init__(max_retry_count=1)
        self.max_wait_seconds = max_wait_seconds

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None
        return _retry_after(response) <= self.max_wait_seconds


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                break
    return 1.0  # what slack_sdk assumes when the header is missing


def interactive_client(settings: Settings) -> WebClient:
    """For work a person is waiting on (a command, a button): retry briefly in-thread.

    Sleeping on a short Retry-After is right here and wrong for the dispatcher, which
    never sleeps. A retried 5xx may duplicate a post Slack did make: accepted, since a
    lost confirmation is worse than a repeated one.
    """
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.2)
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
            PatientRateLimitRetryHandler(),
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        ],
    )


def dispatch_client(settings: Settings) -> WebClient:
    """For the dispatcher: no retries at all, so no call ever sleeps in its thread.

    A 429 or a 5xx comes straight back; the dispatcher reschedules the nudge in the
    database and moves on, so one slow workspace cannot stall everyone's messages.
    """
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=DISPATCH_TIMEOUT_SECONDS,
        retry_handlers=[],
    )
