"""Interview Coach tests: unit (pure, seconds), integration (a real database), e2e (the
running bot over signed HTTP)."""
