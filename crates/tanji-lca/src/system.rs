//! A product system in matrix form: technosphere A, biosphere (intervention) matrix B, characterisation factors c.

use crate::matrix_market::{CoordinateMatrix, Entry};

/// Which of the three inputs an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatrixName {
    Technosphere,
    Biosphere,
    Characterization,
}

impl std::fmt::Display for MatrixName {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Self::Technosphere => "technosphere matrix A",
            Self::Biosphere => "biosphere matrix B",
            Self::Characterization => "characterization vector c",
        })
    }
}

/// Why three matrices do not make a product system. A message value too (`code` and parameters), so that a footprint
/// problem can carry it and `tanji-i18n` say it in the reader's language.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum SystemError {
    /// The technosphere has a different number of rows (products) and columns (processes).
    #[error("the technosphere matrix A must be square (one product per process), but it is {n_rows}×{n_cols}")]
    TechnosphereNotSquare { n_rows: usize, n_cols: usize },
    /// The biosphere has a column count different from the number of processes.
    #[error("the biosphere matrix B has {n_cols} columns but the technosphere has {n_processes} processes")]
    BiosphereColumns { n_cols: usize, n_processes: usize },
    /// The characterisation vector's length differs from the number of elementary flows (rows of B).
    #[error("the characterization vector c has {n_factors} factors but the biosphere has {n_flows} flows")]
    CharacterizationLength { n_factors: usize, n_flows: usize },
    /// An entry lies outside its matrix (0-based indices).
    #[error("the {matrix} has an entry at 0-based ({row_idx}, {col_idx}), outside its {n_rows}×{n_cols} shape")]
    EntryOutOfRange { matrix: MatrixName, row_idx: usize, col_idx: usize, n_rows: usize, n_cols: usize },
    /// The characterisation matrix is not a single column.
    #[error("the characterization matrix c must be one column (flows×1), but it is {n_rows}×{n_cols}")]
    CharacterizationNotColumn { n_rows: usize, n_cols: usize },
    /// A value is NaN or infinite.
    #[error("the {matrix} has a value that is not finite at 0-based ({row_idx}, {col_idx})")]
    NonFinite { matrix: MatrixName, row_idx: usize, col_idx: usize },
    /// A matrix has more rows or columns than any product system (its size line is most likely wrong).
    #[error("the {matrix} is {n_rows}×{n_cols}, larger than the {max} rows and columns a product system may have")]
    TooLarge { matrix: MatrixName, n_rows: usize, n_cols: usize, max: usize },
}

/// The most processes or elementary flows a system may have: ecoinvent has about 25,000 processes, so this leaves
/// room for any real database, while a size line such as `9223372036854775807 1 0` is refused before anything of
/// that size is allocated.
pub const MAX_DIMENSION: usize = 10_000_000;

fn check_size(matrix: MatrixName, n_rows: usize, n_cols: usize) -> Result<(), SystemError> {
    if n_rows > MAX_DIMENSION || n_cols > MAX_DIMENSION {
        return Err(SystemError::TooLarge { matrix, n_rows, n_cols, max: MAX_DIMENSION });
    }
    Ok(())
}

/// A product system: n processes, each with one reference product (column j produces product j), and some elementary
/// flows.
///
/// Sign convention as Brightway's: production of the reference product is positive on A's diagonal, inputs from other
/// processes are negative; a process that uses its own product (electricity to make electricity) has both on the
/// diagonal, which are summed. Entries given more than once are summed, as Matrix Market and SciPy's COO format do.
/// Matrices are held as merged, column-sorted entries.
#[derive(Clone, Debug, PartialEq)]
pub struct System {
    n_processes: usize,
    n_flows: usize,
    technosphere: Vec<Entry>,
    biosphere: Vec<Entry>,
    characterization: Vec<f64>,
    /// Uses of a process's own product given as separate negative diagonal entries, (process, amount > 0), before
    /// they were summed into the diagonal: the loop check needs them (a process that uses 1.6 units of what it makes
    /// per unit is a loop, not merely a negative diagonal).
    own_use: Vec<(usize, f64)>,
}

impl System {
    /// Build a system from entries (0-based, duplicates summed).
    pub fn new(
        n_processes: usize,
        n_flows: usize,
        technosphere: &[Entry],
        biosphere: &[Entry],
        characterization: Vec<f64>,
    ) -> Result<Self, SystemError> {
        check_size(MatrixName::Technosphere, n_processes, n_processes)?;
        check_size(MatrixName::Biosphere, n_flows, n_processes)?;
        if characterization.len() != n_flows {
            return Err(SystemError::CharacterizationLength { n_factors: characterization.len(), n_flows });
        }
        if let Some(flow_idx) = characterization.iter().position(|factor| !factor.is_finite()) {
            return Err(SystemError::NonFinite { matrix: MatrixName::Characterization, row_idx: flow_idx, col_idx: 0 });
        }
        let mut own_use: Vec<(usize, f64)> = Vec::new();
        let mut has_production = std::collections::HashSet::new();
        for entry in technosphere.iter().filter(|entry| entry.row_idx == entry.col_idx) {
            if entry.value > 0.0 {
                has_production.insert(entry.col_idx);
            }
        }
        for entry in technosphere.iter().filter(|entry| entry.row_idx == entry.col_idx && entry.value < 0.0) {
            // A lone negative diagonal is Brightway's waste-treatment convention, not a use of the process's own
            // product.
            if has_production.contains(&entry.col_idx) && entry.value.is_finite() {
                own_use.push((entry.col_idx, -entry.value));
            }
        }
        Ok(Self {
            n_processes,
            n_flows,
            own_use,
            technosphere: merge(MatrixName::Technosphere, n_processes, n_processes, technosphere)?,
            biosphere: merge(MatrixName::Biosphere, n_flows, n_processes, biosphere)?,
            characterization,
        })
    }

