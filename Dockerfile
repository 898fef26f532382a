# The dashboard in a container: gunicorn sync workers serving app:server.
# Chromium is for the server-side PNG export (kaleido). Mount a dataset at /app/data to
# serve your own; without one, the illustrative dataset is simulated into the image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MARMOT_DATA_DIR=/app/data \
    BROWSER_PATH=/usr/bin/chromium

RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY marmot_dash ./marmot_dash
RUN pip install --no-cache-dir .
COPY app.py ./
COPY assets ./assets
RUN marmot-dash demo --out /app/data

RUN useradd --create-home marmot && chown -R marmot /app
USER marmot
EXPOSE 8050
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8050", "--timeout", "60", "app:server"]
