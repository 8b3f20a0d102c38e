#!/usr/bin/env python3
"""Focal's benchmarks against its peers, in one run.

The one command (from the repository root; it builds the release binaries first):

    Benchmarks/run.sh [--quick] [--json results.json] [other options below]

or, with `.build/release/focal-benchmark` and `.build/release/focal` already built:

    python3 Benchmarks/run.py [--quick] [--json results.json]

What it measures (the host is noisy, so peers are interleaved round by round and
medians are reported):

  a. Throughput of the 1280-d embedding, 2 threads, random 224x224 inputs, at batch 1
     and 32: onnxruntime in process (intra_op 2, inter_op 1, sequential, all graph
     optimisations; the graph from Benchmarks/onnx_graph.py, checked against the
     reference vectors every time it is built) versus
     `focal-benchmark throughput --batch B --seconds S --threads 2` (weights loading
     not timed). Round i: ORT for S seconds, then Focal for S seconds (the order flips
     every round). Reported: median images/s over rounds, ratio Focal/ORT.
  b. Decode + resize of a 12 MP JPEG (4000x3000, quality 90, generated
     deterministically from /work/shared/samples/china.jpg) to the 224x224 network
     image, single-threaded: `focal-benchmark decode FILE --repeat N` (DCT scaling
     keeping the shorter side >= 512, shorter side to 256 with Pillow-exact bilinear,
     centre crop 224) versus Pillow doing the same in process (`draft` at the same
     DCT scale, checked, `convert('RGB')`, BILINEAR resize, crop). Reported: median
     seconds per image and Pillow_time/Focal_time (> 1 means Focal is faster).
  c. Peak memory: `/usr/bin/time -v focal embed FOLDER --out OUT.npy` on 2,000
     deterministic 320x240 JPEGs; peak resident memory (MB) and images/s of the
     whole command (process start and weights loading included). Skipped, with a
     message, while `focal embed` is not available.

  d. Occlusion explanations (and the logit map, the default explainer's heatmap:
     the head's split over the last feature map at 224, 320 and 448) of one 224x224 network image (window 32, stride 16: 13x13 =
     169 windows, each filled with 0 in normalised space, i.e. pixel 127; the score is
     the top class's logit) of chelsea.png and the first 4 wedding test scenes:
     `focal-benchmark occlusion IMAGES... --repeat 1` (its naive, exact incremental and
     approximate modes; Focal's default workers, = 2 on a 2-CPU host) versus naive
     occlusion with onnxruntime (2 threads; the unoccluded pass, then all 169 occluded
     copies built with numpy and run in batches of 32 and, separately, all in one batch:
     every round times both, on every image, and keeps the faster). The ORT time includes
     building the copies and the unoccluded pass. Round i: ORT on all images, then Focal on all images
     (the order flips every round). Reported: median seconds per explanation per mode
     (median over images, then over rounds), the multiply-adds of each Focal mode,
     naive/exact (Focal naive s / Focal exact s), ORT/approximate (ORT s / Focal
     approximate s), ORT/naive, and the approximate mode's quality as Focal reports it
     (images whose top window is the exact map's, min and mean heatmap correlation).
  e. The SQLite embedding store: `focal-benchmark store --rows 20000` (1280-float rows,
     one transaction per batch of 32 written, read back 1024 keys at a time), 3 runs;
     median rows/s written and read. No peer.
  f. Training: Benchmarks/training_vs_sklearn.py (Focal's logistic head vs scikit-learn
     lbfgs; full sizes, several minutes on a busy host, or its --quick under --quick or
     --training-quick), its output echoed, its JSON parsed, and its "speed-up:" lines
     copied verbatim into the summary. "skipped" if the script is absent. Then
     Benchmarks/train_command_vs_sklearn.py: the whole `focal train --features --labels
     --c 1` command against the same work done the scikit-learn way (standardise,
     balanced one-vs-rest lbfgs at its default tol, 5-fold out-of-fold thresholds,
     final fit) on 10k x 1280 x 10 and 100k x 1280 x 2 (its --quick likewise), with
     Focal's peak RSS and a check that the out-of-fold APs equal those of
     `--stopping tolerances` to within half a bootstrap interval; its ratios go
     into the summary too.

Each round also prints the CPU the rest of the host used meanwhile (other processes
and hypervisor steal, as a share of all CPUs, from /proc/stat minus this process and
its children): rounds taken while the host was busy are visible, not hidden. The
summary's ratio is the ratio of the medians; "paired" is the median of the per-round
ratios, which is more robust when the host's load changes between rounds; "quiet" is
the median ratio over the rounds in which the rest of the host used < 10% of the CPUs
(n = how many), the cleanest comparison when there are some.

Options: --quick (3 rounds of 1 s, 5 decodes per round, 300 images; 2 occlusion rounds
on chelsea.png and 1 scene; training_vs_sklearn.py --quick), --rounds, --seconds,
--batches, --decode-repeat, --images, --occlusion-rounds, --occlusion-scenes,
--store-rows, --store-runs, --training-quick, --only {throughput,decode,memory,occlusion,store,training}
(repeatable; default all), --json PATH (the summary and every round as JSON), --keep-temp.
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import onnx_graph  # noqa: E402

SAMPLES = "/work/shared/samples"
TARGET_SHORT = 256
CROP = 224
DCT_MIN_SHORT = 2 * TARGET_SHORT  # Focal's rule: scale in the DCT only while shorter side >= 512


class HostLoad:
    """CPU used during an interval by everything else on the host (other processes, and
    hypervisor steal), as a fraction of all CPUs: /proc/stat minus this process and its
    children. Printed per round so that rounds hit by a busy host are visible."""

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
            busy = sum(fields[i] for i in (0, 1, 2, 5, 6, 7) if i < len(fields))  # user nice system irq softirq steal
            ticks = os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError):
            return None
        own = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            own += usage.ru_utime + usage.ru_stime
        return time.perf_counter(), busy / ticks, own

    def foreign(self):
        end = self._sample()
        if self.start is None or end is None:
            return float("nan")
        wall = end[0] - self.start[0]
        other = (end[1] - self.start[1]) - (end[2] - self.start[2])
        return max(other, 0.0) / (wall * (os.cpu_count() or 1))


MEASURES = ["throughput", "decode", "memory", "occlusion", "store", "training"]
QUIET = 0.10  # a round is "quiet" when the rest of the host used under 10% of the CPUs


def quiet_summary(rounds, busy, ratio):
    """(count, median ratio) over the rounds in which the rest of the host was quiet."""
    quiet = [ratio(e) for e in rounds if busy(e) < QUIET]
    return len(quiet), (statistics.median(quiet) if quiet else None)


def log(message=""):
    print(message, flush=True)


def run_json_lines(cmd, env=None):
    """Runs a command that prints JSON objects, one a line, on stdout: all of them."""
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr.strip()[-2000:]}")
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed no JSON:\n{result.stdout[-2000:]}")
    return [json.loads(line) for line in lines]


def run_json(cmd, env=None):
    """Runs a command that prints one JSON object on its last stdout line."""
    return run_json_lines(cmd, env)[-1]


_SESSION = {}


def ort_session():
    """The onnxruntime session (2 threads) on the graph of onnx_graph.py, built and checked once per run."""
    if "session" not in _SESSION:
        t0 = time.perf_counter()
        model = onnx_graph.build_model()  # asserts the reference vectors (max |diff| <= 1e-4)
        log(f"onnx graph built and checked against the reference vectors ({time.perf_counter() - t0:.1f} s)")
        _SESSION["session"] = onnx_graph.make_session(model, threads=2)
    return _SESSION["session"]


# ---------------------------------------------------------------- a. throughput

def ort_round(session, inputs, seconds):
    """Runs the session for `seconds` (at least 3 runs): median seconds per batch and run count."""
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 3:
        t0 = time.perf_counter()
        session.run(["embedding"], {"input": inputs})
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def bench_throughput(args, benchmark_bin, results):
    log("== a. throughput (2 threads, random 224x224 inputs) ==")
    session = ort_session()
    rng = np.random.default_rng(42)
    out = {}
    for batch in args.batches:
        inputs = rng.uniform(-1, 1, size=(batch, 3, CROP, CROP)).astype(np.float32)
        for _ in range(2 if batch > 1 else 10):  # warm-up
            batched = session.run(["embedding"], {"input": inputs})[0]
        single = session.run(["embedding"], {"input": inputs[-1:]})[0]
        assert np.max(np.abs(batched[-1] - single[0])) <= 1e-4, "ORT: batched and single embeddings differ"
        rounds = []
        for r in range(args.rounds):
            entry = {}
            order = ["ort", "focal"] if r % 2 == 0 else ["focal", "ort"]
            for peer in order:
                load = HostLoad()
                if peer == "ort":
                    median, runs = ort_round(session, inputs, args.seconds)
                    entry["ort"] = {"images_per_second": batch / median, "median_seconds_per_batch": median, "runs": runs}
                else:
                    j = run_json([benchmark_bin, "throughput", "--batch", str(batch),
                                  "--seconds", str(args.seconds), "--threads", "2"])
                    entry["focal"] = {"images_per_second": j["images_per_second"],
                                      "median_seconds_per_batch": j["median_seconds_per_batch"], "runs": j["runs"]}
                entry[peer]["host_busy_other"] = load.foreign()
            entry["ratio"] = entry["focal"]["images_per_second"] / entry["ort"]["images_per_second"]
            rounds.append(entry)
            log(f"  batch {batch:>2} round {r + 1}/{args.rounds}: ORT {entry['ort']['images_per_second']:7.1f} img/s, "
                f"Focal {entry['focal']['images_per_second']:7.1f} img/s, Focal/ORT {entry['ratio']:.2f}  "
                f"(other load on host: ORT {entry['ort']['host_busy_other']:.0%}, Focal {entry['focal']['host_busy_other']:.0%})")
        ort = statistics.median(e["ort"]["images_per_second"] for e in rounds)
        focal = statistics.median(e["focal"]["images_per_second"] for e in rounds)
        paired = statistics.median(e["ratio"] for e in rounds)
        n_quiet, quiet = quiet_summary(rounds, lambda e: max(e["ort"]["host_busy_other"], e["focal"]["host_busy_other"]),
                                       lambda e: e["ratio"])
        out[str(batch)] = {"ort_images_per_second": ort, "focal_images_per_second": focal,
                           "ratio_focal_over_ort": focal / ort, "median_paired_ratio": paired,
                           "quiet_rounds": n_quiet, "quiet_median_ratio": quiet, "rounds": rounds}
        log(f"batch {batch}: ORT {ort:.1f} img/s, Focal {focal:.1f} img/s (medians of {args.rounds} rounds of "
            f"{args.seconds:g} s); Focal/ORT = {focal / ort:.2f} (median of per-round ratios {paired:.2f}"
            + (f"; over the {n_quiet} quiet rounds {quiet:.2f})" if n_quiet else "; no quiet round)"))
    results["throughput"] = out


# ---------------------------------------------------------------- b. decode + resize

def make_large_jpeg(path, width=4000, height=3000):
    """A deterministic 12 MP photo-like JPEG: china.jpg cropped to 4:3, upscaled, with film grain."""
    from PIL import Image
    src = Image.open(os.path.join(SAMPLES, "china.jpg")).convert("RGB")
    w, h = src.size
    cw = min(w, h * width // height)
    ch = min(h, w * height // width)
    src = src.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch))
    big = np.asarray(src.resize((width, height), Image.BICUBIC), dtype=np.int16)
    grain = np.random.default_rng(12).normal(0, 4, size=big.shape).round().astype(np.int16)
    Image.fromarray(np.clip(big + grain, 0, 255).astype(np.uint8)).save(path, quality=90)


def focal_dct_scale(width, height):
    """Focal's rule: the smallest n in 1...8 with ceil(shorter * n / 8) >= 512 (8 if none)."""
    shorter = min(width, height)
    for n in range(1, 9):
        if -(-shorter * n // 8) >= DCT_MIN_SHORT:
            return n
    return 8


def pillow_network_image(path, draft_size):
    from PIL import Image
    im = Image.open(path)
    if draft_size is not None:
        im.draft("RGB", draft_size)
    im = im.convert("RGB")
    w, h = im.size
    short, long = min(w, h), max(w, h)
    scaled = round(long * TARGET_SHORT / short)
    size = (TARGET_SHORT, scaled) if w <= h else (scaled, TARGET_SHORT)
    im = im.resize(size, Image.BILINEAR)
    left, top = (size[0] - CROP) // 2, (size[1] - CROP) // 2
    return im.crop((left, top, left + CROP, top + CROP))


def pillow_draft_request(path):
    """The `draft` size that makes Pillow decode at Focal's DCT scale; checked, with the decoded size."""
    from PIL import Image
    im = Image.open(path)
    width, height = im.size
    n = focal_dct_scale(width, height)
    expected = (-(-width * n // 8), -(-height * n // 8))
    if n == 8:
        return None, (width, height), expected, n
    reduction = 8 // n
    if 8 % n or reduction not in (2, 4, 8):
        raise RuntimeError(f"Pillow's draft cannot decode at {n}/8 (only 1/1, 1/2, 1/4, 1/8)")
    request = (width // reduction, height // reduction)
    im.draft("RGB", request)
    decoded = im.size
    im.convert("RGB")  # actually decode once, to be sure the reduced decode works
    if decoded != expected:
        raise RuntimeError(f"Pillow draft{request} decodes {decoded}, Focal decodes {expected}")
    return request, decoded, expected, n


def bench_decode(args, benchmark_bin, tmp, results):
    from PIL import Image
    log("== b. decode + resize of a 12 MP JPEG to 224x224 (single-threaded) ==")
    path = os.path.join(tmp, "large_4000x3000_q90.jpg")
    make_large_jpeg(path)
    width, height = Image.open(path).size
    request, decoded, expected, n = pillow_draft_request(path)
    log(f"{os.path.basename(path)}: {width}x{height}, {os.path.getsize(path) / 1e6:.1f} MB; DCT scale {n}/8 -> "
        f"{expected[0]}x{expected[1]} (Focal's rule); Pillow draft('RGB', {request}) decodes "
        f"{decoded[0]}x{decoded[1]}: same")
    check = pillow_network_image(path, request)
    assert check.size == (CROP, CROP), check.size
    rounds = []
    for r in range(args.rounds):
        entry = {}
        order = ["pillow", "focal"] if r % 2 == 0 else ["focal", "pillow"]
        load = HostLoad()
        for peer in order:
            if peer == "pillow":
                times = []
                for _ in range(args.decode_repeat):
                    t0 = time.perf_counter()
                    pillow_network_image(path, request)
                    times.append(time.perf_counter() - t0)
                entry["pillow"] = statistics.median(times)
            else:
                j = run_json([benchmark_bin, "decode", path, "--repeat", str(args.decode_repeat)])
                if list(j.get("output", [])) != [CROP, CROP]:
                    raise RuntimeError(f"focal-benchmark decode output {j.get('output')}")
                entry["focal"] = j["median_seconds"]
        entry["ratio"] = entry["pillow"] / entry["focal"]
        entry["host_busy_other"] = load.foreign()
        rounds.append(entry)
        log(f"  round {r + 1}/{args.rounds}: Pillow {entry['pillow'] * 1e3:7.1f} ms, Focal {entry['focal'] * 1e3:7.1f} ms, "
            f"Pillow/Focal {entry['ratio']:.2f}  (other load on host {entry['host_busy_other']:.0%})")
    pillow = statistics.median(e["pillow"] for e in rounds)
    focal = statistics.median(e["focal"] for e in rounds)
    paired = statistics.median(e["ratio"] for e in rounds)
    n_quiet, quiet = quiet_summary(rounds, lambda e: e["host_busy_other"], lambda e: e["ratio"])
    results["decode"] = {"file": {"size": [width, height], "bytes": os.path.getsize(path), "quality": 90},
                         "dct_scale_eighths": n, "decoded_size": list(decoded), "pillow_draft_request": list(request or []),
                         "pillow_median_seconds": pillow, "focal_median_seconds": focal,
                         "ratio_pillow_over_focal": pillow / focal, "median_paired_ratio": paired,
                         "quiet_rounds": n_quiet, "quiet_median_ratio": quiet,
                         "repeats_per_round": args.decode_repeat, "rounds": rounds}
    log(f"decode+resize: Pillow {pillow * 1e3:.1f} ms, Focal {focal * 1e3:.1f} ms (medians); "
        f"Pillow/Focal = {pillow / focal:.2f} (> 1: Focal faster; median of per-round ratios {paired:.2f}"
        + (f"; over the {n_quiet} quiet rounds {quiet:.2f})" if n_quiet else "; no quiet round)"))


# ---------------------------------------------------------------- c. peak memory

def make_small_jpegs(folder, count, width=320, height=240):
    """`count` deterministic, varied 320x240 JPEGs: gradients, shapes, grain."""
    from PIL import Image, ImageDraw
    os.makedirs(folder, exist_ok=True)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    for i in range(count):
        rng = np.random.default_rng(1000 + i)
        c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        angle = rng.uniform(0, 2 * math.pi)
        t = (np.cos(angle) * xx / width + np.sin(angle) * yy / height + 1) / 2
        base = c0 * (1 - t[..., None]) + c1 * t[..., None]
        base += rng.normal(0, rng.uniform(1, 12), size=base.shape)
        im = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(3, 12))):
            x0, y0 = int(rng.integers(-40, width)), int(rng.integers(-40, height))
            x1, y1 = x0 + int(rng.integers(10, 200)), y0 + int(rng.integers(10, 160))
            fill = tuple(int(v) for v in rng.integers(0, 256, 3))
            kind = int(rng.integers(0, 3))
            if kind == 0:
                draw.ellipse((x0, y0, x1, y1), fill=fill)
            elif kind == 1:
                draw.rectangle((x0, y0, x1, y1), fill=fill)
            else:
                draw.line((x0, y0, x1, y1), fill=fill, width=int(rng.integers(1, 12)))
        im.save(os.path.join(folder, f"img_{i:05d}.jpg"), quality=int(rng.integers(75, 96)))


def bench_memory(args, focal_bin, tmp, results):
    log(f"== c. peak memory of `focal embed` on {args.images} 320x240 JPEGs ==")
    available = False
    if os.path.exists(focal_bin):
        probe = subprocess.run([focal_bin, "embed", "--help"], capture_output=True, text=True)
        available = probe.returncode == 0 and "--out" in probe.stdout + probe.stderr
    if not available:
        log("skipped: focal embed not available")
        results["memory"] = {"skipped": "focal embed not available"}
        return
    folder = os.path.join(tmp, "small_jpegs")
    t0 = time.perf_counter()
    make_small_jpegs(folder, args.images)
    log(f"generated {args.images} JPEGs in {time.perf_counter() - t0:.1f} s")
    out = os.path.join(tmp, "embeddings.npy")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))  # no cache from earlier runs
    cmd = ["/usr/bin/time", "-v", focal_bin, "embed", folder, "--out", out]
    load = HostLoad()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    busy_other = load.foreign()
    if proc.returncode != 0:
        log(f"failed: focal embed exited {proc.returncode}:\n{proc.stderr.strip()[-1500:]}")
        results["memory"] = {"failed": proc.returncode, "stderr": proc.stderr[-1500:]}
        return
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    peak_mb = int(match.group(1)) / 1024 if match else float("nan")
    shape = None
    if os.path.exists(out):
        shape = list(np.load(out, mmap_mode="r").shape)
    csv = os.path.splitext(out)[0] + ".csv"
    results["memory"] = {"images": args.images, "peak_rss_mb": peak_mb, "wall_seconds": wall,
                         "images_per_second": args.images / wall, "npy_shape": shape,
                         "csv_written": os.path.exists(csv), "host_busy_other": busy_other, "command": " ".join(cmd[2:])}
    log(f"focal embed: peak RSS {peak_mb:.1f} MB, {wall:.2f} s wall, {args.images / wall:.1f} images/s "
        f"(whole command; other load on host {busy_other:.0%}); OUT.npy shape {shape}, OUT.csv {'written' if os.path.exists(csv) else 'MISSING'}")
    if shape is None or shape[0] != args.images:
        log(f"warning: expected {args.images} embeddings in {out}, found shape {shape}")


