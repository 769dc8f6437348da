"""mailflow.yaml -> validated settings. Every error names the file, the line and the field."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mailflow import linear
from mailflow.errors import ConfigError
from mailflow.yamlfile import LineDict, LineList, line_of, load_yaml

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

# An order number after its label: letters and digits with inner hyphens ("4500871",
# "MH-2026-118", "AN-PI-26-0311"); correlation keeps only those with a digit and four or more
# characters. Every pattern runs on RE2 (linear time): no look-around, and runs of white space
# between the parts are bounded ({0,3}), so no text makes a search slow.
_NUMBER = r"(?P<number>(?:[A-Z]{1,4}-){0,2}[A-Z]{0,4}-?\d[A-Z0-9]*(?:-[A-Z0-9]+)*)\b"
# a label that stands as a word of its own: not the "PO" inside "HX-PO-2609-05"
_LABEL_START = r"(?:^|[^\w-])"
_LABEL_TAIL = r"\s{0,3}(?:no\b\.?|number\b|nr\b\.?|#)?\s{0,3}[:#：-]?\s{0,3}"

DEFAULT_ORDER_PATTERNS = [
    # "PO 4500871", "P.O. No.: 4500871", "P/O HX-PO-2609-05", "PO#4500871", "Purchase Order No.
    # MH-2026-118"; the label ends at a word boundary, so "POWER7" names no order
    r"(?i)" + _LABEL_START + r"(?:P[./]?\s?O\b\.?|purchase\s{1,3}order\b)" + _LABEL_TAIL + _NUMBER,
    # "PO4500871": label and number run together, the number starting with a digit
    r"(?i)\bPO(?P<number>\d[A-Z0-9]*(?:-[A-Z0-9]+)*)\b",
    # "Order No. 4500871", "order #4500871", "order nr 4500871"
    r"(?i)\border\s{0,3}(?:no\b\.?|number\b|nr\b\.?|#)\s{0,3}[:#：-]?\s{0,3}" + _NUMBER,
    # "order MH-2026-118": a code with letters, a hyphen and digits
    r"(?i)\border\s{1,3}(?P<number>[A-Z]{1,4}-\d[A-Z0-9]*(?:-[A-Z0-9]+)*)\b",
    # "PI AN-PI-26-0311", "P/I No. AN-PI-26-0311", "proforma invoice 2611-07", "PI2611-07"
    (r"(?i)" + _LABEL_START + r"(?:P/I\b|PI\b|proforma\s{1,3}invoice\b)\.?\s{0,3}(?:no\b\.?|number\b|#)?\s{0,3}[:#：]?\s{0,3}"
     r"(?P<number>[A-Z]{0,4}-?(?:PI-)?\d[A-Z0-9]*(?:-[A-Z0-9]+)*)\b"),
    r"(?i)\bPI(?P<number>\d[A-Z0-9]*(?:-[A-Z0-9]+)*)\b",
    # 订单号：4500871, 订单 MH-2026-118, 合同号 SC2611
    (r"(?:订单|訂單|合同|采购单|採購單)(?:编号|編號|号|號)?[\s\x{3000}]{0,3}[:：#]?[\s\x{3000}]{0,3}"
     r"(?P<number>[A-Za-z0-9][A-Za-z0-9-]{2,40})"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _addresses(value: Any) -> Any:
    """An address, or a list of them, each a plain email address: else a readable error."""
    for addr in value if isinstance(value, list) else [value]:
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", addr):
            raise ValueError(f"not an email address: {addr!r}")
    return value


class Identity(_Strict):
    company: str
    address: str
    name: str = ""
    language: Literal["en", "zh"] = "en"
    other_addresses: list[str] = Field(default_factory=list)  # colleagues: never auto-replied
    # our mail server's name in Authentication-Results headers (only those headers are trusted)
    authserv_ids: list[str] = Field(default_factory=list)

    @field_validator("address", "other_addresses")
    @classmethod
    def _is_address(cls, value: Any) -> Any:
        return _addresses(value)

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()

    @property
    def ours(self) -> tuple[str, ...]:
        """Our own addresses and domain, as rules' `from_us:` conditions test a sender against
        them (and as `parties.ours` decides): the address, the colleagues', the domain."""
        return tuple(dict.fromkeys([self.address.lower(), *(a.lower() for a in self.other_addresses),
                                    self.domain]))


