"""Tiny SentencePiece tokenizers and their reference token ids, for qlab's tokenizer.model and tokenizer.json readers.

Run with the anchor environment's Python (sentencepiece, protobuf, transformers, tokenizers):

    ~/.cache/qlora-anchor/bin/python Tests/Fixtures/sentencepiece/make.py

Trains four models on text from Debian's fortune packages (fortunes-min, fortune-mod's English files, and the Tang
and Song poems of fortunes-zh), each with byte fallback and two user-defined pieces:

- bpe-nfkc: BPE, normalized by a compiled rule (nmt_nfkc restricted to the characters listed below, so that the
  compiled map stays a few kilobytes; the full nmt_nfkc map is 240 KB), extra whitespace removed;
- unigram-nfkc: the same as a unigram model;
- bpe-llama: BPE as LLaMA trains it (identity normalization, whitespace kept, digits split);
- bpe-noprefix: bpe-llama without the dummy prefix.

and writes bpe-ties, a hand-made BPE model (not trained) whose merged pieces share scores, so that which pair merges
first among equal scores decides the result (the library takes the leftmost), with an unused piece that is merged
into and split again.

For each it writes tokenizer.model and, for the BPE models, the tokenizer.json transformers' LlamaTokenizer converts it
to (non-legacy: Metaspace pre-tokenizer, prepend "first"), and cases.json: for every text, the ids of the sentencepiece
library (what the tokenizer.model means), of transformers' sentencepiece-backed slow tokenizer, of the fast tokenizer,
of the fast tokenizer rebuilt with the legacy components (normalizer Prepend + Replace, no pre-tokenizer) and with a
splitting Metaspace (prepend "always", split on), and the decodes of the library and of the fast tokenizer.
"""
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata

import sentencepiece as spm
import tokenizers
import transformers
from tokenizers import normalizers, pre_tokenizers
from transformers import LlamaTokenizer
from transformers.tokenization_utils_sentencepiece import SentencePieceBackend

HERE = os.path.dirname(os.path.abspath(__file__))
FORTUNES = "/usr/share/games/fortunes/"


def clean(name):
    text = open(FORTUNES + name, encoding="utf-8", errors="replace").read()
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colour escapes in fortunes-zh
    text = re.sub(r".\x08", "", text)  # overstriking
    return [line for line in text.split("\n") if line.strip() and line.strip() != "%"]


ENGLISH = sum((clean(n) for n in ["fortunes", "literature", "wisdom", "science", "people"]), [])
CHINESE = sum((clean(n) for n in ["tang300", "song100"]), [])
USER_DEFINED = ["<hr>", "<sep>"]

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "A fool and his money are soon parted; wisdom is not bought.",
    "床前明月光，疑是地上霜。",
    "今天天气很好，我们去公园散步吧。",
    "QLoRA 在 2023 年发布，NF4 量化很有效。",
    "I love 🦙 and 🐍! 👍🏽 ok",
    "  two leading spaces",
    "trailing spaces   ",
    "multiple    spaces   inside  here",
    "tab\tseparated\tvalues\t\tdouble",
    "line one\nline two\n\nparagraph\r\nwindows",
    " \t\n mixed whitespace \n\t ",
    " ",
    "\n",
    "Ω≈ç√∫ ñ ü ß œ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 龘靐齉 안녕하세요 مرحبا",
    "ＦＵＬＬ－ｗｉｄｔｈ　１２３ ① ﬁne ™",
    "before<hr>after <sep> x<hr>",
    "<hr>starts with a user piece",
    "<s>looks like control</s> <unk>",
    "1234567890 3.14159 2**10=1024",
    "▁already▁has▁metaspace",
    "mixed 中文 and English, 李白 wrote 静夜思 in 726.",
]

# Characters whose nmt_nfkc forms the compiled rule of the -nfkc models holds (the rest map to themselves).
RULE_CHARACTERS = (
    [chr(c) for c in range(0xFF01, 0xFF5F)]  # full-width ASCII
    + [chr(c) for c in range(0x2460, 0x2474)]  # circled numbers
    + list("\u3000\u00a0\u2002\u2003\u2009\t\n\r\u000b\u000c\u200b\ufeff")  # spaces, controls, invisible
    + list("ﬁﬂ™…＂｀°½²³ⅣⅫ㎏㈱")  # compatibility forms
)


def rule_tsv(nfkc_model):
    """nmt_nfkc's mapping of RULE_CHARACTERS, read off a model trained with it, as a normalization_rule_tsv."""
    sp = spm.SentencePieceProcessor(model_file=nfkc_model)
    lines = []
    for c in RULE_CHARACTERS:
        # Normalize "x" + c + "x" so that leading/trailing whitespace removal does not hide the mapping.
        out = sp.normalize("x" + c + "x")
        assert out.startswith("▁x") and out.endswith("x"), (c, out)
        mapped = out[2:-1].replace("▁", " ")
        if mapped != c:
            src = " ".join("%X" % ord(ch) for ch in c)
            dst = " ".join("%X" % ord(ch) for ch in mapped)
            lines.append(f"{src}\t{dst}")
    return "\n".join(lines) + "\n"


def train(**options):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(ENGLISH + CHINESE), model_writer=model, byte_fallback=True,
        character_coverage=0.98, user_defined_symbols=USER_DEFINED, num_threads=1, minloglevel=2,
        seed_sentencepiece_size=100000, shuffle_input_sentence=False, **options)
    return model.getvalue()


