#!/usr/bin/env python3
"""EfficientNet-Lite0 as an ONNX graph, built from Focal's safetensors weights.

The peer for Benchmarks/run.py and the reference for make_photo_reference.py.
No torch: the safetensors file is parsed with struct + json + numpy, the graph is
written with `onnx.helper` only.

    python3 Benchmarks/onnx_graph.py [--weights models/efficientnet-lite0.safetensors]
                                     [--out efficientnet-lite0.onnx] [--dynamic]

Graph (see /work/shared/backbone.md): input `input` float32 [N,3,224,224] (NCHW,
x = (pixel - 127) / 128); BatchNorm (eps 1e-3) folded into every convolution's
weight and bias; TensorFlow SAME padding written out as explicit, asymmetric
Conv `pads`; ReLU6 = Clip(0, 6); outputs `embedding` [N,1280] (GlobalAveragePool
after the head) and `logits` [N,1000] (the fc layer). Opset 17.

With `build_model(..., dynamic=True)` (`--dynamic`) the spatial dims are free:
input [N,3,H,W], every Conv uses `auto_pad="SAME_UPPER"` (TensorFlow SAME: out =
ceil(in / stride), the odd pixel of padding after, i.e. bottom/right) instead of
explicit pads, and there is a third output `features` [N,1280,h,w]: the head
(conv, BN, ReLU6) before GlobalAveragePool. At 224x224 it computes the same
network as the static graph.

Every build is checked: `build_model()` runs the graph with onnxruntime on the
224x224 reference images in /work/shared/vectors/ and asserts that the embedding
matches `embedding.all` to a maximum absolute difference of 1e-4.
"""
import argparse
import glob
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WEIGHTS = os.path.join(HERE, "..", "models", "efficientnet-lite0.safetensors")
VECTORS_DIR = "/work/shared/vectors"
BN_EPS = 1e-3
INPUT_SIZE = 224
EMBED_TOLERANCE = 1e-4
OPSET = 17

# (repeats, kernel, stride, expand, in, out) per stage, from backbone.md.
STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]

_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64,
           "I64": np.int64, "I32": np.int32}


