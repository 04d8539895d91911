"""Writes the tiny Gemma 3 LoRA fixture: a random 3-layer Gemma 3 text model (local, global, local
attention; sliding window 8 over 32-token sequences), 6 batches, PEFT's initial adapter, and the losses,
pre-clip gradient norms and step-0 adapter gradients of 6 LoRA steps with torch's AdamW.

Run with the reference environment's Python (torch, transformers 5.25, peft 0.21, safetensors) from this
directory: `python make.py`. Everything is float32 on CPU; the base is not quantized.
"""
import json, math, os
import numpy as np
import torch
from safetensors.torch import save_file
from transformers import Gemma3ForCausalLM, Gemma3TextConfig
from peft import LoraConfig, get_peft_model

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
VOCAB, SEQ, BATCH, STEPS = 300, 32, 4, 6
config = Gemma3TextConfig(
    vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
    num_attention_heads=4, num_key_value_heads=1, head_dim=16, max_position_embeddings=128,
    rms_norm_eps=1e-6, sliding_window=8, query_pre_attn_scalar=24,
    layer_types=["sliding_attention", "full_attention", "sliding_attention"],
    rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1_000_000.0},
                     "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}},
    final_logit_softcapping=None, attn_logit_softcapping=None,
    bos_token_id=2, eos_token_id=1, pad_token_id=0, tie_word_embeddings=True,
    hidden_activation="gelu_pytorch_tanh", attention_bias=False,
)
config._attn_implementation = "eager"
model = Gemma3ForCausalLM(config).float().eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name:
            # Gemma initializes norm weights to 0 (a factor of 1 + 0); random ones make the 1 + w visible.
            p.copy_(torch.randn_like(p) * 0.3)
        else:
            p.copy_(torch.randn_like(p) * 0.08)
os.makedirs(os.path.join(here, "base"), exist_ok=True)
state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
save_file(state, os.path.join(here, "base", "model.safetensors"), metadata={"format": "pt"})
config.save_pretrained(os.path.join(here, "base"))

# Batches: random token runs with right padding, labels on the second half of each sequence.
g = torch.Generator().manual_seed(42)
batches = {}
for s in range(STEPS):
    ids = torch.randint(3, VOCAB, (BATCH, SEQ), generator=g)
    ids[:, 0] = 2
    mask = torch.ones(BATCH, SEQ, dtype=torch.long)
    labels = ids.clone()
    for b in range(BATCH):
        length = int(torch.randint(SEQ // 2, SEQ + 1, (1,), generator=g))
        ids[b, length:] = 0
        mask[b, length:] = 0
        labels[b, length:] = -100
        labels[b, : length // 3] = -100
    batches[f"step{s:03d}_input_ids"] = ids
    batches[f"step{s:03d}_attention_mask"] = mask
    batches[f"step{s:03d}_labels"] = labels
save_file(batches, os.path.join(here, "batches.safetensors"))

targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
peft = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=targets, task_type="CAUSAL_LM"))
with torch.no_grad():
    for name, p in peft.named_parameters():
        if "lora_B" in name:
            # PEFT starts B at zero; a non-zero B makes the first step's A gradients non-zero too.
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
peft.save_pretrained(os.path.join(here, "adapter_init"))

params = [p for p in peft.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
peft.train()
losses, norms, grads0 = [], [], {}
for s in range(STEPS):
    out = peft(input_ids=batches[f"step{s:03d}_input_ids"], attention_mask=batches[f"step{s:03d}_attention_mask"],
               labels=batches[f"step{s:03d}_labels"])
    opt.zero_grad()
    out.loss.backward()
    if s == 0:
        for name, p in peft.named_parameters():
            if p.requires_grad:
                grads0[name.replace(".default", "")] = p.grad.detach().clone().contiguous()
    norms.append(float(torch.nn.utils.clip_grad_norm_(params, 0.3)))
    opt.step()
    losses.append(float(out.loss))
save_file(grads0, os.path.join(here, "grads_step0.safetensors"))
peft.save_pretrained(os.path.join(here, "adapter_final"))
for d in ["adapter_init", "adapter_final"]:
    readme = os.path.join(here, d, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
reference = {"config": {"r": 4, "lora_alpha": 8, "lr": 1e-3, "optimizer": "torch.optim.AdamW", "betas": [0.9, 0.999],
                        "eps": 1e-8, "weight_decay": 0.0, "max_grad_norm": 0.3, "lr_schedule": "constant",
                        "steps": STEPS, "batch_size": BATCH, "seq_len": SEQ, "dtype": "float32", "quantization": "none"},
             "losses": losses, "grad_norms_preclip": norms}
with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
print(json.dumps(reference))
