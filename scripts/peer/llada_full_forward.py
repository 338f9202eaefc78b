#!/usr/bin/env python3
"""The PyTorch peer of one `llada` decoding step: a cache-free forward of every position of a LLaDA checkpoint
(RMSNorm, fused q/k/v with RoPE, bidirectional attention, SwiGLU MLP, the head on the answer rows), in fp32, timed
step after step. Reads the safetensors files itself (BF16/F16/F32), as the Java engine does.

    /usr/bin/python3 scripts/peer/llada_full_forward.py MODEL_DIR [--rows 121] [--answer 16] [--steps 8]

Run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command only (they slow a current OpenBLAS)."""
import argparse, json, math, os, statistics, struct, time
import torch

DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def tensors(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
    out = {}
    for name in files:
        data = open(os.path.join(folder, name), "rb").read()
        n = struct.unpack("<Q", data[:8])[0]
        header = json.loads(data[8:8 + n])
        for key, t in header.items():
            if key == "__metadata__":
                continue
            b, e = t["data_offsets"]
            raw = bytearray(data[8 + n + b:8 + n + e])
            out[key] = torch.frombuffer(raw, dtype=DTYPES[t["dtype"]]).reshape(t["shape"]).float()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--rows", type=int, default=121)
    p.add_argument("--answer", type=int, default=16)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    d, heads, layers = cfg["d_model"], cfg["n_heads"], cfg["n_layers"]
    hd, eps, theta = d // heads, cfg.get("rms_norm_eps", 1e-5), cfg.get("rope_theta", 10000.0)
    w = tensors(a.model)
    blk = lambda l, n: w["model.transformer.blocks.%d.%s.weight" % (l, n)]
    fused = [(torch.cat([blk(l, "q_proj"), blk(l, "k_proj"), blk(l, "v_proj")]).t().contiguous().t(),
              blk(l, "attn_out"), torch.cat([blk(l, "ff_proj"), blk(l, "up_proj")]), blk(l, "ff_out"),
              blk(l, "attn_norm"), blk(l, "ff_norm")) for l in range(layers)]
    wte, ln_f = w["model.transformer.wte.weight"], w["model.transformer.ln_f.weight"]
    head = w["model.transformer.ff_out.weight"]
    n = a.rows
    inv = 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd)
    ang = torch.outer(torch.arange(n, dtype=torch.float32), inv)
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)

    def rms(x, g):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g

    def rope(x):
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    ids = torch.randint(0, wte.shape[0], (n,))
    times = []
    with torch.inference_mode():
        for _ in range(a.steps):
            t0 = time.perf_counter()
            h = wte[ids]
            for qkv_w, out_w, gu_w, down_w, an, fn in fused:
                qkv = rms(h, an) @ qkv_w.t()
                q, k, v = qkv.view(n, 3, heads, hd).permute(1, 2, 0, 3)
                q, k = rope(q), rope(k)
                probs = torch.softmax((q @ k.transpose(1, 2)) * (1.0 / math.sqrt(hd)), -1)
                h = h + (probs @ v).transpose(0, 1).reshape(n, d) @ out_w.t()
                gate, up = (rms(h, fn) @ gu_w.t()).chunk(2, -1)
                h = h + (torch.nn.functional.silu(gate) * up) @ down_w.t()
            logits = rms(h[-a.answer:], ln_f) @ head.t()
            logits.argmax(-1).tolist()
            times.append(time.perf_counter() - t0)
    later = times[1:]
    print("torch %s, %d threads, %s: %d rows, %d layers, d %d; median step %.3f s (steps %s)" % (
        torch.__version__, torch.get_num_threads(), torch.backends.mkldnn.is_available() and "mkldnn" or "no mkldnn",
        n, layers, d, statistics.median(later), ", ".join("%.3f" % t for t in times)))


if __name__ == "__main__":
    main()
