//! Brightway's `bw_processing` datapackages as input: the technosphere, biosphere and characterisation vectors that
//! `bw2calc` reads (`datapackage.json` naming `.npy` arrays of indices, data, flip and distributions), turned into
//! the same [`CoordinateMatrix`]es a Matrix Market file gives, and their `stats_arrays` distributions into an
//! [`UncertainSystem`], so that `tanji lca solve` and `tanji lca monte-carlo` read the files Brightway reads.
//!
//! Pure: the adapter reads `datapackage.json` and the arrays it names (from a directory or a zip) and hands their
//! bytes here. What is read is what `bw2calc` builds (docs/lca.md, "Brightway datapackages"):
//! - every `category: "vector"` resource of `technosphere_matrix`, `biosphere_matrix` and `characterization_matrix`
//!   in every package given (`array` resources — presamples — and other matrices are left aside, as `bw2calc` does
//!   without `use_arrays`);
//! - indices are database ids: A's rows are the sorted distinct row ids of the technosphere, its columns the sorted
//!   distinct column ids (as `matrix_utils` maps them); B's columns use A's column ids, its rows the sorted distinct
//!   flow ids; the characterisation is the diagonal over B's flows, and factors of flows B does not have are dropped;
//! - a value whose `flip` is true is negated (Brightway stores inputs as positive amounts with a flip);
//! - duplicates at one position within a resource group are summed (`sum_intra_duplicates`, Brightway's default);
//!   between groups, a later group's entries at a position *replace* the earlier groups' ones, unless the later
//!   group's package says `sum_inter_duplicates` (bw_processing's default is false), as `matrix_utils`'
//!   `MappedMatrix::rebuild_matrix` assigns or adds each group in turn.

use std::collections::HashMap;

use crate::matrix_market::{CoordinateMatrix, Entry};
use crate::monte_carlo::{MonteCarloError, UncertainEntry, UncertainSystem};
use crate::uncertainty::Distribution;
use crate::uncertainty_file::{Field, StatsArrays, UncertaintyFileProblem};

/// The descriptor's file name inside a package.
pub const DESCRIPTOR: &str = "datapackage.json";

/// The relative difference accepted between `loc` and the amount (or ln |amount|): `bw_processing` stores the
/// distribution parameters as 32-bit floats, which keep about 7 digits.
const FLOAT32_TOLERANCE: f64 = 1e-6;

/// The three matrices a datapackage resource can belong to (the others are not read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageMatrix {
    Technosphere,
    Biosphere,
    Characterization,
}

impl PackageMatrix {
    /// The `matrix` name in `datapackage.json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Technosphere => "technosphere_matrix",
            Self::Biosphere => "biosphere_matrix",
            Self::Characterization => "characterization_matrix",
        }
    }

    fn of(name: &str) -> Option<Self> {
        match name {
            "technosphere_matrix" => Some(Self::Technosphere),
            "biosphere_matrix" => Some(Self::Biosphere),
            "characterization_matrix" => Some(Self::Characterization),
            _ => None,
        }
    }
}

/// The arrays of one resource group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrayKind {
    Indices,
    Data,
    Flip,
    Distributions,
}

impl ArrayKind {
    /// The `kind` in `datapackage.json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Indices => "indices",
            Self::Data => "data",
            Self::Flip => "flip",
            Self::Distributions => "distributions",
        }
    }

    fn of(name: &str) -> Option<Self> {
        match name {
            "indices" => Some(Self::Indices),
            "data" => Some(Self::Data),
            "flip" => Some(Self::Flip),
            "distributions" => Some(Self::Distributions),
            _ => None,
        }
    }

    /// The dtype expected, as numpy writes it, for messages.
    pub fn expected_dtype(self) -> &'static str {
        match self {
            Self::Indices => "[('row', '<i8'), ('col', '<i8')]",
            Self::Data => "<f8",
            Self::Flip => "|b1",
            Self::Distributions => {
                "[('uncertainty_type', 'u1'), ('loc', '<f4'), ('scale', '<f4'), ('shape', '<f4'), ('minimum', '<f4'), \
                 ('maximum', '<f4'), ('negative', '?')]"
            }
        }
    }
}

