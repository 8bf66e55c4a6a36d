# Production image: gunicorn serving config.wsgi with production settings.
FROM python:3.13-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.prod

WORKDIR /app

RUN pip install uv

# Dependencies first, so code changes reuse this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev

COPY . .

# prod.py refuses to load without a real-looking key; this one exists for this RUN only
# and is not kept in the image's environment.
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789abcdef \
    python manage.py collectstatic --noinput

RUN groupadd --system trellis \
    && useradd --system --gid trellis --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin trellis
USER trellis

EXPOSE 8000
# Workers and threads: gunicorn.conf.py (WEB_CONCURRENCY, WEB_THREADS).
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--no-control-socket"]
