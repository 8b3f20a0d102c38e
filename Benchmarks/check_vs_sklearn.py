#!/usr/bin/env python3
"""The numeric work of `focal check` done with scikit-learn and NumPy, timed
against `focal-benchmark check` on the same cached embeddings.

    python3 Benchmarks/check_vs_sklearn.py DATA --features X.npy [--store PATH]

DATA is a manifest folder; X.npy and X.csv come from `focal embed DATA/images
--out X.npy` (the same embeddings Focal reads from its cache). The peer does
what the check does, the same way: per concept, stratified 5-fold
cross-validation of a balanced, standardised L2 logistic regression (C=0.01,
lbfgs, tol 1e-4) at 25/50/75/100% of each fold's training rows, AP and F1
with 200 bootstrap resamples per point, confident learning on the 100%
probabilities, spherical k-means (k 2..5, 3 starts) with cosine silhouettes
on each concept's positives, and centred-cosine nearest neighbours and
near-duplicate pairs (train × train, test × train). It prints one JSON line
with both times and the ratio.
"""
import argparse, csv, json, os, subprocess, time
import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, silhouette_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler


def load(data, features):
    x = np.load(features)
    paths = [os.path.realpath(r["image"]) for r in csv.DictReader(open(features[:-4] + ".csv"))]
    row = {p: i for i, p in enumerate(paths)}
    rows = list(csv.DictReader(open(os.path.join(data, "manifest.csv"))))
    for r in rows:
        r["path"] = os.path.realpath(os.path.join(data, r["image"]))
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    return x, row, train, test


def peer(x, row, train, test):
    xt = x[[row[r["path"]] for r in train]]
    concepts = sorted({c for r in train for c in (r["positives"] + "|" + r["negatives"]).split("|") if c})
    rng = np.random.default_rng(0)
    for concept in concepts:
        y = np.array([1 if concept in r["positives"].split("|") else 0 if concept in r["negatives"].split("|") else -1 for r in train])
        known = y >= 0
        xs, ys = xt[known], y[known]
        if min((ys == 1).sum(), (ys == 0).sum()) < 10:
            continue
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        for q in (1, 2, 3, 4):
            p = np.zeros(len(ys))
            for tr, te in folds.split(xs, ys):
                if q < 4:
                    inner = StratifiedKFold(4, shuffle=True, random_state=1)
                    parts = list(inner.split(xs[tr], ys[tr]))
                    tr = tr[np.concatenate([parts[k][1] for k in range(q)])]
                scaler = StandardScaler().fit(xs[tr])
                model = LogisticRegression(C=0.01, class_weight="balanced", tol=1e-4, max_iter=1000)
                model.fit(scaler.transform(xs[tr]), ys[tr])
                p[te] = model.predict_proba(scaler.transform(xs[te]))[:, 1]
            for _ in range(200):
                idx = rng.integers(0, len(ys), len(ys))
                if ys[idx].min() != ys[idx].max():
                    average_precision_score(ys[idx], p[idx])
                    f1_score(ys[idx], p[idx] >= 0.5)
        # Confident learning (binary).
        t1, t0 = p[ys == 1].mean(), (1 - p[ys == 0]).mean()
        _ = np.where((ys == 1) & (1 - p >= t0) & (p < t1) | (ys == 0) & (p >= t1) & (1 - p < t0))[0]
    mean = xt.mean(0)
    unit = lambda m: (m - mean) / np.maximum(np.linalg.norm(m - mean, axis=1, keepdims=True), 1e-12)
    ut = unit(xt)
    for concept in concepts:
        pos = ut[[i for i, r in enumerate(train) if concept in r["positives"].split("|")]]
        if len(pos) < 10:
            continue
        sample = pos[rng.permutation(len(pos))[:600]]
        for k in range(2, 6):
            labels = KMeans(k, n_init=3, random_state=0).fit_predict(sample)
            silhouette_score(sample, labels, metric="cosine")
    s = ut @ ut.T
    np.fill_diagonal(s, -1)
    _ = np.argwhere(np.triu(s >= 0.9, 1)), s.max(1)
    if test:
        us = unit(x[[row[r["path"]] for r in test]])
        st = us @ ut.T
        _ = np.argwhere(st >= 0.9), st.max(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--features", required=True)
    parser.add_argument("--store", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-only", action="store_true", help="time the peer alone")
    a = parser.parse_args()
    x, row, train, test = load(a.data, a.features)
    times = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        peer(x, row, train, test)
        times.append(time.perf_counter() - t0)
    sklearn_seconds = sorted(times)[len(times) // 2]
    if a.peer_only:
        print(json.dumps({"training_images": len(train), "test_images": len(test), "sklearn_seconds": sklearn_seconds}))
        return
    command = [os.path.join(os.path.dirname(__file__), "..", ".build", "release", "focal-benchmark"), "check", a.data,
               "--repeat", str(a.repeat)] + (["--store", a.store] if a.store else [])
    focal = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    print(json.dumps({"training_images": len(train), "test_images": len(test), "sklearn_seconds": sklearn_seconds,
                      "focal_seconds": focal["median_seconds"], "focal_seconds_reading_cache": focal["median_seconds_reading_cache"],
                      "sklearn_over_focal": sklearn_seconds / focal["median_seconds"]}))


if __name__ == "__main__":
    main()
