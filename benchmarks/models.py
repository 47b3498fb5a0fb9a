"""Benchmark the local models: load time, prompt and generation speed, peak RAM; embedder throughput.

    .venv/bin/python benchmarks/models.py                   # llama.cpp on the 1.5B and 0.5B, the 1.5B over
                                                            # HTTP (llama_cpp.server), and the embedders
    .venv/bin/python benchmarks/models.py --with-transformers   # also transformers on the 1.5B GGUF (slow, ~9 GB)
    .venv/bin/python benchmarks/models.py --json            # one JSON object per line instead of a table

Each measurement runs in its own subprocess, so its peak RAM (ru_maxrss) is
its own and one model's pages do not slow the next. Weights are installed
(joined and verified) first, so load time is the "once cached" figure.

Speeds on a shared machine depend on what else runs: the load average at the
start is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# One fixed job of the kind digest gives the model: fuse sentences from several sources.
PROMPT = [
    {"role": "system", "content": "You write one factual news sentence from the sentences you are given."},
    {
        "role": "user",
        "content": (
            "These sentences from three reports state the same fact. Write one sentence that keeps every "
            "number and name, then explain in a short paragraph why the fact matters for Europe.\n"
            "[1] North Korea has sent around 10,000 soldiers to Russia, according to South Korean intelligence.\n"
            "[2] Some 10,000 North Korean troops are training in eastern Russia, Seoul said on Monday.\n"
            "[3] The European Union said the deployment of North Korean soldiers alongside Russian forces "
            "was a serious escalation of the war against Ukraine."
        ),
    },
]
MAX_TOKENS = 128
TARGETS = {"gen_tok_s": 18.0, "load_s": 5.0, "sentences_s": 200.0}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB


# -- children: one measurement each -------------------------------------------------------


def child_llama(name: str, max_tokens: int) -> dict:
    import llama_cpp

    from digest.models import load_generator

    started = time.perf_counter()
    gen = load_generator(name)
    load_s = time.perf_counter() - started
    ctx = gen._llm._ctx.ctx  # llama.cpp's own counters separate prompt from generation exactly
    llama_cpp.llama_perf_context_reset(ctx)
    text = gen.generate(PROMPT, max_tokens=max_tokens)
    perf = llama_cpp.llama_perf_context(ctx)
    return {
        "backend": "llama.cpp",
        "model": name,
        "threads": gen._llm.n_threads,
        "load_s": load_s,
        "prompt_tokens": perf.n_p_eval,
        "prompt_tok_s": perf.n_p_eval / (perf.t_p_eval_ms / 1000) if perf.t_p_eval_ms else None,
        "gen_tokens": perf.n_eval,
        "gen_tok_s": perf.n_eval / (perf.t_eval_ms / 1000) if perf.t_eval_ms else None,
        "peak_ram_mb": peak_rss_mb(),
        "sample": text[:160],
    }


def time_prompt_then_full(gen, max_tokens: int) -> tuple[float, str, float]:
    """(seconds of a 1-token request, the full answer, its seconds): for backends without split counters."""
    t0 = time.perf_counter()
    gen.generate(PROMPT, max_tokens=1)
    prompt_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    text = gen.generate(PROMPT, max_tokens=max_tokens)
    return prompt_s, text, time.perf_counter() - t0


def child_http(name: str, max_tokens: int) -> dict:
    """The OpenAI-compatible backend against llama-cpp-python's own server on 127.0.0.1.

    "Load" is the server's start until it answers. The server gives no split
    counters, so a 1-token request times the prompt; the full request that
    follows reuses the prompt the server already holds, so its time is the
    generation. Peak RAM is the server process's (VmHWM).
    """
    import socket

    import httpx

    from digest.models import install_model, load_generator
    from digest.models.base import default_threads

    model = install_model(name)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    threads = int(os.environ.get("DIGEST_THREADS") or default_threads())
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it until it is stopped
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
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
            "4096",
            "--n_threads",
            str(threads),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 180:
                raise RuntimeError("llama_cpp.server did not answer within 180 s")
            time.sleep(0.1)
        load_s = time.perf_counter() - started
        registry = Path(tempfile.mkdtemp()) / "registry.toml"
        registry.write_text(f'[[models]]\nname = "{name}-http"\nbackend = "openai"\nurl = "{url}"\n', "utf-8")
        os.environ["DIGEST_REGISTRY"] = str(registry)
        gen = load_generator(f"{name}-http")
        prompt_s, text, gen_s = time_prompt_then_full(gen, max_tokens)
        usage = httpx.post(
            f"{url}/v1/chat/completions",
            trust_env=False,
            timeout=120,
            json={"messages": PROMPT, "max_tokens": max_tokens, "temperature": 0, "seed": 0},
        ).json()["usage"]
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    n_prompt, n_gen = int(usage["prompt_tokens"]), int(usage["completion_tokens"])
    return {
        "backend": "openai-http",
        "model": name,
        "threads": threads,
        "load_s": load_s,
        "prompt_tokens": n_prompt,
        "prompt_tok_s": n_prompt / prompt_s,
        "gen_tokens": n_gen,
        "gen_tok_s": n_gen / gen_s if gen_s else None,
        "peak_ram_mb": int(hwm.group(1)) / 1024 if hwm else None,
        "sample": text[:160],
    }


def child_transformers(name: str, max_tokens: int) -> dict:
    """transformers has no split counters: time a 1-token run (the prompt) and a full run."""
    from digest.models import load_generator

    started = time.perf_counter()
    gen = load_generator(name)
    load_s = time.perf_counter() - started
    inputs = gen._encode([dict(m) for m in PROMPT])
    n_prompt = int(inputs["input_ids"].shape[1])
    prompt_s, text, full_s = time_prompt_then_full(gen, max_tokens)
    n_gen = gen.count_tokens(text)
    return {
        "backend": "transformers",
        "model": name,
        "threads": __import__("torch").get_num_threads(),
        "load_s": load_s,
        "prompt_tokens": n_prompt,
        "prompt_tok_s": n_prompt / prompt_s,
        "gen_tokens": n_gen,
        "gen_tok_s": (n_gen - 1) / max(full_s - prompt_s, 1e-9) if n_gen > 1 else None,
        "peak_ram_mb": peak_rss_mb(),
        "sample": text[:160],
    }


def bench_sentences() -> list[str]:
    """Real news sentences from the seed files (tags stripped), unique."""
    import html

    import nupunkt

    seen: dict[str, None] = {}
    for path in sorted((REPO / "seeds").glob("*.txt")):
        raw = path.read_text("utf-8", errors="replace")
        text = html.unescape(re.sub(r"<[^>]+>|\\[nrt]|\\u[0-9a-f]{4}", " ", raw))
        for sent in nupunkt.sent_tokenize(re.sub(r"\s+", " ", text)):
            words = sent.split()
            if 5 <= len(words) <= 60:
                seen.setdefault(" ".join(words), None)
    return list(seen)


def child_embedder(name: str, passes: int = 3) -> dict:
    from digest.models import load_embedder
    from digest.models.registry import get_entry

    entry = get_entry(None if name == "default" else name, "embedder")
    started = time.perf_counter()
    emb = load_embedder(entry.name)
    load_s = time.perf_counter() - started
    sentences = bench_sentences()
    encode = emb._encode  # bypass the per-run cache: every pass must really encode
    encode(sentences[:64])  # warm-up
    t0 = time.perf_counter()
    for _ in range(passes):
        encode(sentences)
    batched = passes * len(sentences) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for s in sentences[:64]:
        encode([s])
    single = 64 / (time.perf_counter() - t0)
    threads = getattr(emb, "threads", None) or __import__("torch").get_num_threads()
    return {
        "kind": "embedder",
        "backend": entry.backend,
        "model": emb.name,
        "default": name == "default",
        "threads": threads,
        "load_s": load_s,
        "sentences": len(sentences),
        "batch_size": emb.batch_size,
        "sentences_s": batched,
        "unbatched_sentences_s": single,
        "peak_ram_mb": peak_rss_mb(),
    }


# -- parent: install, spawn, print ------------------------------------------------------------


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env or os.environ.copy()
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        return {"backend": args[0], "model": args[1], "error": tail[0]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def transformers_registry(names: list[str]) -> Path:
    """A user registry running the joined GGUF files through transformers (`gguf_file=`)."""
    from digest.models import install_model

    lines = []
    for name in names:
        lines += [
            "[[models]]",
            f'name = "{name}-transformers"',
            'backend = "transformers"',
            f'path = "{install_model(name)}"',
            'prompt_format = "chat-template"',
            "max_input_tokens = 4096",
            "",
        ]
    fh = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)  # noqa: SIM115 - kept for the run
    fh.write("\n".join(lines))
    fh.close()
    return Path(fh.name)


def fmt(value, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def print_table(results: list[dict], load_avg: tuple[float, float, float], max_tokens: int) -> None:
    print(
        f"machine: {os.cpu_count()} CPUs, load average at start {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}"
    )
    print(f"prompt: fixed fusion job, greedy, max {max_tokens} new tokens\n")
    print(f"{'backend':<14}{'model':<34}{'load s':>8}{'prompt tok/s':>14}{'gen tok/s':>11}{'peak RAM':>11}")
    for r in results:
        if r.get("kind") == "embedder":
            continue
        if "error" in r:
            print(f"{r['backend']:<14}{r['model']:<34}  failed: {r['error']}")
            continue
        print(
            f"{r['backend']:<14}{r['model']:<34}{fmt(r['load_s'], '.2f'):>8}{fmt(r['prompt_tok_s']):>14}"
            f"{fmt(r['gen_tok_s']):>11}{fmt(r['peak_ram_mb'], '.0f'):>8} MB"
            f"   ({r['prompt_tokens']} prompt, {r['gen_tokens']} generated, {r['threads']} threads)"
        )
    for r in results:
        if r.get("kind") != "embedder":
            continue
        if "error" in r:
            print(f"\nembedder {r['model']}: failed: {r['error']}")
            continue
        print(
            f"\nembedder {r['model']} ({r['backend']}): {r['sentences_s']:.0f} sentences/s batched (batch {r['batch_size']}, "
            f"{r['sentences']} seed sentences), {r['unbatched_sentences_s']:.0f}/s one at a time, "
            f"load {r['load_s']:.2f} s, peak RAM {r['peak_ram_mb']:.0f} MB, {r['threads']} threads"
        )


def check_targets(results: list[dict], default_generator: str) -> list[str]:
    notes = []
    for r in results:
        if r.get("model") == default_generator and r.get("backend") == "llama.cpp" and "error" not in r:
            ok = (r["gen_tok_s"] or 0) >= TARGETS["gen_tok_s"]
            notes.append(
                f"default generator generation {fmt(r['gen_tok_s'])} tok/s (target >= {TARGETS['gen_tok_s']:.0f}): "
                f"{'met' if ok else 'MISSED'}"
            )
            ok = r["load_s"] <= TARGETS["load_s"]
            notes.append(
                f"default generator load {r['load_s']:.2f} s (target <= {TARGETS['load_s']:.0f}): {'met' if ok else 'MISSED'}"
            )
        if r.get("kind") == "embedder" and r.get("default") and "error" not in r:
            ok = r["sentences_s"] >= TARGETS["sentences_s"]
            notes.append(
                f"default embedder {r['model']} {r['sentences_s']:.0f} sentences/s (target >= {TARGETS['sentences_s']:.0f}): "
                f"{'met' if ok else 'MISSED'}"
            )
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models",
        default="qwen2.5-coder-1.5b,qwen2.5-coder-0.5b",
        help="comma-separated generator names for llama.cpp",
    )
    parser.add_argument(
        "--with-transformers",
        action="store_true",
        help="also run the first model's GGUF through transformers (about 1 min to load, ~9 GB RAM)",
    )
    parser.add_argument("--no-embedder", action="store_true")
    parser.add_argument(
        "--no-http", action="store_true", help="skip the OpenAI-compatible backend against a local llama_cpp.server"
    )
    parser.add_argument(
        "--embedders",
        default="minilm-l6-torch",
        help="comma-separated embedders to measure besides the default (the torch reference)",
    )
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS)
    parser.add_argument("--json", action="store_true", help="print one JSON object per result")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, name = args.child
        result = {
            "llama.cpp": lambda: child_llama(name, args.max_tokens),
            "transformers": lambda: child_transformers(name, args.max_tokens),
            "openai-http": lambda: child_http(name, args.max_tokens),
            "embedder": lambda: child_embedder(name),
        }[kind]()
        print(json.dumps(result))
        return 0

    from digest.models import install_model
    from digest.models.registry import load_registry

    load_avg = os.getloadavg()
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    for name in names:
        install_model(name)  # join and verify now, so load time below is the cached figure
    results = [run_child(["llama.cpp", name, "--max-tokens", str(args.max_tokens)]) for name in names]
    if not args.no_http:
        results.append(run_child(["openai-http", names[0], "--max-tokens", str(args.max_tokens)]))
    if args.with_transformers:
        registry = transformers_registry(names[:1])
        env = dict(os.environ, DIGEST_REGISTRY=str(registry))
        results.append(
            run_child(["transformers", f"{names[0]}-transformers", "--max-tokens", str(args.max_tokens)], env)
        )
        registry.unlink()
    if not args.no_embedder:
        install_model(load_registry().defaults.get("embedder"))  # export once, so load time is the cached figure
        results.append(run_child(["embedder", "default"]))
        for name in [n.strip() for n in args.embedders.split(",") if n.strip()]:
            results.append(run_child(["embedder", name]))

    if args.json:
        for r in results:
            print(json.dumps(r))
    else:
        print_table(results, load_avg, args.max_tokens)
        print()
        for note in check_targets(results, load_registry().defaults.get("generator", "")):
            print(note)
        if load_avg[0] > (os.cpu_count() or 1):
            print(f"note: the load average ({load_avg[0]:.1f}) exceeds the CPU count; other work was competing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
