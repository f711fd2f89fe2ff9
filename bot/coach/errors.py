"""What can go wrong in a use case that the person should hear about."""

from bot.store.db import StoreUnavailable

__all__ = ["StoreUnavailable"]
