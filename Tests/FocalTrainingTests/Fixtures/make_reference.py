#!/usr/bin/env python3
"""Reference fits and metric values from scikit-learn for FocalTrainingTests.

Run from anywhere: writes logistic_reference.json and metrics_reference.json
next to this script. Needs numpy, scipy and scikit-learn (pip install scikit-learn).

Every data set is drawn from a seeded NumPy generator, so the outputs are fixed
for a given NumPy version; they are committed, and the Swift tests read them.

The objective recorded for each fit is in Focal's form,
    C * sum_i s_i * logloss_i + 1/2 * ||w||^2      (intercept not penalised),
evaluated in float64 on features standardised with the mean and population
standard deviation of all rows, which is what scikit-learn's lbfgs minimises
up to the constant factor 1 / (C * sum_i s_i).
"""
import json
import os

import numpy as np
import scipy.stats
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))


def standardize(x):
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=0)
    scale = x64.std(axis=0)
    scale[scale == 0] = 1.0
    return (x64 - mean) / scale


def balanced_weights(y):
    """class_weight='balanced': n / (n_classes * n_class)."""
    classes, counts = np.unique(y, return_counts=True)
    per_class = {c: len(y) / (len(classes) * n) for c, n in zip(classes, counts)}
    return np.array([per_class[v] for v in y])


def binary_objective(xs, y, w, b, c):
    s = balanced_weights(y)
    z = xs @ w + b
    loss = np.logaddexp(0, z) - y * z
    return c * np.sum(s * loss) + 0.5 * np.dot(w, w)


def multinomial_objective(xs, y, w, b, c):
    s = balanced_weights(y)
    z = xs @ w.T + b
    lse = np.logaddexp.reduce(z, axis=1)
    loss = lse - z[np.arange(len(y)), y]
    return c * np.sum(s * loss) + 0.5 * np.sum(w * w)


def features(rng, n, d, correlated=False):
    """Columns on different scales and offsets, so standardisation matters."""
    x = rng.standard_normal((n, d))
    if correlated:
        mix = np.eye(d) + 0.6 * rng.standard_normal((d, d)) / np.sqrt(d)
        x = x @ mix
    x = x * rng.uniform(0.2, 5.0, size=d) + rng.uniform(-3, 3, size=d)
    return x.astype(np.float32)


def sklearn_binary(xs, labels, cs):
    """One sklearn fit per concept on the rows labelled for it."""
    out = []
    for k in range(labels.shape[1]):
        rows = labels[:, k] >= 0
        y = labels[rows, k]
        model = LogisticRegression(C=cs[k], class_weight="balanced", solver="lbfgs", tol=1e-10, max_iter=10000)
        model.fit(xs[rows], y)
        w, b = model.coef_[0], model.intercept_[0]
        out.append({
            "coefficients": w.tolist(), "intercept": float(b), "iterations": int(model.n_iter_[0]),
            "objective": float(binary_objective(xs[rows], y, w, b, cs[k])),
        })
    return out


def binary_case(name, rng, n, d, k, cs, unknown, prevalence, correlated=False):
    x = features(rng, n, d, correlated)
    xs = standardize(x)
    truth = rng.standard_normal((k, d)) * (rng.random((k, d)) < 0.5)
    z = xs @ truth.T * 0.8 + rng.standard_normal((n, k))
    cut = np.array([np.quantile(z[:, j], 1 - prevalence[j]) for j in range(k)])
    labels = (z > cut).astype(int)
    labels[rng.random((n, k)) < unknown] = -1
    return {
        "name": name, "rows": n, "columns": d, "concepts": k, "c": cs,
        "features": [float(v) for v in x.ravel()],
        "labels": labels.ravel().tolist(),
        "sklearn": sklearn_binary(xs, labels, cs),
    }


def multinomial_case(rng, n, d, k, c, unlabelled):
    x = features(rng, n, d)
    xs = standardize(x)
    truth = rng.standard_normal((k, d))
    z = xs @ truth.T + 1.5 * rng.standard_normal((n, k)) + np.linspace(0, 1.5, k)  # unequal class sizes
    y = np.argmax(z, axis=1)
    classes = np.where(rng.random(n) < unlabelled, -1, y)
    rows = classes >= 0
    model = LogisticRegression(C=c, class_weight="balanced", solver="lbfgs", tol=1e-10, max_iter=10000)
    model.fit(xs[rows], classes[rows])
    assert model.coef_.shape == (k, d), "expected a multinomial fit"
    w = model.coef_
    b = model.intercept_ - model.intercept_.mean()  # softmax is shift-invariant; centre like Focal
    return {
        "name": "multinomial", "rows": n, "columns": d, "concepts": k, "c": c,
        "features": [float(v) for v in x.ravel()],
        "classes": classes.tolist(),
        "sklearn": {
            "coefficients": w.ravel().tolist(), "intercepts": b.tolist(), "iterations": int(model.n_iter_[0]),
            "objective": float(multinomial_objective(xs[rows], classes[rows], w, b, c)),
        },
    }


def metrics_cases(rng):
    cases = []
    for name, n, levels in [("ties", 60, 6), ("continuous", 200, None), ("fewPositives", 40, 4)]:
        scores = rng.random(n)
        if levels:
            scores = np.round(scores * (levels - 1)) / (levels - 1)  # many ties
        p = 0.15 if name == "fewPositives" else 0.4
        y = (rng.random(n) < np.clip(scores * 2 * p + 0.3 * p, 0, 1)).astype(int)
        cases.append({
            "name": name, "scores": scores.tolist(), "labels": y.tolist(),
            "averagePrecision": float(average_precision_score(y, scores)),
            "rocAUC": float(roc_auc_score(y, scores)),
        })
    mcnemar = []
    for b, c in [(0, 0), (3, 0), (10, 2), (7, 7), (40, 25), (250, 190)]:
        p = 1.0 if b + c == 0 else scipy.stats.binomtest(min(b, c), b + c, 0.5, alternative="two-sided").pvalue
        mcnemar.append({"onlyA": b, "onlyB": c, "pValue": float(p)})
    return {"cases": cases, "mcnemar": mcnemar}


def main():
    rng = np.random.default_rng(20240611)
    logistic = {
        "sklearn": sklearn.__version__, "numpy": np.__version__,
        "binary": [
            binary_case("basic", rng, 300, 20, 3, [1.0, 1.0, 1.0], unknown=0.15, prevalence=[0.5, 0.3, 0.15]),
            binary_case("hard", rng, 400, 50, 2, [100.0, 0.01], unknown=0.1, prevalence=[0.08, 0.5], correlated=True),
        ],
        "multinomial": multinomial_case(rng, 300, 20, 4, 0.5, unlabelled=0.1),
    }
    metrics = metrics_cases(rng)
    metrics["sklearn"] = sklearn.__version__
    for name, data in [("logistic_reference.json", logistic), ("metrics_reference.json", metrics)]:
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f)
            f.write("\n")
    for case in logistic["binary"]:
        print(case["name"], [(r["objective"], r["iterations"]) for r in case["sklearn"]])
    print("multinomial", logistic["multinomial"]["sklearn"]["objective"], logistic["multinomial"]["sklearn"]["iterations"])


if __name__ == "__main__":
    main()
