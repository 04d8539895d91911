"""Logits and greedy continuations of transformers' Gemma 3 (loaded from the 270M GGUF, dequantized to float32).

Run with the reference environment's Python: python Tests/Fixtures/gemma3/logits.py
Writes logits.json (prompts, their ids with BOS, sampled vocabulary columns, top-10 ids per position, greedy
continuations) and logits-NAME.f32 (float32 logits at every position of the sampled columns, row-major
positions × columns). The prompts are written for this fixture; "long" is longer than the 512-token sliding
window, so its local layers must hide the keys beyond it.
"""
import json
import pathlib
import sys

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[2] / ".cache/models/gemma3-270m/gemma-3-270m-q4_k_m.gguf"
PROMPTS = {
    "english": "The river runs past the old mill, and every morning the baker",
    "chinese": "今天早上下了一场大雨，我们决定留在家里，",
    "long": " ".join(f"Line {i}: the square of {i} is {i * i}." for i in range(60)) + " Line 60: the square of 60 is",
}
COLUMNS = 2048
CONTINUATION = 12


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32)
    model.eval()
    config = model.config
    vocab = config.vocab_size
    rng = np.random.default_rng(7)
    columns = np.sort(rng.choice(vocab, COLUMNS, replace=False)).tolist()
    out = {"config": {k: getattr(config, k, None) for k in (
        "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size",
        "sliding_window", "rope_theta", "rope_local_base_freq", "query_pre_attn_scalar", "rms_norm_eps",
        "final_logit_softcapping", "attn_logit_softcapping", "hidden_activation", "layer_types")},
        "columns": columns, "prompts": {}}
    if getattr(config, "rope_parameters", None) is not None:
        out["config"]["rope_parameters"] = config.rope_parameters
    for name, text in PROMPTS.items():
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0].float().numpy()
            generated = model.generate(torch.tensor([ids]), max_new_tokens=CONTINUATION, do_sample=False,
                                       attention_mask=torch.ones(1, len(ids), dtype=torch.long))[0, len(ids):].tolist()
        keep = list(range(len(ids))) if name != "long" else [len(ids) - 1]
        sampled = np.ascontiguousarray(logits[keep][:, columns], dtype="<f4")
        (HERE / f"logits-{name}.f32").write_bytes(sampled.tobytes())
        top = np.argsort(-logits[keep], axis=1, kind="stable")[:, :10]
        out["prompts"][name] = {"text": text, "ids": ids, "positions": keep, "top10": top.tolist(),
                                "greedy": generated, "last_norm": float(np.linalg.norm(logits[-1]))}
        print(name, len(ids), "tokens; greedy:", repr(tokenizer.decode(generated)))
    (HERE / "logits.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
