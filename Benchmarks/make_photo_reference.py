#!/usr/bin/env python3
"""Reference embeddings of whole photos, for Focal's tests.

    python3 Benchmarks/make_photo_reference.py [--samples /work/shared/samples]
                                               [--out Tests/FocalBackboneTests/Fixtures/photos_reference.json]

For every .jpg and .png in the samples folder: the reference preprocessing of
/work/shared/backbone.md done by Pillow (decode at full size, convert('RGB'),
shorter side to 256 with the other side round(long * 256 / short), BILINEAR,
centre crop 224x224 at floor((W - 224) / 2), floor((H - 224) / 2), then
x = (pixel - 127) / 128), run through the onnxruntime graph of
Benchmarks/onnx_graph.py (checked against the reference vectors when built).
Writes {"photos": [{"file", "size": [W, H], "embedding": 1280 floats rounded to 7
significant digits, "top5": class indices}, ...]} plus a description of how.
"""
import argparse
import glob
import json
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import onnx_graph  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, "Tests", "FocalBackboneTests", "Fixtures", "photos_reference.json")


def reference_network_image(path):
    """The 224x224 RGB uint8 array of backbone.md's reference preprocessing, and the decoded size."""
    im = Image.open(path)
    im = im.convert("RGB")  # full-size decode (no draft), no EXIF rotation
    w, h = im.size
    short, long = min(w, h), max(w, h)
    scaled = round(long * 256 / short)  # Python's round: half to even
    size = (256, scaled) if w <= h else (scaled, 256)
    resized = im.resize(size, Image.BILINEAR)
    left, top = (size[0] - 224) // 2, (size[1] - 224) // 2
    crop = resized.crop((left, top, left + 224, top + 224))
    return np.asarray(crop), (w, h)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", default="/work/shared/samples")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    model = onnx_graph.build_model()  # asserts the reference vectors
    session = onnx_graph.make_session(model)
    files = sorted(glob.glob(os.path.join(args.samples, "*.jpg")) + glob.glob(os.path.join(args.samples, "*.png")))
    photos = []
    for path in files:
        pixels, size = reference_network_image(path)
        assert pixels.shape == (224, 224, 3), (path, pixels.shape)
        embedding, logits = session.run(["embedding", "logits"], {"input": onnx_graph.normalize(pixels)})
        embedding, logits = embedding[0], logits[0]
        top5 = [int(i) for i in np.argsort(-logits.astype(np.float64), kind="stable")[:5]]
        photos.append({"file": os.path.basename(path), "size": list(size),
                       "embedding": [float(f"{float(v):.7g}") for v in embedding], "top5": top5})
        print(f"{os.path.basename(path):40s} {size[0]}x{size[1]}  top5 {top5}  "
              f"zeros {int(np.sum(embedding == 0))}/1280")
    document = {
        "how": "Benchmarks/make_photo_reference.py: Pillow decode at full size, convert('RGB'), shorter side to 256 "
               "(other side round(long*256/short)), BILINEAR, centre crop 224 at floor((W-224)/2), floor((H-224)/2), "
               "x=(p-127)/128; onnxruntime fp32 graph from Benchmarks/onnx_graph.py (BN folded, eps 1e-3); "
               "embedding rounded to 7 significant digits; top5 = class indices by logit",
        "photos": photos,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out} ({len(photos)} photos)")


if __name__ == "__main__":
    main()
