"""Configuration classes; every value that differs between deployments comes from the environment."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("WANANCHI_INSTANCE_PATH", BASE_DIR / "instance"))


# Secret keys published in this repository: production refuses to start with any of them.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 - development only, refused in production
TESTING_SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - the test suite only, refused in production
# The gateways' shared secrets of `make run` (the terminal phone sends them) and of the test suite.
DEVELOPMENT_GATEWAY_SECRET = "development-gateway-not-secret"  # noqa: S105 - development only, refused in production
TESTING_GATEWAY_SECRET = "testing-gateway-not-secret"  # noqa: S105 - the test suite only, refused in production
DEVELOPMENT_TRACKING_CODE_KEY = "development-only-tracking-codes"  # noqa: S105 - refused in production
TESTING_TRACKING_CODE_KEY = "testing-only-tracking-codes"  # noqa: S105 - refused in production
KNOWN_SECRET_KEYS = frozenset(
    {
        DEVELOPMENT_SECRET_KEY,
        TESTING_SECRET_KEY,
        DEVELOPMENT_GATEWAY_SECRET,
        TESTING_GATEWAY_SECRET,
        DEVELOPMENT_TRACKING_CODE_KEY,
        TESTING_TRACKING_CODE_KEY,
    }
)
MIN_SECRET_KEY_LENGTH = 32
# Secret keys whose names do not end in SECRET_KEY; production checks them like SECRET_KEY.
OTHER_SECRET_KEYS = ("TRACKING_CODE_KEY", "USSD_GATEWAY_SECRET", "SMS_GATEWAY_SECRET")


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    """A list of strings given as a JSON list (empty when the variable is not set)."""
    message = f"{name} must be a JSON list of strings, such as '[\"the-old-key\"]'"
    try:
        value = json.loads(os.environ.get(name) or "[]")
    except json.JSONDecodeError:
        raise ValueError(message) from None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(message)
    return value


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment."""

    # One secret per purpose, so that one can be changed without breaking what the others sign.
    # SECRET_KEY signs the session cookie, the forms' CSRF tokens, the queue's page cursors and password-reset
    # links, and keys the audit log's hashes of unknown login addresses. It may be rotated: make the new key
    # SECRET_KEY and put the old one in SECRET_KEY_FALLBACKS (a JSON list: '["the-old-key"]') until the
    # longest session has ended (31 days), then remove it. Sessions stay open (Flask reads them with either
    # key) and tracking codes are untouched; a form opened before the change is refused once as expired (the
    # citizen's forms come back as typed), a queue's page cursor starts again from the first page, a reset link
    # sent before it stops working (ask again), and the audit log hashes an unknown address differently after it.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SECRET_KEY_FALLBACKS: list[str] = _env_list("SECRET_KEY_FALLBACKS")
    # TRACKING_CODE_KEY derives each ticket's tracking code, which is never stored (only a hash of it is): it is
    # derived again whenever a receipt or a new code is sent, or a receipt is shown again. It is not rotated:
    # the codes citizens already hold would keep opening their tickets, but every receipt still in the outbox,
    # every receipt page shown again and every resent form would carry a code that opens nothing.
    TRACKING_CODE_KEY: str | None = os.environ.get("TRACKING_CODE_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    DATABASE_CONNECT_TIMEOUT = _env_int("DATABASE_CONNECT_TIMEOUT", 5)  # PostgreSQL: seconds to connect (libpq)
    SQLALCHEMY_RECORD_QUERIES = False
    # A PostgreSQL streaming replica the reports, their exports and the public statistics are counted from (their
    # pages say how far it is behind); without it they read the primary.
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")

    # Languages: Swahili first, English on request.
    LANGUAGES = ("sw", "en")
    BABEL_DEFAULT_LOCALE = "sw"
    BABEL_DEFAULT_TIMEZONE = "Africa/Dar_es_Salaam"
    LANGUAGE_COOKIE = "lugha"
    LANGUAGE_COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())

    # Sessions and forms: the session cookie lasts until the browser is closed (never made permanent).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; a long form must not expire under the citizen

    # Staff sessions (ASVS 3.3.2, level 2): they end after 30 minutes without a request and 12 hours after the
    # login, whatever happens meanwhile; no remember-me cookie outlives them. Logging out ends every copy.
    STAFF_SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    STAFF_SESSION_MAX_AGE = timedelta(hours=12)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    # argon2id cost: the argon2-cffi defaults (RFC 9106 low-memory profile: 3 passes, 64 MiB, 4 lanes).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    PASSWORD_HASH_PARALLELISM = 4

    # Uploads: up to 3 attachments, documents of 5 MB each and photos of 15 MB (a phone's full-size photo: photos
    # are drawn again at most 2,560 pixels long); what one ticket may hold in all.
    MAX_ATTACHMENTS = 3
    MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
    MAX_PHOTO_BYTES = 15 * 1024 * 1024
    # A request's declared length is checked before its body is read: 16 MB for any request, and for the citizen
    # forms that carry files, three photos and the form itself.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_UPLOAD_REQUEST_BYTES = MAX_ATTACHMENTS * MAX_PHOTO_BYTES + 1024 * 1024
    # A file that passed the checks on a form that came back with an error is kept for the browser session that
    # sent it this long (the worker deletes it after), so that the citizen uploads it once.
    KEPT_UPLOAD_MAX_AGE = timedelta(hours=6)
    MAX_TICKET_ATTACHMENTS = _env_int("MAX_TICKET_ATTACHMENTS", 20)
    MAX_TICKET_ATTACHMENT_BYTES = _env_int("MAX_TICKET_ATTACHMENT_BYTES", 30 * 1024 * 1024)
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Several web machines share their files in a bucket of an S3-compatible store (wananchi/core/storage.py):
    # with S3_BUCKET set, files are stored there (never public: the service sends them after its own checks),
    # otherwise in UPLOAD_FOLDER. `flask wananchi move-files-to-bucket` moves a folder's files into the bucket.
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS S3 itself
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")  # empty: boto3 looks for credentials itself
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")  # put before every object's name ("wananchi/"), to share a bucket
    S3_CONNECT_TIMEOUT = float(os.environ.get("S3_CONNECT_TIMEOUT", "3"))
    S3_READ_TIMEOUT = float(os.environ.get("S3_READ_TIMEOUT", "15"))

    # Tracking: how long a successful look-up keeps the ticket open in this browser, at most (closing the browser,
    # or "close this ticket on this device", ends it sooner).
    TRACKING_GRANT_SECONDS = 2 * 60 * 60

    # Rate limits (Flask-Limiter). Many citizens share a carrier's address, so limits are generous.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis unreachable or hung: each process counts in its own memory until Redis answers again, rather than
    # refusing (or holding) every page that has a limit.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A limit counted after the view (a ticket sent) whose store went away meanwhile is logged, not turned into an
    # error page for a ticket that is stored already.
    RATELIMIT_SWALLOW_ERRORS = True
    # Tickets sent per address: a form refused for a mistake is not counted, so a citizen who corrects a typo
    # never uses up the allowance of everyone behind the same mobile operator's address. Every post of the form
    # (its files are checked and kept) is counted against a larger limit.
    SUBMIT_RATE_LIMIT = os.environ.get("SUBMIT_RATE_LIMIT", "10 per minute;60 per hour")
    SUBMIT_ATTEMPT_RATE_LIMIT = os.environ.get("SUBMIT_ATTEMPT_RATE_LIMIT", "30 per minute;300 per hour")
    TRACK_RATE_LIMIT = os.environ.get("TRACK_RATE_LIMIT", "10 per minute;100 per day")
    # Per ticket and address together: guesses from elsewhere never lock a citizen out of their own ticket.
    TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT = os.environ.get("TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT", "20 per hour")
    NEW_CODE_RATE_LIMIT = os.environ.get("NEW_CODE_RATE_LIMIT", "5 per hour;20 per day")
    NEW_CODE_PER_REFERENCE_LIMIT = os.environ.get("NEW_CODE_PER_REFERENCE_LIMIT", "3 per day")
    ADD_INFORMATION_RATE_LIMIT = os.environ.get("ADD_INFORMATION_RATE_LIMIT", "10 per minute;60 per hour")
    ADD_INFORMATION_PER_TICKET_LIMIT = os.environ.get("ADD_INFORMATION_PER_TICKET_LIMIT", "10 per hour;30 per day")
    # The JSON API: per address, or per valid token or integration key (a partner's system sends for many
    # citizens from one address); new tickets through the API have the web form's limit unless set.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "600 per minute")
    API_SUBMIT_RATE_LIMIT = os.environ.get("API_SUBMIT_RATE_LIMIT", SUBMIT_RATE_LIMIT)
    # Receipts to one e-mail address or phone number (anyone can type someone else's); past it, none is sent.
    RECEIPTS_PER_CONTACT_LIMIT = os.environ.get("RECEIPTS_PER_CONTACT_LIMIT", "5 per hour;20 per day")

    # Number of proxies in front of the service whose X-Forwarded-* headers are trusted: rate limits and the audit
    # log key on the address the last of them saw. Production is behind a proxy unless BEHIND_PROXY=0 says not.
    BEHIND_PROXY = False
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    FORCE_HTTPS = False

    # Static files are named by their content (?v=<hash>): cached for a year, never asked for again.
    STATIC_MAX_AGE = int(timedelta(days=365).total_seconds())
    # Compression (Flask-Compress): brotli where the browser asks for it, gzip otherwise (the pages, and the static
    # files, which are sent as streams, alike).
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "text/xml",
        "image/svg+xml",
    ]

    # The site's identity: the national emblem in the header (a file under static/, SVG; a deployment puts the
    # official one there), and the contacts of the help page (each shown only when set).
    SITE_EMBLEM = os.environ.get("SITE_EMBLEM", "img/nembo.svg")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "msaada@wananchi.go.tz")
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "")
    CONTACT_ADDRESS = os.environ.get("CONTACT_ADDRESS", "")
    # Officers open a ticket's coordinates on this map site (a link they choose to follow: nothing loads from it).
    MAP_LINK = os.environ.get("MAP_LINK", "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
    # Feedback on the service itself goes through the form, as an opinion about this service (a code), or to
    # the triage desk when none is set.
    FEEDBACK_CATEGORY = os.environ.get("FEEDBACK_CATEGORY", "")
    # Personal Data Protection Act 2022: the days a closed ticket keeps its citizen's contact details and files
    # before the daily retention job erases them, where no period is set for its institution or type (shown in the
    # privacy notice and the record of processing).
    PERSONAL_DATA_RETENTION_DAYS = _env_int("PERSONAL_DATA_RETENTION_DAYS", 730)
    # The days an SMS received is kept (its number and text; the ticket it became keeps its own text), and the
    # least days an SMS stop (ACHA, STOP) is kept: it stays while a ticket or an account still holds its number
    # (so that no message goes to it), and goes with the number's last ticket after that. The daily retention job
    # erases both; the privacy notice and the record of processing state them.
    INBOUND_SMS_RETENTION_DAYS = _env_int("INBOUND_SMS_RETENTION_DAYS", 90)
    SMS_OPT_OUT_RETENTION_DAYS = _env_int("SMS_OPT_OUT_RETENTION_DAYS", 365)

    # Operations (wananchi/ops/): Prometheus reads /metrics with this bearer token (the page is missing without
    # one); LOG_FORMAT=json writes every log line as a JSON object with the request's id.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    REDIS_URL = os.environ.get("REDIS_URL")  # rate limits and background jobs when set (required in production)
    # Every connection to Redis (rate limits, the task queue, USSD state) gives up after these many seconds, so a
    # Redis that hangs (frozen, a dropped network) fails fast: limits are counted in memory, messages wait in the
    # outbox. The read timeout stays above the worker's 1-second wait for a task.
    REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "2"))
    REDIS_READ_TIMEOUT = float(os.environ.get("REDIS_READ_TIMEOUT", "2"))
    # A process whose enqueue after a commit failed (Redis refused, or hung past those timeouts) leaves the task queue
    # alone for this many seconds: what it would have queued waits in the outbox for the workers' sweep (every
    # OUTBOX_SWEEP_SECONDS), and a hung Redis costs one read timeout per process per back-off, not one per request.
    TASK_QUEUE_BACKOFF_SECONDS = float(os.environ.get("TASK_QUEUE_BACKOFF_SECONDS", "5"))
    # E-mail (Flask-Mail over SMTP) and SMS; delivered by workers from the outbox.
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Wananchi <hakuna-jibu@wananchi.go.tz>")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "15"))
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")  # "http" for a gateway; "file" writes instance/sms.txt
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://api.africastalking.com/version1/messaging")
    SMS_USERNAME = os.environ.get("SMS_USERNAME", "")
    SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
    SMS_SENDER_ID = os.environ.get("SMS_SENDER_ID") or None
    SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "15"))
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 8)
    # A message a worker claimed and did not finish (the worker was killed) is sent again after this many seconds
    # (by the sweep, every minute); longer than one attempt can take (MAIL_TIMEOUT, SMS_TIMEOUT).
    OUTBOX_LEASE_SECONDS = _env_int("OUTBOX_LEASE_SECONDS", 300)
    OUTBOX_ENQUEUE_AFTER_COMMIT = True
    # The minute's sweep queues every due message, this many per database round (after an outage, the backlog
    # drains as fast as the workers send, not a fixed number a minute).
    OUTBOX_SWEEP_BATCH = _env_int("OUTBOX_SWEEP_BATCH", 500)
    # The minute's sweep also runs every this many seconds within its minute (0: once a minute).
    OUTBOX_SWEEP_SECONDS = _env_int("OUTBOX_SWEEP_SECONDS", 15)
    # A channel whose provider could not be reached (SMTP or the SMS gateway down or hung) is left alone by this
    # worker process for this many seconds: its messages wait without an attempt (the one that found the provider
    # down too: an outage never uses up a message's attempts), the other channel's go out.
    OUTBOX_CHANNEL_BACKOFF_SECONDS = _env_int("OUTBOX_CHANNEL_BACKOFF_SECONDS", 30)
    # Reports: one that takes at least this long to compute is kept as a snapshot for at most
    # REPORT_SNAPSHOT_MAX_AGE seconds, and the worker recomputes the snapshots being read before they expire.
    REPORT_SNAPSHOT_MIN_MS = _env_int("REPORT_SNAPSHOT_MIN_MS", 500)
    REPORT_SNAPSHOT_MAX_AGE = _env_int("REPORT_SNAPSHOT_MAX_AGE", 15 * 60)
    # The submit form's script asks for the published answers closest to what is being typed: per address.
    ANSWER_LOOKUP_RATE_LIMIT = os.environ.get("ANSWER_LOOKUP_RATE_LIMIT", "30 per minute;300 per hour")
    # The routing model (wananchi/tickets/routing_model.py) is trained once this many resolved or closed tickets
    # exist (word votes suggest until then), from the newest ROUTING_MAX_TICKETS of them, so that the nightly
    # training's time and memory stay bounded as tickets accumulate; the newest ROUTING_HOLD_OUT_PERCENT of those
    # are held out to measure it.
    ROUTING_MIN_TICKETS = _env_int("ROUTING_MIN_TICKETS", 50)
    ROUTING_MAX_TICKETS = _env_int("ROUTING_MAX_TICKETS", 50_000)
    ROUTING_HOLD_OUT_PERCENT = _env_int("ROUTING_HOLD_OUT_PERCENT", 20)
    # The phone channels (wananchi/phone/): the USSD code citizens dial and the number they send SMS to, each
    # gateway's shared secret (one per purpose, sent in the X-Gateway-Secret header or as ?secret= in the URL), and
    # the networks their callbacks may come from (comma-separated CIDR blocks; empty: any).
    USSD_SERVICE_CODE = os.environ.get("USSD_SERVICE_CODE", "*152*00#")
    SMS_SHORT_CODE = os.environ.get("SMS_SHORT_CODE", "15200")
    USSD_GATEWAY_SECRET = os.environ.get("USSD_GATEWAY_SECRET")
    SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET")
    GATEWAY_ALLOWED_NETWORKS = os.environ.get("GATEWAY_ALLOWED_NETWORKS", "")
    # USSD session state: "redis" (several web processes share it) or "database"; Redis whenever REDIS_URL is set.
    USSD_SESSION_STORE = os.environ.get("USSD_SESSION_STORE", "redis" if os.environ.get("REDIS_URL") else "database")
    USSD_SESSION_SECONDS = _env_int("USSD_SESSION_SECONDS", 600)
    # An entry confirmed again from the same phone within this many seconds (a session the operator dropped, then
    # dialled again) is the ticket already made, not a second one.
    USSD_REPEAT_SECONDS = _env_int("USSD_REPEAT_SECONDS", 24 * 60 * 60)
    USSD_SCREEN_LIMIT = 182  # characters a basic phone shows on one USSD screen
    USSD_GATEWAY_RATE_LIMIT = os.environ.get("USSD_GATEWAY_RATE_LIMIT", "3000 per minute")
    USSD_PHONE_RATE_LIMIT = os.environ.get("USSD_PHONE_RATE_LIMIT", "60 per minute;600 per day")
    SMS_GATEWAY_RATE_LIMIT = os.environ.get("SMS_GATEWAY_RATE_LIMIT", "3000 per minute")
    SMS_PHONE_RATE_LIMIT = os.environ.get("SMS_PHONE_RATE_LIMIT", "10 per minute;100 per day")
    # What one SMS part costs the government (Tanzanian shillings), for the reports.
    SMS_PRICE_TZS = float(os.environ.get("SMS_PRICE_TZS", "19"))
    # A report's shares within target are green from REPORT_SHARE_GREEN percent, amber from REPORT_SHARE_AMBER
    # percent and red below (the page states both).
    REPORT_SHARE_GREEN = _env_int("REPORT_SHARE_GREEN", 90)
    REPORT_SHARE_AMBER = _env_int("REPORT_SHARE_AMBER", 75)
    # Where the browser runs scripts, the queue page asks for its tab counts again this often (seconds).
    QUEUE_COUNTS_REFRESH_SECONDS = _env_int("QUEUE_COUNTS_REFRESH_SECONDS", 60)
    # Links in messages point here.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Demo data (institutions, tickets, and staff accounts with a published password): development and tests only.
    DEMO_DATA_ALLOWED = False


