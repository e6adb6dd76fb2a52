FROM python:3.11-slim-bookworm
# Pango and fonts for WeasyPrint's PDFs; gettext for the compiled catalogues.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && useradd --system --home /app botp \
    && mkdir -p /var/lib/botp && chown botp /var/lib/botp
USER botp
ENV PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=botp.settings
EXPOSE 8000
