"""Every HTTP request digest makes, and the rules it makes them by.

The fetch policy (docs/security.md):

* only http and https;
* a URL the user named (a feed, a WordPress site or an article URL given on
  the command line or in the config) may be on any address, and so may any
  other URL on the same origin (scheme, host, port);
* any other URL (a link found in a feed, a redirect, a feed listed in an OPML
  file) is fetched only when its host is public: every address it resolves to
  must be a global unicast address; loopback, private, link-local, multicast,
  reserved and unspecified addresses are refused;
* the address check is made after DNS resolution, at connect time, on the very
  address connected to (so a name that resolves differently a second later
  gains nothing), and again at every redirect, which we follow ourselves;
* each request has an overall deadline, however slowly the bytes come, and a
  run may set one for all of its fetching.

A refusal is a `Refused` (a `FetchError`) with a one-line reason; the caller
turns it into the one Problem line that names the URL.

Politeness lives here too: robots.txt, a per-host delay, a size cap.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from .. import __version__

__all__ = [
    "USER_AGENT",
    "MAX_PAGE_BYTES",
    "REQUEST_SECONDS",
    "FetchError",
    "Refused",
    "Fetched",
    "Fetcher",
    "FetchPolicy",
    "make_client",
    "address_kind",
]

PROJECT_URL = "https://github.com/digest-news/digest"
USER_AGENT = f"digest/{__version__} (+{PROJECT_URL})"

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_ROBOTS_BYTES = 512 * 1024
MAX_REDIRECTS = 5
MAX_WORKERS = 4  # article pages fetched at once (across hosts)
MAX_CRAWL_DELAY = 30.0
# Overall seconds one request may take, redirects and all. A 10 MB feed needs
# about 10 s on a slow 1 MB/s line; a server dripping a byte at a time gets no more.
REQUEST_SECONDS = 60.0
_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


class FetchError(Exception):
    """One URL could not be fetched; the message is one line and names no URL (the caller does)."""


class Refused(FetchError):
    """The fetch policy forbids this URL (scheme, or an address the user did not name)."""


# ---------------------------------------------------------------- the policy


def address_kind(ip: str) -> str | None:
    """None for a public (global unicast) address, else what it is: "loopback", "private", ..."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "invalid"
    if isinstance(addr, ipaddress.IPv6Address):
        mapped = addr.ipv4_mapped or addr.sixtofour or (addr.teredo[1] if addr.teredo else None)
        if mapped is not None:
            addr = mapped
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_multicast:
        return "multicast"
    if addr.is_private:
        return "private"
    if not addr.is_global or addr.is_reserved:
        return "reserved"
    return None


def _host_port(url: str) -> tuple[str, str, int]:
    """(scheme, host in ASCII lower case, port) of an absolute URL; raises Refused when it has none."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise Refused(f"refused: not a valid URL ({exc})") from None
    scheme = parsed.scheme.lower()
    if scheme not in _SCHEMES:
        raise Refused(f"refused: only http and https are fetched, not {scheme or 'a relative'} URLs")
    host = parsed.raw_host.decode("ascii", "replace").lower().strip("[]")
    if not host:
        raise Refused("refused: the URL has no host")
    return scheme, host, parsed.port or _DEFAULT_PORTS[scheme]


class FetchPolicy:
    """Which URLs may be fetched: named origins on any address, everything else on public ones."""

    def __init__(self, named: tuple[str, ...] | list[str] = ()) -> None:
        self._named: set[tuple[str, int]] = set()
        self._lock = threading.Lock()
        for url in named:
            self.name(url)

    def name(self, url: str) -> None:
        """The user named this URL: its origin may be on a private or loopback address."""
        try:
            scheme, host, port = _host_port(url)
        except Refused:
            return  # the request itself will be refused with the reason
        with self._lock:
            self._named.add((host, port))
            if port == _DEFAULT_PORTS[scheme]:  # http://x and https://x are one site
                self._named.update({(host, 80), (host, 443)})

    def is_named(self, host: str, port: int) -> bool:
        with self._lock:
            return (host.lower().strip("[]"), port) in self._named

    def check_url(self, url: str) -> tuple[str, str, int]:
        """(scheme, host, port) of a URL the policy lets through before DNS; raises Refused otherwise."""
        scheme, host, port = _host_port(url)
        if not self.is_named(host, port):
            kind = address_kind(host) if _is_ip(host) else None
            if kind is not None:
                raise Refused(f"refused: {host} is a {kind} address, which you did not name as a source")
        return scheme, host, port

    def allowed_addresses(self, host: str, port: int, addresses: list[str]) -> list[str]:
        """The resolved addresses that may be connected to; raises Refused when none may."""
        if self.is_named(host, port):
            return addresses
        bad = [(a, address_kind(a)) for a in addresses]
        refused = [(a, k) for a, k in bad if k is not None]
        if refused:
            # One private address among public ones is enough to refuse: such a name is a trap.
            ip, kind = refused[0]
            shown = host if host == ip else f"{host} ({ip})"
            raise Refused(f"refused: {shown} is a {kind} address, which you did not name as a source")
        return addresses


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    out: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in out:
            out.append(ip)
    return out


# ---------------------------------------------------------------- what one request may do, per thread


@dataclass
class _Guard:
    policy: FetchPolicy
    deadline: float = math.inf  # time.monotonic() by which the request must be done

    def clip(self, timeout: float | None) -> float | None:
        """The timeout of one socket operation, never past the request's deadline."""
        if self.deadline == math.inf:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