# ---------------------------------------------------------------- d. occlusion

OCCLUSION_WINDOW = 32
OCCLUSION_STRIDE = 16
OCCLUSION_MODES = ("naive", "exact", "approximate")
# Focal's modes timed per image: the occlusion modes and the logit map (the default explainer's heatmap).
FOCAL_MODES = OCCLUSION_MODES + ("map",)


def occlusion_images(args):
    """chelsea.png and the first --occlusion-scenes test scenes of the wedding dataset."""
    scenes = os.path.join(ROOT, "datasets", "wedding", "images", "test")
    names = sorted(n for n in os.listdir(scenes) if n.lower().endswith((".jpg", ".jpeg", ".png")))
    return [os.path.join(ROOT, "datasets", "photos", "chelsea.png")] + \
        [os.path.join(scenes, n) for n in names[:args.occlusion_scenes]]


def network_input(path):
    """The normalised 1x3x224x224 input Focal makes of `path` (Pillow, same DCT scale, bilinear, centre crop)."""
    request = pillow_draft_request(path)[0]
    return onnx_graph.normalize(np.asarray(pillow_network_image(path, request)))


def ort_occlusion(session, x, batch, window=OCCLUSION_WINDOW, stride=OCCLUSION_STRIDE):
    """Naive occlusion with onnxruntime: the unoccluded pass (which picks the target, the top class), then every
    window-sized square filled with 0 (normalised; pixel 127), the copies run `batch` at a time.
    Returns (target, drops of the target logit, row-major windows)."""
    base = session.run(["logits"], {"input": x})[0][0]
    target = int(np.argmax(base))
    positions = range(0, x.shape[-1] - window + 1, stride)
    boxes = [(y, x0) for y in positions for x0 in positions]
    copies = np.repeat(x, len(boxes), axis=0)
    for i, (y, x0) in enumerate(boxes):
        copies[i, :, y:y + window, x0:x0 + window] = 0.0
    scores = np.concatenate([session.run(["logits"], {"input": copies[s:s + batch]})[0][:, target]
                             for s in range(0, len(boxes), batch)])
    return target, base[target] - scores


