# syntax=docker/dockerfile:1
# crossdesk in a container (README "Running in production"). The builder stage builds the
# sdist and wheel with deploy/build-dist.sh and the image installs the wheel with
# deploy/install-wheel.sh: the same scripts .ci/run tests the wheel with.
#   docker build -t crossdesk .
#   docker run -v "$PWD/config.toml:/etc/crossdesk/config.toml:ro" --env-file crossdesk.env \
#     -e CROSSDESK_DATABASE_URL=postgresql+psycopg://crossdesk@db/crossdesk -p 8080:8080 crossdesk

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS builder
WORKDIR /src
COPY . .
RUN deploy/build-dist.sh /dist

FROM python:${PYTHON_VERSION}-slim
# tzdata: the desk's time zone; fonts-noto-cjk: Chinese labels in digest charts (charts.py
# looks for "Noto Sans CJK SC"). A non-root user owns only its home, the working directory.
# Debian's package versions are not pinned: the archive keeps only the current point
# release's, so a pin would break the build at the next security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10001 --create-home \
        --home-dir /var/lib/crossdesk --shell /usr/sbin/nologin crossdesk
RUN --mount=type=bind,from=builder,source=/dist,target=/dist \
    --mount=type=bind,source=deploy/install-wheel.sh,target=/usr/local/bin/install-wheel.sh \
    install-wheel.sh /opt/crossdesk /dist

ENV PATH=/opt/crossdesk/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/var/lib/crossdesk/.matplotlib \
    CROSSDESK_CONFIG=/etc/crossdesk/config.toml \
    CROSSDESK_HOST=0.0.0.0 \
    CROSSDESK_PORT=8080 \
    CROSSDESK_LOG_FORMAT=json

# numeric, so Kubernetes runAsNonRoot can check it (the crossdesk user above)
USER 10001:10001
WORKDIR /var/lib/crossdesk
# matplotlib's font list, made once here instead of on the first chart
RUN python -c "import matplotlib.font_manager"

EXPOSE 8080
# No curl in a slim image: Python asks /healthz (503, or no answer, fails the check).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('CROSSDESK_PORT', '8080') + '/healthz', timeout=8)"]
# --upgrade: apply pending migrations first; replicas starting together take turns behind
# PostgreSQL's advisory lock. Without it, serve refuses a database behind this version.
CMD ["crossdesk", "serve", "--upgrade"]