_ACTIVE = threading.local()
_DEFAULT_GUARD = _Guard(FetchPolicy())  # a client used outside a Fetcher: public addresses only


def _guard() -> _Guard:
    return getattr(_ACTIVE, "guard", None) or _DEFAULT_GUARD


@contextmanager
def _guarded(guard: _Guard) -> Iterator[None]:
    previous = getattr(_ACTIVE, "guard", None)
    _ACTIVE.guard = guard
    try:
        yield
    finally:
        _ACTIVE.guard = previous


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _guard().clip(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _guard().clip(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _guard().clip(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check every address against the policy, connect only to an allowed one."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        guard = _guard()
        allowed = guard.policy.allowed_addresses(host, port, _resolve(host, port))
        error: Exception | None = None
        for ip in allowed:
            try:
                stream = self._inner.connect_tcp(ip, port, guard.clip(timeout), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"{host} has no address")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise Refused("refused: unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded network backend under its connection pool."""

    def __init__(self) -> None:
        super().__init__()
        import certifi

        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )


_GUARDED_CLIENTS: weakref.WeakSet[httpx.Client] = weakref.WeakSet()


def default_timeout() -> httpx.Timeout:
    """Connect/read timeouts of one socket operation; DIGEST_HTTP_TIMEOUT (seconds) overrides the read timeout."""
    read = _env_float("DIGEST_HTTP_TIMEOUT", 20.0)
    return httpx.Timeout(connect=min(10.0, read), read=read, write=read, pool=read)


def make_client(timeout: httpx.Timeout | float | None = None) -> httpx.Client:
    """The HTTP client digest uses: honest User-Agent, the guarded transport, timeouts set.

    Redirects are not followed by the client: `Fetcher.get` follows them itself,
    checking each hop. Proxies from the environment (HTTPS_PROXY, ...) are used
    as httpx uses them; a proxied request is checked by resolving its host first.
    """
    client = httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=timeout if timeout is not None else default_timeout(),
        follow_redirects=False,
        transport=_GuardedTransport(),
    )
    _GUARDED_CLIENTS.add(client)
    return client


def _proxied() -> bool:
    return any(k.lower() in ("http_proxy", "https_proxy", "all_proxy") and v for k, v in os.environ.items())


# ---------------------------------------------------------------- fetching


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        m = re.search(r"charset=([\w.:-]+)", self.headers.get("content-type", ""), re.I)
        return m.group(1).strip("\"'") if m else None


class Fetcher:
    """HTTP with manners and limits, shared by one run: every fetch of digest goes through `get`.

        fetcher = Fetcher(named=[url])        # or fetcher.name(url) for each URL the user gave
        fetcher.get(url) -> Fetched           # raises FetchError (Refused for the policy)
        fetcher.allowed(url) -> bool          # robots.txt (raises Refused like get)

    `delay` is the pause between two requests to the same host (a robots.txt
    Crawl-delay makes it longer); DIGEST_FETCH_DELAY overrides the default of 1 s.
    `request_seconds` bounds each request, redirects and slow bytes included;
    `run_seconds` bounds all fetching of the Fetcher's life (None: no bound).
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        delay: float | None = None,
        max_workers: int = MAX_WORKERS,
        *,
        named: tuple[str, ...] | list[str] = (),
        request_seconds: float = REQUEST_SECONDS,
        run_seconds: float | None = None,
    ) -> None:
        self._own_client = client is None
        self.client = client if client is not None else make_client()
        self.delay = delay if delay is not None else _env_float("DIGEST_FETCH_DELAY", 1.0)
        self.max_workers = max_workers
        self.policy = FetchPolicy(named)
        self.request_seconds = request_seconds
        self.run_seconds = run_seconds
        self._run_deadline = time.monotonic() + run_seconds if run_seconds is not None else math.inf
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next_at: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def name(self, url: str) -> None:
        """The user named this URL (a source): its origin may be on a private or loopback address."""
        self.policy.name(url)

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness ---------------------------------------------------------

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again, then book the next slot."""
        with self._host_lock(host):
            wait = self._next_at.get(host, 0.0) - time.monotonic()
            if wait > 0:
                if time.monotonic() + wait > self._run_deadline:
                    raise FetchError(f"not fetched: the run's {self.run_seconds:g} s fetch deadline would pass")
                time.sleep(wait)
            delay = self.delay or 0.0
            rp = self._robots.get(host)
            if rp is not None:
                crawl = rp.crawl_delay(USER_AGENT)
                if crawl:
                    delay = max(delay, min(float(crawl), MAX_CRAWL_DELAY))
            self._next_at[host] = time.monotonic() + delay

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our User-Agent fetch `url`; raises Refused as `get` would.

        404 and 410 mean the site has no robots.txt: everything is allowed.
        401 and 403 forbid everything (as urllib.robotparser does). Any other
        answer that is not a robots.txt (another 4xx such as 429, a 5xx, a
        timeout) forbids the host's pages for this run: we cannot know what
        the site wants.
        """
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        self.policy.check_url(url)
        with self._host_lock("robots " + host):
            if host not in self._robots:
                self._robots[host] = self._read_robots(host)
        rp = self._robots[host]
        return rp is not None and rp.can_fetch(USER_AGENT, url)

    def _read_robots(self, host: str) -> RobotFileParser | None:
        import logging

        log = logging.getLogger(__name__)
        rp = RobotFileParser(host + "/robots.txt")
        try:
            got = self.get(host + "/robots.txt", max_bytes=MAX_ROBOTS_BYTES)
        except Refused:
            raise
        except FetchError as exc:
            log.warning("%s/robots.txt: %s; not fetching article pages from this host", _printable(host), exc)
            return None
        if got.status in (404, 410):
            rp.allow_all = True  # type: ignore[attr-defined]
        elif got.status in (401, 403):
            rp.disallow_all = True  # type: ignore[attr-defined]
        elif got.status != 200:
            log.warning(
                "%s/robots.txt: HTTP %d; not fetching article pages from this host", _printable(host), got.status
            )
            return None
        else:
            rp.parse(got.content.decode("utf-8", "replace").splitlines())
        rp.modified()
        return rp

    # -- fetching -----------------------------------------------------------

    def get(self, url: str, *, max_bytes: int = MAX_PAGE_BYTES, headers: dict[str, str] | None = None) -> Fetched:
        """GET under the policy, the deadlines and the size cap; raises FetchError with a one-line reason."""
        current = url
        deadline: float | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                scheme, host, port = self.policy.check_url(current)
                if self.client not in _GUARDED_CLIENTS or _proxied():
                    # No guarded transport under this request: resolve and check here.
                    self.policy.allowed_addresses(host, port, _resolve(host, port))
            except Refused as exc:
                raise Refused(_redirected(url, current, str(exc))) from None
            except httpcore.ConnectError as exc:
                raise FetchError(f"cannot connect: {exc}") from None
            if time.monotonic() >= self._run_deadline:
                raise FetchError(f"not fetched: the run's {self.run_seconds:g} s fetch deadline has passed")
            self._wait_turn(urlsplit(current).netloc)
            if deadline is None:  # the request's clock starts once it is our turn to ask
                deadline = min(time.monotonic() + self.request_seconds, self._run_deadline)
            got = self._get_once(current, max_bytes, headers, deadline, url)
            if isinstance(got, Fetched):
                return got
            current = got
            headers = {
                k: v for k, v in (headers or {}).items() if k.lower() not in ("if-none-match", "if-modified-since")
            }
        raise FetchError("too many redirects")

    def _get_once(
        self, url: str, max_bytes: int, headers: dict[str, str] | None, deadline: float, asked: str
    ) -> Fetched | str:
        """One request: the Fetched answer, or the URL a redirect points to."""
        guard = _Guard(self.policy, deadline)
        try:
            with _guarded(guard), self.client.stream("GET", url, headers=headers, follow_redirects=False) as resp:
                location = resp.headers.get("location")
                if resp.is_redirect and location:
                    return urljoin(url, location.strip())
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"larger than the {_mb(max_bytes)} cap ({int(declared)} bytes)")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"larger than the {_mb(max_bytes)} cap")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                    chunks.append(chunk)
                return Fetched(
                    str(resp.url), resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, b"".join(chunks)
                )
        except Refused as exc:
            raise Refused(_redirected(asked, url, str(exc))) from None
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.05:
                if deadline >= self._run_deadline:
                    raise FetchError(f"gave up: the run's {self.run_seconds:g} s fetch deadline passed") from None
                raise FetchError(f"timed out: no complete answer within {self.request_seconds:g} s") from None
            raise FetchError(f"timed out ({type(exc).__name__})") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {exc}") from None
        except httpx.HTTPError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FetchError(f"cannot connect: {reason}") from None


def _redirected(asked: str, current: str, reason: str) -> str:
    if current == asked:
        return reason
    return f"{reason} (redirected to {_printable(current)})"


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROL.sub("?", text)