class ImapAccount(_Strict):
    """One IMAP account and the folders mailflow watches in it."""

    host: str
    port: int | None = None  # default: 993 for implicit TLS, 143 otherwise
    tls: Literal["implicit", "starttls", "none"] = "implicit"
    username: str
    password: str = ""
    password_command: str = ""  # prints the password on standard output
    oauth2_token_command: str = ""  # prints an OAuth2 access token (XOAUTH2: Gmail, Microsoft 365)
    folders: list[str] = Field(default_factory=lambda: ["INBOX"], min_length=1)
    since: dt.date | None = None  # first sync: only mail received on or after this date
    dry_run: bool = False  # fetch and classify, log what would happen; change nothing
    idle: bool = True  # use IDLE where the server offers it
    batch_size: int = Field(default=50, ge=1, le=1000)
    timeout: float = Field(default=60.0, gt=0)
    tls_ca_file: Path | None = None  # a private certificate authority (PEM) to trust

    @model_validator(mode="after")
    def _checks(self) -> ImapAccount:
        if self.tls == "none" and self.host not in LOOPBACK_HOSTS:
            raise ValueError("tls: none is accepted only for a loopback host")
        given = [n for n in ("password", "password_command", "oauth2_token_command") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("give exactly one of password, password_command or oauth2_token_command")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.tls == "implicit" else 143)

    @property
    def label(self) -> str:
        return f"{self.username}@{self.host}:{self.effective_port}"


class Source(_Strict):
    """One mail source: `path` (a folder of .eml files, maildir:PATH, mbox:PATH) or `imap`."""

    path: str | None = None
    imap: ImapAccount | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Source:
        if (self.path is None) == (self.imap is None):
            raise ValueError("give exactly one of 'path' or 'imap'")
        return self


class Smtp(_Strict):
    """How replies leave: the identity's mail server. The envelope sender and From are the
    identity's address."""

    host: str
    port: int = 587
    tls: Literal["implicit", "starttls", "none"] = "starttls"
    username: str = ""
    password: str = ""
    password_command: str = ""  # prints the password on standard output
    oauth2_token_command: str = ""  # prints an OAuth2 access token (XOAUTH2)
    timeout: float = Field(default=60.0, gt=0)
    tls_ca_file: Path | None = None  # a private certificate authority (PEM) to trust
    max_attempts: int = Field(default=8, ge=1)  # temporary failures (4xx, refused, timeout)
    retry_base_seconds: float = Field(default=60.0, gt=0)  # doubled after each failure
    sent_folder: str | None = "Sent"  # IMAP folder for a copy of each sent reply; null: none
    send_interval: float = Field(default=30.0, gt=0)  # seconds between the daemon's outbox ticks

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> Smtp:
        if self.tls == "none" and self.host not in LOOPBACK_HOSTS:
            raise ValueError("tls: none is accepted only for a loopback host")
        return self


class Database(_Strict):
    url: str = ""

    @field_validator("url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        if not url:
            return url
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            raise ValueError(f"not a database URL: {url!r} (sqlite:///PATH or "
                             "postgresql+psycopg://USER@HOST/DB)") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"database {backend!r} is not supported: use sqlite or postgresql")
        return url


