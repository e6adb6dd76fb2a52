FROM python:3.11-slim-bookworm
# Pango and fonts for WeasyPrint's PDFs, from the project's one list.
COPY bin/system-packages /tmp/system-packages
RUN sh /tmp/system-packages runtime && rm -rf /var/lib/apt/lists/* /tmp/system-packages
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && useradd --system --home /app botp \
    && mkdir -p /var/lib/botp && chown botp /var/lib/botp
USER botp
ENV PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=botp.settings
EXPOSE 8000
