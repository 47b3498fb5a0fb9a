"""The OpenAI-compatible HTTP backend.

The slow tests start llama-cpp-python's own server (`python -m llama_cpp.server`)
on 127.0.0.1 with the packaged 0.5B model and talk to it for real. The fast
tests cover what a user meets when the server is not there or misbehaves: one
clear line each, after the configured retries.
"""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from digest.models import ModelError, install_model, list_models, load_generator, unload_all, verify_model
from digest.models.base import default_threads


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_registry(tmp_path: Path, monkeypatch, url: str, **options) -> None:
    extra = "\n".join(f"{k} = {v!r}" for k, v in options.items())
    path = tmp_path / "server-registry.toml"
    path.write_text(f'[[models]]\nname = "served"\nbackend = "openai"\nurl = "{url}"\n{extra}\n', "utf-8")
    monkeypatch.setenv("DIGEST_REGISTRY", str(path))


@pytest.fixture(autouse=True)
def _fresh():
    yield
    unload_all()


# -- a real server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model = install_model("qwen2.5-coder-0.5b")
    log_path = tmp_path_factory.mktemp("server") / "server.log"  # a file: a full pipe would stall the server
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        str(default_threads()),
    ]
    log = open(log_path, "w")  # noqa: SIM115 - the server writes to it until the fixture ends
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not come up within 180 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.slow
def test_real_server_answers_through_the_registry(server, tmp_path, monkeypatch):
    use_registry(tmp_path, monkeypatch, server + "/v1", model="qwen2.5-coder-0.5b", timeout=300)
    gen = load_generator("served")
    out = gen.generate(
        [
            {"role": "system", "content": "Answer with one word."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        max_tokens=8,
    )
    assert "Paris" in out
    assert gen.generate("List the digits 1 to 5, one per line.", max_tokens=30, stop=["3"]).count("3") == 0
    assert 4 <= gen.count_tokens("Brussels and Seoul tighten relations.") <= 12  # the server's own tokenizer
    assert gen._tokenize_route.endswith("/extras/tokenize")
    status = {s.name: s for s in list_models()}["served"]
    assert status.ready and status.url == server + "/v1"
    assert verify_model("served").ready


@pytest.mark.slow
def test_real_server_too_slow_for_the_timeout(server, tmp_path, monkeypatch):
    use_registry(tmp_path, monkeypatch, server, timeout=0.3, retries=2)  # bare host:port gets /v1 added
    gen = load_generator("served")
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"did not answer within 0\.3 s") as err:
        gen.generate("Write a long story about a lighthouse keeper.", max_tokens=300)
    assert time.monotonic() - started < 5  # a read timeout is not retried
    assert "\n" not in str(err.value)


# -- servers that are down or misbehave --------------------------------------------------------


def test_server_that_is_down(tmp_path, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/v1"
    use_registry(tmp_path, monkeypatch, url, retries=1)
    gen = load_generator("served")  # creating the client does not connect
    with pytest.raises(ModelError, match=r"'served': cannot connect to .*is the server running\? \(after 2 attempts\)"):
        gen.generate("hello", max_tokens=4)
    status = {s.name: s for s in list_models()}["served"]
    assert not status.ready and "cannot reach" in status.detail


def test_server_that_never_answers(tmp_path, monkeypatch):
    with socket.socket() as black_hole:  # accepts connections, never replies
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(8)
        url = f"http://127.0.0.1:{black_hole.getsockname()[1]}"
        use_registry(tmp_path, monkeypatch, url, timeout=0.5, retries=2)
        started = time.monotonic()
        with pytest.raises(ModelError, match=r"did not answer within 0\.5 s"):
            load_generator("served").generate("hello", max_tokens=4)
        assert time.monotonic() - started < 3


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 twice, then a proper chat completion; 404 for anything but chat."""

    calls = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not self.path.endswith("/chat/completions"):
            self._send(404, b'{"error": {"message": "no such route"}}')
            return
        type(self).calls += 1
        if type(self).calls <= 2:
            self._send(503, b'{"error": {"message": "loading model"}}')
        else:
            self._send(200, b'{"choices": [{"message": {"role": "assistant", "content": "ready now"}}]}')

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_busy_server_is_retried_then_refusals_are_clear(tmp_path, monkeypatch):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        use_registry(tmp_path, monkeypatch, url, retries=2)
        gen = load_generator("served")
        assert gen.generate("hi", max_tokens=4) == "ready now"  # two 503s, then success
        assert _Flaky.calls == 3
        assert gen.count_tokens("abcdefgh") == 2  # no tokenize route: estimated from characters
        _Flaky.calls = -10  # now it keeps answering 503
        unload_all()
        use_registry(tmp_path, monkeypatch, url, retries=1)
        with pytest.raises(ModelError, match=r"answered HTTP 503: loading model \(after 2 attempts\)"):
            load_generator("served").generate("hi", max_tokens=4)
    finally:
        httpd.shutdown()
        httpd.server_close()