class S3Settings(_Strict):
    """The archive in an S3-compatible bucket (store/objects.py). Credentials are not settings:
    boto3's standard chain finds them (environment, ~/.aws, instance role)."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    prefix: str = ""  # the desk's objects under this key prefix, e.g. "mailflow"
    endpoint_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/.*)?$")  # not AWS
    region: str | None = None
    retain_days: int | None = Field(default=None, ge=1, le=36500)  # raw mail under Object Lock

    @field_validator("prefix")
    @classmethod
    def _plain_prefix(cls, value: str) -> str:
        value = value.strip("/")
        if any(part in ("", ".", "..") for part in value.split("/")) and value:
            raise ValueError(f"not a key prefix: {value!r} (words separated by /, no . or ..)")
        return value


CREDENTIAL_KEYS = {"access_key", "access_key_id", "aws_access_key_id", "secret_key", "secret_access_key",
                   "aws_secret_access_key", "session_token", "aws_session_token", "credentials", "password",
                   "secret", "key_id", "profile"}


class Archive(_Strict):
    path: Path = Path("var/archive")  # the local archive, the default (and beside it SQLite's file)
    s3: S3Settings | None = None  # instead: the archive in a bucket several machines share


class ReplyPolicy(_Strict):
    hold_all: bool = False  # every reply waits for approval
    hold_if: str | None = None  # an expression on the order, e.g. "order.total > 50000"
    same_reply_hours: float = Field(default=24, ge=0)  # one reply per template and address
    max_per_hour: int = Field(default=60, ge=1)  # automatic replies sent per hour, all together
    subject_token: str = "[Order {order}]"
    languages: dict[str, Literal["en", "zh"]] = Field(default_factory=dict)  # address/domain -> lang

    @field_validator("subject_token")
    @classmethod
    def _one_order_placeholder(cls, token: str) -> str:
        try:
            filled = token.format(order="X")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"use text with one {{order}} placeholder, such as '[Order {{order}}]' "
                             f"({type(exc).__name__}: {exc})") from None
        if token.count("{order}") != 1 or not filled.replace("X", "").strip():
            raise ValueError("needs exactly one {order} and some text around it, such as '[Order {order}]'")
        return token


class Tolerance(_Strict):
    """How far short of an instalment a payment may fall and still settle it (bank charges):
    the larger of `percent` of the instalment (at most `most`, 1,000 unless set) and `amount` in
    the order's currency, and never more than 5 % of the instalment. A rule names a percent, an
    amount or both; a plain number is an amount. Unset, the desk's default applies (0.5 % up to
    1,000, and 50)."""

    percent: Decimal | None = Field(default=None, ge=0, le=10)
    amount: Decimal | None = Field(default=None, ge=0)
    most: Decimal | None = Field(default=None, ge=0)  # the percent part's cap; unset: 1,000

    @model_validator(mode="before")
    @classmethod
    def _number_is_an_amount(cls, value: Any) -> Any:
        if isinstance(value, (int, float, str, Decimal)) and not isinstance(value, bool):
            return {"amount": value}
        return value

    @model_validator(mode="after")
    def _something(self) -> Tolerance:
        if self.percent is None and self.amount is None:
            raise ValueError("a tolerance names a percent, an amount or both, such as {percent: 0.5, amount: 50}")
        return self


DEFAULT_TOLERANCE = Tolerance(percent=Decimal("0.5"), amount=Decimal(50))


class Buyer(_Strict):
    name: str
    addresses: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    language: Literal["en", "zh"] | None = None
    currency: str = ""
    country: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")  # ISO code: how its numeric dates read
    hold_replies: bool = False  # every reply to this buyer waits for approval
    merchandiser: str = ""  # the user who follows this buyer's orders (their plan shows them)
    tolerance: Tolerance | None = None  # bank charges this buyer's payments may be short by; default followup's


class KnownParty(_Strict):
    """A supplier, forwarder, inspection agency or bank the desk knows: its mail joins the order
    it cites and never opens one, and no acknowledgement goes to it."""

    name: str = Field(min_length=1, max_length=200)
    addresses: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)

    @field_validator("addresses")
    @classmethod
    def _are_addresses(cls, value: list[str]) -> list[str]:
        return _addresses(value)  # type: ignore[no-any-return]

    @field_validator("domains")
    @classmethod
    def _are_domains(cls, value: list[str]) -> list[str]:
        for domain in value:
            if not re.fullmatch(r"@?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", domain):
                raise ValueError(f"not a domain: {domain!r}")
        return value


Role = Literal["merchandiser", "manager", "general_manager", "accounts"]


class User(_Strict):
    """A person of the desk: who signs off, completes milestones, gets a digest."""

    name: str = Field(min_length=1, max_length=200)
    role: Role
    email: str = ""
    language: Literal["en", "zh"] = "en"


class Approval(_Strict):
    """The manager's sign-off before production, and the margin rule: below the floor the
    general manager signs."""

    costs: Path | None = None  # CSV: item_code, unit_cost, currency
    rates: dict[str, Decimal] = Field(default_factory=dict)  # value of one unit of each currency in one base
    margin_floor: Decimal = Field(default=Decimal(5), ge=0, le=100)  # percent


def known_zone(value: str) -> str:
    """A time zone's name as given, when it names one ("" : none given)."""
    if value:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
    return value