/// What is wrong with a datapackage.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant (with a fix), so a new one without its texts does not compile.
pub enum DatapackageProblem {
    /// `datapackage.json` is not JSON of the datapackage shape; `reason` is the JSON reader's (English) text.
    #[error("not a datapackage descriptor: {reason}")]
    Descriptor { reason: String },
    /// A file the descriptor names is not in the package.
    #[error("the file is missing from the package")]
    MissingFile,
    /// A resource of a matrix that is read is stored in a format other than `npy` (e.g. parquet).
    #[error("format “{found}” is not supported: only npy arrays are read")]
    UnsupportedFormat { found: String },
    /// The file is not a NumPy `.npy` array; `reason` is the reader's (English) text.
    #[error("not a NumPy .npy array: {reason}")]
    NotNpy { reason: String },
    /// The array is not one-dimensional.
    #[error("the array has shape {shape:?}; a one-dimensional vector is needed")]
    NotVector { shape: Vec<u64> },
    /// The array's dtype is not the one of its kind.
    #[error("dtype {found} where {expected} is expected")]
    WrongDtype { expected: &'static str, found: String },
    /// The array ends before its header's length.
    #[error("the array holds {found} bytes of data where its header promises {expected}")]
    Truncated { expected: usize, found: usize },
    /// An array of a group has another length than the group's indices.
    #[error("the array has {found} elements where the group's indices have {expected}")]
    LengthMismatch { expected: usize, found: usize },
    /// A group has no array of a kind every group needs (indices, data).
    #[error("the resource group “{group}” has no {} array", .kind.name())]
    MissingArray { group: String, kind: ArrayKind },
    /// A value is NaN or infinite.
    #[error("the value {value} is not a finite number")]
    NonFiniteValue { value: f64 },
    /// A biosphere exchange names an activity (column id) that the technosphere does not have.
    #[error("the biosphere names activity id {id}, which no technosphere column has")]
    UnknownActivity { id: i64 },
    /// None of the packages has a vector of this matrix.
    #[error("no package has a {} vector", .matrix.name())]
    NoMatrix { matrix: PackageMatrix },
    /// Several characterisation groups (impact categories): which one to score is ambiguous.
    #[error("the packages hold {} characterisation groups ({}); give the packages of one impact category", .groups.len(), .groups.join(", "))]
    SeveralImpactCategories { groups: Vec<String> },
    /// The package asks for duplicates to replace each other, which tanji does not do.
    #[error("sum_intra_duplicates is false; tanji sums the entries at one position")]
    DuplicatesNotSummed,
    /// A distribution does not fit its amount (the field at fault and why).
    #[error("{}: {problem}", .field.name())]
    Distribution { field: Field, problem: UncertaintyFileProblem },
    /// A characterisation factor has a distribution; tanji's Monte Carlo samples A and B only.
    #[error("the characterisation factor has uncertainty type {uncertainty_type}; only A and B are sampled")]
    UncertainCharacterization { uncertainty_type: u8 },
}

/// An error in a datapackage: the file inside the package (`datapackage.json` or an array's path), the element
/// (0-based, as numpy counts) when one is at fault, and what is wrong. The adapter adds the package's own path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {problem}", .index.map(|index| format!(", element {index}")).unwrap_or_default())]
pub struct DatapackageError {
    pub file: String,
    pub index: Option<usize>,
    pub problem: DatapackageProblem,
}

impl DatapackageError {
    fn of_file(file: &str, problem: DatapackageProblem) -> Self {
        Self { file: file.to_owned(), index: None, problem }
    }
}

/// One resource of the descriptor that is read.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub matrix: PackageMatrix,
    pub kind: ArrayKind,
    /// The group (`technosphere`, or the name given to `add_persistent_vector`).
    pub group: String,
    /// The file inside the package.
    pub path: String,
}

/// `datapackage.json`, reduced to what is read.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptor {
    pub resources: Vec<Resource>,
    pub sum_intra_duplicates: bool,
    /// Whether this package's groups add to the entries of earlier groups at the same position (true) or replace
    /// them (false, bw_processing's default).
    pub sum_inter_duplicates: bool,
}

#[derive(serde::Deserialize)]
struct RawDescriptor {
    resources: Vec<RawResource>,
    #[serde(default = "yes")]
    sum_intra_duplicates: bool,
    #[serde(default)]
    sum_inter_duplicates: bool,
}

fn yes() -> bool {
    true
}

#[derive(serde::Deserialize)]
struct RawResource {
    #[serde(default)]
    matrix: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    name: Option<String>,
    path: String,
}

impl Descriptor {
    /// Read `datapackage.json`: the vector resources of the three matrices (others are left aside).
    pub fn parse(text: &str) -> Result<Self, DatapackageError> {
        let raw: RawDescriptor = serde_json::from_str(text).map_err(|error| {
            DatapackageError::of_file(DESCRIPTOR, DatapackageProblem::Descriptor { reason: error.to_string() })
        })?;
        let mut resources = Vec::new();
        for resource in raw.resources {
            let Some(matrix) = resource.matrix.as_deref().and_then(PackageMatrix::of) else { continue };
            if resource.category.as_deref().is_some_and(|category| category != "vector") {
                continue;
            }
            let Some(kind) = resource.kind.as_deref().and_then(ArrayKind::of) else { continue };
            if let Some(format) = resource.format.as_deref()
                && format != "npy"
            {
                return Err(DatapackageError::of_file(
                    &resource.path,
                    DatapackageProblem::UnsupportedFormat { found: format.to_owned() },
                ));
            }
            // Older packages have no `group`: the name without its `.kind` suffix is the group.
            let group = resource.group.unwrap_or_else(|| {
                let name = resource.name.unwrap_or_else(|| resource.path.clone());
                name.strip_suffix(&format!(".{}", kind.name())).map(str::to_owned).unwrap_or(name)
            });
            resources.push(Resource { matrix, kind, group, path: resource.path });
        }
        Ok(Self {
            resources,
            sum_intra_duplicates: raw.sum_intra_duplicates,
            sum_inter_duplicates: raw.sum_inter_duplicates,
        })
    }

    /// The files to read, in the descriptor's order.
    pub fn array_paths(&self) -> impl Iterator<Item = &str> {
        self.resources.iter().map(|resource| resource.path.as_str())
    }
}

/// One package as the adapter read it: the descriptor and the bytes of the files it names.
#[derive(Clone, Debug, Default)]
pub struct LoadedPackage {
    pub descriptor: Option<Descriptor>,
    pub files: HashMap<String, Vec<u8>>,
}

