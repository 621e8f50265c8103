# syntax=docker/dockerfile:1
# The EPA service as one image: GOV.UK Frontend assets built with Node, served by gunicorn.
#   docker build -t epa .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=postgresql://... -p 8000:8000 epa
# Without DATABASE_URL the service uses SQLite in /app/instance (mount a volume there to keep it).

# --- Stage 1: the compiled stylesheet and GOV.UK Frontend's script and images --------------
FROM node:20.20.2-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets/ assets/
# The same build as the Makefile's `assets` target.
RUN mkdir -p static/build \
    && npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
        assets/epa.scss static/build/epa.css \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/

# --- Stage 2: the Python service --------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 epa \
    && useradd --system --no-log-init --uid 10001 --gid epa --home-dir /app --shell /usr/sbin/nologin epa

WORKDIR /app

# epa/config.py finds templates/, static/, migrations/ and instance/ relative to the package
# (PROJECT_ROOT = epa/__file__'s parent's parent), so `import epa` must resolve to /app/epa,
# not to a copy in site-packages. An editable install (`pip install -e .`) does exactly that:
# pip installs the dependencies into site-packages and points `epa` at the source in /app.
# Dependencies from the lock, each file checked against its hash; then the project itself.
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY epa/ epa/
RUN pip install --no-cache-dir --no-deps -e .

COPY app.py gunicorn.conf.py ./
COPY migrations/ migrations/
COPY templates/ templates/
COPY static/ static/
COPY fixtures/ fixtures/
COPY --from=assets /src/static/build /app/static/build
COPY --from=assets /src/node_modules/govuk-frontend/dist/govuk/assets /app/govuk-assets
COPY --chmod=0755 docker/start.sh /app/docker/start.sh

# Everything above stays root-owned and read-only to the service; only instance/ (the default
# SQLite database and the demonstration sign-ins) is writable.
RUN mkdir -p /app/instance && chown epa:epa /app/instance

ENV GOVUK_ASSETS_PATH=/app/govuk-assets \
    PORT=8000

# Numeric, so orchestrators can verify it is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000

# No curl in slim images: ask /healthz with the standard library (non-2xx raises, exit 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/app/docker/start.sh"]