TIE_TEXTS = ["abc", "abcabc", "cab", "aabbcc", "a bc", "bcab", "abab", "xyz", "ba"]


def tie_model():
    """BPE pieces with equal scores: 'bc' is listed before 'ab', both -1; 'ba' is unused; 'bab' merges from it."""
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto()
    def add(text, score, kind=pb.ModelProto.SentencePiece.NORMAL):
        p = m.pieces.add()
        p.piece, p.score, p.type = text, score, kind
    add("<unk>", 0, pb.ModelProto.SentencePiece.UNKNOWN)
    add("<s>", 0, pb.ModelProto.SentencePiece.CONTROL)
    add("</s>", 0, pb.ModelProto.SentencePiece.CONTROL)
    for text, score in [("bc", -1), ("ab", -1), ("ca", -1), ("▁a", -2), ("bab", -3), ("▁", -4), ("a", -5), ("b", -6), ("c", -7)]:
        add(text, score)
    add("ba", -1.5, pb.ModelProto.SentencePiece.UNUSED)
    for b in range(256):
        add("<0x%02X>" % b, 0, pb.ModelProto.SentencePiece.BYTE)
    m.trainer_spec.model_type = pb.TrainerSpec.BPE
    m.trainer_spec.byte_fallback = True
    m.trainer_spec.vocab_size = len(m.pieces)
    m.normalizer_spec.name = "identity"
    m.normalizer_spec.add_dummy_prefix = True
    m.normalizer_spec.remove_extra_whitespaces = False
    return m.SerializeToString()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "nfkc.model")
        open(full, "wb").write(train(model_type="bpe", vocab_size=1000))
        # The trainer records the rule file's path in the model: a relative one keeps the model the same from run to run.
        os.chdir(tmp)
        tsv = "rule.tsv"
        open(tsv, "w").write(rule_tsv(full))
        models = {
            "bpe-nfkc": train(model_type="bpe", vocab_size=1000, normalization_rule_tsv=tsv),
            "unigram-nfkc": train(model_type="unigram", vocab_size=1000, normalization_rule_tsv=tsv),
            "bpe-llama": train(model_type="bpe", vocab_size=1000, normalization_rule_name="identity",
                               remove_extra_whitespaces=False, split_digits=True, allow_whitespace_only_pieces=True),
            "bpe-noprefix": train(model_type="bpe", vocab_size=1000, normalization_rule_name="identity",
                                  remove_extra_whitespaces=False, split_digits=True, allow_whitespace_only_pieces=True,
                                  add_dummy_prefix=False),
        }
        for name, model in models.items():
            out = os.path.join(HERE, name)
            os.makedirs(out, exist_ok=True)
            path = os.path.join(out, "tokenizer.model")
            open(path, "wb").write(model)
            sp = spm.SentencePieceProcessor(model_file=path)
            slow = SentencePieceBackend(vocab_file=path)
            cases = {"texts": TEXTS, "sentencepiece": [sp.encode(t) for t in TEXTS],
                     "sentencepiece_decode": [sp.decode(sp.encode(t)) for t in TEXTS],
                     "slow": [slow.encode(t, add_special_tokens=False) for t in TEXTS]}
            if name.startswith("bpe"):
                conv = os.path.join(tmp, name)
                os.makedirs(conv)
                shutil.copy(path, conv)
                fast = LlamaTokenizer.from_pretrained(conv)
                fast.save_pretrained(conv)
                shutil.copy(os.path.join(conv, "tokenizer.json"), out)
                backend = tokenizers.Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
                cases["fast"] = [backend.encode(t, add_special_tokens=False).ids for t in TEXTS]
                cases["fast_decode"] = [backend.decode(ids, skip_special_tokens=False) for ids in cases["fast"]]
                prefix = json.loads(backend.to_str())["pre_tokenizer"]["prepend_scheme"] != "never"
                variants = {
                    "legacy": {"normalizer": normalizers.Sequence(
                        ([normalizers.Prepend("▁")] if prefix else []) + [normalizers.Replace(" ", "▁")]),
                        "pre_tokenizer": None},
                    "split": {"normalizer": None, "pre_tokenizer": pre_tokenizers.Metaspace(
                        replacement="▁", prepend_scheme="always" if prefix else "never", split=True)},
                }
                components = {}
                for variant, parts in variants.items():
                    other = tokenizers.Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
                    other.normalizer = parts["normalizer"]
                    other.pre_tokenizer = parts["pre_tokenizer"]
                    cases[variant] = [other.encode(t, add_special_tokens=False).ids for t in TEXTS]
                    saved = json.loads(other.to_str())
                    components[variant] = {k: saved[k] for k in ("normalizer", "pre_tokenizer")}
                cases["variants"] = components
            with open(os.path.join(out, "cases.json"), "w") as f:
                json.dump(cases, f, ensure_ascii=False, separators=(",", ":"))
                f.write("\n")
    out = os.path.join(HERE, "bpe-ties")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "tokenizer.model")
    open(path, "wb").write(tie_model())
    sp = spm.SentencePieceProcessor(model_file=path)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"texts": TIE_TEXTS, "sentencepiece": [sp.encode(t) for t in TIE_TEXTS],
                   "sentencepiece_decode": [sp.decode(sp.encode(t)) for t in TIE_TEXTS]}, f, ensure_ascii=False)
        f.write("\n")
    print("sentencepiece", spm.__version__, "transformers", transformers.__version__, "tokenizers", tokenizers.__version__)


if __name__ == "__main__":
    main()
