#!/usr/bin/env python3
"""Cross-check tanji's scores with Brightway (bw2calc) on a product system exported by `tanji lca export`.

Usage: crosscheck-brightway.py DIR TANJI_SCORES_CSV

DIR holds A.mtx, B.mtx and c.mtx (Brightway sign convention, 1-based Matrix Market, as `tanji lca export` writes
them); TANJI_SCORES_CSV is the output of `tanji lca solve ... --all-products --format csv` on the same files.
Brightway scores every product (one LCA per product, `lci()` + `lcia()`, PARDISO); the script prints the largest
relative difference and exits non-zero when it exceeds 1e-9. Run it through scripts/crosscheck-brightway.sh.
"""

import csv
import sys
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse

import bw2calc as bc
import bw_processing as bwp

FLOW_ID_OFFSET = 10_000_000


def indices(rows, cols):
    array = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    array["row"] = rows
    array["col"] = cols
    return array


def main():
    directory, scores_file = Path(sys.argv[1]), Path(sys.argv[2])
    a = scipy.sparse.coo_array(scipy.io.mmread(directory / "A.mtx"))
    b = scipy.sparse.coo_array(scipy.io.mmread(directory / "B.mtx"))
    c = scipy.sparse.coo_array(scipy.io.mmread(directory / "c.mtx"))
    package = bwp.create_datapackage(name="tanji-export", sum_intra_duplicates=True)
    package.add_persistent_vector(
        matrix="technosphere_matrix", name="technosphere",
        indices_array=indices(a.row + 1, a.col + 1), data_array=a.data.astype(float),
        flip_array=np.zeros(len(a.data), dtype=bool),
    )
    package.add_persistent_vector(
        matrix="biosphere_matrix", name="biosphere",
        indices_array=indices(b.row + FLOW_ID_OFFSET, b.col + 1), data_array=b.data.astype(float),
    )
    flows = c.row.astype(np.int64) + FLOW_ID_OFFSET
    package.add_persistent_vector(
        matrix="characterization_matrix", name="characterization", identifier=["tanji", "gwp100"],
        indices_array=indices(flows, flows), data_array=c.data.astype(float),
    )
    with open(scores_file, newline="") as handle:
        tanji = {int(row["product"]): float(row["score"]) for row in csv.DictReader(handle)}
    worst = 0.0
    for product, score in sorted(tanji.items()):
        lca = bc.LCA({product: 1}, data_objs=[package])
        lca.lci()
        lca.lcia()
        difference = abs(lca.score - score) / max(abs(score), abs(lca.score), 1e-300)
        worst = max(worst, difference)
        print(f"product {product}: tanji {score!r}  brightway {lca.score!r}  relative difference {difference:.2e}")
    print(f"{len(tanji)} products; largest relative difference {worst:.2e} (limit 1e-9)")
    sys.exit(0 if worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