/// Where an entry came from: the array file (index into [`DatapackageSystem`]'s file list) and the element.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Origin {
    file_idx: usize,
    element_idx: usize,
}

/// The distribution of an entry as the package stores it: for the unflipped value, negated when flipped.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stored {
    stats: StatsArrays,
    flipped: bool,
    origin: Origin,
}

/// A product system read from datapackages: the matrices as a Matrix Market file gives them, the ids of their rows
/// and columns, and the stored distribution of every entry.
#[derive(Clone, Debug, PartialEq)]
pub struct DatapackageSystem {
    pub technosphere: CoordinateMatrix,
    pub biosphere: CoordinateMatrix,
    /// Flows × 1.
    pub characterization: CoordinateMatrix,
    /// The database id of each column of A (the activity; `bw2calc`'s demand keys).
    pub activity_ids: Vec<i64>,
    /// The database id of each row of B (the elementary flow).
    pub flow_ids: Vec<i64>,
    files: Vec<String>,
    technosphere_stored: Vec<Option<Stored>>,
    biosphere_stored: Vec<Option<Stored>>,
    characterization_stored: Vec<Option<Stored>>,
}

/// One group's arrays, decoded.
struct Group {
    rows: Vec<i64>,
    cols: Vec<i64>,
    values: Vec<f64>,
    flips: Option<Vec<bool>>,
    distributions: Option<Vec<StatsArrays>>,
    indices_file_idx: usize,
    distributions_file_idx: Option<usize>,
    /// Whether the group adds to earlier groups' entries at its positions rather than replacing them.
    sums_inter_duplicates: bool,
}