class Followup(_Strict):
    enabled: bool = True
    plans: Path | None = None  # default: the followup folder inside the rules folder
    tolerance: Tolerance = DEFAULT_TOLERANCE  # bank charges: an instalment this much short is settled
    timezone: str = ""  # the desk's calendar (due today, the digest's hour); default: $TZ or the machine's
    check_every_minutes: int = Field(default=60, ge=1, le=1440)  # overdue and chasers

    _zone = field_validator("timezone")(classmethod(lambda cls, value: known_zone(value)))


class Web(_Strict):
    """`mailflow web`: the desk in a browser."""

    host: str = "127.0.0.1"  # loopback; put a TLS proxy in front to reach it from elsewhere
    port: int = Field(default=8025, ge=0, le=65535)
    # a session key kept here by an earlier desk: read once into the database, where the key is now
    secret_key_file: Path = Path("var/web-secret.key")
    secure_cookies: bool = False  # true behind TLS: the session cookie is sent over HTTPS only
    session_idle_hours: float = Field(default=8, gt=0)
    session_days: float = Field(default=7, gt=0)
    # addresses (or networks) of the reverse proxies whose X-Forwarded-Proto and X-Forwarded-For
    # are believed; from any other address those headers are ignored
    trusted_proxies: list[str] = Field(default_factory=list)
    # the zone the desk shows times in to a user who has not chosen one (e.g. Asia/Shanghai);
    # default: followup.timezone, else $TZ or the machine's
    timezone: str = ""
    preview_cache: Path = Path("var/previews")  # documents' pages rendered to PNG, per sha256

    _zone = field_validator("timezone")(classmethod(lambda cls, value: known_zone(value)))

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, values: list[str]) -> list[str]:
        import ipaddress

        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/24)"
                                 ) from None
        return values


class MetricsSettings(_Strict):
    """The daemon's /metrics and /health: off until a port is given."""

    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=0, le=65535)


class Logging(_Strict):
    format: Literal["text", "json"] = "text"  # json: one object a line, for a log collector


class DigestRecipient(_Strict):
    address: str
    owner: str | None = None  # a user's name: their plan; none: everyone's
    language: Literal["en", "zh"] = "en"


class Digest(_Strict):
    """The daily plan by mail, through the outbox, once per recipient and day."""

    time: str = Field(default="07:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # local time
    to: list[DigestRecipient] = Field(default_factory=list)


class Correlation(_Strict):
    patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_ORDER_PATTERNS))
    # when a PO opens an order, the buyer's inquiries and sample requests of this many days
    # before it that share an item code with it join the order (same thread or a cited number: any age)
    history_days: int = Field(default=90, ge=0, le=3650)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                compiled = linear.compile(pattern)
            except linear.PatternError as exc:
                raise ValueError(f"{exc} (pattern {pattern!r})") from None
            if compiled.groups < 1:
                raise ValueError(f"pattern {pattern!r} needs a group (?P<number>…) for the number")
        return patterns


