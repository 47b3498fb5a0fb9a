"""The transformers backend on tiny models the tests build and train themselves.

No model hub: a sentencepiece tokenizer is trained on the seed texts for a
tiny T5, a byte-level BPE tokenizer for a tiny GPT-2, and each model is
trained for a few steps to memorise one answer. Saved to a folder, loaded
back through a registry entry, each must give that answer, which it can only
do if the backend feeds it the prompt exactly as it was trained.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from digest.models import Generator, ModelError, load_generator, unload_all  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = "\n".join(p.read_text("utf-8", errors="replace") for p in sorted((REPO / "seeds").glob("*.txt")))

# Two examples each, so the answer depends on the prompt reaching the model intact.
T5_PAIRS = [
    ("summarize: Brussels and Seoul tighten relations", "Seoul and Brussels"),
    ("summarize: North Korean soldiers fight alongside Russian troops", "soldiers in Russia"),
]
T5_INPUT, T5_ANSWER = T5_PAIRS[0]
CAUSAL_PAIRS = [("Which city?", " Seoul, South Korea."), ("Which union?", " The European Union.")]
CAUSAL_QUESTION, CAUSAL_ANSWER = CAUSAL_PAIRS[0]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def _train(model, batches: list[dict], steps: int) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)  # tiny tensors: more threads only add contention
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        loss = sum(model(**batch).loss for batch in batches)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def build_tiny_t5(folder: Path) -> Path:
    import sentencepiece as spm
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    corpus.write_text(SEED_TEXT + "\n" + "\n".join(a + "\n" + b for a, b in T5_PAIRS) + "\n", "utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "spiece"),
        vocab_size=400,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        character_coverage=1.0,
        minloglevel=2,
    )
    corpus.unlink()
    (folder / "spiece.vocab").unlink(missing_ok=True)
    tok = T5Tokenizer.from_pretrained(str(folder), extra_ids=0, legacy=False)
    torch.manual_seed(0)
    config = T5Config(
        vocab_size=len(tok),
        d_model=32,
        d_ff=64,
        d_kv=8,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        decoder_start_token_id=tok.pad_token_id,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
    )
    model = T5ForConditionalGeneration(config)
    batches = [
        {"input_ids": tok(src, return_tensors="pt").input_ids, "labels": tok(dst, return_tensors="pt").input_ids}
        for src, dst in T5_PAIRS
    ]
    _train(model, batches, steps=60)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    # Leave only the sentencepiece model, as older T5/PEGASUS checkpoints do: the
    # backend must build the tokenizer from spiece.model itself.
    (folder / "tokenizer.json").unlink(missing_ok=True)
    return folder


def build_tiny_causal(folder: Path) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<|endoftext|>", "<|user|>", "<|assistant|>", "<|system|>", "<|end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        [SEED_TEXT, *(q + a for q, a in CAUSAL_PAIRS)],
        trainers.BpeTrainer(
            vocab_size=500, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=specials[1:],
    )
    tok.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=len(tok),
        n_positions=128,
        n_embd=32,
        n_layer=2,
        n_head=4,
        bos_token_id=tok.eos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    batches = []
    for question, answer in CAUSAL_PAIRS:
        prompt = tok.apply_chat_template(
            [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True
        )
        ids = tok(prompt + answer + "<|endoftext|>", return_tensors="pt", add_special_tokens=False).input_ids
        batches.append({"input_ids": ids, "labels": ids})
    _train(model, batches, steps=60)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-hf")
    t5 = build_tiny_t5(root / "tiny-t5")
    causal = build_tiny_causal(root / "tiny-gpt2")
    registry = root / "registry.toml"
    registry.write_text(
        f"""
