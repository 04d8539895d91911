"""Writes the tiny Qwen2 fixture: a byte-level BPE tokenizer of Qwen's kind trained here on text written for it
(NFC normalizer, Split with Qwen2's regex, ByteLevel without its own regex), transformers' ids for 31 texts
(English, Chinese, mixed, emoji, whitespace, decomposed accents), a random 2-layer Qwen2ForCausalLM (biases on
q, k and v drawn away from 0, tied embeddings, a sliding_window that use_sliding_window turns off), the same
model as a GGUF file (gguf-py's qwen2 tensor names and tokenizer keys, float32), its logits on one sequence,
6 batches, PEFT's initial adapter, and the losses, pre-clip gradient norms and step-0 adapter gradients of
6 LoRA steps with torch's AdamW: once on the float32 base and once on the base quantized by bitsandbytes
(NF4, double quantization, float32 compute).

Run with the anchor environment's Python (torch 2.15, transformers 5.25, tokenizers 0.23, peft 0.21,
bitsandbytes 0.50.2, gguf 0.19) from the repository root:
    THREADS=1 ~/.cache/qlora-anchor/bin/python Tests/Fixtures/qlora-reference/tiny-qwen2/make.py
"""
import json, os, sys
import numpy as np
import torch
import transformers, tokenizers, peft, bitsandbytes, gguf
from safetensors.torch import save_file
from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, decoders, trainers
from transformers import (AutoTokenizer, BitsAndBytesConfig, PreTrainedTokenizerFast, Qwen2Config,
                          Qwen2ForCausalLM)
