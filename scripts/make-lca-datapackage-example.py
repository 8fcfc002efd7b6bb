#!/usr/bin/env python3
"""Write examples/lca/datapackage/ and examples/lca/datapackage.zip: the hand example of examples/lca (A.mtx, B.mtx,
c.mtx, worked out in its README.md) as Brightway stores it, with bw_processing, so that `tanji lca solve
--datapackage` can be checked against the Matrix Market input (crates/tanji-cli/tests/lca_cli.rs).

Usage: .venv-bench/bin/python scripts/make-lca-datapackage-example.py   (the virtualenv of scripts/bench-lca.sh)

As Brightway writes it, not as tanji would:
- database ids, not matrix positions: activities 101 (power plant) and 205 (coal mine), flows 9001 (fossil CO2) and
  9002 (fossil CH4); the characterisation also has a factor for 9003 (N2O), a flow the inventory does not have;
- inputs stored as positive amounts with `flip` true; the power plant's production and its own use are two entries
  at one position (summed);
- distributions in stats_arrays terms, for the unflipped amounts, as 32-bit floats: the coal input lognormal with
  GSD 1.2, the coal mine's electricity uniform between 0.015 and 0.025 kWh, the plant's CO2 normal with sd 0.05 kg.
The entries are in the order of the .mtx files, so a Monte Carlo run draws them in the same order.
"""

import shutil
from pathlib import Path

import numpy as np

import bw_processing as bwp

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "lca"


def indices(pairs):
    array = np.zeros(len(pairs), dtype=bwp.INDICES_DTYPE)
    array["row"] = [row for row, _ in pairs]
    array["col"] = [col for _, col in pairs]
    return array


def distributions(rows):
    """rows: (uncertainty_type, loc, scale, minimum, maximum, negative) per entry."""
    array = np.zeros(len(rows), dtype=bwp.UNCERTAINTY_DTYPE)
    for idx, (kind, loc, scale, minimum, maximum, negative) in enumerate(rows):
        array[idx] = (kind, loc, scale, np.nan, minimum, maximum, negative)
    return array


def build(fs):
    package = bwp.create_datapackage(fs=fs, name="tanji-lca-hand-example", sum_intra_duplicates=True)
    nan = np.nan
    # A, in A.mtx's order: production, own use, coal into electricity, electricity into coal, coal production.
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        name="technosphere",
        indices_array=indices([(101, 101), (101, 101), (205, 101), (101, 205), (205, 205)]),
        data_array=np.array([1.0, 0.1, 0.3, 0.02, 1.0]),
        flip_array=np.array([False, True, True, True, False]),
        distributions_array=distributions(
            [
                (0, 1.0, nan, nan, nan, False),
                (0, 0.1, nan, nan, nan, False),
                (2, np.log(0.3), np.log(1.2), nan, nan, False),
                (4, nan, nan, 0.015, 0.025, False),
                (0, 1.0, nan, nan, nan, False),
            ]
        ),
    )
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        name="biosphere",
        indices_array=indices([(9001, 101), (9001, 205), (9002, 205)]),
        data_array=np.array([0.8, 0.01, 0.005]),
        distributions_array=distributions(
            [(3, 0.8, 0.05, nan, nan, False), (0, 0.01, nan, nan, nan, False), (0, 0.005, nan, nan, nan, False)]
        ),
    )
    package.add_persistent_vector(
        matrix="characterization_matrix",
        name="gwp100",
        identifier=["IPCC AR5", "GWP100"],
        indices_array=indices([(9001, 9001), (9002, 9002), (9003, 9003)]),
        data_array=np.array([1.0, 28.0, 265.0]),
    )
    package.finalize_serialization()


def main():
    directory = EXAMPLES / "datapackage"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    build(bwp.io_helpers.generic_directory_filesystem(dirpath=directory))
    zipped = EXAMPLES / "datapackage.zip"
    zipped.unlink(missing_ok=True)
    build(bwp.io_helpers.generic_zipfile_filesystem(dirpath=EXAMPLES, filename="datapackage.zip"))
    print(f"wrote {directory} and {zipped}")


if __name__ == "__main__":
    main()
