# Certify — production image (web, worker, beat and the one-shot migrate job
# of docker-compose.yml all run it). Debian 12 with Python 3.11, so the
# Debian package names of the design hold.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=certify.settings \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/data/media

# fonts-noto-cjk: Chinese in PDFs; libharfbuzz-subset0: fast font subsetting
# for WeasyPrint (~0.15 s instead of ~8 s per Chinese page); pango: WeasyPrint's
# text layout; poppler-utils: pdftotext; gettext: compilemessages;
# nodejs + npm: the front-end assets from package-lock.json.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
        poppler-utils gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

# Translations and static files are built into the image with production
# settings (the manifest storage needs collectstatic); the key below is a
# throw-away used only for these build steps.
RUN set -eu; \
    export DEBUG=0 ALLOWED_HOSTS=localhost \
           SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
    if find . -path ./node_modules -prune -o -name '*.po' -print | grep -q .; then \
        python manage.py compilemessages -l zh_Hans --ignore='.*' --ignore=node_modules --ignore=var; \
    fi; \
    python manage.py collectstatic --noinput

# Run as an unprivileged user; it may write only var/ (file cache, scratch)
# and the media volume.
RUN groupadd --system certify \
 && useradd --system --gid certify --home-dir /app --shell /usr/sbin/nologin certify \
 && mkdir -p /app/var /data/media \
 && chown certify:certify /app/var /data/media
USER certify

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "certify.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--timeout", "60", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
