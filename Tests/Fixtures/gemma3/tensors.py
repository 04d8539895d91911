"""Per-tensor SHA-256 of gguf-py's float32 dequantization of the Gemma 3 270M GGUF (.cache/models/gemma3-270m).

Run with the reference environment's Python: python Tests/Fixtures/gemma3/tensors.py
Writes tensor-sha256.json: for each tensor, its GGML type, element count and the SHA-256 of its values as
little-endian float32 in GGML order (dimension 0 fastest).
"""
import hashlib
import json
import pathlib
import sys

import numpy as np
from gguf import GGUFReader
from gguf import quants

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[2] / ".cache/models/gemma3-270m/gemma-3-270m-q4_k_m.gguf"


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL
    reader = GGUFReader(str(path))
    out = {}
    for tensor in reader.tensors:
        values = quants.dequantize(tensor.data, tensor.tensor_type).astype("<f4").reshape(-1)
        assert values.size == int(tensor.n_elements), tensor.name
        out[tensor.name] = {
            "type": tensor.tensor_type.name,
            "elements": int(tensor.n_elements),
            "sha256": hashlib.sha256(values.tobytes()).hexdigest(),
        }
    (HERE / "tensor-sha256.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(len(out), "tensors;", sorted({v["type"] for v in out.values()}))


if __name__ == "__main__":
    main()