class Extraction(_Strict):
    """Reading order documents (PDF, spreadsheets, mail bodies). Each PDF is read in a worker
    process with these limits, so a hostile file costs at most that, never the daemon."""

    enabled: bool = True
    workers: int = Field(default=0, ge=0, le=64)  # 0: one per CPU core
    cpu_seconds: int = Field(default=20, ge=1, le=3600)  # per document
    memory_mb: int = Field(default=2048, ge=128)  # per worker (RLIMIT_AS); OCR needs ~1.6 GB of address space
    max_pages: int = Field(default=50, ge=1)
    template_dirs: list[Path] = Field(default_factory=list)  # beside templates/extract
    price_list: Path | None = None  # CSV: item code, floor price (the margin rule)
    ocr: bool = True  # read scanned pages and image attachments through OCR (when installed)
    max_image_pixels: int = Field(default=40_000_000, ge=1_000_000)  # per page or image


class IntakeLimits(_Strict):
    """What one mail may cost while it is parsed, classified and its documents read: the work
    runs in worker processes, and a mail over its budget is quarantined with the reason."""

    workers: int = Field(default=0, ge=0, le=64)  # 0: one per CPU core
    cpu_seconds: int = Field(default=60, ge=1, le=3600)  # per mail, documents not counted
    memory_mb: int = Field(default=2048, ge=256)  # per worker (RLIMIT_AS): its documents are read within it


