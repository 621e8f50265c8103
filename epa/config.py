"""Configuration read from the environment, with a test-only override."""

import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """Raised when the service cannot start safely with the configuration it was given."""


def database_url_from(env: dict[str, str]) -> str:
    """The SQLAlchemy URL from `DATABASE_URL`, defaulting to SQLite under `instance/`."""
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_PATH / 'epa.sqlite'}"
    # Hosting platforms hand out `postgres://` URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _whole_number(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.")
    return int(raw)


def _public_url(env: dict[str, str]) -> str | None:
    url = env.get("PUBLIC_URL", "").strip().rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"PUBLIC_URL must start with https:// (or http://), not {url!r}; "
            "for example https://epa.example.org"
        )
    return url or None


def _trusted_hosts(env: dict[str, str]) -> list[str] | None:
    """The host names requests may name (TRUSTED_HOSTS, comma-separated; a leading dot takes
    every subdomain); unset, any. Links never depend on it when PUBLIC_URL is set."""
    hosts = [host.strip().lower() for host in env.get("TRUSTED_HOSTS", "").split(",")]
    return [host for host in hosts if host] or None


def _rate_limit(env: dict[str, str]) -> str:
    """API_RATE_LIMIT: "1200/minute" by default, "off" for none, or another limit as Flask-Limiter
    writes one ("100/second", "5000 per hour")."""
    from limits import parse

    value = env.get("API_RATE_LIMIT", "").strip() or "1200/minute"
    if value.lower() == "off":
        return "off"
    try:
        parse(value)
    except ValueError:
        raise ConfigurationError(
            f"API_RATE_LIMIT must be a limit such as 1200/minute (or off), not {value!r}."
        ) from None
    return value


def settings_from(env: dict[str, str]) -> dict:
    """Flask settings from environment variables."""
    secure = env.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url_from(env),
        # hide_parameters: a failing statement's values (names, emails, hashes) stay out of logs
        # Connections are checked when idle a while, not on every use (epa.connections).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Always Secure when configured so; otherwise Secure whenever the request came over HTTPS.
        "SESSION_COOKIE_SECURE": secure,
        # Idle sessions end after 8 hours: each request renews the signed cookie.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "PASSWORD_HASH_METHOD": "scrypt",
        "EPAO_NAME": env.get("EPAO_NAME", "End-point assessment"),
        "GOVUK_ASSETS_PATH": env.get(
            "GOVUK_ASSETS_PATH",
            str(PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"),
        ),
        "TRUSTED_PROXIES": _whole_number(env, "TRUSTED_PROXIES", 0),
        # Email invites: nothing is sent (messages wait in the outbox) until MAIL_SERVER is set.
        # The sender's display name is EPAO_NAME.
        "MAIL_SERVER": env.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": _whole_number(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": env.get("MAIL_SENDER", "").strip() or "epa@localhost",
        # Where people reach the service, for links in emails, calendar feeds and the command
        # line (epa.links). Unset: the address each request came to.
        "PUBLIC_URL": _public_url(env),
        # Years an apprentice's personal data is kept after their outcome or withdrawal, before
        # `epa purge` anonymises it (the funding rules ask for six).
        "RETENTION_YEARS": _whole_number(env, "RETENTION_YEARS", 6),
        # Requests per token (or per address, without one) on the API; "off" for none.
        "API_RATE_LIMIT": _rate_limit(env),
        # Set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", "").strip() or None,
        # Requests naming any other host are refused (400) before anything reads them.
        "TRUSTED_HOSTS": _trusted_hosts(env),
        # Long work (epa.jobs): Celery on Redis when REDIS_URL is set; without it, a thread in
        # each web process runs the jobs and the periodic work (the embedded default).
        "REDIS_URL": env.get("REDIS_URL", "").strip() or None,
        "JOB_QUEUE": env.get("JOB_QUEUE", "").strip() or "epa",
        # A running job renews its lease every second; one not renewed for this long is taken
        # over by another worker (its worker died).
        "JOB_LEASE_SECONDS": _whole_number(env, "JOB_LEASE_SECONDS", 60),
        # A job still running after this long is stopped and tried again (5 tries in all).
        "JOB_MAX_SECONDS": _whole_number(env, "JOB_MAX_SECONDS", 3600),
        "JOB_VISIBILITY_SECONDS": _whole_number(env, "JOB_VISIBILITY_SECONDS", 3600),
        "JOB_FILES_PATH": env.get("JOB_FILES_PATH", "").strip() or str(INSTANCE_PATH / "files"),
        "CELERY_BEAT_SCHEDULE": env.get("CELERY_BEAT_SCHEDULE", "").strip()
        or str(INSTANCE_PATH / "celerybeat-schedule"),
        "JOBS_INLINE": False,
        # Without REDIS_URL, each web process also runs the timed work (beat's part) itself.
        "JOBS_TICKER": True,
        # The cohort planner's solver stops here with the best plan found so far.
        "PLANNER_SECONDS": _whole_number(env, "PLANNER_SECONDS", 10),
    }


def check_secret_key(app) -> None:
    """Refuse to serve without a secret key, except while debugging or testing."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        # A fresh key per process: sessions end on restart, and no fixed key ever signs them.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
        "value (for example: python3 -c 'import secrets; print(secrets.token_hex(32))'); "
        "`make run` keeps a development key in instance/secret_key for you."
    )