class DevelopmentConfig(Config):
    """`make run`: an embedded SQLite database under instance/, no server to install."""

    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    TRACKING_CODE_KEY = os.environ.get("TRACKING_CODE_KEY", DEVELOPMENT_TRACKING_CODE_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'wananchi.sqlite3'}")
    DEMO_DATA_ALLOWED = True
    USSD_GATEWAY_SECRET = os.environ.get("USSD_GATEWAY_SECRET", DEVELOPMENT_GATEWAY_SECRET)
    SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", DEVELOPMENT_GATEWAY_SECRET)


class TestingConfig(Config):
    """The test suite: the database URL is given by the fixtures."""

    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    TRACKING_CODE_KEY = TESTING_TRACKING_CODE_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    USSD_GATEWAY_SECRET = TESTING_GATEWAY_SECRET
    SMS_GATEWAY_SECRET = TESTING_GATEWAY_SECRET
    USSD_SESSION_STORE = "database"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    DEMO_DATA_ALLOWED = True
    # Tests deliver the outbox explicitly (or start real workers), so each test controls when mail goes out.
    OUTBOX_ENQUEUE_AFTER_COMMIT = False
    OUTBOX_CHANNEL_BACKOFF_SECONDS = (
        0  # each test of an outage sees every attempt (tests/notifications/test_drain.py sets it)
    )
    TASK_QUEUE_BACKOFF_SECONDS = 0.0  # likewise every enqueue (tests/test_redis_down.py runs production's)
    # Still argon2id, but cheap: the suite hashes hundreds of passwords.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024
    PASSWORD_HASH_PARALLELISM = 1


