#!/usr/bin/python3
"""Retrieval quality of exported vectors (`lookalike export`), for comparing precisions (fp32 vs int8).

Leave-one-out over the whole catalog: every item queries all others by cosine; an answer is relevant when it
shares the query's label (e.g. products `articleType`, clothing `class`). Prints one JSON line:
mAP@k, P@k and, when a second export is given, how many of the top-k the two agree on.

    lookalike export --store S --out fp32.npy        # writes fp32.npy and fp32.ids.txt
    /usr/bin/python3 bench/embed_quality.py --labels ../shared/datasets/products/labels.csv --column articleType \
        fp32.npy int8.npy

AP@k = (1/min(R, k)) * sum_{i<=k} P@i * rel_i, R = other items with the query's label; queries with R = 0 are
skipped. Needs numpy only (Debian python3-numpy).
"""
import argparse
import csv
import json
import os
import sys

import numpy as np


def load(npy, labels):
    ids_path = os.path.splitext(npy)[0] + ".ids.txt"
    ids = [line.rstrip("\n") for line in open(ids_path, encoding="utf-8")]
    x = np.load(npy).astype(np.float32)
    assert len(ids) == x.shape[0], f"{ids_path}: {len(ids)} ids for {x.shape[0]} vectors"
    keep = [i for i, item in enumerate(ids) if item in labels]
    x = x[keep]
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return [ids[i] for i in keep], x


def topk(x, k, chunk=1024):
    out = np.empty((x.shape[0], k), dtype=np.int64)
    for s in range(0, x.shape[0], chunk):
        sims = x[s:s + chunk] @ x.T
        rows = np.arange(sims.shape[0])
        sims[rows, s + rows] = -np.inf  # not itself
        part = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
        out[s:s + chunk] = np.take_along_axis(part, order, axis=1)
    return out


def quality(ids, x, labels, k):
    y = np.array([labels[i] for i in ids])
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    relevant_total = counts[inverse] - 1
    nn = topk(x, k)
    rel = (y[nn] == y[:, None]).astype(np.float64)
    precision_at = np.cumsum(rel, axis=1) / np.arange(1, k + 1)
    denom = np.minimum(relevant_total, k)
    valid = denom > 0
    ap = (precision_at * rel).sum(axis=1)[valid] / denom[valid]
    return nn, {"queries": int(valid.sum()), f"map_at_{k}": round(float(ap.mean()), 4),
                f"p_at_{k}": round(float(rel[valid].mean()), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vectors", nargs="+", help="one or two .npy exports (the first is the reference)")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--column", required=True)
    ap.add_argument("--file-column", default="file")
    ap.add_argument("--k", type=int, default=10)
    a = ap.parse_args()
    with open(a.labels, newline="", encoding="utf-8") as f:
        labels = {row[a.file_column]: row[a.column] for row in csv.DictReader(f) if row.get(a.column)}
    result = {"labels": os.path.basename(os.path.dirname(os.path.abspath(a.labels))), "column": a.column, "k": a.k, "runs": []}
    neighbours = []
    for path in a.vectors:
        ids, x = load(path, labels)
        nn, q = quality(ids, x, labels, a.k)
        neighbours.append((ids, nn))
        result["runs"].append({"vectors": os.path.basename(path), "items": len(ids), **q})
        print(f"{path}: {q}", file=sys.stderr)
    if len(neighbours) == 2:
        (ids0, nn0), (ids1, nn1) = neighbours
        if ids0 == ids1:
            overlap = np.mean([len(set(r0) & set(r1)) / a.k for r0, r1 in zip(nn0, nn1)])
            result[f"top{a.k}_overlap"] = round(float(overlap), 4)
        r0, r1 = result["runs"]
        key = f"map_at_{a.k}"
        result["relative_map_change"] = round((r1[key] - r0[key]) / r0[key], 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