def timed_ort_occlusion(session, x, batch):
    t0 = time.perf_counter()
    target, drops = ort_occlusion(session, x, batch)
    return time.perf_counter() - t0, target, drops


def check_ort_occlusion_batches(session, x, batches):
    """Warms up every batching on one image; asserts they give the same drops (max |diff| <= 1e-3)."""
    drops = [ort_occlusion(session, x, b)[1] for b in batches]
    diff = max(float(np.max(np.abs(d - drops[0]))) for d in drops)
    assert diff <= 1e-3, f"ORT occlusion: batches {batches} differ by {diff:.3g}"
    return diff


def ort_occlusion_round(session, inputs, batches):
    """Every image with every batching (the order alternating between images); per batching the median seconds
    over images. The round's ORT time is the faster batching's ("keep the faster")."""
    entry = {}
    for i, x in enumerate(inputs):
        for b in (batches if i % 2 == 0 else batches[::-1]):
            seconds, target, _ = timed_ort_occlusion(session, x, b)
            entry.setdefault(f"batch_{b}", {"per_image": []})["per_image"].append(seconds)
            if b == batches[0]:
                entry.setdefault("targets", []).append(target)
    for b in batches:
        entry[f"batch_{b}"]["seconds"] = statistics.median(entry[f"batch_{b}"]["per_image"])
    entry["batch"] = min(batches, key=lambda b: entry[f"batch_{b}"]["seconds"])
    entry["seconds"] = entry[f"batch_{entry['batch']}"]["seconds"]
    return entry


