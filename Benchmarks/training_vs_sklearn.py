#!/usr/bin/env python3
"""Focal's logistic head against scikit-learn's lbfgs, on the same data, in one run.

    swift build -c release --product focal-benchmark
    python3 Benchmarks/training_vs_sklearn.py [--quick] [--sklearn-dtype float64|float32|both]

For each configuration (N=10,000 x D=1280 with K=10 concepts; N=50,000 x 1280
with K=2) it generates deterministic, embedding-like data (sparse non-negative
ReLU6 features driven by latent factors, concepts planted as linear functions of
those factors, prevalences from 5% to 50%), then

  * fits scikit-learn: StandardScaler, then one LogisticRegression(C, lbfgs,
    class_weight='balanced', tol=TOL) per concept, until lbfgs reports
    convergence; 2 BLAS threads (threadpoolctl);
  * fits Focal: `focal-benchmark fit` (standardisation + all concepts), with
    the same tolerance, which has the same meaning (max |gradient| of the
    objective divided by C * sum of weights), and like sklearn stopping on the
    gradient alone (Focal's default also waits for the objective to settle,
    which is tighter than needed here); 2 threads;
  * evaluates both solutions' objectives in float64 on the same standardised
    data, C * sum_i s_i logloss_i + 1/2 ||w||^2 per concept, and requires
    Focal's to be within 1e-6 (relative) of scikit-learn's. The same gradient
    tolerance can stop the two solvers at different distances from the optimum
    (on nearly separable concepts a small gradient still leaves the objective
    1e-5 away), so Focal's tolerance is tightened tenfold until it is; the
    time reported is that of the run that got there;
  * prints both times and the ratio.
Times are the best of --repeat runs (default 1) and exclude data generation
and file I/O; both include standardisation.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREADS = 2


def comparison_arguments(description, product, sizes):
    """The options both training comparisons take (this one and
    train_command_vs_sklearn.py): --quick, --c, --repeat, --binary (PRODUCT's
    release build) and --sizes (default SIZES)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the plumbing")
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", product))
    parser.add_argument("--sizes", default=sizes, help="NxDxK,... (default: the two configurations)")
    return parser


def comparison_configs(args, product, quick):
    """The (n, d, k) configurations to run: QUICK under --quick, else --sizes;
    exits when the binary to compare is not built."""
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} missing: swift build -c release --product {product}")
    return quick if args.quick else [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",")]


def make_data(n, d, k, seed):
    """Embedding-like features: ReLU6 of a low-rank signal plus noise (~55% zeros)."""
    rng = np.random.default_rng(seed)
    rank = 64
    latent = rng.standard_normal((n, rank), dtype=np.float32)
    mixing = rng.standard_normal((rank, d), dtype=np.float32) / np.sqrt(rank)
    x = latent @ mixing
    x *= 1.5
    x += 0.7 * rng.standard_normal((n, d), dtype=np.float32)
    x -= 0.3
    np.clip(x, 0, 6, out=x)
    truth = rng.standard_normal((k, rank)) * (rng.random((k, rank)) < 0.3)
    z = latent @ truth.T + 1.0 * rng.standard_normal((n, k))
    prevalence = np.linspace(0.05, 0.5, k)
    cut = np.array([np.quantile(z[:, j], 1 - prevalence[j]) for j in range(k)])
    labels = (z > cut).astype(np.int8)
    return np.ascontiguousarray(x, dtype=np.float32), labels


def balanced(y):
    n1 = y.sum()
    n0 = len(y) - n1
    return np.where(y == 1, len(y) / (2 * n1), len(y) / (2 * n0))


def objective(xs, y, w, b, c):
    z = xs @ w + b
    return c * np.sum(balanced(y) * (np.logaddexp(0, z) - y * z)) + 0.5 * np.dot(w, w)


def fit_sklearn(x, labels, c, tol, dtype):
    import warnings

    with threadpool_limits(THREADS), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        t0 = time.perf_counter()
        xs = StandardScaler().fit_transform(x.astype(dtype, copy=False))
        fits = []
        for j in range(labels.shape[1]):
            model = LogisticRegression(C=c, class_weight="balanced", solver="lbfgs", tol=tol, max_iter=20000)
            model.fit(xs, labels[:, j])
            fits.append((model.coef_[0].astype(np.float64), float(model.intercept_[0]), int(model.n_iter_[0])))
        return time.perf_counter() - t0, fits