class ProductionConfig(Config):
    """Several web and worker processes sharing PostgreSQL and Redis."""

    SESSION_COOKIE_SECURE = True
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
    PREFERRED_URL_SCHEME = "https"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", Config.REDIS_URL or "")
    # Behind the TLS-terminating proxy (one, unless PROXY_FIX_X_FOR says more): without trusting its
    # X-Forwarded-For, every citizen would be the proxy's address, and one limit would lock them all out.
    BEHIND_PROXY = _env_bool("BEHIND_PROXY", True)
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 1 if BEHIND_PROXY else 0)
    PROXY_CHECKED = True  # BEHIND_PROXY and PROXY_FIX_X_FOR must agree (wananchi._check_proxy)

    REQUIRED = (
        "SECRET_KEY",
        "TRACKING_CODE_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "REDIS_URL",
        "USSD_GATEWAY_SECRET",
        "SMS_GATEWAY_SECRET",
    )
    # Every secret key (SECRET_KEY, any other setting named ..._SECRET_KEY, each of SECRET_KEY_FALLBACKS, and
    # those in OTHER_SECRET_KEYS: the tracking codes' key and the gateways' shared secrets) must have at least
    # MIN_SECRET_KEY_LENGTH characters and must not be one of
    # KNOWN_SECRET_KEYS.
    SECRET_KEYS_CHECKED = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
