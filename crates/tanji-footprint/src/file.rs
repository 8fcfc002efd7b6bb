//! The footprint file (`docs/footprint-file.md`): a TOML document holding one product model, optionally with the
//! model of its baseline (the conventional product it is compared with). Parsing is pure.

use serde::{Deserialize, Serialize};

use crate::model::ProductModel;
use crate::problem::{Expected, Problem, ProblemKind, Problems, TomlSyntax, closest};

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

/// Parse a footprint file. Every problem the reader can find is reported at once, each with its line and the key
/// it is about (syntax errors, values of the wrong type, unknown or missing keys, words that are not allowed).
pub fn parse_footprint_file(text: &str) -> Result<FootprintFile, Problems> {
    let lenient = parse_leniently(text);
    match lenient.file {
        Some(file) if lenient.problems.is_empty() => Ok(file),
        _ => Err(lenient.problems),
    }
}

/// Parse a footprint file and check its model(s) against the library in the same pass: a file with a value of the
/// wrong type *and* an unknown factor reports both, each with its line. Where a value had to be set aside to read
/// on, problems the model check finds at or below it are not repeated (they would be about the stand-in, not the
/// file). This is the one reader of footprint files people give: `tanji footprint compute`, the API and the
/// console's upload all use it.
pub fn read_footprint_file(
    text: &str,
    library: &tanji_ghg::FactorLibrary,
    gwp_table: &tanji_ghg::GwpTable,
) -> Result<FootprintFile, Problems> {
    let lenient = parse_leniently(text);
    let mut problems = lenient.problems;
    let Some(file) = lenient.file else { return Err(problems) };
    // The tree as written, to give the model check's problems the line of the key they are about.
    let (written, _) = toml::de::DeTable::parse_recoverable(text);
    let line_of = |path: &str| {
        span_of(&written, &parse_path(path)).map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
    };
    let set_aside = |path: &str| {
        lenient.set_aside.iter().any(|aside| {
            path == aside || path.starts_with(&format!("{aside}.")) || path.starts_with(&format!("{aside}["))
        })
    };
    let models = std::iter::once(("", &file.model)).chain(file.baseline.as_ref().map(|model| ("baseline.", model)));
    for (prefix, model) in models {
        if let Err(found) = crate::build::build(model, library, gwp_table) {
            for mut problem in found.problems {
                let path = format!("{prefix}{}", problem.path);
                problem.path = path_text(&as_written(&parse_path(&path), &lenient.removed));
                let consequence = lenient.dropped_elements
                    && matches!(
                        problem.kind,
                        ProblemKind::UnknownProduct { .. } | ProblemKind::UnknownReferenceProcess { .. }
                    );
                if !set_aside(&problem.path) && !consequence {
                    problem.line = problem.line.or_else(|| line_of(&problem.path));
                    problems.push(problem);
                }
            }
        }
    }
    if problems.is_empty() { Ok(file) } else { Err(problems) }
}

/// Where the deepest value on `segments` that the file has is written (a problem about a key the file lacks is
/// placed at the table that lacks it).
fn span_of(root: &toml::Spanned<toml::de::DeTable<'_>>, segments: &[Segment]) -> Option<std::ops::Range<usize>> {
    let (Segment::Key(first), rest) = segments.split_first()? else { return None };
    let (key, mut node) = root.get_ref().iter().find(|(key, _)| key.get_ref().as_ref() == first.as_str())?;
    // A table's own span may start at its first key rather than its header; the key's is where a reader looks.
    let mut span = if node.get_ref().is_table() { key.span() } else { node.span() };
    for segment in rest {
        let next = match (segment, node.get_ref()) {
            (Segment::Key(wanted), toml::de::DeValue::Table(table)) => table
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == wanted.as_str())
                .map(|(key, value)| (if value.get_ref().is_table() { key.span() } else { value.span() }, value)),
            (Segment::Index(idx), toml::de::DeValue::Array(array)) => {
                array.get(*idx).map(|element| (element.span(), element))
            }
            _ => None,
        };
        let Some((next_span, next_node)) = next else { break };
        if !next_span.is_empty() {
            span = next_span;
        }
        node = next_node;
    }
    Some(span)
}

/// What the lenient reader made of a file.
struct Lenient {
    /// The file as read, with stand-ins where values were set aside; `None` when it could not be read at all.
    file: Option<FootprintFile>,
    problems: Problems,
    /// Paths of values replaced by stand-ins or removed.
    set_aside: Vec<String>,
    /// Whether whole array elements (a process, an input …) were removed.
    dropped_elements: bool,
    /// The elements removed, as (array path as written, index as written).
    removed: Vec<(Vec<Segment>, usize)>,
}

