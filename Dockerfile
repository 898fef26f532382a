# The dashboard in a container: gunicorn -c gunicorn.conf.py app:server, as a non-root user,
# serving the dataset mounted at /data (MARMOT_DATA_DIR). The image holds no data and never
# simulates any: without a dataset the container stops with one line.
#   docker build -t marmot-dash .
#   docker run -p 8050:8050 -v "$PWD/my-dataset:/data:ro" marmot-dash
# tests/server/test_dockerfile.py runs these steps in a fresh venv (no Docker daemon needed).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY marmot_dash ./marmot_dash
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir --quiet .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    MARMOT_DATA_DIR=/data \
    MARMOT_BIND=0.0.0.0:8050
RUN useradd --system --uid 10001 --no-create-home marmot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY app.py gunicorn.conf.py ./
COPY assets ./assets
USER 10001
VOLUME /data
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['MARMOT_BIND'].rsplit(':', 1)[1] + '/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