    /// Build a system from the three Matrix Market matrices: A (n×n), B (flows×n) and c (flows×1).
    pub fn from_matrices(
        technosphere: &CoordinateMatrix,
        biosphere: &CoordinateMatrix,
        characterization: &CoordinateMatrix,
    ) -> Result<Self, SystemError> {
        check_size(MatrixName::Technosphere, technosphere.n_rows, technosphere.n_cols)?;
        check_size(MatrixName::Biosphere, biosphere.n_rows, biosphere.n_cols)?;
        check_size(MatrixName::Characterization, characterization.n_rows, characterization.n_cols)?;
        if technosphere.n_rows != technosphere.n_cols {
            return Err(SystemError::TechnosphereNotSquare {
                n_rows: technosphere.n_rows,
                n_cols: technosphere.n_cols,
            });
        }
        let n_processes = technosphere.n_cols;
        if biosphere.n_cols != n_processes {
            return Err(SystemError::BiosphereColumns { n_cols: biosphere.n_cols, n_processes });
        }
        if characterization.n_cols != 1 {
            return Err(SystemError::CharacterizationNotColumn {
                n_rows: characterization.n_rows,
                n_cols: characterization.n_cols,
            });
        }
        if characterization.n_rows != biosphere.n_rows {
            return Err(SystemError::CharacterizationLength {
                n_factors: characterization.n_rows,
                n_flows: biosphere.n_rows,
            });
        }
        let mut factors = vec![0.0; characterization.n_rows];
        for entry in &characterization.entries {
            // Out-of-range entries are left for `new` to report with its shape check.
            if let Some(factor) = factors.get_mut(entry.row_idx) {
                *factor += entry.value;
            }
        }
        Self::new(n_processes, biosphere.n_rows, &technosphere.entries, &biosphere.entries, factors)
    }

    /// The number of processes, which is also the number of products.
    pub fn n_processes(&self) -> usize {
        self.n_processes
    }

    /// The number of elementary flows (rows of B).
    pub fn n_flows(&self) -> usize {
        self.n_flows
    }

    /// A's merged entries, sorted by column then row.
    pub fn technosphere(&self) -> &[Entry] {
        &self.technosphere
    }

    /// B's merged entries, sorted by column then row.
    pub fn biosphere(&self) -> &[Entry] {
        &self.biosphere
    }

    /// The characterisation factor of each elementary flow.
    pub fn characterization(&self) -> &[f64] {
        &self.characterization
    }

    /// A's consumptions for the loop check: each process's gross production of its own product, and every use of a
    /// product (negative off-diagonal entries, and separately given uses of a process's own product).
    pub fn production_and_consumptions(&self) -> (Vec<f64>, Vec<crate::loops::Consumption>) {
        let mut production = vec![0.0; self.n_processes];
        let mut consumptions = Vec::new();
        for entry in &self.technosphere {
            if entry.row_idx == entry.col_idx {
                production[entry.col_idx] += entry.value;
            } else {
                consumptions.push(crate::loops::Consumption {
                    provider_idx: entry.row_idx,
                    consumer_idx: entry.col_idx,
                    amount: -entry.value,
                });
            }
        }
        for &(process_idx, amount) in &self.own_use {
            production[process_idx] += amount;
            consumptions.push(crate::loops::Consumption {
                provider_idx: process_idx,
                consumer_idx: process_idx,
                amount,
            });
        }
        (production, consumptions)
    }

    /// Bᵀc: the characterised direct interventions of one run of each process (e.g. kg CO2e per run).
    pub fn direct_impact_per_process(&self) -> Vec<f64> {
        let mut impact = vec![0.0; self.n_processes];
        for entry in &self.biosphere {
            impact[entry.col_idx] += entry.value * self.characterization[entry.row_idx];
        }
        impact
    }
}

/// Check the shape, sum duplicates and sort by column, dropping entries that sum to exactly zero.
fn merge(matrix: MatrixName, n_rows: usize, n_cols: usize, entries: &[Entry]) -> Result<Vec<Entry>, SystemError> {
    for entry in entries {
        if entry.row_idx >= n_rows || entry.col_idx >= n_cols {
            return Err(SystemError::EntryOutOfRange {
                matrix,
                row_idx: entry.row_idx,
                col_idx: entry.col_idx,
                n_rows,
                n_cols,
            });
        }
        if !entry.value.is_finite() {
            return Err(SystemError::NonFinite { matrix, row_idx: entry.row_idx, col_idx: entry.col_idx });
        }
    }
    let mut sorted = entries.to_vec();
    sorted.sort_by_key(|entry| (entry.col_idx, entry.row_idx));
    let mut merged: Vec<Entry> = Vec::with_capacity(sorted.len());
    for entry in sorted {
        match merged.last_mut() {
            Some(last) if (last.col_idx, last.row_idx) == (entry.col_idx, entry.row_idx) => last.value += entry.value,
            _ => merged.push(entry),
        }
    }
    merged.retain(|entry| entry.value != 0.0);
    // Summing finite duplicates can still overflow.
    if let Some(entry) = merged.iter().find(|entry| !entry.value.is_finite()) {
        return Err(SystemError::NonFinite { matrix, row_idx: entry.row_idx, col_idx: entry.col_idx });
    }
    Ok(merged)
}