/// `processes[2].factors[0].unit` as segments.
fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next()
            && !key.is_empty()
        {
            segments.push(Segment::Key(key.to_owned()));
        }
        for piece in pieces {
            if let Ok(idx) = piece.trim_end_matches(']').parse() {
                segments.push(Segment::Index(idx));
            }
        }
    }
    segments
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn path_text(segments: &[Segment]) -> String {
    let mut text = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) if text.is_empty() => text.push_str(key),
            Segment::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Segment::Index(idx) => text.push_str(&format!("[{idx}]")),
        }
    }
    text
}

/// The most problems one file reports; past this the file is most likely not a footprint file at all.
const MAX_PROBLEMS: usize = 100;

fn parse_leniently(text: &str) -> Lenient {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut problems = Problems::default();
    let (mut root, syntax_errors) = toml::de::DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        for error in syntax_errors.iter().take(MAX_PROBLEMS) {
            let mut problem = Problem::new(
                "file",
                ProblemKind::TomlSyntax {
                    syntax: TomlSyntax::of_description(error.message()),
                    detail: error.message().trim().to_owned(),
                },
            );
            problem.line = error.span().map(|span| line_of(span.start));
            problems.push(problem);
        }
        return Lenient { file: None, problems, set_aside: Vec::new(), dropped_elements: false, removed: Vec::new() };
    }
    let mut set_aside = Vec::new();
    let mut dropped_elements = false;
    // Elements removed so far, as (array path as written, index as written), to give later problems the paths of the
    // file rather than of the shortened arrays.
    let mut removed: Vec<(Vec<Segment>, usize)> = Vec::new();
    for _ in 0..MAX_PROBLEMS {
        let error = match Document::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(document) => {
                let file = FootprintFile {
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
                };
                return Lenient { file: Some(file), problems, set_aside, dropped_elements, removed };
            }
            Err(error) => error,
        };
        let start = error.span().map_or(0, |span| span.start);
        let mut segments = Vec::new();
        locate_table(root.get_ref(), start, &mut segments);
        let written = as_written(&segments, &removed);
        let message = error.message().to_owned();
        let (kind, repair) = classify(&message, &segments, text, error.span());
        let repair_kind = if matches!(repair, Repair::DropElement) { RepairKind::Drop } else { RepairKind::InPlace };
        let key_path = match &kind {
            ProblemKind::MissingKey { key } | ProblemKind::UnknownKey { key, .. } => {
                let mut with_key = written.clone();
                if !matches!(with_key.last(), Some(Segment::Key(last)) if last == key) {
                    with_key.push(Segment::Key(key.clone()));
                }
                with_key
            }
            _ => written.clone(),
        };
        let mut problem =
            Problem::new(if key_path.is_empty() { "file".to_owned() } else { path_text(&key_path) }, kind);
        problem.line = error.span().map(|span| line_of(span.start));
        let before = problems.problems.len();
        problems.push(problem);
        let repaired = match repair {
            Repair::Replace(stand_in) => replace(&mut root, &segments, stand_in),
            Repair::ReplaceText(stand_in) => replace_text(&mut root, &segments, stand_in),
            Repair::RemoveKey(key) => remove_key(&mut root, &segments, &key),
            Repair::DropElement => drop_element(&mut root, &segments).map(|(array_path, idx)| {
                dropped_elements = true;
                let array_written = as_written(&array_path, &removed);
                let Some(Segment::Index(written_idx)) =
                    as_written(&[array_path.clone(), vec![Segment::Index(idx)]].concat(), &removed).last().cloned()
                else {
                    unreachable!("the path ends with the index")
                };
                removed.push((array_written.clone(), written_idx));
                path_text(&[array_written, vec![Segment::Index(written_idx)]].concat())
            }),
        };
        match repaired {
            Some(path) if matches!(repair_kind, RepairKind::Drop) => set_aside.push(path),
            Some(_) => set_aside.push(path_text(&written)),
            None => break,
        }
        if problems.problems.len() == before {
            // The same problem again: the repair did not take; stop rather than loop.
            break;
        }
    }
    Lenient { file: None, problems, set_aside, dropped_elements, removed }
}

