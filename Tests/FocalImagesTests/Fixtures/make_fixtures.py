#!/usr/bin/env python3
"""Generates the FocalImages test fixtures and `expected.json`.

Every expected value is computed by Pillow (and numpy), the independent
reference; nothing here is taken from Focal's own output. Run from anywhere:

    python3 Tests/FocalImagesTests/Fixtures/make_fixtures.py

Pillow cannot write some PNG kinds (16-bit colour, 2/4-bit gray, Adam7
interlacing), so a small PNG writer below produces those bytes by hand; their
expected pixels are still Pillow's decode of the written file (Pillow has its
own PNG unfiltering and de-interlacing, independent of libpng).

Pixel arrays are stored as base64 of the raw interleaved RGB bytes, rows top
to bottom. "tolerance" gives the largest absolute difference allowed on any
sample ("max") and on the mean absolute difference over all samples ("mean").
"""

import base64
import io
import json
import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
EXACT = {"max": 0, "mean": 0.0}
# Focal links the system libjpeg-turbo, Pillow its bundled one; both decode
# with the accurate integer IDCT and fancy upsampling, so they agree to a level.
JPEG_TOLERANCE = {"max": 2, "mean": 0.25}
# Adobe CMYK → RGB: both compute C·K/255 on the stored (inverted) samples but
# round differently (Pillow: 255−K − C·(255−K)/255 with its MULDIV255).
CMYK_TOLERANCE = {"max": 2, "mean": 1.0}

expected = {"files": {}, "bad": {}, "large": {}, "resize": [], "synthetic_resize": [], "crop": []}


# ---------------------------------------------------------------- helpers

def path(name):
    return os.path.join(HERE, name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.uint8).tobytes()).decode("ascii")


def channel_mean(rgb):
    return [round(float(v), 4) for v in rgb.reshape(-1, 3).astype(np.float64).mean(axis=0)]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def composite_on(rgba, bg=(255, 255, 255)):
    """Straight alpha over a solid background: (c·a + bg·(255−a) + 127) // 255."""
    rgba = rgba.astype(np.int64)
    a = rgba[..., 3:4]
    out = (rgba[..., :3] * a + np.array(bg, dtype=np.int64) * (255 - a) + 127) // 255
    return out.astype(np.uint8)


