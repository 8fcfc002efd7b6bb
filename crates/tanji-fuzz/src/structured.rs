//! Structure-aware mutation: near-valid files made from the seed files by editing what they mean, not their bytes.
//! TOML documents are edited as value trees (a value replaced by an edge value of another type, a key removed, an
//! array element repeated, a known key added where it does not belong); CSV files as cells, columns and rows, then
//! written with another quoting and line ending and sometimes encoded as GBK; Matrix Market files are generated
//! from headers, size lines and entries chosen to be almost right.
//!
//! Every generator draws its choices from an [`arbitrary::Unstructured`], so the same code serves the stable engine
//! (random bytes) and libFuzzer (bytes it has learnt are interesting).

use arbitrary::{Result, Unstructured};
use toml::Value;

use crate::pools;

fn pick<'a>(u: &mut Unstructured<'_>, values: &'a [&'a str]) -> Result<&'a str> {
    Ok(*u.choose(values)?)
}

/// A string most parsers find hard: an edge number, odd unit, impossible date, meaningful text, or a long run.
pub fn odd_text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 | 1 => pick(u, pools::NUMBERS)?.to_owned(),
        2 => pick(u, pools::UNITS)?.to_owned(),
        3 => pick(u, pools::DATES)?.to_owned(),
        4 => {
            let character = *u.choose(&['a', '9', '漢', ' ', ',', '"', '\n', '0'])?;
            pools::long_text(character, u.int_in_range(100..=20_000)?)
        }
        5 => format!("{}{}", pick(u, pools::NUMBERS)?, pick(u, pools::UNITS)?),
        6 => {
            let text: String = u.arbitrary::<String>()?;
            text
        }
        _ => pick(u, pools::TEXT)?.to_owned(),
    })
}

