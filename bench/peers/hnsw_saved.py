#!/usr/bin/python3
"""The HNSW peers (hnswlib, FAISS IndexHNSWFlat) at a million vectors, built once and measured later.

shared/bench/ann.py builds and searches in one run under a time cap; a 1M x 512 build does not fit that cap on
two cores. This splits the two so the build can run while the machine is busy and the search (QPS 1 and 2
threads, recall@10) runs on a quiet machine, measured exactly as ann.py measures it (blocks of 100 queries
per search call, inner product; the same M and ef_construction for both libraries).

  hnsw_saved.py build  --lib hnswlib --data /tmp/b1m --M 16 --efc 128 --out /tmp/b1m/hnswlib-m16-efc128.bin
  hnsw_saved.py search --lib hnswlib --data /tmp/b1m --index /tmp/b1m/hnswlib-m16-efc128.bin --efs 16,32,64,128,256
  hnsw_saved.py build  --lib faiss --data /tmp/b1m --M 16 --efc 128 --out /tmp/b1m/faiss-m16-efc128.index

Each command prints one JSON line. Ground truth (exact inner-product top-k) is computed once with numpy and
kept beside the data as gt_k<k>.npy (the same file name exact_topk.py writes).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/bench"))
import common  # noqa: E402,F401  (thread caps before numpy)
import numpy as np  # noqa: E402
import faiss  # noqa: E402
import hnswlib  # noqa: E402
from ann import exact_gt, recall_at_k, timed_search  # noqa: E402


class Hnswlib:
    def __init__(self, d, n, args, path=None):
        self.index = hnswlib.Index(space="ip", dim=d)
        if path:
            self.index.load_index(path, max_elements=n)
        else:
            self.index.init_index(max_elements=n, ef_construction=args.efc, M=args.M, random_seed=args.seed)

    def add(self, rows, first, threads):
        self.index.add_items(rows, np.arange(first, first + len(rows)), num_threads=threads)

    def save(self, path):
        self.index.save_index(path)

    def count(self):
        return self.index.get_current_count()

    def set_ef(self, ef):
        self.index.set_ef(ef)

    def search(self, block, k, threads):
        return self.index.knn_query(block, k=k, num_threads=threads)[0]


class Faiss:
    def __init__(self, d, n, args, path=None):
        if path:
            self.index = faiss.read_index(path)
        else:
            self.index = faiss.IndexHNSWFlat(d, args.M, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efConstruction = args.efc

    def add(self, rows, first, threads):
        faiss.omp_set_num_threads(threads)
        self.index.add(rows)

    def save(self, path):
        faiss.write_index(self.index, path)

    def count(self):
        return self.index.ntotal

    def set_ef(self, ef):
        self.index.hnsw.efSearch = ef

    def search(self, block, k, threads):
        faiss.omp_set_num_threads(threads)
        return self.index.search(block, k)[1]


LIBS = {"hnswlib": Hnswlib, "faiss": Faiss}


def build(args):
    X = np.load(os.path.join(args.data, "base.npy"), mmap_mode="r")
    n, d = X.shape
    # A long build (FAISS at 1M: hours) is saved every --checkpoint items as <out>.partial with its elapsed time, and
    # a later run with the same arguments resumes from it: items are inserted in the same order as by one run, and
    # build_s is the sum of the runs' insertion times (saving is not counted).
    partial = args.out + ".partial"
    first, spent = 0, 0.0
    if os.path.exists(partial + ".json"):
        state = json.load(open(partial + ".json"))
        first, spent = state["items"], state["build_s"]
        index = LIBS[args.lib](d, n, args, path=partial)
        if index.count() != first:
            sys.exit(f"{partial} holds {index.count()} items, its .json says {first}: delete both and build again")
        print(f"{args.lib} build resumes at {first}/{n} after {spent:.0f} s", file=sys.stderr, flush=True)
    else:
        index = LIBS[args.lib](d, n, args)
    for a in range(first, n, args.chunk):
        b = min(n, a + args.chunk)
        t0 = time.perf_counter()
        index.add(np.ascontiguousarray(X[a:b]), a, args.threads)
        spent += time.perf_counter() - t0
        if b % 100000 < args.chunk:
            print(f"{args.lib} build {b}/{n} {spent:.0f} s", file=sys.stderr, flush=True)
        if args.checkpoint and b < n and b % args.checkpoint < args.chunk:
            index.save(partial + ".tmp")
            with open(partial + ".json.tmp", "w") as f:
                json.dump({"items": b, "build_s": spent}, f)
            os.replace(partial + ".tmp", partial)
            os.replace(partial + ".json.tmp", partial + ".json")
    build_s = spent
    index.save(args.out)
    result = {"script": "hnsw_saved.py build", "lib": args.lib, "n": n, "d": d, "M": args.M, "efc": args.efc,
              "threads": args.threads, "build_s": round(build_s, 1), "index_mb": round(os.path.getsize(args.out) / 2**20, 1)}
    with open(args.out + ".json", "w") as f:
        json.dump(result, f)
    for leftover in (partial, partial + ".json"):
        if os.path.exists(leftover):
            os.remove(leftover)
    print(json.dumps(result))


def search(args):
    X = np.load(os.path.join(args.data, "base.npy"), mmap_mode="r")
    Qv = np.load(os.path.join(args.data, "queries.npy"))
    n, d = X.shape
    gt_path = os.path.join(args.data, f"gt_k{args.k}.npy")
    if os.path.exists(gt_path):
        gt = np.load(gt_path)
    else:
        gt = exact_gt(np.asarray(X), Qv, args.k, args.threads)
        np.save(gt_path, gt)
    index = LIBS[args.lib](d, n, args, path=args.index)
    built = json.load(open(args.index + ".json")) if os.path.exists(args.index + ".json") else {}
    rows = []
    for ef in [int(e) for e in args.efs.split(",")]:
        index.set_ef(ef)
        for threads in (1, 2):
            def fn(block, threads=threads):
                return index.search(block, args.k, threads)
            cpu0 = time.thread_time()
            pred, done, el = timed_search(fn, Qv, args.k, args.search_budget, args.block)
            row = {"ef": ef, "threads": threads, "qps": round(done / el, 1),
                   "recall_at_10": round(recall_at_k(pred, gt[:done], args.k), 4), "queries": done}
            if threads == 1:
                # One thread searches inline in the calling thread: its CPU time per query is the per-thread cost,
                # which load from other processes does not inflate (includes the 10-query warm-up).
                row["cpu_us_per_query"] = round((time.thread_time() - cpu0) / (done + min(10, len(Qv))) * 1e6, 1)
            rows.append(row)
    print(json.dumps({"script": "hnsw_saved.py search", "lib": args.lib, "n": n, "d": d, "build": built, "results": rows}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--lib", choices=sorted(LIBS), default="hnswlib")
    b.add_argument("--data", required=True)
    b.add_argument("--M", type=int, default=16)
    b.add_argument("--efc", type=int, default=128)
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--chunk", type=int, default=10000)
    b.add_argument("--seed", type=int, default=100)
    b.add_argument("--checkpoint", type=int, default=0, help="save a resumable copy every this many items (0: never)")
    b.add_argument("--out", required=True)
    s = sub.add_parser("search")
    s.add_argument("--lib", choices=sorted(LIBS), default="hnswlib")
    s.add_argument("--data", required=True)
    s.add_argument("--index", required=True)
    s.add_argument("--k", type=int, default=10)
    s.add_argument("--efs", default="16,32,64,128,256")
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--block", type=int, default=100)
    s.add_argument("--search-budget", type=float, default=10.0)
    args = ap.parse_args()
    build(args) if args.cmd == "build" else search(args)


if __name__ == "__main__":
    main()
