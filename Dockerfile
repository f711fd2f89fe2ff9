# The runtime image holds the installed wheel and nothing else from this repository: no
# source tree, no tests, no devkit. No Docker engine runs in CI, so both pip commands below
# are the very ones .ci/run's wheel check runs ("build the wheels", "run the installed
# wheel"), on the same files: a change here goes there too.

# -- build: the base wheel from the sources it needs ---------------------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY migrations ./migrations
RUN python -m pip wheel --no-deps . -w /dist

# -- runtime: that wheel, with the pinned dependencies -------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/interview_coach.db \
    PORT=3000

# The bot reads an optional .env from its working directory; this one holds none.
WORKDIR /app
COPY constraints.txt /tmp/install/
COPY --from=build /dist/ /tmp/install/
RUN python -m pip install -c /tmp/install/constraints.txt /tmp/install/interview_coach-*.whl \
    && rm -rf /tmp/install \
    && useradd --system --uid 10001 --home-dir /app coach \
    && mkdir -p /data && chown coach /data

USER coach
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"

# `run` migrates on start too; migrating first makes a schema problem fail fast and loud.
CMD ["sh", "-c", "interview-bot migrate && exec interview-bot run"]