def bench_occlusion(args, benchmark_bin, results):
    log(f"== d. occlusion explanations ({OCCLUSION_WINDOW}x{OCCLUSION_WINDOW} windows, stride {OCCLUSION_STRIDE}, "
        f"fill 0 = pixel 127), onnxruntime naive vs Focal naive/exact/approximate ==")
    session = ort_session()
    images = occlusion_images(args)
    inputs = [network_input(path) for path in images]
    positions = len(range(0, CROP - OCCLUSION_WINDOW + 1, OCCLUSION_STRIDE))
    windows = positions * positions
    batches = [32, windows]
    batch_diff = check_ort_occlusion_batches(session, inputs[0], batches)
    log(f"{len(images)} images ({', '.join(os.path.basename(p) for p in images)}), {windows} windows; ORT in "
        f"batches of 32 and in one batch of {windows} (same drops within {batch_diff:.1e}), the faster kept per round")
    rounds = []
    for r in range(args.occlusion_rounds):
        entry = {}
        for peer in (["ort", "focal"] if r % 2 == 0 else ["focal", "ort"]):
            load = HostLoad()
            if peer == "ort":
                entry["ort"] = ort_occlusion_round(session, inputs, batches)
            else:
                lines = run_json_lines([benchmark_bin, "occlusion", *images, "--repeat", "1",
                                        "--window", str(OCCLUSION_WINDOW), "--stride", str(OCCLUSION_STRIDE)])
                per_image = [j for j in lines if j.get("mode") == "occlusion"]
                summary = next(j for j in lines if j.get("mode") == "occlusion-summary")
                if len(per_image) != len(images) or any(j["patches"] != windows for j in per_image):
                    raise RuntimeError(f"focal-benchmark occlusion: {len(per_image)} images, "
                                       f"patches {[j['patches'] for j in per_image]}")
                entry["focal"] = {m: statistics.median(j[m]["median_seconds"] for j in per_image) for m in FOCAL_MODES}
                entry["focal"].update(per_image=per_image, summary=summary)
            entry[peer]["host_busy_other"] = load.foreign()
        f = entry["focal"]
        entry["ratio_naive_over_exact"] = f["naive"] / f["exact"]
        entry["ratio_ort_over_approximate"] = entry["ort"]["seconds"] / f["approximate"]
        entry["ratio_ort_over_exact"] = entry["ort"]["seconds"] / f["exact"]
        entry["ratio_ort_over_focal_naive"] = entry["ort"]["seconds"] / f["naive"]
        entry["ratio_ort_over_map"] = entry["ort"]["seconds"] / f["map"]
        entry["ratio_approximate_over_map"] = f["approximate"] / f["map"]
        rounds.append(entry)
        log(f"  round {r + 1}/{args.occlusion_rounds} (s per explanation, median of {len(images)} images): "
            f"ORT {entry['ort']['seconds']:.2f} (batch 32 {entry['ort']['batch_32']['seconds']:.2f}, one batch "
            f"{entry['ort'][f'batch_{windows}']['seconds']:.2f}); Focal naive {f['naive']:.2f}, exact {f['exact']:.2f}, "
            f"approximate {f['approximate']:.2f}, map {f['map']:.3f}; naive/exact {entry['ratio_naive_over_exact']:.2f}, "
            f"ORT/approximate {entry['ratio_ort_over_approximate']:.2f}, approximate/map "
            f"{entry['ratio_approximate_over_map']:.2f}, ORT/map {entry['ratio_ort_over_map']:.2f}  (other load on host: ORT "
            f"{entry['ort']['host_busy_other']:.0%}, Focal {f['host_busy_other']:.0%})")

    per_image = rounds[-1]["focal"]["per_image"]
    focal_targets = [j["target"] for j in per_image]
    ort_targets = rounds[-1]["ort"]["targets"]
    if ort_targets != focal_targets:
        log(f"warning: top classes differ between ORT {ort_targets} and Focal {focal_targets} "
            f"(the two preprocess the images differently?)")
    out = {"images": images, "windows": windows, "window": OCCLUSION_WINDOW, "stride": OCCLUSION_STRIDE,
           "ort_batch_seconds": {str(b): statistics.median(e["ort"][f"batch_{b}"]["seconds"] for e in rounds)
                                 for b in batches},
           "ort_batch_kept": [e["ort"]["batch"] for e in rounds],
           "targets_focal": focal_targets, "targets_ort": ort_targets,
           "ort_seconds": statistics.median(e["ort"]["seconds"] for e in rounds)}
    macs = [j["map"]["multiply_adds"] for j in per_image]
    out["map"] = {"seconds": statistics.median(e["focal"]["map"] for e in rounds), "scales": per_image[0]["map"]["scales"],
                  "mirrored": per_image[0]["map"].get("mirrored", False), "multiply_adds_median": statistics.median(macs)}
    for m in OCCLUSION_MODES:
        macs = [j[m]["multiply_adds"] for j in per_image]
        counts = [j[m]["windows"] for j in per_image]
        out[m] = {"seconds": statistics.median(e["focal"][m] for e in rounds),
                  "multiply_adds_median": statistics.median(macs), "multiply_adds_min": min(macs),
                  "multiply_adds_max": max(macs), "windows_min": min(counts), "windows_max": max(counts)}
    focal_busy = lambda e: e["focal"]["host_busy_other"]  # noqa: E731
    both_busy = lambda e: max(e["ort"]["host_busy_other"], e["focal"]["host_busy_other"])  # noqa: E731
    for key, numerator, denominator, busy in (
            ("naive_over_exact", out["naive"]["seconds"], out["exact"]["seconds"], focal_busy),
            ("ort_over_approximate", out["ort_seconds"], out["approximate"]["seconds"], both_busy),
            ("ort_over_exact", out["ort_seconds"], out["exact"]["seconds"], both_busy),
            ("ort_over_focal_naive", out["ort_seconds"], out["naive"]["seconds"], both_busy),
            ("ort_over_map", out["ort_seconds"], out["map"]["seconds"], both_busy),
            ("approximate_over_map", out["approximate"]["seconds"], out["map"]["seconds"], focal_busy)):
        n_quiet, quiet = quiet_summary(rounds, busy, lambda e, k=key: e["ratio_" + k])
        out[key] = {"ratio": numerator / denominator,
                    "median_paired_ratio": statistics.median(e["ratio_" + key] for e in rounds),
                    "quiet_rounds": n_quiet, "quiet_median_ratio": quiet}
    summaries = [e["focal"]["summary"] for e in rounds]  # Focal's own account of the approximate mode's quality
    out["approximate_quality"] = {
        "images": summaries[-1]["images"],
        "same_top_window": summaries[-1]["approximate_same_top_window"],
        "same_top_window_fraction": summaries[-1]["approximate_same_top_window"] / summaries[-1]["images"],
        "min_correlation": summaries[-1]["approximate_min_correlation"],
        "mean_correlation": summaries[-1]["approximate_mean_correlation"],
        "same_in_every_round": all({k: v for k, v in s.items() if not k.endswith("_seconds")} ==
                                   {k: v for k, v in summaries[-1].items() if not k.endswith("_seconds")}
                                   for s in summaries)}
    out["rounds"] = rounds
    results["occlusion"] = out
    q = out["approximate_quality"]
    log(f"occlusion (s per explanation, medians of {args.occlusion_rounds} rounds): ORT naive (faster batching) "
        f"{out['ort_seconds']:.2f}; Focal naive {out['naive']['seconds']:.2f}, exact {out['exact']['seconds']:.2f}, "
        f"approximate {out['approximate']['seconds']:.2f}, map {out['map']['seconds']:.3f}; naive/exact "
        f"{out['naive_over_exact']['ratio']:.2f}, ORT/approximate {out['ort_over_approximate']['ratio']:.2f}, "
        f"approximate/map {out['approximate_over_map']['ratio']:.2f}, ORT/map {out['ort_over_map']['ratio']:.2f}; "
        f"approximate: same top window as exact on "
        f"{q['same_top_window']}/{q['images']} images, heatmap correlation min {q['min_correlation']:.3f} "
        f"mean {q['mean_correlation']:.3f}" + ("" if q["same_in_every_round"] else " (last round; rounds differ)"))


