"""Generator over an OpenAI-compatible HTTP server (Ollama, llama.cpp server, vLLM).

For users with bigger models or a GPU box on their network. Only
`POST {url}/chat/completions` is required. Connection failures and 429/5xx
answers are retried with backoff; a read timeout is not retried (the server
is alive but slow, and asking again only adds load). Every failure ends in
one ModelError line naming the server.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from typing import Any

import httpx

from .base import ModelError, Prompt, as_messages

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}


class _Refused(ModelError):
    """The server answered, but said no (HTTP 4xx): a route it lacks or a bad request."""


def api_base(url: str) -> str:
    """`http://host:port` or `.../v1` both become `.../v1`."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ModelError(f"server url {url!r} must start with http:// or https://")
    return url if url.endswith("/v1") else f"{url}/v1"


def probe(url: str, timeout: float = 2.0) -> str | None:
    """None when the server answers `GET /v1/models`, else why not (one line)."""
    try:
        base = api_base(url)
        resp = httpx.get(f"{base}/models", timeout=timeout, trust_env=False)
    except ModelError as exc:
        return str(exc)
    except httpx.TimeoutException:
        return f"no answer from {url} within {timeout:g} s"
    except httpx.HTTPError as exc:
        return f"cannot reach {url}: {exc}"
    if resp.status_code >= 400:
        return f"{url} answered HTTP {resp.status_code}"
    return None


class OpenAIHTTPGenerator:
    """Chat completions from a server; `model` is the id the server knows the model by."""

    def __init__(
        self,
        url: str,
        name: str,
        model: str | None = None,
        timeout: float = 120.0,
        connect_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.5,
        api_key: str | None = None,
    ):
        self.name = name
        self.base = api_base(url)
        self.model = model or name
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout, connect=min(float(connect_timeout), self.timeout)),
            headers=headers,
            trust_env=False,  # a server on the user's network must not go through a proxy
        )
        self._tokenize_route: str | None = None  # learnt on first count_tokens

    def _post(self, route: str, payload: dict[str, Any], retries: int | None = None) -> dict[str, Any]:
        url = f"{self.base}{route}" if route.startswith("/") else route
        attempts = (self.retries if retries is None else retries) + 1
        problem = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                resp = self._client.post(url, json=payload)
            except httpx.ConnectTimeout:
                problem = f"cannot connect to {self.base} (no answer within the connect timeout)"
                continue
            except httpx.ConnectError as exc:
                problem = f"cannot connect to {self.base} ({_reason(exc)}); is the server running?"
                continue
            except httpx.RemoteProtocolError as exc:
                problem = f"{self.base} dropped the connection ({_reason(exc)})"
                continue
            except httpx.TimeoutException:
                raise ModelError(f"model {self.name!r}: {self.base} did not answer within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise ModelError(f"model {self.name!r}: request to {self.base} failed: {_reason(exc)}") from None
            if resp.status_code in _RETRY_STATUS:
                problem = f"{self.base} answered HTTP {resp.status_code}: {_snippet(resp)}"
                continue
            if resp.status_code >= 400:
                raise _Refused(f"model {self.name!r}: {url} answered HTTP {resp.status_code}: {_snippet(resp)}")
            try:
                return resp.json()
            except ValueError:
                raise ModelError(f"model {self.name!r}: {url} did not answer JSON: {_snippet(resp)}") from None
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        raise ModelError(f"model {self.name!r}: {problem}{tries}")

    def generate(
        self,
        messages: Prompt,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": as_messages(messages),
            "max_tokens": int(max_tokens),
            "temperature": float(temperature),
            "stream": False,
        }
        if temperature == 0:
            payload["seed"] = 0
        if stop:
            payload["stop"] = list(stop)
        data = self._post("/chat/completions", payload)
        try:
            return data["choices"][0]["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError):
            raise ModelError(f"model {self.name!r}: {self.base} answered without choices[0].message") from None

    def count_tokens(self, text: str) -> int:
        """Ask the server's tokenizer when it has one; otherwise estimate (about 4 characters a token)."""
        root = self.base[: -len("/v1")]
        routes = (
            [self._tokenize_route]
            if self._tokenize_route
            else [
                f"{root}/extras/tokenize",  # llama-cpp-python server
                f"{root}/tokenize",  # vLLM, llama.cpp's own server
            ]
        )
        for route in routes:
            if route == "estimate":
                break
            payload = (
                {"input": text}
                if route.endswith("/extras/tokenize")
                else {"model": self.model, "prompt": text, "content": text}
            )
            try:
                data = self._post(route, payload, retries=0)
            except _Refused:
                continue  # no such route here; a server that is down still raises
            tokens = data.get("tokens")
            if isinstance(tokens, list):
                self._tokenize_route = route
                return len(tokens)
            if isinstance(data.get("count"), int):
                self._tokenize_route = route
                return int(data["count"])
        if self._tokenize_route != "estimate":
            log.warning("%s has no tokenize route; estimating token counts from characters", self.base)
            self._tokenize_route = "estimate"
        return math.ceil(len(text) / 4)

    def close(self) -> None:
        self._client.close()


def api_key_from_env(var: str | None) -> str | None:
    return os.environ.get(var) if var else None


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _snippet(resp: httpx.Response) -> str:
    try:
        data = resp.json()
        if isinstance(data, dict) and "error" in data:
            err = data["error"]
            return str(err.get("message", err) if isinstance(err, dict) else err)[:200]
    except ValueError:
        pass
    return resp.text.strip().replace("\n", " ")[:200] or "(empty body)"