def fit_focal(binary, x, labels, c, tol, repeat, workdir):
    features, label_file, weights = (os.path.join(workdir, f) for f in ("x.npy", "y.bin", "w.bin"))
    np.save(features, x)
    labels.tofile(label_file)
    k = labels.shape[1]
    out = subprocess.run([binary, "fit", "--features", features, "--labels", label_file, "--k", str(k),
                          "--c", repr(c), "--tolerance", repr(tol), "--threads", str(THREADS),
                          # Stop on the gradient alone, as sklearn's lbfgs does (its ftol is 64 eps).
                          "--objective-tolerance", "1",
                          "--repeat", str(repeat), "--weights-out", weights],
                         check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    d = x.shape[1]
    values = np.fromfile(weights, dtype=np.float64)
    w = values[:k * d].reshape(k, d)
    b = values[k * d:k * d + k]
    return report, w, b


def run(binary, n, d, k, c, tol, seed, repeat, dtypes, workdir):
    print(f"\n== N={n} D={d} K={k} C={c} tol={tol} ==", flush=True)
    x, labels = make_data(n, d, k, seed)
    print(f"features: {np.mean(x == 0):.0%} zeros, prevalence {labels.mean(axis=0).round(2).tolist()}", flush=True)
    x64 = x.astype(np.float64)
    xs = (x64 - x64.mean(axis=0)) / np.where(x64.std(axis=0) == 0, 1, x64.std(axis=0))
    del x64

    focal_runs = {}

    def focal(focal_tol):
        """Focal at one tolerance (cached): time, report and objectives per concept."""
        if focal_tol not in focal_runs:
            report, fw, fb = fit_focal(binary, x, labels, c, focal_tol, repeat, workdir)
            objectives = [objective(xs, labels[:, j], fw[j], fb[j], c) for j in range(k)]
            focal_runs[focal_tol] = (report, objectives)
            print(f"focal:   {report['seconds']:8.2f} s  tol {focal_tol:.0e}  iterations {report['iterations']}"
                  f"  converged {all(report['converged'])}", flush=True)
        return focal_runs[focal_tol]

    rows = []
    for dtype in dtypes:
        best = None
        for _ in range(repeat):
            seconds, fits = fit_sklearn(x, labels, c, tol, dtype)
            best = seconds if best is None else min(best, seconds)
        sk_obj = [objective(xs, labels[:, j], w, b, c) for j, (w, b, _) in enumerate(fits)]
        print(f"sklearn: {best:8.2f} s  ({np.dtype(dtype).name} input, tol {tol:.0e}) "
              f"iterations {[it for _, _, it in fits]}", flush=True)
        # The same stopping rule does not always stop at the same distance from the
        # optimum; tighten Focal's tolerance until it is at least as close as sklearn.
        for focal_tol in [tol, tol / 10, tol / 100]:
            report, focal_obj = focal(focal_tol)
            rel = [(f - s_) / s_ for f, s_ in zip(focal_obj, sk_obj)]
            worst = max(rel)
            ok = bool(worst <= 1e-6)
            if ok:
                break
        focal_time = report["seconds"]
        print(f"objective (focal - sklearn) / sklearn at focal tol {focal_tol:.0e}: worst {worst:+.2e}, "
              f"all {[f'{r:+.1e}' for r in rel]}  -> {'OK' if ok else 'NOT within 1e-6'}")
        print(f"speed-up: {best / focal_time:.1f}x  (sklearn {best:.2f} s / focal {focal_time:.2f} s)", flush=True)
        rows.append({"n": n, "d": d, "k": k, "sklearn_dtype": np.dtype(dtype).name, "sklearn_seconds": best,
                     "sklearn_tol": tol, "focal_tol": focal_tol, "focal_seconds": focal_time,
                     "focal_iterations": report["iterations"], "ratio": best / focal_time,
                     "worst_relative_objective_gap": float(worst), "within_1e-6": ok})
    return rows


def main():
    parser = comparison_arguments(__doc__, "focal-benchmark", "10000x1280x10,50000x1280x2")
    parser.add_argument("--sklearn-dtype", choices=["float64", "float32", "both"], default="both",
                        help="input dtype for scikit-learn (it keeps float32 input as float32)")
    parser.add_argument("--tol", type=float, default=1e-6)
    args = parser.parse_args()
    configs = comparison_configs(args, "focal-benchmark", quick=[(2000, 256, 10), (5000, 256, 2)])
    dtypes = [np.float64, np.float32] if args.sklearn_dtype == "both" else [np.dtype(args.sklearn_dtype).type]
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for n, d, k in configs:
            results += run(args.binary, n, d, k, args.c, args.tol, n + d + k, args.repeat, dtypes, workdir)
    print("\n" + json.dumps(results, indent=1))
    if not all(r["within_1e-6"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