def load_safetensors(path):
    """{name: numpy array} from a safetensors file (little-endian u64 header size, JSON header, data)."""
    with open(path, "rb") as f:
        (header_size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = array.astype(array.dtype.newbyteorder("="))
    return tensors


def same_pads(size, kernel, stride):
    """TensorFlow SAME padding on one axis: (before, after), the extra pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


class _Builder:
    def __init__(self, tensors, dynamic=False):
        self.t = tensors
        self.dynamic = dynamic
        self.nodes = []
        self.inits = []
        self.used = set()
        self.count = 0

    def _name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def get(self, name):
        self.used.add(name)
        return self.t[name].astype(np.float64)

    def conv_bn(self, x, size, conv, bn, stride=1, groups=1, relu6=True):
        """Conv (BN folded) + optional Clip(0,6). Returns (output name, output spatial size).

        Dynamic graphs: auto_pad SAME_UPPER instead of explicit pads; size is unknown (None)."""
        w = self.get(conv + ".weight")
        gamma, beta = self.get(bn + ".weight"), self.get(bn + ".bias")
        mean, var = self.get(bn + ".running_mean"), self.get(bn + ".running_var")
        scale = gamma / np.sqrt(var + BN_EPS)
        w_folded = (w * scale[:, None, None, None]).astype(np.float32)
        b_folded = (beta - mean * scale).astype(np.float32)
        k = w.shape[2]
        if self.dynamic:
            padding, out = {"auto_pad": "SAME_UPPER"}, None
        else:
            before, after, out = same_pads(size, k, stride)
            padding = {"pads": [before, before, after, after]}
        wname, bname = conv + ".weight_folded", conv + ".bias_folded"
        self.inits.append(numpy_helper.from_array(w_folded, wname))
        self.inits.append(numpy_helper.from_array(b_folded, bname))
        y = self._name(conv.replace(".", "_"))
        self.nodes.append(helper.make_node(
            "Conv", [x, wname, bname], [y], name=y,
            kernel_shape=[k, k], strides=[stride, stride], group=groups,
            dilations=[1, 1], **padding))
        if relu6:
            z = y + "_relu6"
            self.nodes.append(helper.make_node("Clip", [y, "relu6_min", "relu6_max"], [z], name=z))
            y = z
        return y, out


def build_model(weights_path=DEFAULT_WEIGHTS, verify=True, dynamic=False):
    """The ONNX ModelProto; asserts the reference vectors unless verify=False.

    dynamic=True: input [N,3,H,W], SAME_UPPER auto_pad, extra output `features` [N,1280,h,w]."""
    tensors = load_safetensors(weights_path)
    b = _Builder(tensors, dynamic=dynamic)
    b.inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "relu6_min"))
    b.inits.append(numpy_helper.from_array(np.array(6.0, np.float32), "relu6_max"))

    x, size = b.conv_bn("input", None if dynamic else INPUT_SIZE, "_conv_stem", "_bn0", stride=2)
    index = 0
    for repeats, kernel, stride, expand, cin, cout in STAGES:
        for r in range(repeats):
            s = stride if r == 0 else 1
            c_in = cin if r == 0 else cout
            p = f"_blocks.{index}"
            block_in, h = x, x
            if expand != 1:
                h, _ = b.conv_bn(h, size, p + "._expand_conv", p + "._bn0")
            channels = c_in * expand
            assert tensors[p + "._depthwise_conv.weight"].shape == (channels, 1, kernel, kernel), p
            h, out_size = b.conv_bn(h, size, p + "._depthwise_conv", p + "._bn1", stride=s, groups=channels)
            h, _ = b.conv_bn(h, out_size, p + "._project_conv", p + "._bn2", relu6=False)
            assert tensors[p + "._project_conv.weight"].shape[0] == cout, p
            if s == 1 and c_in == cout:
                y = f"{p}_add".replace(".", "_")
                b.nodes.append(helper.make_node("Add", [h, block_in], [y], name=y))
                h = y
            x, size = h, out_size
            index += 1
    x, size = b.conv_bn(x, size, "_conv_head", "_bn1")
    outputs = []
    if dynamic:
        b.nodes.append(helper.make_node("Identity", [x], ["features"], name="features"))
        outputs.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 1280, "h", "w"]))
    b.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pooled"))
    b.inits.append(numpy_helper.from_array(np.array([0, -1], np.int64), "flatten_shape"))
    b.nodes.append(helper.make_node("Reshape", ["pooled", "flatten_shape"], ["embedding"], name="embedding"))
    b.inits.append(numpy_helper.from_array(b.get("_fc.weight").astype(np.float32), "_fc.weight"))
    b.inits.append(numpy_helper.from_array(b.get("_fc.bias").astype(np.float32), "_fc.bias"))
    b.nodes.append(helper.make_node("Gemm", ["embedding", "_fc.weight", "_fc.bias"], ["logits"],
                                    name="fc", transB=1))

    unused = set(tensors) - b.used
    assert not unused, f"weights not used by the graph: {sorted(unused)[:5]}..."
    spatial = ["H", "W"] if dynamic else [INPUT_SIZE, INPUT_SIZE]
    graph = helper.make_graph(
        b.nodes, "efficientnet_lite0",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3] + spatial)],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 1280]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])] + outputs,
        b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="focal-benchmarks")
    model.ir_version = 8
    onnx.checker.check_model(model)
    if verify:
        verify_vectors(model)
    return model


def normalize(pixels):
    """uint8 HxWx3 RGB -> float32 1x3xHxW, x = (p - 127) / 128."""
    x = (np.asarray(pixels, dtype=np.float32) - 127.0) / 128.0
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def make_session(model, threads=2):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def verify_vectors(model, session=None, quiet=True):
    """Asserts every /work/shared/vectors/NAME.png embeds to NAME.json's embedding.all (<= 1e-4)."""
    from PIL import Image
    session = session or make_session(model)
    checked = []
    for json_path in sorted(glob.glob(os.path.join(VECTORS_DIR, "*.json"))):
        ref = json.load(open(json_path))
        if "embedding" not in ref:
            continue  # e.g. the occlusion grid
        png = os.path.splitext(json_path)[0] + ".png"
        pixels = np.asarray(Image.open(png).convert("RGB"))
        assert pixels.shape == (INPUT_SIZE, INPUT_SIZE, 3), png
        emb, logits = session.run(["embedding", "logits"], {"input": normalize(pixels)})
        expected = np.asarray(ref["embedding"]["all"], dtype=np.float64)
        diff = float(np.max(np.abs(emb[0].astype(np.float64) - expected)))
        assert diff <= EMBED_TOLERANCE, f"{os.path.basename(png)}: max |diff| {diff:.3g} > {EMBED_TOLERANCE}"
        top1 = int(np.argmax(logits[0]))
        if "top5" in ref:
            assert top1 == ref["top5"][0]["index"], f"{os.path.basename(png)}: top-1 {top1}"
        checked.append((os.path.basename(png), diff))
    assert checked, f"no reference vectors found in {VECTORS_DIR}"
    if not quiet:
        for name, diff in checked:
            print(f"  {name}: max |embedding - reference| = {diff:.2e}")
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS)
    parser.add_argument("--out", default=None, help="write the .onnx file here")
    parser.add_argument("--dynamic", action="store_true",
                        help="dynamic H, W (auto_pad SAME_UPPER) and an extra output `features`")
    args = parser.parse_args()
    model = build_model(args.weights, verify=False, dynamic=args.dynamic)
    print(f"graph: {len(model.graph.node)} nodes, {len(model.graph.initializer)} initializers, opset {OPSET}")
    verify_vectors(model, quiet=False)
    print(f"reference vectors: all within {EMBED_TOLERANCE}")
    if args.out:
        onnx.save(model, args.out)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
