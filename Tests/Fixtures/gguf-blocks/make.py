"""Writes the GGUF block fixtures: random blocks of each type and their float32 values as gguf-py reads them.

Run with the reference environment's Python (numpy and the `gguf` package):
    python Tests/Fixtures/gguf-blocks/make.py

For each type, `TYPE.blocks` holds the raw blocks and `TYPE.f32` the little-endian float32 values. Types gguf-py can
quantize are made by quantizing random normal values; the K-quants have no quantizer there, so their blocks are
random bytes whose f16 scale fields are set to finite random halves. gguf-py has no Q8_K dequantizer; its values
are written from the format's definition (a float32 d times 256 int8 quants) and say so in manifest.json.
"""
import json
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

HERE = pathlib.Path(__file__).resolve().parent
rng = np.random.default_rng(20251207)


def halves(count):
    """Finite float16 values spread over several binades, as raw little-endian bytes."""
    values = (rng.standard_normal(count) * np.exp2(rng.integers(-12, 2, count))).astype(np.float16)
    return values.view(np.uint8).reshape(count, 2)


def quantized(qtype, blocks, block_size):
    values = (rng.standard_normal(blocks * block_size) * rng.uniform(0.01, 3)).astype(np.float32)
    return quants.quantize(values.reshape(-1, 2 * block_size) if blocks % 2 == 0 else values.reshape(1, -1), qtype).reshape(-1)


def k_blocks(qtype, blocks):
    size = {T.Q2_K: 84, T.Q3_K: 110, T.Q4_K: 144, T.Q5_K: 176, T.Q6_K: 210, T.Q8_K: 292}[qtype]
    raw = rng.integers(0, 256, (blocks, size), dtype=np.uint8)
    # The f16 fields: d and dmin at the end (Q2_K), d at the end (Q3_K, Q6_K), d and dmin first (Q4_K, Q5_K).
    if qtype == T.Q2_K:
        raw[:, 80:82], raw[:, 82:84] = halves(blocks), halves(blocks)
    elif qtype in (T.Q3_K,):
        raw[:, 108:110] = halves(blocks)
    elif qtype == T.Q6_K:
        raw[:, 208:210] = halves(blocks)
    elif qtype in (T.Q4_K, T.Q5_K):
        raw[:, 0:2], raw[:, 2:4] = halves(blocks), halves(blocks)
    elif qtype == T.Q8_K:
        d = (rng.standard_normal(blocks) * 0.01).astype(np.float32)
        raw[:, 0:4] = d.view(np.uint8).reshape(blocks, 4)
    return raw.reshape(-1)


def q8_k_values(raw, blocks):
    """Q8_K by its definition: a float32 d, then 256 int8 quants (and 16 int16 sums the values do not use)."""
    raw = raw.reshape(blocks, 292)
    d = raw[:, 0:4].copy().view(np.float32)
    q = raw[:, 4:260].copy().view(np.int8).astype(np.float32)
    return (d * q).reshape(-1).astype(np.float32)


def main():
    manifest = {}
    plain = {T.Q4_0: 32, T.Q4_1: 32, T.Q5_0: 32, T.Q5_1: 32, T.Q8_0: 32}
    for qtype, block_size in plain.items():
        raw = quantized(qtype, 6, block_size)
        values = quants.dequantize(raw, qtype).astype(np.float32)
        manifest[qtype.name] = write(qtype.name, raw, values, "gguf-py quantize and dequantize")
    for qtype in (T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K):
        raw = k_blocks(qtype, 5)
        values = quants.dequantize(raw, qtype).astype(np.float32)
        manifest[qtype.name] = write(qtype.name, raw, values, "random blocks, gguf-py dequantize")
    raw = k_blocks(T.Q8_K, 5)
    manifest["Q8_K"] = write("Q8_K", raw, q8_k_values(raw, 5), "random blocks, values from the format's definition")
    f32 = rng.standard_normal(40).astype(np.float32)
    manifest["F32"] = write("F32", f32.view(np.uint8), quants.dequantize(f32.view(np.uint8), T.F32).astype(np.float32), "gguf-py dequantize")
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def write(name, raw, values, how):
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    values = np.ascontiguousarray(values.reshape(-1), dtype="<f4")
    assert np.all(np.isfinite(values)), name
    (HERE / f"{name}.blocks").write_bytes(raw.tobytes())
    (HERE / f"{name}.f32").write_bytes(values.tobytes())
    return {"elements": int(values.size), "bytes": int(raw.size), "source": how}


if __name__ == "__main__":
    main()
