//! The footprint file (`docs/footprint-file.md`): a TOML document holding one product model, optionally with the
//! model of its baseline (the conventional product it is compared with). Parsing is pure.

use serde::{Deserialize, Serialize};

use crate::model::ProductModel;
use crate::problem::{Problem, Problems};

/// A footprint file: the product's model and, optionally, its baseline's.
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintFile {
    pub model: ProductModel,
    /// The conventional product this one is compared with, modelled the same way and per the same declared unit.
    pub baseline: Option<ProductModel>,
}

/// The file's top level: a product model's fields plus `[baseline]` (serde cannot flatten with unknown-field checks).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    product: crate::model::ProductInfo,
    #[serde(default = "default_gwp")]
    gwp: String,
    reference_process: String,
    #[serde(default)]
    cut_off: crate::model::CutOffRule,
    processes: Vec<crate::model::ProcessModel>,
    #[serde(default)]
    supplier_footprints: Vec<crate::model::SupplierFootprint>,
    #[serde(default)]
    exempted: Vec<crate::model::Exemption>,
    #[serde(default)]
    baseline: Option<ProductModel>,
}

fn default_gwp() -> String {
    "AR6".to_owned()
}

/// Parse a footprint file. Syntax errors name the line and column.
pub fn parse_footprint_file(text: &str) -> Result<FootprintFile, Problems> {
    let document: Document = toml::from_str(text).map_err(|error| {
        let location = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |line| line.chars().count()) + 1;
                format!("line {line}, column {column}")
            })
            .unwrap_or_else(|| "file".to_owned());
        Problems::one(Problem::new(
            location,
            error.message().to_owned(),
            "see docs/footprint-file.md for the fields and an example",
        ))
    })?;
    Ok(FootprintFile {
        model: ProductModel {
            product: document.product,
            gwp: document.gwp,
            reference_process: document.reference_process,
            cut_off: document.cut_off,
            processes: document.processes,
            supplier_footprints: document.supplier_footprints,
            exempted: document.exempted,
        },
        baseline: document.baseline,
    })
}

/// Write a model (and its baseline) as a footprint file.
pub fn write_footprint_file(file: &FootprintFile) -> Result<String, toml::ser::Error> {
    #[derive(Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        model: &'a ProductModel,
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<&'a ProductModel>,
    }
    toml::to_string(&Out { model: &file.model, baseline: file.baseline.as_ref() })
}
