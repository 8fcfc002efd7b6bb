#!/usr/bin/env python3
"""One Brightway job as a whole process, the counterpart of one `tanji lca …` command in scripts/bench-lca.sh.

Usage: bench-lca-brightway-process.py DIR all-products | demand J | monte-carlo J ITERATIONS SEED

DIR holds brightway.zip, the datapackage scripts/bench-lca-brightway.py saved from the same Matrix Market files the
tanji commands read (A.mtx, B.mtx, c.mtx and their uncertainty). The process starts cold, as the tanji command does:
Python starts, imports bw2calc, loads the datapackage from the zip and runs the job; the answer goes to stdout
(scores as `product,score` CSV, or the Monte Carlo percentiles as JSON), so that the script can check it against
tanji's.

- all-products: `FastScoresOnlyMultiLCA(direction="adjoint")` with one demand per product (every product's score);
- demand J: `LCA({J: 1})`, `lci()`, `lcia()`;
- monte-carlo J N SEED: `IterativeLCA({J: 1}, use_distributions=True)`, `lci()`, `lcia()`, then N iterations,
  every exchange of A and B resampled.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np

import bw2calc as bc
import bw_processing as bwp

IMPACT_CATEGORY = ("synthetic", "gwp100")


def main():
    directory, mode, *rest = sys.argv[1:]
    directory = Path(directory)
    warnings.simplefilter("ignore", FutureWarning)
    warnings.filterwarnings("ignore", message="No reference exchange flags")
    package = bwp.load_datapackage(
        bwp.io_helpers.generic_zipfile_filesystem(dirpath=directory, filename="brightway.zip", write=False)
    )
    out = sys.stdout
    if mode == "all-products":
        n = int(package.get_resource("technosphere.indices")[0]["col"].max())
        demands = {f"p{j}": {j: 1} for j in range(1, n + 1)}
        lca = bc.FastScoresOnlyMultiLCA(
            demands=demands,
            method_config={"impact_categories": [IMPACT_CATEGORY]},
            data_objs=[package],
            direction="adjoint",
        )
        next(lca)
        scores = lca.product_scores.sel(LCIA=str(IMPACT_CATEGORY)).values
        ids = np.asarray(lca.product_scores.coords["products"].values, dtype=np.int64)
        order = np.argsort(ids)
        out.write("product,score\n")
        out.writelines(f"{product},{score!r}\n" for product, score in zip(ids[order], scores[order].tolist()))
    elif mode == "demand":
        lca = bc.LCA({int(rest[0]): 1}, data_objs=[package])
        lca.lci()
        lca.lcia()
        out.write(f"product,score\n{rest[0]},{lca.score!r}\n")
    elif mode == "monte-carlo":
        product, iterations, seed = int(rest[0]), int(rest[1]), int(rest[2])
        lca = bc.IterativeLCA({product: 1}, data_objs=[package], use_distributions=True, seed_override=seed)
        lca.lci()
        lca.lcia()
        scores = []
        for _ in range(iterations):
            next(lca)
            scores.append(lca.score)
        scores = np.asarray(scores)
        percentiles = {str(p): float(np.percentile(scores, p)) for p in (2.5, 50, 97.5)}
        out.write(json.dumps({"iterations": iterations, "mean": float(scores.mean()), "percentiles": percentiles}) + "\n")
    else:
        sys.exit(f"unknown mode {mode}: use all-products, demand J or monte-carlo J ITERATIONS SEED")


if __name__ == "__main__":
    main()