/// How to read on past a problem.
enum Repair {
    /// Put a stand-in of the right type where the value was (TOML text of the value).
    Replace(&'static str),
    /// Put a string stand-in where the value was.
    ReplaceText(String),
    /// Remove a key that the format does not have.
    RemoveKey(String),
    /// Remove the innermost array element (a process, an input …) holding the problem.
    DropElement,
}

/// Turn the TOML reader's message into a problem value, and decide how to read on.
fn classify(
    message: &str,
    segments: &[Segment],
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> (ProblemKind, Repair) {
    let key = segments
        .iter()
        .rev()
        .find_map(|segment| match segment {
            Segment::Key(key) => Some(key.clone()),
            Segment::Index(_) => None,
        })
        .unwrap_or_default();
    let quoted = |message: &str| -> Vec<String> { message.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected_text = rest.rsplit_once("expected ").map_or("", |(_, expected)| expected);
        let (expected, stand_in) = expected_of(expected_text);
        let found = span
            .and_then(|span| text.get(span))
            .map(|found| found.lines().next().unwrap_or_default().trim().to_owned())
            .filter(|found| !found.is_empty())
            .unwrap_or_else(|| rest.split(',').next().unwrap_or_default().to_owned());
        let repair = stand_in.map_or(Repair::DropElement, Repair::Replace);
        return (ProblemKind::WrongType { key, expected, found }, repair);
    }
    if message.starts_with("invalid value: ") {
        // e.g. a negative number for an unsigned rating.
        let found = span.and_then(|span| text.get(span)).unwrap_or_default().trim().to_owned();
        let expected_text = message.rsplit_once("expected ").map_or("", |(_, expected)| expected);
        let (expected, stand_in) = expected_of(expected_text);
        return (
            ProblemKind::WrongType { key, expected, found },
            stand_in.map_or(Repair::DropElement, Repair::Replace),
        );
    }
    if message.starts_with("unknown field") {
        let names = quoted(message);
        let given = names.first().cloned().unwrap_or_default();
        let allowed: Vec<String> = names.into_iter().skip(1).collect();
        let suggestion = closest(&given, allowed.iter().map(String::as_str));
        return (ProblemKind::UnknownKey { key: given.clone(), suggestion, allowed }, Repair::RemoveKey(given));
    }
    if message.starts_with("unknown variant") {
        let names = quoted(message);
        let value = names.first().cloned().unwrap_or_default();
        let allowed: Vec<String> = names.into_iter().skip(1).collect();
        let suggestion = closest(&value, allowed.iter().map(String::as_str));
        let repair = allowed.first().map_or(Repair::DropElement, |first| Repair::ReplaceText(first.clone()));
        return (ProblemKind::UnknownValue { key, value, suggestion, allowed }, repair);
    }
    if message.starts_with("missing field") {
        let missing = quoted(message).into_iter().next().unwrap_or_default();
        return (ProblemKind::MissingKey { key: missing }, Repair::DropElement);
    }
    (ProblemKind::TomlOther { detail: message.trim().to_owned() }, Repair::DropElement)
}

/// What type serde's "expected …" names, and a TOML stand-in of that type.
fn expected_of(expected: &str) -> (Expected, Option<&'static str>) {
    let expected = expected.trim();
    if ["f64", "f32", "float"].iter().any(|name| expected.contains(name)) {
        (Expected::Number, Some("1.0"))
    } else if ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "integer"]
        .iter()
        .any(|name| expected.contains(name))
    {
        (Expected::WholeNumber, Some("1"))
    } else if expected.contains("string") || expected.contains("char") {
        (Expected::Text, Some("\"-\""))
    } else if expected.contains("bool") {
        (Expected::TrueOrFalse, Some("false"))
    } else if expected.contains("sequence") || expected.contains("array") {
        (Expected::List, Some("[]"))
    } else if expected.contains("struct") || expected.contains("map") || expected.contains("table") {
        (Expected::Table, None)
    } else {
        (Expected::Other, None)
    }
}

type Value<'i> = toml::Spanned<toml::de::DeValue<'i>>;

fn contains(span: std::ops::Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

fn locate_table(table: &toml::de::DeTable<'_>, offset: usize, segments: &mut Vec<Segment>) {
    for (key, value) in table.iter() {
        if contains(key.span(), offset) {
            segments.push(Segment::Key(key.get_ref().to_string()));
            return;
        }
        if contains(value.span(), offset) {
            segments.push(Segment::Key(key.get_ref().to_string()));
            locate_value(value, offset, segments);
            return;
        }
    }
    // Array-of-tables elements are not always spanned as a whole: fall back to the nearest start before the offset.
    let mut best: Option<(usize, String)> = None;
    for (key, value) in table.iter() {
        if value.get_ref().is_array() || value.get_ref().is_table() {
            let start = value.span().start.min(key.span().start);
            if start <= offset && best.as_ref().is_none_or(|(known, _)| start > *known) {
                best = Some((start, key.get_ref().to_string()));
            }
        }
    }
    if let Some((_, key)) = best
        && let Some(value) = table.iter().find(|(known, _)| known.get_ref().as_ref() == key).map(|(_, value)| value)
    {
        segments.push(Segment::Key(key));
        locate_value(value, offset, segments);
    }
}

fn locate_value(value: &Value<'_>, offset: usize, segments: &mut Vec<Segment>) {
    match value.get_ref() {
        toml::de::DeValue::Table(table) => locate_table(table, offset, segments),
        toml::de::DeValue::Array(array) => {
            let position = array
                .iter()
                .position(|element| contains(element.span(), offset))
                .or_else(|| (0..array.len()).rev().find(|&idx| array[idx].span().start <= offset));
            if let Some(idx) = position {
                segments.push(Segment::Index(idx));
                locate_value(&array[idx], offset, segments);
            }
        }
        _ => {}
    }
}

fn node_mut<'a, 'i>(
    root: &'a mut toml::Spanned<toml::de::DeTable<'i>>,
    segments: &[Segment],
) -> Option<&'a mut Value<'i>> {
    let (Segment::Key(first), rest) = segments.split_first()? else { return None };
    let mut node = root.get_mut().iter_mut().find(|(key, _)| key.get_ref().as_ref() == first.as_str())?.1;
    for segment in rest {
        node = match (segment, node.get_mut()) {
            (Segment::Key(wanted), toml::de::DeValue::Table(table)) => {
                table.iter_mut().find(|(key, _)| key.get_ref().as_ref() == wanted.as_str())?.1
            }
            (Segment::Index(idx), toml::de::DeValue::Array(array)) => array.get_mut(*idx)?,
            _ => return None,
        };
    }
    Some(node)
}

fn replace(
    root: &mut toml::Spanned<toml::de::DeTable<'_>>,
    segments: &[Segment],
    stand_in: &'static str,
) -> Option<String> {
    let node = node_mut(root, segments)?;
    let mut value = toml::de::DeValue::parse(stand_in).ok()?;
    value.get_mut().make_owned();
    *node = toml::Spanned::new(node.span(), value.into_inner());
    Some(path_text(segments))
}

fn replace_text(
    root: &mut toml::Spanned<toml::de::DeTable<'_>>,
    segments: &[Segment],
    stand_in: String,
) -> Option<String> {
    let node = node_mut(root, segments)?;
    *node = toml::Spanned::new(node.span(), toml::de::DeValue::String(std::borrow::Cow::Owned(stand_in)));
    Some(path_text(segments))
}

fn remove_key(root: &mut toml::Spanned<toml::de::DeTable<'_>>, segments: &[Segment], key: &str) -> Option<String> {
    // The located path may end at the key itself or at the table holding it.
    let table_path: Vec<Segment> = match segments.last() {
        Some(Segment::Key(last)) if last == key => segments[..segments.len() - 1].to_vec(),
        _ => segments.to_vec(),
    };
    let table = if table_path.is_empty() {
        root.get_mut()
    } else {
        match node_mut(root, &table_path)?.get_mut() {
            toml::de::DeValue::Table(table) => table,
            _ => return None,
        }
    };
    let before = table.len();
    let kept: toml::de::DeTable<'_> =
        std::mem::take(table).into_iter().filter(|(known, _)| known.get_ref().as_ref() != key).collect();
    *table = kept;
    let mut path = table_path;
    path.push(Segment::Key(key.to_owned()));
    (table.len() < before).then(|| path_text(&path))
}

#[derive(Clone, Copy)]
enum RepairKind {
    InPlace,
    Drop,
}

/// A path in the shortened tree as it is written in the file, given the elements removed so far.
fn as_written(segments: &[Segment], removed: &[(Vec<Segment>, usize)]) -> Vec<Segment> {
    let mut written: Vec<Segment> = Vec::with_capacity(segments.len());
    for segment in segments {
        match segment {
            Segment::Index(idx) => {
                let mut before: Vec<usize> = removed
                    .iter()
                    .filter(|(array_path, _)| *array_path == written)
                    .map(|(_, removed_idx)| *removed_idx)
                    .collect();
                before.sort_unstable();
                let mut original = *idx;
                for removed_idx in before {
                    if removed_idx <= original {
                        original += 1;
                    }
                }
                written.push(Segment::Index(original));
            }
            Segment::Key(_) => written.push(segment.clone()),
        }
    }
    written
}

/// Remove the innermost array element on the path; returns the array's path and the element's index (tree paths).
fn drop_element(
    root: &mut toml::Spanned<toml::de::DeTable<'_>>,
    segments: &[Segment],
) -> Option<(Vec<Segment>, usize)> {
    let last_index = segments.iter().rposition(|segment| matches!(segment, Segment::Index(_)))?;
    let Segment::Index(idx) = segments[last_index] else { return None };
    let array = match node_mut(root, &segments[..last_index])?.get_mut() {
        toml::de::DeValue::Array(array) => array,
        _ => return None,
    };
    if idx >= array.len() {
        return None;
    }
    // No stand-in fits every element type, so the element is removed; `as_written` maps later paths back to the
    // file's indices.
    let mut kept: Vec<Value<'_>> = array.iter().cloned().collect();
    kept.remove(idx);
    *array = kept.into_iter().collect();
    Some((segments[..last_index].to_vec(), idx))
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
