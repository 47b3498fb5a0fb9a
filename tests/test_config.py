"""digest.toml: the documented keys parse, and every mistake gets its own clear line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from digest.config import Config, ConfigError, example_config, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_parses_and_resolves_paths_against_the_file(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            """
output_dir = "out"
state_db = "/var/lib/digest/state.db"
window_hours = 36
model = "qwen2.5-coder-0.5b"
words = 120

[[sources]]
path = "articles"
[[sources]]
feed = "https://example.org/rss.xml"
[[sources]]
wordpress = "https://blog.example.org"
[[sources]]
opml = "feeds.opml"
""",
        )
    )
    assert cfg.output_dir == tmp_path / "out"
    assert cfg.state_path == Path("/var/lib/digest/state.db")
    assert (cfg.window_hours, cfg.model, cfg.words) == (36, "qwen2.5-coder-0.5b", 120)
    assert [(s.kind, s.value) for s in cfg.sources] == [
        ("path", str(tmp_path / "articles")),
        ("feed", "https://example.org/rss.xml"),
        ("wordpress", "https://blog.example.org"),
        ("opml", str(tmp_path / "feeds.opml")),
    ]
    assert cfg.use_model


def test_defaults(tmp_path):
    cfg = load_config(write(tmp_path, '[[sources]]\npath = "news"\n'))
    assert cfg.window_hours == 24 and cfg.words == 150 and cfg.model is None
    assert cfg.fetch.request_seconds == 60 and cfg.fetch.run_seconds == 900
    assert cfg.output_dir == tmp_path / "digests" and cfg.state_path == tmp_path / "digests" / "state.db"
    assert not Config(model="none").use_model


def test_every_mistake_is_reported_on_its_own_line(tmp_path):
    path = write(
        tmp_path,
        """
window_hours = 0
words = "many"
colour = "blue"

[[sources]]
path = "a"
feed = "https://example.org/rss"
[[sources]]
feed = "ftp://example.org/rss"
[[sources]]
url = "https://example.org"
[[sources]]
""",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    lines = str(exc.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines)
    text = "\n".join(lines)
    assert "window_hours: Input should be greater than or equal to 1" in text
    assert "words: Input should be a valid integer" in text
    assert (
        "colour: unknown key (allowed: output_dir, state_db, window_hours, model, words, fetch, formats, delivery, sources)"
        in text
    )
    assert "sources[1]: needs exactly one of path, feed, wordpress, opml (got path, feed)" in text
    assert "sources[2].feed: must be an http:// or https:// URL, got 'ftp://example.org/rss'" in text
    assert "sources[3].url: unknown key" in text
    assert "sources[4]: needs exactly one of path, feed, wordpress, opml (got none)" in text
    assert len(lines) == 7


def test_unreadable_files_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"digest.toml: not valid TOML: "):
        load_config(write(tmp_path, "output_dir = \n"))
    bad = tmp_path / "latin.toml"
    bad.write_bytes('output_dir = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_example_config_is_valid_and_commented(tmp_path):
    text = example_config()
    assert text.count("#") > 10
    cfg = load_config(write(tmp_path, text))
    assert cfg.sources[0].kind == "path"
    # Every commented-out alternative is valid too once uncommented.
    uncommented = (
        "\n".join(
            line[2:] if line.startswith("# ") and "=" in line and not line.startswith("#   ") else line
            for line in text.splitlines()
        )
        .replace("# [[sources]]", "[[sources]]")
        .replace("# [fetch]", "[fetch]")
        .replace("# [delivery]", "[delivery]")
        .replace("# [delivery.email]", "[delivery.email]")
    )
    data = tomllib.loads(uncommented)
    assert {"state_db", "model", "formats"} <= data.keys() and len(data["sources"]) == 4
    assert data["fetch"] == {"request_seconds": 60, "run_seconds": 900}
    cfg = load_config(write(tmp_path, uncommented))
    assert (
        len(cfg.sources) == 4 and cfg.delivery.email is not None and cfg.delivery.email.password_env == "SMTP_PASSWORD"
    )


def test_a_config_without_sources_is_an_error(tmp_path):
    for text in ("", 'output_dir = "out"\n', "sources = []\n"):
        with pytest.raises(ConfigError, match=r"digest.toml: no sources: add at least one \[\[sources\]\] table"):
            load_config(write(tmp_path, text))


def test_fetch_deadlines(tmp_path):
    cfg = load_config(write(tmp_path, '[fetch]\nrequest_seconds = 5\nrun_seconds = 30\n\n[[sources]]\npath = "x"\n'))
    assert (cfg.fetch.request_seconds, cfg.fetch.run_seconds) == (5, 30)
    with pytest.raises(ConfigError, match=r"fetch.request_seconds: Input should be greater than 0"):
        load_config(write(tmp_path, '[fetch]\nrequest_seconds = 0\n\n[[sources]]\npath = "x"\n'))
    with pytest.raises(ConfigError, match=r"fetch.timeout: unknown key \(fetch takes request_seconds, run_seconds\)"):
        load_config(write(tmp_path, '[fetch]\ntimeout = 3\n\n[[sources]]\npath = "x"\n'))


def test_formats_and_delivery_are_validated(tmp_path):
    from digest.config import parse_config

    base = {"sources": [{"path": "x"}]}
    cfg = parse_config(base, base=tmp_path)
    assert cfg.formats == ["md", "json", "html"] and cfg.delivery.email is None
    assert parse_config({**base, "formats": ["md", "json"]}, base=tmp_path).formats == ["md", "json"]
    bad = {
        "formats": ["html"],
        "delivery": {"base_url": "ftp://x", "email": {"host": "h", "from": "a@b.c", "to": [], "password": "pw"}},
    }
    with pytest.raises(ConfigError) as exc:
        parse_config({**base, **bad}, base=tmp_path)
    text = str(exc.value)
    assert 'formats: must include "md" and "json"' in text
    assert "delivery.base_url: must be an http:// or https:// URL" in text
    assert "delivery.email: password: never in the file" in text and "pw" not in text
    with pytest.raises(ConfigError, match=r"delivery\.email\.from: not an e-mail address"):
        parse_config(
            {**base, "delivery": {"email": {"host": "h", "from": "a@b.c\nBcc: x@y.z", "to": ["x@y.z"]}}}, base=tmp_path
        )
    email = parse_config(
        {
            **base,
            "delivery": {
                "email": {"host": "smtp.example.org", "from": "Me <a@b.c>", "to": ["x@y.z"], "password_env": "PW"}
            },
        },
        base=tmp_path,
    ).delivery.email
    assert email is not None and (email.port, email.starttls, email.ssl) == (587, True, False)
