"""Writes reference-nf4.json: the tiny Gemma 3 fixture's six LoRA steps (make.py's base, starting adapter, batches
and settings) with the base quantized by bitsandbytes (NF4, double quantization, blocks of 64, float32 compute):
the losses and pre-clip gradient norms, as QLoRA trains.

Run with the anchor environment's Python (torch 2.15, transformers 5.25, peft 0.21, bitsandbytes 0.50.2) from the
repository root, after make.py:
    THREADS=1 ~/.cache/qlora-anchor/bin/python Tests/Fixtures/qlora-reference/tiny-gemma3/make_nf4.py
"""
import json, os, sys
import torch, transformers, peft, bitsandbytes
from safetensors.torch import load_file
from transformers import BitsAndBytesConfig, Gemma3ForCausalLM
from peft import PeftModel

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
here = os.path.dirname(os.path.abspath(__file__))
batches = load_file(os.path.join(here, "batches.safetensors"))
STEPS = 6
q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                       bnb_4bit_compute_dtype=torch.float32)
base = Gemma3ForCausalLM.from_pretrained(os.path.join(here, "base"), quantization_config=q, dtype=torch.float32,
                                         device_map={"": "cpu"}, attn_implementation="eager")
base.config.use_cache = False
pm = PeftModel.from_pretrained(base, os.path.join(here, "adapter_init"), is_trainable=True)
params = [p for p in pm.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
pm.train()
losses, norms = [], []
for s in range(STEPS):
    out = pm(input_ids=batches[f"step{s:03d}_input_ids"].long(), attention_mask=batches[f"step{s:03d}_attention_mask"].long(),
             labels=batches[f"step{s:03d}_labels"].long())
    opt.zero_grad()
    out.loss.backward()
    norms.append(float(torch.nn.utils.clip_grad_norm_(params, 0.3)))
    opt.step()
    losses.append(float(out.loss.detach()))
reference = {"config": {"r": 4, "lora_alpha": 8, "lr": 1e-3, "optimizer": "torch.optim.AdamW", "betas": [0.9, 0.999],
                        "eps": 1e-8, "weight_decay": 0.0, "max_grad_norm": 0.3, "lr_schedule": "constant", "steps": STEPS,
                        "dtype": "float32", "quantization": "nf4, double quantization, blocks of 64"},
             "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                          "bitsandbytes": bitsandbytes.__version__, "python": sys.version.split()[0]},
             "losses": losses, "grad_norms_preclip": norms}
with open(os.path.join(here, "reference-nf4.json"), "w") as f:
    json.dump(reference, f, indent=1)
print(json.dumps(reference["losses"]))