[[models]]
name = "tiny-t5"
backend = "transformers"
path = "{t5.name}"
[[models]]
name = "tiny-gpt2"
backend = "transformers"
path = "{causal.name}"
[[models]]
name = "tiny-gpt2-plain"
backend = "transformers"
prompt_format = "plain"
path = "{causal.name}"
""",
        "utf-8",
    )
    return {"root": root, "registry": registry, "t5": t5, "causal": causal}


@pytest.fixture
def registry(tiny_models, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGEST_REGISTRY", str(tiny_models["registry"]))
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "cache"))
    yield tiny_models
    unload_all()


def test_the_t5_folder_is_seq2seq_with_a_sentencepiece_tokenizer(tiny_models):
    files = {p.name for p in tiny_models["t5"].iterdir()}
    assert {"config.json", "spiece.model", "model.safetensors"} <= files
    assert json.loads((tiny_models["t5"] / "config.json").read_text())["is_encoder_decoder"] is True


def test_seq2seq_model_loads_through_the_registry_and_answers(registry):
    gen = load_generator("tiny-t5")
    assert isinstance(gen, Generator) and gen.seq2seq
    for source, summary in T5_PAIRS:
        assert gen.generate(source, max_tokens=16) == summary
    # chat messages become one input text for a seq2seq model
    assert gen.generate([{"role": "user", "content": T5_INPUT}], max_tokens=16) == T5_ANSWER
    assert gen.generate(T5_INPUT, max_tokens=16, stop=[" and"]) == "Seoul"
    assert gen.count_tokens(T5_ANSWER) == len(gen._tok(T5_ANSWER, add_special_tokens=False).input_ids) > 1


def test_causal_model_uses_its_chat_template(registry):
    gen = load_generator("tiny-gpt2")
    assert not gen.seq2seq
    for question, answer in CAUSAL_PAIRS:
        assert gen.generate([{"role": "user", "content": question}], max_tokens=20) == answer.strip()
    rendered = gen._encode([{"role": "user", "content": CAUSAL_QUESTION}])["input_ids"][0]
    assert gen._tok.decode(rendered) == f"<|user|>{CAUSAL_QUESTION}<|end|><|assistant|>"
    assert gen.generate(CAUSAL_QUESTION, max_tokens=20, stop=[","]) == "Seoul"
    assert load_generator("tiny-gpt2") is gen  # loaded once per process
    # prompt_format = "plain" ignores the template and writes a role-labelled transcript
    plain = load_generator("tiny-gpt2-plain")
    rendered = plain._encode([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    assert plain._tok.decode(rendered["input_ids"][0]) == "System: Be brief.\nUser: Hi\nAssistant:"


def test_causal_context_overflow_is_a_clear_error(registry):
    gen = load_generator("tiny-gpt2")
    with pytest.raises(ModelError, match="exceed its context of 128"):
        gen.generate(SEED_TEXT[:2000], max_tokens=20)


def test_bad_messages_are_rejected(registry):
    gen = load_generator("tiny-gpt2")
    with pytest.raises(ModelError, match="needs role"):
        gen.generate([{"role": "tool", "content": "x"}])
    with pytest.raises(ModelError, match="no messages"):
        gen.generate([])


def test_broken_weights_folder_is_a_clear_error(tiny_models, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((tiny_models["causal"] / "config.json").read_text())
    registry = tmp_path / "r.toml"
    registry.write_text(f'[[models]]\nname = "broken"\nbackend = "transformers"\npath = "{broken}"\n')
    monkeypatch.setenv("DIGEST_REGISTRY", str(registry))
    with pytest.raises(ModelError, match="transformers cannot load .*broken") as err:
        load_generator("broken")
    assert "\n" not in str(err.value)


NO_HUB = """
import sys
from digest.models import load_embedder, load_generator
vec = load_embedder().embed(["offline check"])
assert vec.shape == (1, 384), vec.shape
gen = load_generator(sys.argv[1])
print(repr(gen.generate(sys.argv[2], max_tokens=int(sys.argv[3]))))
"""


def unreachable_hub_env(**extra: str) -> dict[str, str]:
    """The environment of a machine whose model hub (and any proxy) is unreachable."""
    env = dict(os.environ)
    dead = "http://127.0.0.1:9"
    env.update(
        HF_ENDPOINT=dead,
        HTTPS_PROXY=dead,
        HTTP_PROXY=dead,
        https_proxy=dead,
        http_proxy=dead,
        ALL_PROXY=dead,
        NO_PROXY="",
        no_proxy="",
        HF_HUB_OFFLINE="0",
        TRANSFORMERS_OFFLINE="0",
        HF_HOME=extra.pop("HF_HOME"),
        **extra,
    )
    return env


def test_no_hub_needed_for_embedder_and_a_local_generator(registry, tmp_path):
    env = unreachable_hub_env(HF_HOME=str(tmp_path / "empty-hf-home"), DIGEST_REGISTRY=str(registry["registry"]))
    done = subprocess.run(
        [sys.executable, "-c", NO_HUB, "tiny-t5", T5_INPUT, "16"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == repr(T5_ANSWER)