class Classifier(_Strict):
    """The learned classifier beside the rules (learn.py): rules with `classifier:` conditions
    and `weak: true` rules read it; `mailflow train` and the daemon's daily run retrain it."""

    enabled: bool = True
    models: Path = Path("var/models")  # the desk's trained models and classifier.json
    overrule: float = Field(default=0.85, gt=0.5, le=1.0)  # a weak rule gives way at this probability
    retrain_at: str = Field(default="03:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # daily, local time


class Packing(_Strict):
    products: Path | None = None  # CSV: item_code, pieces_per_carton, net_kg, gross_kg, length_cm, …
    font: Path | None = None  # a TrueType CJK font; default: Debian's fonts-wqy-zenhei


class Company(_Strict):
    """Our company block on the documents we write; empty fields are left off the page."""

    name: str = ""  # default: identity.company
    name_zh: str = ""
    address: str = ""
    address_zh: str = ""
    phone: str = ""
    email: str = ""  # default: identity.address


class BankDetails(_Strict):
    """Where the buyer pays: printed on the P/I and the commercial invoice."""

    beneficiary: str = ""
    bank: str = ""
    address: str = ""
    account: str = ""
    swift: str = ""


DOCUMENT_SEQUENCES = {"pi": "PI-{yymm}-{n:03d}", "invoice": "CI-{yymm}-{n:03d}",
                      "production_order": "MO-{yymm}-{n:03d}", "purchase_order": "PO-{yymm}-{n:03d}"}


class Documents(_Strict):
    """The documents the desk writes (`mailflow document`): our company block, bank details,
    number sequences, validity of a P/I, shipping marks when the PO gives none, the BOM."""

    company: Company = Company()
    bank: BankDetails = BankDetails()
    # a number per kind: {yyyy} {yy} {mm} {yymm} and {n}, the count within the period the rest names
    sequences: dict[str, str] = Field(default_factory=dict)
    validity_days: int = Field(default=30, ge=1, le=365)  # a P/I's offer stands this long
    marks: list[str] = Field(default_factory=list)  # {order} {buyer} {packages}; default: buyer, order, C/NO., made in China
    bom: Path | None = None  # CSV: item_code, material, quantity (per unit of the item), unit, supplier
    inspection: str = ""  # the inspection requirements printed on the production order
    folder: Path | None = None  # the templates; default: templates/documents

    @field_validator("sequences")
    @classmethod
    def _sequences(cls, value: dict[str, str]) -> dict[str, str]:
        for kind, pattern in value.items():
            if kind not in DOCUMENT_SEQUENCES:
                raise ValueError(f"sequences: {kind!r} is none of {', '.join(DOCUMENT_SEQUENCES)}")
            try:
                filled = pattern.format(yyyy="2026", yy="26", mm="01", yymm="2601", n=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"sequences.{kind}: {pattern!r} does not read: use {{yymm}}, {{yyyy}}, "
                                 f"{{yy}}, {{mm}} and one {{n}} such as {{n:02d}} ({exc})") from None
            if "{n" not in pattern or filled == pattern.format(yyyy="2026", yy="26", mm="01", yymm="2601", n=2):
                raise ValueError(f"sequences.{kind}: {pattern!r} needs the count {{n}}, such as {{n:02d}}")
        return value

    def sequence(self, kind: str) -> str:
        return self.sequences.get(kind) or DOCUMENT_SEQUENCES[kind]


class Config(_Strict):
    identity: Identity
    operator: str = ""  # who approves, rejects and assigns from this config's CLI (--as overrides)
    sources: list[Source] = Field(default_factory=list)
    smtp: Smtp | None = None
    database: Database = Database()
    archive: Archive = Archive()
    rules: Path = Path("rules")
    templates: Path = Path("templates")
    reply: ReplyPolicy = ReplyPolicy()
    buyers: list[Buyer] = Field(default_factory=list)
    # the other parties of an order (optional: unlisted ones are recognised from their mail)
    suppliers: list[KnownParty] = Field(default_factory=list)
    forwarders: list[KnownParty] = Field(default_factory=list)
    agencies: list[KnownParty] = Field(default_factory=list)  # inspection agencies
    banks: list[KnownParty] = Field(default_factory=list)
    correlation: Correlation = Correlation()
    extract: Extraction = Extraction()
    intake: IntakeLimits = IntakeLimits()
    classifier: Classifier = Classifier()
    packing: Packing = Packing()
    documents: Documents = Documents()
    users: list[User] = Field(default_factory=list)
    approval: Approval = Approval()
    followup: Followup = Followup()
    digest: Digest | None = None
    web: Web = Web()
    logging: Logging = Logging()
    metrics: MetricsSettings = MetricsSettings()
    poll_interval: int = Field(default=60, ge=1)  # seconds between polls where IDLE is missing
    stall_warning_minutes: int = Field(default=15, ge=1)  # warn when a folder has not synced
    reconnect_max_seconds: float = Field(default=300.0, gt=0)  # backoff ceiling after faults
    # several daemons on one PostgreSQL: a folder or a reply in hand is taken over by another
    # daemon when its owner has not renewed its claim for this long (see store/leases.py)
    lease_seconds: float = Field(default=30.0, ge=2, le=3600)

    # set by load_config; not part of the file
    base_dir: Path = Path(".")
    file: Path = Path("mailflow.yaml")

    @property
    def archive_root(self) -> Path:
        return self.resolve(self.archive.path)

    @property
    def database_url(self) -> str:
        if self.database.url:
            url = self.database.url
            prefix = "sqlite:///"
            if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
                return prefix + str(self.resolve(Path(url[len(prefix):])))
            return url
        return "sqlite:///" + str(self.archive_root.parent / "mailflow.db")

    @property
    def models_dir(self) -> Path:
        return self.resolve(self.classifier.models)

    @property
    def rules_dir(self) -> Path:
        return self.resolve(self.rules)

    @property
    def plans_dir(self) -> Path:
        return self.resolve(self.followup.plans) if self.followup.plans else self.rules_dir / "followup"

    @model_validator(mode="after")
    def _people(self) -> Config:
        names = [u.name.casefold() for u in self.users]
        if len(set(names)) != len(names):
            raise ValueError("users: a name is listed twice")
        for recipient in self.digest.to if self.digest else []:
            if recipient.owner and self.user(recipient.owner) is None:
                raise ValueError(f"digest: owner {recipient.owner!r} is not one of users:")
        return self

    def user(self, name: str) -> User | None:
        wanted = name.strip().casefold()
        return next((u for u in self.users if u.name.casefold() == wanted), None)

    @property
    def templates_dir(self) -> Path:
        return self.resolve(self.templates)

    def resolve(self, path: Path | str) -> Path:
        path = Path(path)
        return path if path.is_absolute() else (self.base_dir / path).resolve()


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _substitute_env(node: Any, path: Path, loc: tuple[Any, ...], root: Any) -> Any:
    """Replace ${VAR} in every string; a missing variable is an error at its line."""
    if isinstance(node, LineDict):
        for key in list(node):
            node[key] = _substitute_env(node[key], path, (*loc, key), root)
        return node
    if isinstance(node, LineList):
        for i, item in enumerate(node):
            node[i] = _substitute_env(item, path, (*loc, i), root)
        return node
    if isinstance(node, str):
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"environment variable {name} is not set", path,
                                  line_of(root, loc), _dotted(loc))
            return os.environ[name]
        return _ENV.sub(replace, node)
    return node


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _anchor_ca_files(data: Any, base: Path) -> None:
    """`tls_ca_file` of smtp: and of each imap: source, relative to the config file (they are
    read where no Config is at hand)."""
    sections = [data.get("smtp")] + [s.get("imap") for s in data.get("sources") or []
                                     if isinstance(s, dict)]
    for section in sections:
        if isinstance(section, dict) and isinstance(section.get("tls_ca_file"), str):
            section["tls_ca_file"] = str(base / section["tls_ca_file"])