/// Turn the packages (in the order given, as `bw2calc`'s `data_objs`) into a system.
pub fn read(packages: &[LoadedPackage]) -> Result<DatapackageSystem, DatapackageError> {
    let mut files = Vec::new();
    let mut groups: [Vec<(String, Group)>; 3] = Default::default();
    for package in packages {
        let Some(descriptor) = &package.descriptor else {
            return Err(DatapackageError::of_file(DESCRIPTOR, DatapackageProblem::MissingFile));
        };
        if !descriptor.sum_intra_duplicates {
            return Err(DatapackageError::of_file(DESCRIPTOR, DatapackageProblem::DuplicatesNotSummed));
        }
        // Group the resources, keeping the descriptor's order of groups.
        let mut order: Vec<(PackageMatrix, &str)> = Vec::new();
        for resource in &descriptor.resources {
            if !order.contains(&(resource.matrix, resource.group.as_str())) {
                order.push((resource.matrix, resource.group.as_str()));
            }
        }
        for (matrix, group_name) in order {
            let of_kind = |kind: ArrayKind| {
                descriptor
                    .resources
                    .iter()
                    .find(|resource| resource.matrix == matrix && resource.group == group_name && resource.kind == kind)
            };
            let mut load = |kind: ArrayKind| -> Result<Option<(usize, Npy<'_>)>, DatapackageError> {
                let Some(resource) = of_kind(kind) else { return Ok(None) };
                let bytes = package
                    .files
                    .get(&resource.path)
                    .ok_or_else(|| DatapackageError::of_file(&resource.path, DatapackageProblem::MissingFile))?;
                let npy = Npy::parse(bytes).map_err(|problem| DatapackageError::of_file(&resource.path, problem))?;
                files.push(resource.path.clone());
                Ok(Some((files.len() - 1, npy)))
            };
            let missing = |kind: ArrayKind| {
                DatapackageError::of_file(
                    DESCRIPTOR,
                    DatapackageProblem::MissingArray { group: group_name.to_owned(), kind },
                )
            };
            let (indices_idx, indices) = load(ArrayKind::Indices)?.ok_or_else(|| missing(ArrayKind::Indices))?;
            let (data_idx, data) = load(ArrayKind::Data)?.ok_or_else(|| missing(ArrayKind::Data))?;
            let flip = load(ArrayKind::Flip)?;
            let distributions = load(ArrayKind::Distributions)?;
            let fail = |file_idx: usize, problem: DatapackageProblem| DatapackageError {
                file: files[file_idx].clone(),
                index: None,
                problem,
            };
            let (rows, cols) = indices.indices().map_err(|problem| fail(indices_idx, problem))?;
            let expected = rows.len();
            let length = |file_idx: usize, found: usize| {
                if found == expected {
                    Ok(())
                } else {
                    Err(fail(file_idx, DatapackageProblem::LengthMismatch { expected, found }))
                }
            };
            let values = data.floats().map_err(|problem| fail(data_idx, problem))?;
            length(data_idx, values.len())?;
            if let Some(element_idx) = values.iter().position(|value| !value.is_finite()) {
                return Err(DatapackageError {
                    file: files[data_idx].clone(),
                    index: Some(element_idx),
                    problem: DatapackageProblem::NonFiniteValue { value: values[element_idx] },
                });
            }
            let flips = match flip {
                Some((file_idx, npy)) => {
                    let flips = npy.bools().map_err(|problem| fail(file_idx, problem))?;
                    length(file_idx, flips.len())?;
                    Some(flips)
                }
                None => None,
            };
            let (distributions, distributions_file_idx) = match distributions {
                Some((file_idx, npy)) => {
                    let stats = npy.distributions().map_err(|problem| fail(file_idx, problem))?;
                    length(file_idx, stats.len())?;
                    (Some(stats), Some(file_idx))
                }
                None => (None, None),
            };
            groups[matrix as usize].push((
                group_name.to_owned(),
                Group {
                    rows,
                    cols,
                    values,
                    flips,
                    distributions,
                    indices_file_idx: indices_idx,
                    distributions_file_idx,
                    sums_inter_duplicates: descriptor.sum_inter_duplicates,
                },
            ));
        }
    }
    let [technosphere_groups, biosphere_groups, characterization_groups] = groups;
    for (matrix, groups) in [
        (PackageMatrix::Technosphere, &technosphere_groups),
        (PackageMatrix::Biosphere, &biosphere_groups),
        (PackageMatrix::Characterization, &characterization_groups),
    ] {
        if groups.is_empty() {
            return Err(DatapackageError::of_file(DESCRIPTOR, DatapackageProblem::NoMatrix { matrix }));
        }
    }
    let mut category_names: Vec<String> = characterization_groups.iter().map(|(name, _)| name.clone()).collect();
    category_names.sort();
    category_names.dedup();
    if category_names.len() > 1 {
        return Err(DatapackageError::of_file(
            DESCRIPTOR,
            DatapackageProblem::SeveralImpactCategories { groups: category_names },
        ));
    }

    // Ids → indices, as matrix_utils maps them: sorted distinct ids.
    let sorted_ids = |groups: &[(String, Group)], rows: bool| -> Vec<i64> {
        let mut ids: Vec<i64> = groups
            .iter()
            .flat_map(|(_, group)| if rows { group.rows.iter() } else { group.cols.iter() }.copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let product_ids = sorted_ids(&technosphere_groups, true);
    let activity_ids = sorted_ids(&technosphere_groups, false);
    let flow_ids = sorted_ids(&biosphere_groups, true);
    let position = |ids: &[i64], id: i64| ids.binary_search(&id).ok();

    let mut technosphere = CoordinateMatrix { n_rows: product_ids.len(), n_cols: activity_ids.len(), entries: vec![] };
    let mut technosphere_stored = Vec::new();
    let mut technosphere_groups_of = Vec::new();
    for (group_idx, (_, group)) in technosphere_groups.iter().enumerate() {
        for element_idx in 0..group.rows.len() {
            let (row_idx, col_idx) = (
                position(&product_ids, group.rows[element_idx]).unwrap_or_default(),
                position(&activity_ids, group.cols[element_idx]).unwrap_or_default(),
            );
            technosphere.entries.push(Entry { row_idx, col_idx, value: group.value(element_idx) });
            technosphere_stored.push(group.stored(element_idx));
            technosphere_groups_of.push(group_idx);
        }
    }
    drop_replaced(&mut technosphere, &mut technosphere_stored, &technosphere_groups_of, &technosphere_groups);
    let mut biosphere = CoordinateMatrix { n_rows: flow_ids.len(), n_cols: activity_ids.len(), entries: vec![] };
    let mut biosphere_stored = Vec::new();
    let mut biosphere_groups_of = Vec::new();
    for (group_idx, (_, group)) in biosphere_groups.iter().enumerate() {
        for element_idx in 0..group.rows.len() {
            let id = group.cols[element_idx];
            let col_idx = position(&activity_ids, id).ok_or_else(|| DatapackageError {
                file: files[group.indices_file_idx].clone(),
                index: Some(element_idx),
                problem: DatapackageProblem::UnknownActivity { id },
            })?;
            let row_idx = position(&flow_ids, group.rows[element_idx]).unwrap_or_default();
            biosphere.entries.push(Entry { row_idx, col_idx, value: group.value(element_idx) });
            biosphere_stored.push(group.stored(element_idx));
            biosphere_groups_of.push(group_idx);
        }
    }
    drop_replaced(&mut biosphere, &mut biosphere_stored, &biosphere_groups_of, &biosphere_groups);
    let mut characterization = CoordinateMatrix { n_rows: flow_ids.len(), n_cols: 1, entries: vec![] };
    let mut characterization_stored = Vec::new();
    let mut characterization_groups_of = Vec::new();
    for (group_idx, (_, group)) in characterization_groups.iter().enumerate() {
        for element_idx in 0..group.rows.len() {
            // Factors of flows the inventory does not have cannot change a score; bw2calc drops them too.
            if let Some(row_idx) = position(&flow_ids, group.rows[element_idx]) {
                characterization.entries.push(Entry { row_idx, col_idx: 0, value: group.value(element_idx) });
                characterization_stored.push(group.stored(element_idx));
                characterization_groups_of.push(group_idx);
            }
        }
    }
    drop_replaced(
        &mut characterization,
        &mut characterization_stored,
        &characterization_groups_of,
        &characterization_groups,
    );
    Ok(DatapackageSystem {
        technosphere,
        biosphere,
        characterization,
        activity_ids,
        flow_ids,
        files,
        technosphere_stored,
        biosphere_stored,
        characterization_stored,
    })
}

/// Removes the entries that a later resource group replaces, as `matrix_utils` builds a matrix from its groups in
/// turn: each group's entries at one position are summed (`sum_intra_duplicates`), and the group then *assigns* its
/// sum to the position — dropping what earlier groups put there — unless its package says `sum_inter_duplicates`,
/// when it adds to it. So an entry stays when no later group that replaces holds its position. `groups_of[entry]`
/// is the index in `groups` of the group the entry came from; entries come group by group, in the packages' order.
fn drop_replaced(
    matrix: &mut CoordinateMatrix,
    stored: &mut Vec<Option<Stored>>,
    groups_of: &[usize],
    groups: &[(String, Group)],
) {
    // The last group that replaces, per position: entries of earlier groups there do not count.
    let mut replaced_by: HashMap<(usize, usize), usize> = HashMap::new();
    for (entry, &group_idx) in matrix.entries.iter().zip(groups_of) {
        if !groups[group_idx].1.sums_inter_duplicates {
            replaced_by.insert((entry.row_idx, entry.col_idx), group_idx);
        }
    }
    let keep: Vec<bool> = matrix
        .entries
        .iter()
        .zip(groups_of)
        .map(|(entry, &group_idx)| {
            replaced_by.get(&(entry.row_idx, entry.col_idx)).is_none_or(|&replacing| group_idx >= replacing)
        })
        .collect();
    if keep.iter().all(|&kept| kept) {
        return;
    }
    let mut keep_entries = keep.iter();
    matrix.entries.retain(|_| *keep_entries.next().unwrap_or(&true));
    let mut keep_stored = keep.iter();
    stored.retain(|_| *keep_stored.next().unwrap_or(&true));
}

impl Group {
    fn value(&self, element_idx: usize) -> f64 {
        let value = self.values[element_idx];
        if self.flipped(element_idx) { -value } else { value }
    }

    fn flipped(&self, element_idx: usize) -> bool {
        self.flips.as_ref().is_some_and(|flips| flips[element_idx])
    }

    fn stored(&self, element_idx: usize) -> Option<Stored> {
        let stats = self.distributions.as_ref()?[element_idx];
        Some(Stored {
            stats,
            flipped: self.flipped(element_idx),
            origin: Origin { file_idx: self.distributions_file_idx?, element_idx },
        })
    }
}

impl DatapackageSystem {
    /// The column (0-based) of the activity with this database id, as `bw2calc` reads a demand `{id: 1}`.
    pub fn column_of(&self, activity_id: i64) -> Option<usize> {
        self.activity_ids.binary_search(&activity_id).ok()
    }

    /// The system with the stored distributions of A and B, for Monte Carlo. Errors name the distributions array
    /// and the element whose parameters do not fit its amount; a characterisation factor with a distribution is
    /// refused (tanji samples A and B).
    pub fn uncertain_system(&self) -> Result<UncertainSystem, UncertainDatapackageError> {
        let fail = |origin: Origin, problem: DatapackageProblem| {
            UncertainDatapackageError::Package(DatapackageError {
                file: self.files[origin.file_idx].clone(),
                index: Some(origin.element_idx),
                problem,
            })
        };
        for stored in self.characterization_stored.iter().flatten() {
            if stored.stats.uncertainty_type > 1 {
                let uncertainty_type = stored.stats.uncertainty_type;
                return Err(fail(stored.origin, DatapackageProblem::UncertainCharacterization { uncertainty_type }));
            }
        }
        let exchanges = |matrix: &CoordinateMatrix, stored: &[Option<Stored>]| {
            matrix
                .entries
                .iter()
                .zip(stored)
                .map(|(entry, stored)| {
                    let distribution = match stored {
                        None => Distribution::Fixed,
                        Some(stored) => {
                            // The stored parameters describe the unflipped value.
                            let amount = if stored.flipped { -entry.value } else { entry.value };
                            let distribution = float32_tolerant(stored.stats, amount).distribution(amount).map_err(
                                |(field, problem)| {
                                    fail(stored.origin, DatapackageProblem::Distribution { field, problem })
                                },
                            )?;
                            if stored.flipped { negated(distribution) } else { distribution }
                        }
                    };
                    Ok(UncertainEntry {
                        row_idx: entry.row_idx,
                        col_idx: entry.col_idx,
                        amount: entry.value,
                        distribution,
                    })
                })
                .collect::<Result<Vec<_>, UncertainDatapackageError>>()
        };
        let technosphere = exchanges(&self.technosphere, &self.technosphere_stored)?;
        let biosphere = exchanges(&self.biosphere, &self.biosphere_stored)?;
        let mut characterization = vec![0.0; self.flow_ids.len()];
        for entry in &self.characterization.entries {
            characterization[entry.row_idx] += entry.value;
        }
        UncertainSystem::new(
            self.technosphere.n_cols.max(self.technosphere.n_rows),
            self.flow_ids.len(),
            technosphere,
            biosphere,
            characterization,
        )
        .map_err(UncertainDatapackageError::MonteCarlo)
    }
}

/// Why a datapackage does not give an uncertain system.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UncertainDatapackageError {
    /// An element of an array does not fit.
    #[error(transparent)]
    Package(#[from] DatapackageError),
    /// The matrices do not make a system.
    #[error(transparent)]
    MonteCarlo(#[from] MonteCarloError),
}

/// The parameters with what 32-bit storage rounded put back on the amount: a `loc` that agrees with the amount to
/// 32-bit precision is taken as the amount (tanji centres distributions on the matrix's amount), and bounds that
/// miss the amount by the same rounding are moved onto it.
fn float32_tolerant(mut stats: StatsArrays, amount: f64) -> StatsArrays {
    let close = |found: f64, expected: f64| (found - expected).abs() <= FLOAT32_TOLERANCE * expected.abs().max(1.0);
    match stats.uncertainty_type {
        2 if amount != 0.0 && stats.loc.is_some_and(|loc| close(loc, amount.abs().ln())) => stats.loc = None,
        3 if stats.loc.is_some_and(|loc| close(loc, amount)) => stats.loc = None,
        5 if stats.loc.is_some_and(|loc| close(loc, amount)) => stats.loc = Some(amount),
        _ => {}
    }
    let near = |bound: f64| (bound - amount).abs() <= FLOAT32_TOLERANCE * amount.abs().max(f64::MIN_POSITIVE);
    if let Some(minimum) = stats.minimum
        && minimum > amount
        && near(minimum)
    {
        stats.minimum = Some(amount);
    }
    if let Some(maximum) = stats.maximum
        && maximum < amount
        && near(maximum)
    {
        stats.maximum = Some(amount);
    }
    stats
}

/// The distribution of −x given that of x.
fn negated(distribution: Distribution) -> Distribution {
    match distribution {
        Distribution::Fixed | Distribution::Lognormal { .. } | Distribution::Normal { .. } => distribution,
        Distribution::Uniform { min, max } => Distribution::Uniform { min: -max, max: -min },
        Distribution::Triangular { min, mode, max } => Distribution::Triangular { min: -max, mode: -mode, max: -min },
    }
}

/// A `.npy` file's header and data.
struct Npy<'a> {
    dtype: npyz::DType,
    len: usize,
    data: &'a [u8],
}

/// A field of a record (or the plain element): its offset in the element and its type.
#[derive(Clone, Copy)]
struct Column {
    offset: usize,
    type_char: Scalar,
    size: usize,
    big_endian: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Scalar {
    Bool,
    Int,
    Uint,
    Float,
}

impl<'a> Npy<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, DatapackageProblem> {
        let mut reader = bytes;
        let file = npyz::NpyFile::new(&mut reader)
            .map_err(|error| DatapackageProblem::NotNpy { reason: error.to_string() })?;
        let shape = file.shape().to_vec();
        let dtype = file.dtype();
        drop(file);
        if shape.len() != 1 {
            return Err(DatapackageProblem::NotVector { shape });
        }
        let len = usize::try_from(shape[0]).map_err(|_| DatapackageProblem::NotVector { shape: shape.clone() })?;
        let item = dtype.num_bytes().unwrap_or(0);
        let expected = item.saturating_mul(len);
        if reader.len() < expected || item == 0 {
            return Err(DatapackageProblem::Truncated { expected, found: reader.len() });
        }
        Ok(Self { dtype, len, data: &reader[..expected] })
    }

    fn wrong(&self, kind: ArrayKind) -> DatapackageProblem {
        DatapackageProblem::WrongDtype { expected: kind.expected_dtype(), found: self.dtype.descr() }
    }

    fn item(&self) -> usize {
        self.dtype.num_bytes().unwrap_or(1)
    }

    /// The column of a named field of a record, or of the plain element when `name` is `None`.
    fn column(&self, name: Option<&str>) -> Option<Column> {
        let plain = |dtype: &npyz::DType, offset: usize| match dtype {
            npyz::DType::Plain(type_str) => {
                let type_char = match type_str.type_char() {
                    npyz::TypeChar::Bool => Scalar::Bool,
                    npyz::TypeChar::Int => Scalar::Int,
                    npyz::TypeChar::Uint => Scalar::Uint,
                    npyz::TypeChar::Float => Scalar::Float,
                    _ => return None,
                };
                let size = type_str.num_bytes()?;
                let fits = match type_char {
                    Scalar::Bool => size == 1,
                    Scalar::Int | Scalar::Uint => matches!(size, 1 | 2 | 4 | 8),
                    Scalar::Float => matches!(size, 4 | 8),
                };
                fits.then_some(Column {
                    offset,
                    type_char,
                    size,
                    big_endian: type_str.endianness() == npyz::Endianness::Big,
                })
            }
            _ => None,
        };
        match (name, &self.dtype) {
            (None, dtype) => plain(dtype, 0),
            (Some(name), npyz::DType::Record(fields)) => {
                let mut offset = 0;
                for field in fields {
                    if field.name == name {
                        return plain(&field.dtype, offset);
                    }
                    offset += field.dtype.num_bytes()?;
                }
                None
            }
            _ => None,
        }
    }

    fn raw(&self, column: Column, element_idx: usize) -> [u8; 8] {
        let start = element_idx * self.item() + column.offset;
        let mut bytes = [0_u8; 8];
        bytes[..column.size].copy_from_slice(&self.data[start..start + column.size]);
        if column.big_endian {
            bytes[..column.size].reverse();
        }
        bytes
    }

    fn as_f64(&self, column: Column, element_idx: usize) -> f64 {
        let bytes = self.raw(column, element_idx);
        match (column.type_char, column.size) {
            (Scalar::Float, 4) => f64::from(f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
            (Scalar::Float, _) => f64::from_le_bytes(bytes),
            (Scalar::Bool, _) => f64::from(u8::from(bytes[0] != 0)),
            _ => self.as_i64(column, element_idx) as f64,
        }
    }

    fn as_i64(&self, column: Column, element_idx: usize) -> i64 {
        let bytes = self.raw(column, element_idx);
        match column.type_char {
            Scalar::Int => {
                // Sign-extend from the stored width.
                let shift = 64 - 8 * column.size as u32;
                (i64::from_le_bytes(bytes) << shift) >> shift
            }
            Scalar::Uint | Scalar::Bool => u64::from_le_bytes(bytes) as i64,
            Scalar::Float => f64::from_le_bytes(bytes) as i64,
        }
    }

    /// `row` and `col` of an indices array (integer fields).
    fn indices(&self) -> Result<(Vec<i64>, Vec<i64>), DatapackageProblem> {
        let integer =
            |name| self.column(Some(name)).filter(|column| matches!(column.type_char, Scalar::Int | Scalar::Uint));
        let (Some(row), Some(col)) = (integer("row"), integer("col")) else {
            return Err(self.wrong(ArrayKind::Indices));
        };
        Ok((
            (0..self.len).map(|idx| self.as_i64(row, idx)).collect(),
            (0..self.len).map(|idx| self.as_i64(col, idx)).collect(),
        ))
    }

    /// A data array: floats or integers.
    fn floats(&self) -> Result<Vec<f64>, DatapackageProblem> {
        let column = self
            .column(None)
            .filter(|column| column.type_char != Scalar::Bool)
            .ok_or_else(|| self.wrong(ArrayKind::Data))?;
        Ok((0..self.len).map(|idx| self.as_f64(column, idx)).collect())
    }

    /// A flip array: booleans.
    fn bools(&self) -> Result<Vec<bool>, DatapackageProblem> {
        let column = self
            .column(None)
            .filter(|column| column.type_char == Scalar::Bool)
            .ok_or_else(|| self.wrong(ArrayKind::Flip))?;
        Ok((0..self.len).map(|idx| self.raw(column, idx)[0] != 0).collect())
    }

    /// A distributions array in `stats_arrays`' dtype; NaN parameters are empty.
    fn distributions(&self) -> Result<Vec<StatsArrays>, DatapackageProblem> {
        let wrong = || self.wrong(ArrayKind::Distributions);
        let kind = self
            .column(Some("uncertainty_type"))
            .filter(|column| matches!(column.type_char, Scalar::Int | Scalar::Uint))
            .ok_or_else(wrong)?;
        let number = |name| self.column(Some(name)).filter(|column| column.type_char != Scalar::Bool);
        let [loc, scale, shape, minimum, maximum] = ["loc", "scale", "shape", "minimum", "maximum"].map(number);
        let negative = self.column(Some("negative"));
        if loc.is_none() || scale.is_none() {
            return Err(wrong());
        }
        let value =
            |column: Option<Column>, idx| column.map(|column| self.as_f64(column, idx)).filter(|value| !value.is_nan());
        Ok((0..self.len)
            .map(|idx| StatsArrays {
                uncertainty_type: u8::try_from(self.as_i64(kind, idx)).unwrap_or(u8::MAX),
                loc: value(loc, idx),
                scale: value(scale, idx),
                shape: value(shape, idx),
                minimum: value(minimum, idx),
                maximum: value(maximum, idx),
                negative: negative.is_some_and(|column| self.raw(column, idx)[0] != 0),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// examples/lca/datapackage: the hand example as bw_processing wrote it (scripts/make-lca-datapackage-example.py).
    fn example() -> LoadedPackage {
        macro_rules! file {
            ($name:literal) => {
                (
                    $name.to_owned(),
                    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/lca/datapackage/", $name))
                        .to_vec(),
                )
            };
        }
        let descriptor =
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/lca/datapackage/datapackage.json"));
        LoadedPackage {
            descriptor: Some(Descriptor::parse(descriptor).expect("the example's descriptor")),
            files: HashMap::from([
                file!("technosphere.indices.npy"),
                file!("technosphere.data.npy"),
                file!("technosphere.flip.npy"),
                file!("technosphere.distributions.npy"),
                file!("biosphere.indices.npy"),
                file!("biosphere.data.npy"),
                file!("biosphere.distributions.npy"),
                file!("gwp100.indices.npy"),
                file!("gwp100.data.npy"),
            ]),
        }
    }

    #[test]
    fn ids_become_sorted_positions_flips_negate_and_unknown_flows_factors_are_dropped() {
        let system = read(&[example()]).expect("the example");
        assert_eq!(system.activity_ids, [101, 205]);
        assert_eq!(system.flow_ids, [9001, 9002]);
        let values: Vec<(usize, usize, f64)> =
            system.technosphere.entries.iter().map(|entry| (entry.row_idx, entry.col_idx, entry.value)).collect();
        assert_eq!(values, [(0, 0, 1.0), (0, 0, -0.1), (1, 0, -0.3), (0, 1, -0.02), (1, 1, 1.0)]);
        // N2O (9003) has a factor but no exchange: dropped.
        assert_eq!(system.characterization.entries.len(), 2);
        assert_eq!(system.column_of(205), Some(1));
        assert_eq!(system.column_of(1), None);
    }

    /// The example's technosphere group alone, as another package (named `override`), its amounts × `scale`.
    fn technosphere_override(scale: f64, sum_inter_duplicates: bool) -> LoadedPackage {
        let mut package = example();
        let descriptor = package.descriptor.as_mut().unwrap();
        descriptor.resources.retain(|resource| resource.matrix == PackageMatrix::Technosphere);
        for resource in &mut descriptor.resources {
            resource.group = "override".into();
        }
        descriptor.sum_inter_duplicates = sum_inter_duplicates;
        let data = package.files.get_mut("technosphere.data.npy").unwrap();
        let start = data.len() - 5 * 8;
        for element in data[start..].chunks_exact_mut(8) {
            let value = f64::from_le_bytes(element.try_into().unwrap()) * scale;
            element.copy_from_slice(&value.to_le_bytes());
        }
        package
    }

    fn entries(matrix: &CoordinateMatrix) -> Vec<(usize, usize, f64)> {
        matrix.entries.iter().map(|entry| (entry.row_idx, entry.col_idx, entry.value)).collect()
    }

    /// matrix_utils' `rebuild_matrix` assigns each group's (intra-summed) values in turn, so a later group replaces
    /// an earlier one at the positions it holds — unless its package has `sum_inter_duplicates`, when it adds.
    #[test]
    fn a_later_group_replaces_the_entries_at_its_positions_unless_its_package_sums_them() {
        let example_entries = entries(&read(&[example()]).unwrap().technosphere);
        let doubled: Vec<(usize, usize, f64)> =
            example_entries.iter().map(|&(row_idx, col_idx, value)| (row_idx, col_idx, value * 2.0)).collect();

        // Replaced: only the override's entries (both at (0, 0) still summed within their group), and their
        // distributions, are read.
        let replaced = read(&[example(), technosphere_override(2.0, false)]).unwrap();
        assert_eq!(entries(&replaced.technosphere), doubled);
        assert_eq!(replaced.technosphere_stored.len(), 5);
        assert!(replaced.technosphere_stored.iter().flatten().all(|stored| stored.origin.file_idx >= 9));
        // The biosphere and characterisation of the first package are untouched.
        assert_eq!(entries(&replaced.biosphere), entries(&read(&[example()]).unwrap().biosphere));
        // Monte Carlo samples only the override's entries (same amounts here, so its distributions fit them).
        let uncertain = read(&[example(), technosphere_override(1.0, false)]).unwrap().uncertain_system();
        assert_eq!(uncertain.expect("the override's distributions fit its amounts").technosphere().len(), 5);

        // Summed: both groups' entries.
        let summed = read(&[example(), technosphere_override(2.0, true)]).unwrap();
        assert_eq!(entries(&summed.technosphere), [example_entries.clone(), doubled.clone()].concat());

        // A replacing group drops what came before it, summed or not; a summing group after it adds to it.
        let tripled: Vec<(usize, usize, f64)> =
            example_entries.iter().map(|&(row_idx, col_idx, value)| (row_idx, col_idx, value * 3.0)).collect();
        let chain = read(&[
            example(),
            technosphere_override(3.0, true),
            technosphere_override(2.0, false),
            technosphere_override(3.0, true),
        ])
        .unwrap();
        assert_eq!(entries(&chain.technosphere), [doubled, tripled].concat());
    }

    #[test]
    fn a_flipped_inputs_distribution_is_mirrored_and_32_bit_parameters_are_accepted() {
        let uncertain = read(&[example()]).unwrap().uncertain_system().expect("distributions that fit");
        let technosphere = uncertain.technosphere();
        // Electricity into coal: stored uniform on [0.015, 0.025] (32-bit) for the unflipped 0.02.
        match technosphere[3].distribution {
            Distribution::Uniform { min, max } => {
                assert!((min + 0.025).abs() < 1e-9 && (max + 0.015).abs() < 1e-9, "{min} {max}");
            }
            other => panic!("expected a uniform, got {other:?}"),
        }
        match technosphere[2].distribution {
            Distribution::Lognormal { geometric_sd } => assert!((geometric_sd - 1.2).abs() < 1e-6),
            other => panic!("expected a lognormal, got {other:?}"),
        }
        assert_eq!(technosphere[0].distribution, Distribution::Fixed);
    }

    #[test]
    fn a_biosphere_activity_missing_from_the_technosphere_is_named_with_its_element() {
        let mut package = example();
        let indices = package.files.get_mut("biosphere.indices.npy").unwrap();
        // Element 1's col (int64 after its row) becomes 999.
        let start = indices.len() - 3 * 16 + 16 + 8;
        indices[start..start + 8].copy_from_slice(&999_i64.to_le_bytes());
        let error = read(&[package]).unwrap_err();
        assert_eq!(
            error,
            DatapackageError {
                file: "biosphere.indices.npy".into(),
                index: Some(1),
                problem: DatapackageProblem::UnknownActivity { id: 999 }
            }
        );
    }

    #[test]
    fn two_impact_categories_are_ambiguous_and_a_missing_matrix_is_named() {
        let mut second = example();
        let descriptor = second.descriptor.as_mut().unwrap();
        descriptor.resources.retain(|resource| resource.matrix == PackageMatrix::Characterization);
        for resource in &mut descriptor.resources {
            resource.group = "other".into();
        }
        let error = read(&[example(), second.clone()]).unwrap_err();
        assert!(
            matches!(error.problem, DatapackageProblem::SeveralImpactCategories { ref groups } if groups.len() == 2)
        );
        let error = read(&[second]).unwrap_err();
        assert_eq!(error.problem, DatapackageProblem::NoMatrix { matrix: PackageMatrix::Technosphere });
    }

    #[test]
    fn a_wrong_dtype_names_what_was_expected() {
        let mut package = example();
        let flip = package.files["technosphere.flip.npy"].clone();
        package.files.insert("technosphere.data.npy".into(), flip);
        let error = read(&[package]).unwrap_err();
        assert_eq!(error.file, "technosphere.data.npy");
        assert!(
            matches!(error.problem, DatapackageProblem::WrongDtype { expected: "<f8", ref found } if found.contains("b1")),
            "{error}"
        );
    }
}