def scene(w, h, seed=0, noise=0, period=7.0):
    """Gradients, a sine, a disc, a bar and a corner marker: asymmetric and varied."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255.0 * x / max(w - 1, 1)
    g = 255.0 * y / max(h - 1, 1)
    b = 127.5 + 120.0 * np.sin((x + 2.0 * y) / period)
    img = np.stack([r, g, b], axis=-1)
    cx, cy, rad = w * 0.30, h * 0.38, min(w, h) * 0.22
    img[(x - cx) ** 2 + (y - cy) ** 2 <= rad ** 2] = [235, 35, 60]
    img[int(h * 0.60):int(h * 0.88), int(w * 0.58):int(w * 0.86)] = [25, 190, 95]
    img[0:max(2, h // 7), 0:max(2, w // 6)] = [250, 240, 10]
    if noise:
        rng = np.random.RandomState(seed)
        img += rng.uniform(-noise, noise, size=img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def pillow_rgb(name):
    with Image.open(path(name)) as im:
        im.load()
        return np.asarray(im.convert("RGB"))


def pillow_rgba(name):
    with Image.open(path(name)) as im:
        im.load()
        return np.asarray(im.convert("RGBA"))


def record(name, kind, rgb, tolerance, note, mode=None, store_pixels=True):
    h, w = rgb.shape[:2]
    entry = {"kind": kind, "width": int(w), "height": int(h), "mean": channel_mean(rgb),
             "tolerance": tolerance, "note": note}
    if mode:
        entry["pillow_mode"] = mode
    if store_pixels:
        entry["pixels"] = b64(rgb)
    expected["files"][name] = entry


def pillow_mode(name):
    with Image.open(path(name)) as im:
        return im.mode


# ------------------------------------------------------- hand-written PNGs

def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def row_bytes(samples, bit_depth):
    """One row of samples (W, C) as PNG bytes (MSB first below 8 bits, big-endian at 16)."""
    if bit_depth == 16:
        return samples.astype(">u2").tobytes()
    if bit_depth == 8:
        return samples.astype(np.uint8).tobytes()
    flat = samples.reshape(-1).astype(np.uint8)
    per_byte = 8 // bit_depth
    padded = np.zeros(((len(flat) + per_byte - 1) // per_byte) * per_byte, dtype=np.uint8)
    padded[:len(flat)] = flat
    groups = padded.reshape(-1, per_byte)
    out = np.zeros(len(groups), dtype=np.uint8)
    for i in range(per_byte):
        out |= (groups[:, i] << (8 - bit_depth * (i + 1))).astype(np.uint8)
    return out.tobytes()


def filter_rows(rows, bpp):
    """Applies PNG filters 0..4 in turn, row by row (prior row within the same pass)."""
    def shifted(a):  # the byte bpp to the left, 0 before the row starts
        return np.concatenate([np.zeros(bpp, dtype=np.int32), a[:-bpp]]) if len(a) > bpp else np.zeros_like(a)

    out = bytearray()
    prior = None
    for i, raw in enumerate(rows):
        cur = np.frombuffer(raw, dtype=np.uint8).astype(np.int32)
        up = np.zeros_like(cur) if prior is None else prior
        left, upleft = shifted(cur), shifted(up)
        kind = i % 5
        if kind == 0:
            f = cur
        elif kind == 1:
            f = cur - left
        elif kind == 2:
            f = cur - up
        elif kind == 3:
            f = cur - (left + up) // 2
        else:
            p = left + up - upleft
            pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
            f = cur - pred
        out.append(kind)
        out += (f & 0xFF).astype(np.uint8).tobytes()
        prior = cur
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(name, samples, color_type, bit_depth, interlace=False, idat_split=None, extra=b""):
    """samples: (H, W, C) integers within the bit depth."""
    h, w, c = samples.shape
    bpp = max(1, c * bit_depth // 8)
    if interlace:
        raw = b""
        for xs, ys, dx, dy in ADAM7:
            sub = samples[ys::dy, xs::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            raw += filter_rows([row_bytes(sub[y], bit_depth) for y in range(sub.shape[0])], bpp)
    else:
        raw = filter_rows([row_bytes(samples[y], bit_depth) for y in range(h)], bpp)
    data = zlib.compress(raw, 9)
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
    parts = [data] if not idat_split else [data[i:i + idat_split] for i in range(0, len(data), idat_split)]
    for part in parts:
        out += chunk(b"IDAT", part)
    out += chunk(b"IEND", b"")
    with open(path(name), "wb") as f:
        f.write(out)
    return out


# ------------------------------------------------------------------ JPEGs

def make_jpegs():
    base = scene(61, 43, seed=1)
    Image.fromarray(base).save(path("jpeg_baseline.jpg"), quality=90)
    record("jpeg_baseline.jpg", "jpeg", pillow_rgb("jpeg_baseline.jpg"), JPEG_TOLERANCE,
           "baseline 4:2:0, odd size", pillow_mode("jpeg_baseline.jpg"))

    Image.fromarray(scene(58, 41, seed=2)).save(path("jpeg_444.jpg"), quality=92, subsampling=0)
    record("jpeg_444.jpg", "jpeg", pillow_rgb("jpeg_444.jpg"), JPEG_TOLERANCE,
           "baseline 4:4:4", pillow_mode("jpeg_444.jpg"))

    Image.fromarray(scene(59, 41, seed=3)).save(path("jpeg_progressive.jpg"), quality=88,
                                                 progressive=True, optimize=True)
    with Image.open(path("jpeg_progressive.jpg")) as im:
        assert im.info.get("progressive") or im.info.get("progression")
    record("jpeg_progressive.jpg", "jpeg", pillow_rgb("jpeg_progressive.jpg"), JPEG_TOLERANCE,
           "progressive, optimised Huffman tables", pillow_mode("jpeg_progressive.jpg"))

    gray = Image.fromarray(scene(47, 33, seed=4)).convert("L")
    gray.save(path("jpeg_gray.jpg"), quality=90)
    assert pillow_mode("jpeg_gray.jpg") == "L"
    record("jpeg_gray.jpg", "jpeg", pillow_rgb("jpeg_gray.jpg"), JPEG_TOLERANCE,
           "one-component grayscale, replicated to RGB", "L")

    cmyk = Image.fromarray(scene(45, 31, seed=5)).convert("CMYK")
    c = np.asarray(cmyk).copy()
    c[..., 3] = np.clip(np.arange(45)[None, :] * 4 + np.arange(31)[:, None] * 2, 0, 255)  # some black ink
    Image.fromarray(c, "CMYK").save(path("jpeg_cmyk.jpg"), quality=92)
    assert pillow_mode("jpeg_cmyk.jpg") == "CMYK"
    assert b"Adobe" in read("jpeg_cmyk.jpg")
    record("jpeg_cmyk.jpg", "jpeg", pillow_rgb("jpeg_cmyk.jpg"), CMYK_TOLERANCE,
           "Adobe (inverted) CMYK; Pillow converts CMYK to RGB as (255-C)(255-K)/255", "CMYK")

    # A PNG with a .jpg name: the format is sniffed from the bytes.
    Image.fromarray(scene(33, 21, seed=6, noise=20)).save(path("misnamed_png.jpg"), format="PNG")
    record("misnamed_png.jpg", "png", pillow_rgb("misnamed_png.jpg"), EXACT,
           "a PNG file named .jpg", pillow_mode("misnamed_png.jpg"))


# ------------------------------------------------------------ orientation

def tiff_orientation(value, big_endian):
    """A TIFF/EXIF block (without the Exif\\0\\0 prefix) whose IFD0 has three
    entries, the orientation in the middle, so a reader must walk the IFD."""
    e = ">" if big_endian else "<"
    make = b"FocalCam\x00"
    entries = [
        (0x010F, 2, len(make), None),  # Make, ASCII, stored at an offset
        (0x0112, 3, 1, value),         # Orientation, SHORT
        (0x011A, 5, 1, None),          # XResolution, RATIONAL at an offset
    ]
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * len(entries) + 4
    body = b""
    out = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, ifd_offset)
    out += struct.pack(e + "H", len(entries))
    for tag, typ, count, val in entries:
        if tag == 0x010F:
            out += struct.pack(e + "HHII", tag, typ, count, data_offset + len(body))
            body += make + b"\x00"
        elif tag == 0x011A:
            out += struct.pack(e + "HHII", tag, typ, count, data_offset + len(body))
            body += struct.pack(e + "II", 72, 1)
        else:
            out += struct.pack(e + "HHI", tag, typ, count) + struct.pack(e + "HH", val, 0)
    out += struct.pack(e + "I", 0)
    return out + body


def make_orientation():
    base = scene(37, 22, seed=7)
    base[-3:, -5:] = [10, 10, 240]  # a blue bottom-right corner: every turn is distinguishable
    for n in range(1, 9):
        name = f"orient_{n}.jpg"
        exif = b"Exif\x00\x00" + tiff_orientation(n, big_endian=(n % 2 == 1))
        Image.fromarray(base).save(path(name), quality=95, exif=exif)
        with Image.open(path(name)) as im:
            assert im.getexif().get(0x0112) == n, name
            im.load()
            upright = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
        record(name, "jpeg", upright, JPEG_TOLERANCE,
               f"EXIF orientation {n} ({'big' if n % 2 == 1 else 'little'}-endian TIFF); "
               "expected = ImageOps.exif_transpose of Pillow's decode", "RGB")
        expected["files"][name]["orientation"] = n
    # The stored (not turned) pixels are the same in all eight files.
    with Image.open(path("orient_6.jpg")) as im:
        im.load()
        raw = np.asarray(im.convert("RGB"))
    expected["orientation_raw"] = {"file": "orient_6.jpg", "width": int(raw.shape[1]),
                                   "height": int(raw.shape[0]), "pixels": b64(raw),
                                   "tolerance": JPEG_TOLERANCE,
                                   "note": "Pillow's decode without exif_transpose (appliesOrientation = false)"}
    # Orientation combined with DCT scaling: 37x22 at 4/8 is 19x11, turned 11x19.
    with Image.open(path("orient_6.jpg")) as im:
        im.draft("RGB", (37 // 2, 22 // 2))  # Pillow's draft takes W // scale
        assert im.size == (19, 11), im.size
        im.load()
        scaled = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    expected["orientation_scaled"] = {"file": "orient_6.jpg", "minimumShorterSide": 11,
                                      "width": int(scaled.shape[1]), "height": int(scaled.shape[0]),
                                      "pixels": b64(scaled), "tolerance": JPEG_TOLERANCE,
                                      "note": "Pillow draft at 1/2 (= libjpeg 4/8), then exif_transpose"}
    # A malformed EXIF block is ignored: the image reads as stored.
    Image.fromarray(base).save(path("orient_malformed.jpg"), quality=95,
                               exif=b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0\x01\x12garbage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns "Corrupt EXIF data" and reads no tags
        with Image.open(path("orient_malformed.jpg")) as im:
            im.load()
            assert im.getexif().get(0x0112) is None
            rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    record("orient_malformed.jpg", "jpeg", rgb, JPEG_TOLERANCE,
           "APP1 Exif with an IFD offset past the end: read as orientation 1", "RGB")


# ------------------------------------------------------------------- PNGs

def make_pngs():
    rng = np.random.RandomState(11)

    rgb = scene(53, 37, seed=12, noise=25)
    Image.fromarray(rgb).save(path("png_rgb8.png"))
    record("png_rgb8.png", "png", pillow_rgb("png_rgb8.png"), EXACT, "8-bit RGB", "RGB")

    # 16-bit RGB: random low bytes, so keeping the high byte differs from rounding.
    hi = scene(41, 29, seed=13, noise=20).astype(np.uint16)
    lo = rng.randint(0, 256, size=hi.shape).astype(np.uint16)
    write_png("png_rgb16.png", (hi << 8) | lo, color_type=2, bit_depth=16)
    dec = pillow_rgb("png_rgb16.png")
    assert np.array_equal(dec, hi.astype(np.uint8)), "Pillow keeps the high byte of 16-bit samples"
    record("png_rgb16.png", "png", dec, EXACT, "16-bit RGB: the high byte of each sample",
           pillow_mode("png_rgb16.png"))

    pal = Image.fromarray(scene(43, 31, seed=14, noise=10)).quantize(colors=37, method=Image.Quantize.MEDIANCUT)
    pal.save(path("png_palette.png"))
    assert pillow_mode("png_palette.png") == "P"
    record("png_palette.png", "png", pillow_rgb("png_palette.png"), EXACT, "palette of 37 colours", "P")

    pal_t = Image.fromarray(scene(43, 31, seed=15, noise=10)).quantize(colors=24, method=Image.Quantize.MEDIANCUT)
    alphas = bytes([0, 40, 128, 200, 255, 90, 17, 250, 0, 128, 64, 33])  # entries past 12 are opaque
    pal_t.save(path("png_palette_trns.png"), transparency=alphas)
    with Image.open(path("png_palette_trns.png")) as im:
        assert im.mode == "P" and "transparency" in im.info
    record("png_palette_trns.png", "png", composite_on(pillow_rgba("png_palette_trns.png")), EXACT,
           "palette with tRNS alpha per entry, composited on white", "P")

    gray = Image.fromarray(scene(39, 27, seed=16, noise=15)).convert("L")
    gray.save(path("png_gray8.png"))
    assert pillow_mode("png_gray8.png") == "L"
    record("png_gray8.png", "png", pillow_rgb("png_gray8.png"), EXACT, "8-bit gray", "L")

    g1 = Image.fromarray(scene(45, 29, seed=17, noise=60)).convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    g1.save(path("png_gray1.png"))
    assert pillow_mode("png_gray1.png") == "1"
    assert read("png_gray1.png")[24] == 1, "bit depth 1"
    record("png_gray1.png", "png", pillow_rgb("png_gray1.png"), EXACT, "1-bit gray", "1")

    for bits in (2, 4):
        levels = (1 << bits) - 1
        g = (scene(37 + bits, 23 + bits, seed=18 + bits, noise=30)[..., :1].astype(np.int32) * levels + 127) // 255
        write_png(f"png_gray{bits}.png", g, color_type=0, bit_depth=bits)
        dec = pillow_rgb(f"png_gray{bits}.png")
        assert np.array_equal(dec[..., 0], (g[..., 0] * (255 // levels)).astype(np.uint8))
        record(f"png_gray{bits}.png", "png", dec, EXACT, f"{bits}-bit gray, scaled by {255 // levels}",
               pillow_mode(f"png_gray{bits}.png"))

    la = np.dstack([np.asarray(Image.fromarray(scene(35, 23, seed=22)).convert("L")),
                    np.tile(np.linspace(0, 255, 35).astype(np.uint8), (23, 1))])
    Image.fromarray(la, "LA").save(path("png_gray_alpha.png"))
    assert pillow_mode("png_gray_alpha.png") == "LA"
    record("png_gray_alpha.png", "png", composite_on(pillow_rgba("png_gray_alpha.png")), EXACT,
           "gray + alpha, composited on white", "LA")

    rgba = np.dstack([scene(51, 33, seed=23, noise=10),
                      ((np.arange(51)[None, :] * 5 + np.arange(33)[:, None] * 3) % 256).astype(np.uint8)])
    rgba[:4, :4, 3] = 0
    rgba[-4:, -4:, 3] = 255
    Image.fromarray(rgba, "RGBA").save(path("png_rgba.png"))
    assert pillow_mode("png_rgba.png") == "RGBA"
    pixels = pillow_rgba("png_rgba.png")
    record("png_rgba.png", "png", composite_on(pixels), EXACT,
           "RGBA with partial alpha, composited on white: (c*a + 255*(255-a) + 127) // 255", "RGBA")
    expected["files"]["png_rgba.png"]["on_background"] = {
        "background": [10, 200, 30], "pixels": b64(composite_on(pixels, (10, 200, 30))),
        "note": "the same composited on Options.background = (10, 200, 30)"}

    hi = np.dstack([scene(29, 19, seed=24, noise=10),
                    ((np.arange(29)[None, :] * 9 + np.arange(19)[:, None] * 4) % 256).astype(np.uint8)]).astype(np.uint16)
    lo = rng.randint(0, 256, size=hi.shape).astype(np.uint16)
    write_png("png_rgba16.png", (hi << 8) | lo, color_type=6, bit_depth=16)
    px = pillow_rgba("png_rgba16.png")
    assert np.array_equal(px, hi.astype(np.uint8))
    record("png_rgba16.png", "png", composite_on(px), EXACT,
           "16-bit RGBA: high bytes, composited on white", pillow_mode("png_rgba16.png"))

    inter = scene(43, 37, seed=25, noise=20)
    write_png("png_interlaced.png", inter, color_type=2, bit_depth=8, interlace=True, idat_split=97)
    with Image.open(path("png_interlaced.png")) as im:
        assert im.info.get("interlace") == 1
    dec = pillow_rgb("png_interlaced.png")
    assert np.array_equal(dec, inter)
    record("png_interlaced.png", "png", dec, EXACT, "Adam7 interlaced 8-bit RGB, IDAT split in 97-byte chunks", "RGB")

    g2i = (scene(21, 13, seed=26, noise=40)[..., 1:2].astype(np.int32) * 3 + 127) // 255
    write_png("png_gray2_interlaced.png", g2i, color_type=0, bit_depth=2, interlace=True)
    dec = pillow_rgb("png_gray2_interlaced.png")
    assert np.array_equal(dec[..., 0], (g2i[..., 0] * 85).astype(np.uint8))
    record("png_gray2_interlaced.png", "png", dec, EXACT, "Adam7 interlaced 2-bit gray", pillow_mode("png_gray2_interlaced.png"))

    # tRNS colour keys on gray and RGB images: matching pixels become transparent.
    gk = np.asarray(Image.fromarray(scene(31, 19, seed=27)).convert("L")).copy()
    gk[5:9, 3:20] = 77
    Image.fromarray(gk, "L").save(path("png_gray_trns.png"), transparency=77)
    with Image.open(path("png_gray_trns.png")) as im:
        assert im.info.get("transparency") == 77
    record("png_gray_trns.png", "png", composite_on(pillow_rgba("png_gray_trns.png")), EXACT,
           "8-bit gray with a tRNS key (77): those pixels show white", "L")

    rk = scene(33, 21, seed=28)
    Image.fromarray(rk).save(path("png_rgb_trns.png"), transparency=(25, 190, 95))
    with Image.open(path("png_rgb_trns.png")) as im:
        assert im.info.get("transparency") == (25, 190, 95)
    composited = composite_on(pillow_rgba("png_rgb_trns.png"))
    assert (composited == 255).all(axis=-1).sum() > 20
    record("png_rgb_trns.png", "png", composited, EXACT,
           "8-bit RGB with a tRNS key (the green bar): those pixels show white", "RGB")


# ------------------------------------------------------------ large JPEG

def grid_means(rgb, cols, rows):
    """Mean of each cell; cell (i, j) covers x in [i*W//cols, (i+1)*W//cols), likewise y."""
    h, w = rgb.shape[:2]
    out = []
    for j in range(rows):
        for i in range(cols):
            cell = rgb[j * h // rows:(j + 1) * h // rows, i * w // cols:(i + 1) * w // cols]
            out.extend(round(float(v), 3) for v in cell.reshape(-1, 3).mean(axis=0))
    return out


def samples(rgb, cols, rows):
    """The pixels at x = (2i+1)*W // (2*cols), y = (2j+1)*H // (2*rows)."""
    h, w = rgb.shape[:2]
    ys = [(2 * j + 1) * h // (2 * rows) for j in range(rows)]
    xs = [(2 * i + 1) * w // (2 * cols) for i in range(cols)]
    return rgb[np.ix_(ys, xs)]


def make_large():
    W, H = 2000, 1500
    img = scene(W, H, seed=30, period=W / 40.0)
    Image.fromarray(img).save(path("jpeg_large.jpg"), quality=35)
    size = os.path.getsize(path("jpeg_large.jpg"))
    assert size < 300_000, size
    with Image.open(path("jpeg_large.jpg")) as im:
        im.load()
        full = np.asarray(im.convert("RGB"))
    assert full.shape[:2] == (H, W)

    def dct_scale(minimum):
        for n in range(1, 9):
            if (min(W, H) * n + 7) // 8 >= minimum:
                return n
        return 8

    cols, rows = 40, 30
    cases = []
    # libjpeg's n/8 scaling maps each 8x8 block to an nxn one, the last partial
    # block padded by edge replication. The same geometry as a box filter of
    # Pillow's full decode: pad the edges to whole blocks, then average over
    # exactly 8/n source pixels per output pixel.
    padded = Image.fromarray(np.pad(full, ((0, -H % 8), (0, -W % 8), (0, 0)), mode="edge"))

    def box_reference(ow, oh, n):
        return np.asarray(padded.resize((ow, oh), Image.BOX, box=(0, 0, ow * 8 / n, oh * 8 / n)))

    # How far DCT scaling and that box filter differ, measured where Pillow can
    # draft (1/2, 1/4, 1/8); the 3/8 case is checked against the box filter
    # with twice the worst difference seen here (plus half a level).
    worst_cell, worst_mean = 0.0, 0.0
    for s in (2, 4, 8):
        with Image.open(path("jpeg_large.jpg")) as im:
            im.draft("RGB", (W // s, H // s))
            im.load()
            drafted = np.asarray(im.convert("RGB"))
        boxed = box_reference(drafted.shape[1], drafted.shape[0], 8 // s)
        d = np.abs(np.array(grid_means(drafted, 25, 19)) - np.array(grid_means(boxed, 25, 19)))
        worst_cell = max(worst_cell, float(d.max()))
        worst_mean = max(worst_mean, float(np.abs(np.array(channel_mean(drafted)) - channel_mean(boxed)).max()))
    box_tolerance = round(2.0 * worst_cell + 0.5, 2)
    box_mean_tolerance = round(2.0 * worst_mean + 0.25, 2)

    for minimum in (512, 750, 375, 188, None, 1501):
        n = 8 if minimum is None else dct_scale(minimum)
        ow, oh = -(-W * n // 8), -(-H * n // 8)
        case = {"minimumShorterSide": minimum, "n": n, "width": ow, "height": oh}
        if n == 8:
            ref = full
            case["reference"] = "Pillow full-size decode"
        elif n in (1, 2, 4):
            with Image.open(path("jpeg_large.jpg")) as im:
                im.draft("RGB", (W * n // 8, H * n // 8))  # Pillow's draft takes W // scale
                assert im.size == (ow, oh), (im.size, ow, oh)
                im.load()
                ref = np.asarray(im.convert("RGB"))
            case["reference"] = f"Pillow draft at 1/{8 // n} (libjpeg DCT scaling {n}/8)"
        else:
            ref = None
            boxed = box_reference(ow, oh, n)
            case["reference"] = (f"Pillow has no {n}/8 draft: box filter over {8 / n:.4g} pixels of Pillow's "
                                 "edge-padded full decode, compared on 25x19 cell means")
            case["grid"] = {"columns": 25, "rows": 19, "means": grid_means(boxed, 25, 19),
                            "tolerance": box_tolerance}
            case["mean"] = channel_mean(boxed)
            case["mean_tolerance"] = box_mean_tolerance
        if ref is not None:
            assert ref.shape[:2] == (oh, ow)
            case["samples"] = {"columns": cols, "rows": rows, "pixels": b64(samples(ref, cols, rows)),
                               "tolerance": JPEG_TOLERANCE}
            case["mean"] = channel_mean(ref)
            case["mean_tolerance"] = 0.25
        cases.append(case)
    expected["large"] = {"file": "jpeg_large.jpg", "width": W, "height": H, "cases": cases,
                         "note": "decoded size = ceil(W*n/8) x ceil(H*n/8), n the smallest eighth "
                                 "keeping the shorter side >= minimumShorterSide (8 if none does)"}


# ------------------------------------------------------------- bad input

def pillow_fails(name):
    try:
        with Image.open(path(name)) as im:
            im.load()
    except Exception as e:  # noqa: BLE001 — any failure will do
        return type(e).__name__ + ": " + str(e)[:120]
    raise AssertionError(f"Pillow decoded {name}, which should be broken")


def bad(name, kind, note):
    expected["bad"][name] = {"kind": kind, "note": note, "pillow": pillow_fails(name) if kind != "unreadable" else None}


def sof_offset(data):
    i = 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return i
        i += 2 + length
    raise AssertionError("no SOF")


def make_bad():
    open(path("bad_empty.jpg"), "wb").close()
    bad("bad_empty.jpg", "empty", "zero bytes")

    with open(path("bad_text.jpg"), "w") as f:
        f.write("This is not a JPEG, just text with a .jpg name.\n")
    bad("bad_text.jpg", "unknownFormat", "a text file named .jpg")

    big = io.BytesIO()
    Image.fromarray(scene(97, 61, seed=40, noise=30)).save(big, "JPEG", quality=90)
    data = big.getvalue()
    with open(path("bad_truncated.jpg"), "wb") as f:
        f.write(data[:len(data) // 2])
    bad("bad_truncated.jpg", "corrupt", "a baseline JPEG cut to half its bytes")

    prog = io.BytesIO()
    Image.fromarray(scene(97, 61, seed=41, noise=30)).save(prog, "JPEG", quality=90, progressive=True)
    pdata = prog.getvalue()
    with open(path("bad_truncated_progressive.jpg"), "wb") as f:
        f.write(pdata[:len(pdata) // 2])
    bad("bad_truncated_progressive.jpg", "corrupt", "a progressive JPEG cut to half its bytes")

    small = io.BytesIO()
    Image.fromarray(scene(40, 30, seed=42)).save(small, "JPEG", quality=80)
    sdata = bytearray(small.getvalue())
    at = sof_offset(sdata)
    broken = bytearray(sdata)
    broken[at + 2:at + 10] = b"\x00\x03\x41\x42\x43\x44\x45\x46"  # SOF length, precision, size, components
    with open(path("bad_header.jpg"), "wb") as f:
        f.write(broken)
    bad("bad_header.jpg", "corrupt", "garbage over the SOF0 segment (length 3, precision 65, ...)")

    zero = bytearray(sdata)
    zero[at + 5:at + 9] = b"\x00\x00\x00\x00"
    with open(path("bad_zero_size.jpg"), "wb") as f:
        f.write(zero)
    bad("bad_zero_size.jpg", "corrupt", "SOF0 declares 0x0 pixels")

    bomb = bytearray(sdata)
    bomb[at + 5:at + 9] = struct.pack(">HH", 60000, 60000)
    with open(path("bomb.jpg"), "wb") as f:
        f.write(bomb)
    bad("bomb.jpg", "tooLarge", "a 40x30 JPEG whose SOF0 declares 60000x60000")

    png = read("png_rgb8.png")
    with open(path("bad_truncated.png"), "wb") as f:
        f.write(png[:len(png) // 2])
    bad("bad_truncated.png", "corrupt", "a PNG cut to half its bytes")

    crc = bytearray(png)
    crc[29] ^= 0x5A  # inside the IHDR CRC (8 signature + 4 length + 4 type + 13 data = 29)
    with open(path("bad_crc.png"), "wb") as f:
        f.write(crc)
    bad("bad_crc.png", "corrupt", "IHDR CRC broken")

    rng = np.random.RandomState(43)
    with open(path("bad_garbage.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + rng.randint(0, 256, 200).astype(np.uint8).tobytes())
    bad("bad_garbage.png", "corrupt", "a PNG signature followed by 200 random bytes")

    # Valid chunk CRCs, but the zlib stream inside IDAT is broken: fails mid-decode.
    raw = b"".join(b"\x00" + bytes([(x * 7 + y * 3) & 255 for x in range(3 * 30)]) for y in range(20))
    z = bytearray(zlib.compress(raw, 9))
    z[0] = 0x79  # bad zlib header (CM 9)
    ihdr = struct.pack(">IIBBBBB", 30, 20, 8, 2, 0, 0, 0)
    with open(path("bad_idat.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(z)) + chunk(b"IEND", b""))
    bad("bad_idat.png", "corrupt", "valid chunks, but the IDAT zlib stream has a bad header")

    # Decompression bomb: IHDR declares 50000x50000 gray; a tiny IDAT follows.
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (50001 * 4), 9)
    with open(path("bomb.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    bad("bomb.png", "tooLarge", "IHDR declares 50000x50000 (2.5 gigapixels); the file is tiny")


# ---------------------------------------------------------------- resize

def synthetic(w, h):
    """The same formula is in ResamplingTests.swift: a source needing no file."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    r = (x * 5 + y * 3 + ((x * y) >> 4)) & 255
    g = ((x * x + 2 * y * y) // 17) & 255
    b = np.where(((x // 16 + y // 16) % 2) == 1, 255, (x ^ y) & 255)
    return np.dstack([r, g, b]).astype(np.uint8)


def exact_entry(out, **fields):
    """An output compared exactly: FNV-1a 64 of its bytes, plus the bytes themselves when small."""
    entry = dict(fields, width=int(out.shape[1]), height=int(out.shape[0]),
                 fnv1a64=fnv1a64(out.tobytes()), mean=channel_mean(out))
    if out.shape[0] * out.shape[1] <= 4000:
        entry["pixels"] = b64(out)
    return entry


def make_resize():
    src = scene(97, 61, seed=50, noise=40)
    Image.fromarray(src).save(path("resize_source.png"))
    small = scene(23, 17, seed=51, noise=40)
    Image.fromarray(small).save(path("resize_small.png"))
    targets = {
        "resize_source.png": [(40, 30), (31, 17), (49, 31), (7, 5), (1, 1), (96, 60), (97, 30), (50, 61),
                              (97, 200), (130, 61), (60, 80), (3, 61), (97, 1), (1, 61)],
        "resize_small.png": [(61, 40), (50, 17), (23, 45), (24, 18), (69, 51), (10, 40)],
    }
    for name, sizes in targets.items():
        with Image.open(path(name)) as im:
            im.load()
            assert im.mode == "RGB"
            for w, h in sizes:
                out = np.asarray(im.resize((w, h), Image.BILINEAR))
                expected["resize"].append(exact_entry(out, source=name))

    # Large synthetic sources: exact equality through an FNV-1a 64 hash of the bytes.
    for sw, sh, w, h in [(1000, 750, 256, 192), (1000, 750, 37, 29), (640, 480, 213, 160),
                         (301, 203, 900, 203), (1000, 750, 1000, 311)]:
        out = np.asarray(Image.fromarray(synthetic(sw, sh)).resize((w, h), Image.BILINEAR))
        expected["synthetic_resize"].append({"source_width": sw, "source_height": sh, "width": w, "height": h,
                                             "fnv1a64": fnv1a64(out.tobytes()), "mean": channel_mean(out)})

    # resized(shorterSide:): the longer side is round(long * s / short) (Python round, half to even).
    shorter = []
    for sw, sh, s in [(1000, 750, 256), (750, 1000, 256), (90, 60, 15), (150, 100, 5), (97, 61, 30),
                      (61, 97, 30), (64, 64, 20)]:
        long_, short = max(sw, sh), min(sw, sh)
        other = round(long_ * s / short)
        w, h = (s, other) if sw <= sh else (other, s)
        out = np.asarray(Image.fromarray(synthetic(sw, sh)).resize((w, h), Image.BILINEAR))
        shorter.append({"source_width": sw, "source_height": sh, "shorterSide": s, "width": w, "height": h,
                        "fnv1a64": fnv1a64(out.tobytes()), "mean": channel_mean(out)})
    expected["shorter_side"] = shorter

    # centerCropped: Pillow crop with left = (W - w) // 2, top = (H - h) // 2.
    with Image.open(path("resize_source.png")) as im:
        im.load()
        for w, h in [(40, 30), (96, 61), (97, 60), (33, 33), (1, 1), (97, 61)]:
            left, top = (97 - w) // 2, (61 - h) // 2
            out = np.asarray(im.crop((left, top, left + w, top + h)))
            expected["crop"].append(exact_entry(out, source="resize_source.png", left=left, top=top))


# ------------------------------------------------------- encoder reference

def smooth(w, h):
    """The same integer formula is in EncoderTests.swift: gradients and a triangle wave."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    t = ((x + 2 * y) * 6) % 400
    r = 255 * x // max(w - 1, 1)
    g = 255 * y // max(h - 1, 1)
    b = 28 + np.where(t < 200, t, 400 - t)
    return np.dstack([r, g, b]).astype(np.uint8)


def make_encoder_reference():
    """Pillow's own JPEG round trip (libjpeg defaults: 4:2:0, baseline) of the
    smooth image: ImageEncoder.jpeg then ImageDecoder should land within a level
    or two of it, and its error against the source bounds ours."""
    out = []
    for w, h, quality in [(61, 43, 95), (16, 16, 95), (1, 1, 95), (200, 3, 95), (97, 61, 95), (97, 61, 30)]:
        src = smooth(w, h)
        buf = io.BytesIO()
        Image.fromarray(src).save(buf, "JPEG", quality=quality)
        buf.seek(0)
        with Image.open(buf) as im:
            dec = np.asarray(im.convert("RGB"))
        err = np.abs(dec.astype(np.int64) - src)
        out.append({"width": w, "height": h, "quality": quality, "pixels": b64(dec), "tolerance": JPEG_TOLERANCE,
                    "pillow_error": {"max": int(err.max()), "mean": round(float(err.mean()), 4)}})
    expected["jpeg_roundtrip"] = out


def main():
    make_encoder_reference()
    make_jpegs()
    make_orientation()
    make_pngs()
    make_large()
    make_bad()
    make_resize()
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(path(n)) for n in os.listdir(HERE))
    print(f"{len(os.listdir(HERE))} files, {total} bytes")


if __name__ == "__main__":
    main()