# ---------------------------------------------------------------- e. embedding store

def bench_store(args, benchmark_bin, results):
    log(f"== e. SQLite embedding store, {args.store_rows} rows of 1280 floats ==")
    runs = []
    for r in range(args.store_runs):
        load = HostLoad()
        j = run_json([benchmark_bin, "store", "--rows", str(args.store_rows)])
        j["host_busy_other"] = load.foreign()
        runs.append(j)
        log(f"  run {r + 1}/{args.store_runs}: write {j['write_rows_per_second']:,.0f} rows/s, "
            f"read {j['read_rows_per_second']:,.0f} rows/s (batch {j['batch']}; other load on host "
            f"{j['host_busy_other']:.0%})")
    write = statistics.median(j["write_rows_per_second"] for j in runs)
    read = statistics.median(j["read_rows_per_second"] for j in runs)
    results["store"] = {"rows": args.store_rows, "batch": runs[-1]["batch"], "write_rows_per_second": write,
                        "read_rows_per_second": read, "runs": runs}
    log(f"store: write {write:,.0f} rows/s, read {read:,.0f} rows/s (medians of {args.store_runs} runs)")


# ---------------------------------------------------------------- f. training

def run_comparison_script(cmd):
    """Runs a peer-comparison script, echoing its lines as they come (it takes
    minutes) up to its closing JSON; returns its exit code, wall time, host load,
    "speed-up:" lines and parsed JSON rows."""
    load = HostLoad()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if not any(previous.startswith("[") for previous in lines):
            log("  | " + lines[-1])
    code = proc.wait()
    out = {"command": " ".join(cmd[1:]), "exit_code": code, "wall_seconds": time.perf_counter() - t0,
           "host_busy_other": load.foreign(),
           "speed_up_lines": [line.strip() for line in lines if line.strip().startswith("speed-up:")]}
    starts = [i for i, line in enumerate(lines) if line.startswith("[")]
    try:
        out["rows"] = json.loads("\n".join(lines[starts[-1]:]))
    except (IndexError, ValueError):
        out["rows"] = None
        log("warning: no JSON found in the script's output")
    return out


