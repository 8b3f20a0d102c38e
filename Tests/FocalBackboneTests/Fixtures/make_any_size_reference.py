#!/usr/bin/env python3
"""Reference outputs of EfficientNet-Lite0 at input sizes other than 224, for Focal's tests.

    pip install onnx onnxruntime pillow numpy
    python3 Tests/FocalBackboneTests/Fixtures/make_any_size_reference.py     # from the repo root

Writes, next to this script:
  chelsea320.png  /work/shared/samples/chelsea.png -> shorter side 366 = round(320*256/224),
                  Pillow BILINEAR (other side round(long*366/short)) -> centre crop 320x320
                  at ((W-320)//2, (H-320)//2), RGB
  china300.png    /work/shared/samples/china.jpg, the same with 343 = round(300*256/224) and
                  300x300 (not a multiple of 32: TF-SAME padding is asymmetric at several layers)
  chelsea320.json, china300.json
                  the PNG's pixels as is, x = (pixel - 127) / 128, run by onnxruntime (float32)
                  through the graph of Benchmarks/onnx_graph.py built with dynamic=True
                  (input [N,3,H,W], Conv auto_pad SAME_UPPER). Keys as in chelsea224.json
                  (embedding.all = 1280 floats, top5, ...) plus
                    feature_side  [w', h'] of the head's feature map (before global pooling)
                    class_index   c = the top-1 class; fc_bias = fc.bias[c]
                    class_map     row-major over the feature map (rows top to bottom):
                                  sum_k fc.weight[c,k] * features[k,y,x] (no bias, not divided
                                  by the number of positions), so mean(class_map) + fc_bias
                                  equals the top-1 logit (asserted here, 1e-4 relative).
Floats are rounded to 7 significant digits.
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnxruntime
from PIL import Image

FIXTURES = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(FIXTURES, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import onnx_graph  # noqa: E402

SAMPLES = "/work/shared/samples"
CASES = [("chelsea.png", 320, "chelsea320"), ("china.jpg", 300, "china300")]
CLASSES = [line.rstrip("\n") for line in open(os.path.join(ROOT, "models", "imagenet_classes.txt"))]


def r7(v):
    return float(f"{float(v):.7g}")


def crop_image(path, side):
    """Shorter side to round(side*256/224) (BILINEAR), centre crop side x side, RGB."""
    im = Image.open(path).convert("RGB")
    w, h = im.size
    short = round(side * 256 / 224)
    scaled = round(max(w, h) * short / min(w, h))
    size = (short, scaled) if w <= h else (scaled, short)
    im = im.resize(size, Image.BILINEAR)
    left, top = (size[0] - side) // 2, (size[1] - side) // 2
    return im.crop((left, top, left + side, top + side))


def main():
    model = onnx_graph.build_model(dynamic=True)  # asserts the 224x224 reference vectors
    session = onnx_graph.make_session(model)
    weights = onnx_graph.load_safetensors(onnx_graph.DEFAULT_WEIGHTS)
    fc_w, fc_b = weights["_fc.weight"].astype(np.float64), weights["_fc.bias"].astype(np.float64)

    for source, side, name in CASES:
        png = os.path.join(FIXTURES, name + ".png")
        crop_image(os.path.join(SAMPLES, source), side).save(png)
        pixels = np.asarray(Image.open(png).convert("RGB"))  # the PNG's pixels as is
        h, w = pixels.shape[:2]
        emb, logits, feats = session.run(["embedding", "logits", "features"],
                                         {"input": onnx_graph.normalize(pixels)})
        emb, logits, feats = emb[0].astype(np.float64), logits[0].astype(np.float64), feats[0].astype(np.float64)

        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        order = np.argsort(-logits, kind="stable")[:5]
        c = int(order[0])
        class_map = [r7(v) for v in np.tensordot(fc_w[c], feats, axes=1).ravel()]  # [h', w'] row-major
        recon = float(np.mean(class_map)) + fc_b[c]
        assert abs(recon - logits[c]) <= 1e-4 * abs(logits[c]), (name, recon, logits[c])
        assert np.allclose(feats.mean(axis=(1, 2)), emb, atol=1e-5), name

        all7 = [r7(v) for v in emb]
        doc = {
            "image": name + ".png",
            "image_sha256": hashlib.sha256(open(png, "rb").read()).hexdigest(),
            "how": f"{source} -> shorter side {round(side * 256 / 224)} (PIL BILINEAR) -> center crop {side}",
            "size": [w, h],
            "layout": "HWC RGB uint8",
            "preprocessing": "x = (pixel - 127) / 128 per channel, no resize",
            "model": "EfficientNet-Lite0, TF-SAME padding (auto_pad SAME_UPPER), BN eps 1e-3, ReLU6; "
                     "weights models/efficientnet-lite0.safetensors",
            "computed_in": f"onnxruntime {onnxruntime.__version__}, float32, graph of Benchmarks/onnx_graph.py "
                           "with dynamic spatial dims",
            "embedding": {"dim": len(emb), "first16": all7[:16], "l2": r7(np.linalg.norm(emb)),
                          "sum": r7(emb.sum()), "min": r7(emb.min()), "max": r7(emb.max()),
                          "n_zero": int(np.sum(emb == 0)), "all": all7},
            "top5": [{"index": int(i), "logit": r7(logits[i]), "prob": r7(probs[i]), "name": CLASSES[i]}
                     for i in order],
            "logits_stats": {"sum": r7(logits.sum()), "l2": r7(np.linalg.norm(logits))},
            "feature_side": [feats.shape[2], feats.shape[1]],
            "class_index": c,
            "fc_bias": r7(fc_b[c]),
            "class_map": class_map,
        }
        with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"{name}: {w}x{h}, features {feats.shape[2]}x{feats.shape[1]}, top-1 {c} {CLASSES[c]!r} "
              f"logit {logits[c]:.6f} (mean(class_map) + bias = {recon:.6f})")


if __name__ == "__main__":
    main()
