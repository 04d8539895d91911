"""PEFT's run of the tiny-llama reference QLoRA training on the CPU, in float32 and as QLoRA trains with
bfloat16 (qlora.py's --bf16: bnb_4bit_compute_dtype=bfloat16, LoRA layers in bfloat16, the step under autocast).

Run from the repository root with the anchor environment (torch, transformers, peft, bitsandbytes):
    THREADS=1 ~/.cache/qlora-anchor/bin/python Tests/Fixtures/qlora-reference/tiny-llama/peft-bf16/make.py
Writes losses.json beside this script: the 40 losses of each run and the versions used. Same base, starting
adapter, batches and settings as ../r8_a16_lr1e-3_all_dq (r 8, alpha 16, no dropout, all 7 projections,
NF4 + double quantization, blocks of 64, Adam 32-bit lr 1e-3 betas 0.9/0.999 eps 1e-8, no weight decay,
clip 0.3, constant schedule); Adam is torch's AdamW (the reference's paged AdamW32bit needs CUDA)."""
import json, os, sys
import torch, transformers, peft, bitsandbytes
from safetensors.torch import load_file
from transformers import BitsAndBytesConfig, LlamaForCausalLM
from peft import PeftModel

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
batches = load_file(os.path.join(root, "batches.safetensors"))


def run(compute):
    q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                           bnb_4bit_compute_dtype=compute)
    m = LlamaForCausalLM.from_pretrained(os.path.join(root, "base"), quantization_config=q, torch_dtype=compute,
                                         device_map={"": "cpu"})
    m.config.use_cache = False
    pm = PeftModel.from_pretrained(m, os.path.join(root, "r8_a16_lr1e-3_all_dq", "adapter_init"), is_trainable=True)
    if compute == torch.bfloat16:  # as qlora.py with --bf16
        for n, mod in pm.named_modules():
            if "lora_" in n:
                mod.to(torch.bfloat16)
    params = [p for p in pm.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    losses = []
    for step in range(40):
        s = f"step{step:03d}"
        ids, mask, labels = (batches[s + k].long() for k in ("_input_ids", "_attention_mask", "_labels"))
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=compute == torch.bfloat16):
            out = pm(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.3)
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(float(out.loss))
    return losses


result = {
    "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                 "bitsandbytes": bitsandbytes.__version__, "python": sys.version.split()[0]},
    "threads": torch.get_num_threads(),
    "float32": run(torch.float32),
    "bf16": run(torch.bfloat16),
}
with open(os.path.join(here, "losses.json"), "w") as f:
    json.dump(result, f, indent=1)
print(json.dumps({k: result[k] if k != "float32" and k != "bf16" else result[k][:5] for k in result}))