def bench_training(args, benchmark_bin, results):
    script = os.path.join(HERE, "training_vs_sklearn.py")
    log("== f. training: Focal's logistic head vs scikit-learn (Benchmarks/training_vs_sklearn.py) ==")
    if not os.path.exists(script):
        log("skipped")
        results["training"] = {"skipped": "Benchmarks/training_vs_sklearn.py not found"}
        return
    cmd = [sys.executable, script, "--binary", benchmark_bin] + (["--quick"] if args.training_quick else [])
    out = run_comparison_script(cmd)
    code = out["exit_code"]
    if code != 0:
        log(f"warning: {os.path.basename(script)} exited {code}" +
            (" (an objective not within 1e-6 of scikit-learn's)" if out["rows"] else ""))
    results["training"] = out
    log(f"training: {len(out['speed_up_lines'])} comparisons in {out['wall_seconds']:.0f} s "
        f"(other load on host {out['host_busy_other']:.0%})")
    bench_training_command(args, os.path.join(os.path.dirname(benchmark_bin), "focal"), results)


def bench_training_command(args, focal_bin, results):
    """The whole `focal train --features --labels --c 1` against scikit-learn doing the same work."""
    script = os.path.join(HERE, "train_command_vs_sklearn.py")
    log("== f. training: focal train vs the same work in scikit-learn (Benchmarks/train_command_vs_sklearn.py) ==")
    if not os.path.exists(script) or not os.path.exists(focal_bin):
        log("skipped")
        results["training_command"] = {"skipped": f"{script} or {focal_bin} not found"}
        return
    cmd = [sys.executable, script, "--binary", focal_bin] + (["--quick"] if args.training_quick else [])
    out = run_comparison_script(cmd)
    results["training_command"] = out
    log(f"training command: {len(out['speed_up_lines'])} comparisons in {out['wall_seconds']:.0f} s "
        f"(other load on host {out['host_busy_other']:.0%})")