from peft import LoraConfig, PeftModel, get_peft_model

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
here = os.path.dirname(os.path.abspath(__file__))
base = os.path.join(here, "base")
os.makedirs(base, exist_ok=True)
QWEN2_REGEX = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|"""
               r"""\s+(?!\S)|\s+""")

# 1. The tokenizer, trained on sentences written for this fixture.
corpus = [
    "The quick brown fox jumps over the lazy dog. It's a small model; we're testing how it splits words.",
    "I'll say it again: they've said that you'd have known. Don't stop, won't stop!",
    "Numbers like 12345 and 3.14159 are split one digit at a time, as are 2024-06-01 and 100%.",
    "def main():\n    print('hello world')\n    return 0\n\n",
    "今天天气很好，我们去公园散步吧。学习机器学习需要耐心和时间。",
    "中文和English混在一起的句子，也要正确地切分。模型训练了三个小时。",
    "Emoji 😀😃😄 and flags 🇨🇳🇺🇸, a family 👨‍👩‍👧 and a thumbs up 👍🏽.",
    "Café, naïve, résumé, coöperate: accented Latin letters.",
    "   leading spaces, trailing spaces   \n\n\nand blank lines\r\n\tand tabs\t\there.",
    "训练 数据 中 的 空格 ， 还有 标点 ！？",
] * 20
tok = Tokenizer(models.BPE())
tok.normalizer = normalizers.NFC()
tok.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Split(Regex(QWEN2_REGEX), behavior="isolated", invert=False),
    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
])
tok.decoder = decoders.ByteLevel()
specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                              show_progress=False)
tok.train_from_iterator(corpus, trainer=trainer)
fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
fast.save_pretrained(base)
hf = AutoTokenizer.from_pretrained(base)

# 2. transformers' ids for texts written for this test (none of them in the corpus as such).
texts = [
    "Hello, world! This is a test.",
    "IT'S THE END OF THE WORLD AS WE KNOW IT, and I'M fine. You'RE sure? They'Ve 'LL 'D",
    "the cat's toy, the dogs' bowls, 'quoted', rock'n'roll, o'clock",
    "我爱自然语言处理。今天是星期三，天气晴朗。",
    "混合 mixed 文本 text，带标点!和数字123。",
    "😀 smile 👍🏽 thumbs 👨‍👩‍👧 family 🇨🇳 flag ✨✨✨",
    "    four spaces, then\ttab\t\tand\n\n\nthree newlines\r\nCRLF  \n  \n",
    "trailing   ",
    "   ",
    "\n",
    " \n \n x",
    "a\u00a0b\u3000c\u2028d\u0085e",
    "Cafe\u0301 nai\u0308ve re\u0301sume\u0301 \u212b \u1100\u1161\u11a8",
    "Café naïve résumé",
    "12345 678.90 １２３ ⅫⅣ x² ½ ٣٤٥",
    "हिन्दी में लिखा गया वाक्य। العربية نص. Ελληνικά κείμενο. русский текст",
    "日本語のテキスト、カタカナとひらがな。한국어 문장입니다.",
    "!!!\n\n...\r\n???  ---",
    "foo.bar(baz) => {x: 1, y: [2, 3]}; // comment\n",
    "<|im_start|>user\nHow are you?<|im_end|>\n<|im_start|>assistant\n",
    "'s 'S 'ſ 'st 'ſt 're 'rE 'll 'LL 'd 'x",
    "HE'LLo THEY'REady 'Sx 'ſx I'Mx WE'Ve'D 'The 'There",
    "$100 #tag @user https://example.com/path?q=1&r=2",
    "a  b   c    d",
    " leading space and  double",
    "\t\tindented\n\t\tcode",
    "ﬁ ﬂ ligatures and ＡＢＣ fullwidth",
    "word\u200bjoiner zero\u200dwidth",
    "emoji🙂inside汉字mixed",
    "Ünïcödé ÀÉÎÕÜ",
    "",
]
ids = [hf(t, add_special_tokens=False)["input_ids"] for t in texts]
round_trips = [hf.decode(i) for i in ids]
with open(os.path.join(here, "tokens.json"), "w") as f:
    json.dump({"texts": texts, "ids": ids, "decoded": round_trips}, f, ensure_ascii=False, indent=0)

# 3. The model.
torch.manual_seed(0)
TOKENS = len(hf)
VOCAB, SEQ, BATCH, STEPS = 448, 32, 4, 6
config = Qwen2Config(
    vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-6,
    rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0},
    use_sliding_window=False, sliding_window=8, max_window_layers=1, tie_word_embeddings=True,
    bos_token_id=None, eos_token_id=hf.convert_tokens_to_ids("<|im_end|>"),
    pad_token_id=hf.convert_tokens_to_ids("<|endoftext|>"),
)
config._attn_implementation = "eager"
model = Qwen2ForCausalLM(config).float().eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name:
            p.copy_(1 + torch.randn_like(p) * 0.3)
        elif name.endswith(".bias"):
            # Qwen2 starts its biases at 0; large ones make the bias handling visible.
            p.copy_(torch.randn_like(p) * 0.5)
        else:
            p.copy_(torch.randn_like(p) * 0.08)
state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
save_file(state, os.path.join(base, "model.safetensors"), metadata={"format": "pt"})
config.save_pretrained(base)

# 4. The same model as GGUF, named as gguf-py names qwen2 tensors; the tokenizer as llama.cpp's converter stores it.
w = gguf.GGUFWriter(os.path.join(here, "model.gguf"), "qwen2")
w.add_context_length(config.max_position_embeddings)
w.add_embedding_length(config.hidden_size)
w.add_block_count(config.num_hidden_layers)
w.add_feed_forward_length(config.intermediate_size)
w.add_head_count(config.num_attention_heads)
w.add_head_count_kv(config.num_key_value_heads)
w.add_rope_freq_base(1_000_000.0)
w.add_layer_norm_rms_eps(config.rms_norm_eps)
w.add_file_type(gguf.LlamaFileType.ALL_F32)
w.add_tokenizer_model("gpt2")
w.add_tokenizer_pre("qwen2")
vocab = hf.get_vocab()
by_id = {i: t for t, i in vocab.items()}
added = {t.content: t for t in hf.backend_tokenizer.get_added_tokens_decoder().values()}
tokens, types = [], []
for i in range(VOCAB):
    if i not in by_id:
        tokens.append(f"[PAD{i}]"); types.append(gguf.TokenType.UNUSED)
    elif by_id[i] in added:
        tokens.append(by_id[i]); types.append(gguf.TokenType.CONTROL if added[by_id[i]].special else gguf.TokenType.USER_DEFINED)
    else:
        tokens.append(by_id[i]); types.append(gguf.TokenType.NORMAL)
w.add_token_list(tokens)
w.add_token_types(types)
merges = json.load(open(os.path.join(base, "tokenizer.json")))["model"]["merges"]
w.add_token_merges([" ".join(m) if isinstance(m, list) else m for m in merges])
w.add_eos_token_id(config.eos_token_id)
w.add_pad_token_id(config.pad_token_id)
names = {"self_attn.q_proj": gguf.MODEL_TENSOR.ATTN_Q, "self_attn.k_proj": gguf.MODEL_TENSOR.ATTN_K,
         "self_attn.v_proj": gguf.MODEL_TENSOR.ATTN_V, "self_attn.o_proj": gguf.MODEL_TENSOR.ATTN_OUT,
         "mlp.gate_proj": gguf.MODEL_TENSOR.FFN_GATE, "mlp.up_proj": gguf.MODEL_TENSOR.FFN_UP,
         "mlp.down_proj": gguf.MODEL_TENSOR.FFN_DOWN, "input_layernorm": gguf.MODEL_TENSOR.ATTN_NORM,
         "post_attention_layernorm": gguf.MODEL_TENSOR.FFN_NORM}
assert all(t in gguf.MODEL_TENSORS[gguf.MODEL_ARCH.QWEN2] for t in names.values())
for key, value in state.items():
    if key == "model.embed_tokens.weight":
        name = gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.TOKEN_EMBD] + ".weight"
    elif key == "model.norm.weight":
        name = gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.OUTPUT_NORM] + ".weight"
    else:
        parts = key.split(".")
        layer, module, kind = int(parts[2]), ".".join(parts[3:-1]), parts[-1]
        name = gguf.TENSOR_NAMES[names[module]].format(bid=layer) + "." + kind
    w.add_tensor(name, value.numpy().astype(np.float32))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()

# 5. Batches: random token runs with right padding, labels on the last two thirds of each sequence.
g = torch.Generator().manual_seed(42)
batches = {}
for s in range(STEPS):
    ids_ = torch.randint(3, TOKENS, (BATCH, SEQ), generator=g)
    mask = torch.ones(BATCH, SEQ, dtype=torch.long)
    labels = ids_.clone()
    for b in range(BATCH):
        length = int(torch.randint(SEQ // 2, SEQ + 1, (1,), generator=g))
        ids_[b, length:] = config.pad_token_id
        mask[b, length:] = 0
        labels[b, length:] = -100
        labels[b, : length // 3] = -100
    batches[f"step{s:03d}_input_ids"] = ids_
    batches[f"step{s:03d}_attention_mask"] = mask
    batches[f"step{s:03d}_labels"] = labels
save_file(batches, os.path.join(here, "batches.safetensors"))

# 6. transformers' logits of the base on the first sequence of the first batch (unpadded part).
length = int(batches["step000_attention_mask"][0].sum())
with torch.no_grad():
    logits = model(input_ids=batches["step000_input_ids"][:1, :length]).logits[0]
save_file({"input_ids": batches["step000_input_ids"][0, :length].contiguous(), "logits": logits.contiguous()},
          os.path.join(here, "logits.safetensors"))

# 7. The starting adapter: PEFT's, with B drawn non-zero so the first step's A gradients are not zero.
targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=targets,
                                              task_type="CAUSAL_LM"))
with torch.no_grad():
    for name, p in peft_model.named_parameters():
        if "lora_B" in name:
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
peft_model.save_pretrained(os.path.join(here, "adapter_init"))


def train(pm):
    params = [p for p in pm.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    pm.train()
    losses, norms, grads0 = [], [], {}
    for s in range(STEPS):
        out = pm(input_ids=batches[f"step{s:03d}_input_ids"], attention_mask=batches[f"step{s:03d}_attention_mask"],
                 labels=batches[f"step{s:03d}_labels"])
        opt.zero_grad()
        out.loss.backward()
        if s == 0:
            for name, p in pm.named_parameters():
                if p.requires_grad:
                    grads0[name.replace(".default", "")] = p.grad.detach().float().clone().contiguous()
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, 0.3)))
        opt.step()
        losses.append(float(out.loss))
    return losses, norms, grads0


settings = {"r": 4, "lora_alpha": 8, "lr": 1e-3, "optimizer": "torch.optim.AdamW", "betas": [0.9, 0.999], "eps": 1e-8,
            "weight_decay": 0.0, "max_grad_norm": 0.3, "lr_schedule": "constant", "steps": STEPS, "batch_size": BATCH,
            "seq_len": SEQ}
versions = {"torch": torch.__version__, "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
            "peft": peft.__version__, "bitsandbytes": bitsandbytes.__version__, "python": sys.version.split()[0]}

# 8. LoRA on the float32 base.
losses, norms, grads0 = train(peft_model)
save_file(grads0, os.path.join(here, "grads_step0.safetensors"))
peft_model.save_pretrained(os.path.join(here, "adapter_final"))
reference = {"config": dict(settings, dtype="float32", quantization="none"), "versions": versions,
             "losses": losses, "grad_norms_preclip": norms}

# 9. QLoRA: the base quantized by bitsandbytes, the same starting adapter and steps.
q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                       bnb_4bit_compute_dtype=torch.float32)
qbase = Qwen2ForCausalLM.from_pretrained(base, quantization_config=q, dtype=torch.float32, device_map={"": "cpu"})
qbase.config.use_cache = False
qpeft = PeftModel.from_pretrained(qbase, os.path.join(here, "adapter_init"), is_trainable=True)
qlosses, qnorms, _ = train(qpeft)
nf4 = {"config": dict(settings, dtype="float32", quantization="nf4, double quantization, blocks of 64"),
       "versions": versions, "losses": qlosses, "grad_norms_preclip": qnorms}
for d in ["adapter_init", "adapter_final"]:
    readme = os.path.join(here, d, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
with open(os.path.join(here, "reference-nf4.json"), "w") as f:
    json.dump(nf4, f, indent=1)
print(json.dumps({"float32": losses, "nf4": qlosses}))