def load_config(file: Path | str) -> Config:
    path = Path(file)
    data = load_yaml(path, ConfigError)
    if not isinstance(data, dict):
        raise ConfigError("the file must be a mapping of settings (identity:, sources:, …)", path, 1)
    _substitute_env(data, path, (), data)
    _anchor_ca_files(data, path.resolve().parent)
    _no_credentials(data, path)
    try:
        config = Config.model_validate({**data, "base_dir": path.resolve().parent, "file": path})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown setting"
        raise ConfigError(message, path, line_of(data, loc), _dotted(loc) or None) from None
    _parties_apart(config, data, path)
    return config


def _no_credentials(data: Any, path: Path) -> None:
    """Keys to the object store never sit in mailflow.yaml (a file that is copied, shown and
    kept in version control): boto3's standard chain gives them."""
    archive = data.get("archive")
    s3 = archive.get("s3") if isinstance(archive, dict) else None
    for key in s3 if isinstance(s3, dict) else ():
        if str(key).lower() in CREDENTIAL_KEYS:
            loc = ("archive", "s3", key)
            raise ConfigError("credentials do not belong in mailflow.yaml: boto3's standard chain gives them "
                              "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, AWS_PROFILE "
                              "and ~/.aws/credentials, or the machine's instance role)",
                              path, line_of(data, loc), _dotted(loc))


def _parties_apart(config: Config, data: Any, path: Path) -> None:
    """An address or a domain names one party: listed under two (a buyer and a forwarder), the
    desk could not tell whether its mail may open an order."""
    seen: dict[str, str] = {}
    for key in ("buyers", "suppliers", "forwarders", "agencies", "banks"):
        for i, entry in enumerate(getattr(config, key)):
            for field in ("addresses", "domains"):
                for j, value in enumerate(getattr(entry, field)):
                    name = value.lower().lstrip("@")
                    if name in seen and not seen[name].startswith(f"{key}["):
                        loc = (key, i, field, j)
                        raise ConfigError(f"{name} is listed already under {seen[name]}: one address or "
                                          "domain names one party", path, line_of(data, loc), _dotted(loc))
                    seen.setdefault(name, f"{key}[{i}]")
