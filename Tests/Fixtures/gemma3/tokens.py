"""Token ids of short texts under transformers' tokenizer for the Gemma 3 270M GGUF (its own metadata).

Run with the reference environment's Python: python Tests/Fixtures/gemma3/tokens.py
Writes tokens.json: for each text, the ids without special tokens and with them (BOS when the tokenizer adds it),
and the decoded text. The texts are written for this fixture.
"""
import json
import pathlib
import sys

from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[2] / ".cache/models/gemma3-270m/gemma-3-270m-q4_k_m.gguf"

TEXTS = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "A model learns to predict the next token from the ones before it.",
    "Numbers: 3.14159, 2,718 and -42; dates like 2024-05-01.",
    "unbelievably antidisestablishmentarianism reconsideration",
    "春天来了，花园里的花都开了。",
    "这个问题很难，但是我们可以一起解决。",
    "机器学习是人工智能的一个分支。",
    "我们今天下午三点在图书馆见面吧？",
    "Gemma 模型支持多种语言，包括中文和English。",
    "混合 text 与 标点: 「你好」, (ok) — 完成!",
    "日本語のテキストも少し。한국어도 조금.",
    "Emoji: 😀🎉👍🏽 and flags 🇫🇷🇯🇵!",
    "👨‍👩‍👧‍👦 family, ❤️ heart, 🧪 test",
    "Rare symbols: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ⟨x⟩ ∮ 𓀀 \ue000",
    "  leading spaces",
    "trailing spaces   ",
    "many     inner      spaces",
    "tabs\tand\t\ttabs",
    "line one\nline two\n\nline four\n\n\n",
    "   \n  \t \n",
    " ",
    "",
    "mixed\r\nwindows\rline endings",
    "<start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n",
    "HTML <table><tr><td>cell</td></tr></table>",
    "code: def f(x):\n    return x * 2  # double",
    "non-breaking\u00a0space and zero\u200bwidth",
    "ÀÉÎÕÜ àéîõü ß ø",
    "a" * 40,
    "▁already▁has▁metaspace",
]


def compact(out):
    """One line per text, so that the fixture reads as a table."""
    head = {k: v for k, v in out.items() if k != "cases"}
    lines = [json.dumps(case, ensure_ascii=False) for case in out["cases"]]
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}"


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    cases = []
    for text in TEXTS:
        plain = tokenizer(text, add_special_tokens=False)["input_ids"]
        full = tokenizer(text)["input_ids"]
        cases.append({"text": text, "ids": plain, "with_special": full,
                      "decoded": tokenizer.decode(plain, skip_special_tokens=False)})
    out = {"tokenizer": type(tokenizer).__name__, "bos": tokenizer.bos_token_id, "eos": tokenizer.eos_token_id,
           "vocab_size": len(tokenizer), "cases": cases}
    (HERE / "tokens.json").write_text(compact(out) + "\n")
    print(len(cases), "texts")


if __name__ == "__main__":
    main()