# ---------------------------------------------------------------- summary

def _quiet(entry):
    if not entry.get("quiet_rounds"):
        return "; quiet n=0"
    return f"; quiet {entry['quiet_median_ratio']:.2f} n={entry['quiet_rounds']}"


def summary_rows(results):
    rows = []
    for batch, t in results.get("throughput", {}).items():
        rows.append((f"throughput batch {batch} (img/s)", f"{t['ort_images_per_second']:.1f}",
                     f"{t['focal_images_per_second']:.1f}",
                     f"Focal/ORT {t['ratio_focal_over_ort']:.2f} (paired {t['median_paired_ratio']:.2f}{_quiet(t)})"))
    d = results.get("decode")
    if d:
        rows.append(("12 MP JPEG -> 224 (ms)", f"{d['pillow_median_seconds'] * 1e3:.1f}",
                     f"{d['focal_median_seconds'] * 1e3:.1f}",
                     f"Pillow/Focal {d['ratio_pillow_over_focal']:.2f} (paired {d['median_paired_ratio']:.2f}{_quiet(d)})"))
    m = results.get("memory")
    if m:
        if "peak_rss_mb" in m:
            rows.append((f"focal embed {m['images']} JPEGs", "-",
                         f"{m['peak_rss_mb']:.1f} MB peak, {m['images_per_second']:.1f} img/s", ""))
        else:
            rows.append(("focal embed", "-", m.get("skipped") or f"failed ({m.get('failed')})", ""))
    o = results.get("occlusion")
    if o:
        rows += occlusion_rows(o)
    st = results.get("store")
    if st:
        rows.append((f"store {st['rows']} rows x 1280 (rows/s)", "-",
                     f"write {st['write_rows_per_second']:,.0f}, read {st['read_rows_per_second']:,.0f}",
                     f"batch {st['batch']}; medians of {len(st['runs'])} runs"))
    tr = results.get("training")
    if tr:
        rows += training_rows(tr)
    tc = results.get("training_command")
    if tc:
        rows += training_command_rows(tc)
    return rows


def _ratio(entry, name):
    quiet = f"; quiet {entry['quiet_median_ratio']:.2f} n={entry['quiet_rounds']}" if entry["quiet_rounds"] else "; quiet n=0"
    return f"{name} {entry['ratio']:.2f} (paired {entry['median_paired_ratio']:.2f}{quiet})"


def occlusion_rows(o):
    def cell(m):
        macs = f"{o[m]['multiply_adds_median'] / 1e9:.1f} GMAC"
        if o[m]["windows_min"] != o[m]["windows_max"]:
            macs += (f" median ({o[m]['multiply_adds_min'] / 1e9:.1f}-{o[m]['multiply_adds_max'] / 1e9:.1f}, "
                     f"{o[m]['windows_min']}-{o[m]['windows_max']} windows)")
        return f"{o[m]['seconds']:.2f} s, {macs}"
    batch = o["ort_batch_seconds"]
    kept = ",".join(str(b) for b in o["ort_batch_kept"])
    q = o["approximate_quality"]
    title = f"occlusion {o['windows']} windows (s/expl.)"
    return [
        (title + ": ORT naive", f"{o['ort_seconds']:.2f}", "-",
         f"faster per round of batch 32 ({batch['32']:.2f} s) and one batch ({batch[str(o['windows'])]:.2f} s): "
         f"{kept}"),
        ("  Focal naive", f"{o['ort_seconds']:.2f}", cell("naive"), _ratio(o["ort_over_focal_naive"], "ORT/naive")),
        ("  Focal exact", "-", cell("exact"), _ratio(o["naive_over_exact"], "naive/exact")),
        ("  Focal approximate", f"{o['ort_seconds']:.2f}", cell("approximate"),
         _ratio(o["ort_over_approximate"], "ORT/approximate")),
        ("  Focal map (" + ",".join(str(s) for s in o["map"]["scales"]) + (", mirrored" if o["map"].get("mirrored") else "") + ")", f"{o['ort_seconds']:.2f}",
         f"{o['map']['seconds']:.3f} s, {o['map']['multiply_adds_median'] / 1e9:.1f} GMAC",
         _ratio(o["ort_over_map"], "ORT/map") + "; " + _ratio(o["approximate_over_map"], "approximate/map")),
        ("  approximate vs exact", "-", f"same top window {q['same_top_window']}/{q['images']} "
         f"({q['same_top_window_fraction']:.0%})", f"heatmap correlation min {q['min_correlation']:.3f}, "
         f"mean {q['mean_correlation']:.3f}" + ("" if q["same_in_every_round"] else " (last round)")),
    ]


