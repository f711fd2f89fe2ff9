# The same install steps CI proves (Makefile `install`, without the dev extras).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/interview_coach.db \
    PORT=3000

WORKDIR /app
COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY bot ./bot
COPY migrations ./migrations
RUN python -m pip install --upgrade pip \
    && python -m pip install -c constraints.txt -e . \
    && useradd --system --uid 10001 --home-dir /app coach \
    && mkdir -p /data && chown coach /data

USER coach
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"

# `run` migrates on start too; migrating first makes a schema problem fail fast and loud.
CMD ["sh", "-c", "interview-bot migrate && exec interview-bot run"]