/// A TOML value of any type, chosen from edge cases.
fn odd_value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0..=3 => Value::String(odd_text(u)?),
        4 => Value::Integer(*u.choose(&[0, -1, 1, 2, 2025, 32767, 32768, -32769, i64::MAX, i64::MIN, 1 << 40])?),
        5 => Value::Float(*u.choose(&[
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e308,
            -1e308,
            5e-324,
            -0.0,
            0.0,
            1e-300,
            100.000_000_1,
            0.3,
            1e15,
        ])?),
        6 => Value::Boolean(u.arbitrary::<bool>()?),
        7 => Value::Array(if u.arbitrary::<bool>()? { Vec::new() } else { vec![odd_value(u)?, odd_value(u)?] }),
        8 => Value::Table(toml::Table::new()),
        _ => "1979-05-27T07:32:00Z".parse().map(Value::Datetime).unwrap_or(Value::Boolean(false)),
    })
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(path.clone());
    match value {
        Value::Table(table) => {
            for (key, child) in table {
                path.push(Step::Key(key.clone()));
                paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(array) => {
            for (idx, child) in array.iter().enumerate() {
                path.push(Step::Index(idx));
                paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(mut value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Table(table)) => table.get_mut(key)?,
            (Step::Index(idx), Value::Array(array)) => array.get_mut(*idx)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Every table key used anywhere in `text` (a TOML document), to add known fields in unexpected places.
pub fn toml_keys(text: &str) -> Vec<String> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else { return Vec::new() };
    let root = Value::Table(table);
    let mut all = Vec::new();
    paths(&root, &mut Vec::new(), &mut all);
    let mut keys: Vec<String> = all
        .iter()
        .filter_map(|path| match path.last() {
            Some(Step::Key(key)) => Some(key.clone()),
            _ => None,
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A seed TOML document with a few edits to its value tree, written back as TOML.
pub fn mutate_toml(u: &mut Unstructured<'_>, seed: &str, keys: &[String]) -> Result<Vec<u8>> {
    let table: toml::Table = toml::from_str(seed).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let mut root = Value::Table(table);
    for _ in 0..u.int_in_range(1..=5)? {
        let mut all = Vec::new();
        paths(&root, &mut Vec::new(), &mut all);
        let path = u.choose(&all)?.clone();
        match u.int_in_range(0..=7)? {
            0..=2 => {
                if let Some(node) = get_mut(&mut root, &path) {
                    *node = match node {
                        // A text field keeps its type most of the time: the parsers behind it are the target.
                        Value::String(_) if u.ratio(2, 3)? => Value::String(odd_text(u)?),
                        Value::Integer(_) | Value::Float(_) if u.ratio(1, 2)? => {
                            Value::String(pick(u, pools::NUMBERS)?.to_owned())
                        }
                        _ => odd_value(u)?,
                    };
                }
            }
            3 => {
                // Remove the node from its parent.
                if let Some((last, parent_path)) = path.split_last()
                    && let Some(parent) = get_mut(&mut root, parent_path)
                {
                    match (last, parent) {
                        (Step::Key(key), Value::Table(table)) => {
                            table.remove(key);
                        }
                        (Step::Index(idx), Value::Array(array)) => {
                            array.remove(*idx);
                        }
                        _ => {}
                    }
                }
            }
            4 => {
                // Repeat an array element: duplicate ids and keys, long lists.
                if let Some((Step::Index(idx), parent_path)) = path.split_last()
                    && let Some(Value::Array(array)) = get_mut(&mut root, parent_path)
                {
                    let element = array[*idx].clone();
                    let n_copies = if u.ratio(4, 5)? { 1 } else { u.int_in_range(2..=200)? };
                    array.extend(std::iter::repeat_n(element, n_copies));
                }
            }
            5 => {
                // A known key where it may not belong, with an odd value or another node's value.
                let value = if u.arbitrary::<bool>()? {
                    odd_value(u)?
                } else {
                    let other = u.choose(&all)?.clone();
                    get_mut(&mut root, &other).map(|node| node.clone()).unwrap_or(Value::Boolean(true))
                };
                let key = if keys.is_empty() || u.ratio(1, 8)? { odd_text(u)? } else { u.choose(keys)?.clone() };
                if let Some(Value::Table(table)) = get_mut(&mut root, &path) {
                    table.insert(key, value);
                }
            }
            6 => {
                // Another node's value here (a table where a string was, a process inside a process …).
                let other = u.choose(&all)?.clone();
                let copied = get_mut(&mut root, &other).map(|node| node.clone());
                if let (Some(copied), Some(node)) = (copied, get_mut(&mut root, &path)) {
                    *node = copied;
                }
            }
            _ => {
                // Text appended to a string: units with suffixes, ids with spaces.
                if let Some(Value::String(text)) = get_mut(&mut root, &path) {
                    text.push_str(&odd_text(u)?);
                }
            }
        }
    }
    toml::to_string(&root).map(String::into_bytes).map_err(|_| arbitrary::Error::IncorrectFormat)
}

/// A seed CSV file with a few edits to its cells, columns and rows, written with some quoting and line ending, and
/// sometimes with a byte-order mark or in GBK.
pub fn mutate_csv(u: &mut Unstructured<'_>, seed: &str) -> Result<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(seed.as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .filter_map(|record| record.ok())
        .map(|record| record.iter().map(str::to_owned).collect())
        .collect();
    if rows.is_empty() {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    for _ in 0..u.int_in_range(1..=6)? {
        let row_idx = u.choose_index(rows.len())?;
        let n_cells = rows[row_idx].len();
        match u.int_in_range(0..=9)? {
            0..=4 if n_cells > 0 => {
                let col_idx = u.choose_index(n_cells)?;
                let value = if u.ratio(1, 3)? {
                    // Another row's value of the same column: near-valid combinations.
                    let other = u.choose_index(rows.len())?;
                    rows[other].get(col_idx).cloned().unwrap_or_default()
                } else {
                    odd_text(u)?
                };
                rows[row_idx][col_idx] = value;
            }
            5 if n_cells > 0 => {
                // Header trouble: an unknown, duplicated, empty or differently written column name.
                let col_idx = u.choose_index(rows[0].len().max(1))?;
                if let Some(name) = rows[0].get(col_idx).cloned() {
                    rows[0][col_idx] = match u.int_in_range(0..=4)? {
                        0 => odd_text(u)?,
                        1 => rows[0][u.choose_index(rows[0].len())?].clone(),
                        2 => String::new(),
                        3 => name.to_uppercase(),
                        _ => format!("\u{feff}{name}"),
                    };
                }
            }
            6 => {
                // A column dropped from every row, or the header only.
                let col_idx = u.choose_index(rows[0].len().max(1))?;
                let header_only = u.arbitrary::<bool>()?;
                for (idx, row) in rows.iter_mut().enumerate() {
                    if col_idx < row.len() && (!header_only || idx == 0) {
                        row.remove(col_idx);
                    }
                }
            }
            7 => {
                // A row repeated: duplicate ids, big files.
                let row = rows[row_idx].clone();
                let n_copies = if u.ratio(4, 5)? { 1 } else { u.int_in_range(2..=300)? };
                rows.extend(std::iter::repeat_n(row, n_copies));
            }
            8 => {
                // A row with a cell too few or too many.
                if u.arbitrary::<bool>()? {
                    rows[row_idx].pop();
                } else {
                    let extra = odd_text(u)?;
                    rows[row_idx].push(extra);
                }
            }
            _ if rows.len() > 1 => {
                rows.remove(row_idx);
            }
            _ => {}
        }
    }
    let quote_style = *u.choose(&[
        csv::QuoteStyle::Necessary,
        csv::QuoteStyle::Necessary,
        csv::QuoteStyle::Always,
        csv::QuoteStyle::NonNumeric,
        csv::QuoteStyle::Never,
    ])?;
    let terminator = if u.arbitrary::<bool>()? { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .quote_style(quote_style)
        .terminator(terminator)
        .from_writer(Vec::new());
    for row in &rows {
        writer.write_record(row).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    }
    let bytes = writer.into_inner().map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let text = String::from_utf8(bytes).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(match u.int_in_range(0..=7)? {
        // Chinese Excel's "CSV (逗号分隔)": GBK (characters GBK lacks become HTML numeric references).
        0 | 1 => encoding_rs::GBK.encode(&text).0.into_owned(),
        2 => format!("\u{feff}{text}").into_bytes(),
        _ => text.into_bytes(),
    })
}

const MATRIX_HEADERS: &[&str] = &[
    "%%MatrixMarket matrix coordinate real general",
    "%%MatrixMarket matrix coordinate real general",
    "%%MatrixMarket matrix coordinate integer general",
    "%%matrixmarket MATRIX Coordinate REAL General",
    "%%MatrixMarket matrix coordinate real symmetric",
    "%%MatrixMarket matrix array real general",
    "%%MatrixMarket matrix coordinate complex general",
    "%%MatrixMarket matrix coordinate pattern general",
    "%%MatrixMarket matrix coordinate real general extra",
    "%%MatrixMarket",
    "",
    "% a comment first",
];

fn dimension(u: &mut Unstructured<'_>) -> Result<usize> {
    Ok(if u.ratio(9, 10)? {
        u.int_in_range(0..=6)?
    } else {
        *u.choose(&[usize::MAX, 1 << 32, 1 << 40, 1_000_000, 100_000, 65_536])?
    })
}

fn matrix_value(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(3, 4)? {
        pick(u, &["1", "1.0", "-0.3", "-0.02", "0.5", "2", "-1", "0", "1e-3", "0.9", "-0.1", "1e-12"])?.to_owned()
    } else {
        pick(u, pools::NUMBERS)?.to_owned()
    })
}

/// A Matrix Market file of `n_rows` × `n_cols` (each chosen when `None`) with near-valid headers and entries.
pub fn matrix_market_with(u: &mut Unstructured<'_>, n_rows: Option<usize>, n_cols: Option<usize>) -> Result<String> {
    let newline = if u.ratio(1, 5)? { "\r\n" } else { "\n" };
    let mut out = String::new();
    out.push_str(pick(u, MATRIX_HEADERS)?);
    out.push_str(newline);
    if u.ratio(1, 3)? {
        out.push_str("% made by the fuzzer");
        out.push_str(newline);
    }
    let n_rows = match n_rows {
        Some(n) => n,
        None => dimension(u)?,
    };
    let n_cols = match n_cols {
        Some(n) => n,
        None => dimension(u)?,
    };
    let n_entries = u.int_in_range(0..=(n_rows.min(6) * n_cols.min(6) + 2))?;
    let declared = match u.int_in_range(0..=9)? {
        0 => n_entries + 1,
        1 => n_entries.saturating_sub(1),
        2 => usize::MAX,
        _ => n_entries,
    };
    let size_line = match u.int_in_range(0..=15)? {
        0 => format!("{n_rows} {n_cols}"),
        1 => format!("{n_rows} {n_cols} {declared} 1"),
        2 => format!("{n_rows} -{n_cols} {declared}"),
        3 => format!("{n_rows}.0 {n_cols} {declared}"),
        _ => format!("{n_rows} {n_cols} {declared}"),
    };
    out.push_str(&size_line);
    out.push_str(newline);
    for _ in 0..n_entries {
        // Indices mostly inside the matrix, sometimes on its edges or outside.
        let row = if u.ratio(9, 10)? { u.int_in_range(1..=n_rows.clamp(1, 6))? } else { dimension(u)? };
        let col = if u.ratio(9, 10)? { u.int_in_range(1..=n_cols.clamp(1, 6))? } else { dimension(u)? };
        let value = matrix_value(u)?;
        if u.ratio(1, 20)? {
            out.push_str(&format!("{row} {col}"));
        } else {
            out.push_str(&format!("{row} {col} {value}"));
        }
        out.push_str(newline);
        if u.ratio(1, 15)? {
            out.push_str(pick(u, &["", "% note", "   ", "\t"])?);
            out.push_str(newline);
        }
    }
    Ok(out)
}

/// Text made of `n_lines` lines drawn from every pool, for the small field parsers (units, names, codes).
pub fn field_lines(u: &mut Unstructured<'_>, extra: &[&str]) -> Result<Vec<u8>> {
    let mut lines = Vec::new();
    for _ in 0..u.int_in_range(1..=12)? {
        let line = match u.int_in_range(0..=4)? {
            0 if !extra.is_empty() => pick(u, extra)?.to_owned(),
            1 if !extra.is_empty() => format!("{}{}", pick(u, extra)?, odd_text(u)?),
            _ => odd_text(u)?,
        };
        lines.push(line.replace('\n', " "));
    }
    Ok(lines.join("\n").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_edits_parse_back_as_toml_most_of_the_time() {
        let seed = "a = \"1\"\n[b]\nc = [1, 2]\n[[d]]\ne = \"kWh\"\n";
        let keys = toml_keys(seed);
        assert_eq!(keys, ["a", "b", "c", "d", "e"]);
        let mut n_written = 0;
        for round in 0..500u32 {
            let noise: Vec<u8> = (0..512u32).map(|idx| (idx.wrapping_mul(2_654_435_761) ^ round) as u8).collect();
            let mut u = Unstructured::new(&noise);
            if let Ok(bytes) = mutate_toml(&mut u, seed, &keys) {
                n_written += 1;
                let text = String::from_utf8(bytes).expect("TOML is UTF-8");
                assert!(toml::from_str::<toml::Table>(&text).is_ok(), "{text}");
            }
        }
        assert!(n_written > 400, "only {n_written} of 500 edits could be written");
    }
}