def training_rows(tr):
    if "skipped" in tr:
        return [("training vs sklearn", "-", "skipped", "")]
    if not tr.get("rows"):
        return [("training vs sklearn", "-", f"failed (exit {tr['exit_code']})", "; ".join(tr["speed_up_lines"]))]
    rows = []
    for i, r in enumerate(tr["rows"]):
        line = tr["speed_up_lines"][i] if i < len(tr["speed_up_lines"]) else f"{r['ratio']:.1f}x"
        if not r["within_1e-6"]:
            line += " [objective NOT within 1e-6]"
        rows.append((f"training N={r['n']} D={r['d']} K={r['k']}, sklearn {r['sklearn_dtype']} (s)",
                     f"{r['sklearn_seconds']:.2f}", f"{r['focal_seconds']:.2f}", line))
    return rows


def training_command_rows(tc):
    if "skipped" in tc:
        return [("focal train vs sklearn same work", "-", "skipped", "")]
    if not tc.get("rows"):
        return [("focal train vs sklearn same work", "-", f"failed (exit {tc['exit_code']})", "")]
    return [(f"focal train --c 1, N={r['n']} D={r['d']} K={r['k']} (s)", f"{r['sklearn_seconds']:.2f}",
             f"{r['focal_seconds']:.2f}, peak RSS {r['focal_peak_rss_mb']:.0f} MB",
             f"sklearn/Focal {r['ratio']:.1f}x; OOF AP vs --stopping tolerances: max |diff| "
             f"{max(r['ap_moved_by_rule']):.4f} ({'within' if r['ap_within_half_interval'] else 'NOT within'} "
             f"half a 95% bootstrap interval)") for r in tc["rows"]]


def print_summary(results):
    rows = [("measure", "peer (ORT / Pillow / sklearn)", "Focal", "ratio")] + summary_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    log("\n== summary (medians) ==")
    for k, row in enumerate(rows):
        log("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if k == 0:
            log("  ".join("-" * w for w in widths))


def main():
    parser = argparse.ArgumentParser(description="Focal vs onnxruntime / Pillow / scikit-learn, interleaved; prints medians.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 rounds of 1 s, 5 decodes per round, 300 images, 2 occlusion rounds on 2 images, training --quick")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per measure (default 5)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per throughput round (default 3)")
    parser.add_argument("--batches", default="1,32", help="throughput batch sizes (default 1,32)")
    parser.add_argument("--decode-repeat", type=int, default=None, help="decodes per round (default 15)")
    parser.add_argument("--images", type=int, default=None, help="JPEGs for the memory run (default 2000)")
    parser.add_argument("--occlusion-rounds", type=int, default=None, help="occlusion rounds (default 3)")
    parser.add_argument("--occlusion-scenes", type=int, default=None,
                        help="wedding test scenes besides chelsea.png for occlusion (default 4)")
    parser.add_argument("--store-rows", type=int, default=20000, help="rows for the store measure (default 20000)")
    parser.add_argument("--store-runs", type=int, default=3, help="store runs (default 3)")
    parser.add_argument("--training-quick", action="store_true",
                        help="run training_vs_sklearn.py with its --quick (small sizes; implied by --quick)")
    parser.add_argument("--only", action="append", choices=MEASURES,
                        help="run only these measures (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--keep-temp", action="store_true", help="keep the generated images")
    args = parser.parse_args()
    q = args.quick
    args.rounds = args.rounds or (3 if q else 5)
    args.seconds = args.seconds or (1.0 if q else 3.0)
    args.decode_repeat = args.decode_repeat or (5 if q else 15)
    args.images = args.images or (300 if q else 2000)
    args.training_quick = args.training_quick or q
    args.occlusion_rounds = args.occlusion_rounds or (2 if q else 3)
    args.occlusion_scenes = args.occlusion_scenes if args.occlusion_scenes is not None else (1 if q else 4)
    args.batches = [int(b) for b in args.batches.split(",") if b]
    only = set(args.only or MEASURES)

    benchmark_bin = os.path.join(args.build_dir, "focal-benchmark")
    focal_bin = os.path.join(args.build_dir, "focal")
    if only - {"memory"} and not os.path.exists(benchmark_bin):
        sys.exit(f"{benchmark_bin} not found: run Benchmarks/run.sh (or swift build -c release --product focal-benchmark)")

    import onnxruntime
    import PIL
    results = {"host": {"cpus": os.cpu_count(), "machine": platform.machine(), "loadavg_start": os.getloadavg(),
                        "onnxruntime": onnxruntime.__version__, "pillow": PIL.__version__, "numpy": np.__version__},
               "settings": {"rounds": args.rounds, "seconds": args.seconds, "batches": args.batches,
                            "decode_repeat": args.decode_repeat, "images": args.images,
                            "occlusion_rounds": args.occlusion_rounds, "occlusion_scenes": args.occlusion_scenes,
                            "store_rows": args.store_rows, "store_runs": args.store_runs,
                            "training_quick": args.training_quick, "quick": q}}
    log(f"host: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; onnxruntime {onnxruntime.__version__}, "
        f"Pillow {PIL.__version__}; {args.rounds} rounds")
    tmp = tempfile.mkdtemp(prefix="focal-bench-")
    started = time.perf_counter()
    try:
        if "throughput" in only:
            bench_throughput(args, benchmark_bin, results)
        if "decode" in only:
            bench_decode(args, benchmark_bin, tmp, results)
        if "memory" in only:
            bench_memory(args, focal_bin, tmp, results)
        if "occlusion" in only:
            bench_occlusion(args, benchmark_bin, results)
        if "store" in only:
            bench_store(args, benchmark_bin, results)
        if "training" in only:
            bench_training(args, benchmark_bin, results)
    finally:
        if args.keep_temp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["host"]["loadavg_end"] = os.getloadavg()
    results["seconds_total"] = time.perf_counter() - started
    print_summary(results)
    if args.json:
        results["summary"] = [dict(zip(("measure", "peer", "focal", "ratio"), r)) for r in summary_rows(results)]
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
