//! Matrix Market coordinate files: the interchange format Brightway, SciPy and MATLAB all read and write.
//!
//! Only the general real (or integer) coordinate form is supported: `%%MatrixMarket matrix coordinate real general`,
//! then `%` comment lines, a size line `ROWS COLUMNS ENTRIES`, and one `ROW COLUMN VALUE` line per entry with 1-based
//! indices. Symmetric, complex, pattern and dense (`array`) files are refused with an error saying so, because silently
//! reading half a symmetric matrix would give wrong footprints. Indices in [`CoordinateMatrix`] are 0-based.

use std::fmt::Write as _;

/// One stored entry, with 0-based indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    pub row_idx: usize,
    pub col_idx: usize,
    pub value: f64,
}

/// A sparse matrix as a list of entries; duplicates are kept as written (consumers sum them, as Matrix Market readers do).
#[derive(Clone, Debug, PartialEq)]
pub struct CoordinateMatrix {
    pub n_rows: usize,
    pub n_cols: usize,
    pub entries: Vec<Entry>,
}

/// What is wrong with a Matrix Market file, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum MatrixMarketError {
    /// The file is empty or has only blank lines.
    #[error("line 1: the file is empty; expected a `%%MatrixMarket matrix coordinate real general` header")]
    Empty,
    /// The first line is not a Matrix Market header.
    #[error("line {line}: expected a `%%MatrixMarket matrix coordinate real general` header, found “{found}”")]
    MissingHeader { line: usize, found: String },
    /// The header names a kind of matrix this reader does not support (dense, complex, pattern or symmetric).
    #[error(
        "line {line}: unsupported Matrix Market header “{found}”: only `matrix coordinate real general` \
             (or `integer general`) is supported"
    )]
    UnsupportedHeader { line: usize, found: String },
    /// The header is followed by comments only; the size line is missing.
    #[error("line {line}: missing the size line `ROWS COLUMNS ENTRIES`")]
    MissingSizeLine { line: usize },
    /// The size line does not hold three non-negative whole numbers.
    #[error("line {line}: the size line must be three whole numbers `ROWS COLUMNS ENTRIES`, found “{found}”")]
    MalformedSizeLine { line: usize, found: String },
    /// An entry line does not hold `ROW COLUMN VALUE`, or one of them is not a number.
    #[error("line {line}: expected an entry `ROW COLUMN VALUE`, found “{found}”: {reason}")]
    MalformedEntry { line: usize, found: String, reason: EntryProblem },
    /// An entry's row or column is 0 or beyond the size line.
    #[error("line {line}: entry ({row}, {col}) is outside the {n_rows}×{n_cols} matrix (indices are 1-based)")]
    IndexOutOfRange { line: usize, row: usize, col: usize, n_rows: usize, n_cols: usize },
    /// An entry's value is NaN or infinite.
    #[error("line {line}: the value “{found}” is not a finite number")]
    NonFiniteValue { line: usize, found: String },
    /// The number of entry lines differs from the size line's count.
    #[error("line {line}: the size line promises {expected} entries but the file has {found}")]
    WrongEntryCount { line: usize, expected: usize, found: usize },
}

/// What is wrong with an entry line. (The English `Display` is for logs; people read `tanji-i18n`'s text.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    /// Fewer than three fields.
    #[error("it needs three fields")]
    TooFewFields,
    /// More than three fields.
    #[error("it has more than three fields")]
    TooManyFields,
    /// The row is not a whole number.
    #[error("the row is not a whole number")]
    RowNotWhole,
    /// The column is not a whole number.
    #[error("the column is not a whole number")]
    ColumnNotWhole,
    /// The value is not a number.
    #[error("the value is not a number")]
    ValueNotNumber,
}

/// Parse a coordinate Matrix Market file.
pub fn parse(text: &str) -> Result<CoordinateMatrix, MatrixMarketError> {
    // Line numbers are 1-based, as editors show them.
    let mut lines = text.lines().enumerate().map(|(line_idx, line)| (line_idx + 1, line.trim()));
    let (header_line, header) = lines.find(|(_, line)| !line.is_empty()).ok_or(MatrixMarketError::Empty)?;
    check_header(header_line, header)?;

    let mut last_line = header_line;
    let mut size = None;
    for (line, content) in lines.by_ref() {
        last_line = line;
        if content.is_empty() || content.starts_with('%') {
            continue;
        }
        size = Some((line, content));
        break;
    }
    let (size_line, size_text) = size.ok_or(MatrixMarketError::MissingSizeLine { line: last_line + 1 })?;
    let (n_rows, n_cols, n_entries) = parse_size(size_line, size_text)?;

    // The size line is not trusted for memory: an entry line takes at least six bytes.
    let mut entries = Vec::with_capacity(n_entries.min(text.len() / 6 + 1));
    for (line, content) in lines {
        if content.is_empty() || content.starts_with('%') {
            continue;
        }
        if entries.len() == n_entries {
            // Count the rest so the message says how many there are.
            return Err(MatrixMarketError::WrongEntryCount { line, expected: n_entries, found: n_entries + 1 });
        }
        entries.push(parse_entry(line, content, n_rows, n_cols)?);
    }
    if entries.len() != n_entries {
        return Err(MatrixMarketError::WrongEntryCount { line: size_line, expected: n_entries, found: entries.len() });
    }
    Ok(CoordinateMatrix { n_rows, n_cols, entries })
}

fn check_header(line: usize, header: &str) -> Result<(), MatrixMarketError> {
    let words: Vec<String> = header.split_whitespace().map(str::to_ascii_lowercase).collect();
    if words.first().map(String::as_str) != Some("%%matrixmarket") {
        return Err(MatrixMarketError::MissingHeader { line, found: header.to_owned() });
    }
    let supported = words.len() == 5
        && words[1] == "matrix"
        && words[2] == "coordinate"
        && (words[3] == "real" || words[3] == "integer")
        && words[4] == "general";
    if supported { Ok(()) } else { Err(MatrixMarketError::UnsupportedHeader { line, found: header.to_owned() }) }
}

fn parse_size(line: usize, text: &str) -> Result<(usize, usize, usize), MatrixMarketError> {
    let malformed = || MatrixMarketError::MalformedSizeLine { line, found: text.to_owned() };
    let numbers: Vec<usize> =
        text.split_whitespace().map(str::parse).collect::<Result<_, _>>().map_err(|_| malformed())?;
    match numbers[..] {
        [n_rows, n_cols, n_entries] => Ok((n_rows, n_cols, n_entries)),
        _ => Err(malformed()),
    }
}

fn parse_entry(line: usize, text: &str, n_rows: usize, n_cols: usize) -> Result<Entry, MatrixMarketError> {
    let malformed = |reason| MatrixMarketError::MalformedEntry { line, found: text.to_owned(), reason };
    let mut fields = text.split_whitespace();
    let (Some(row), Some(col), Some(value)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(malformed(EntryProblem::TooFewFields));
    };
    if fields.next().is_some() {
        return Err(malformed(EntryProblem::TooManyFields));
    }
    let row: usize = row.parse().map_err(|_| malformed(EntryProblem::RowNotWhole))?;
    let col: usize = col.parse().map_err(|_| malformed(EntryProblem::ColumnNotWhole))?;
    let parsed: f64 = value.parse().map_err(|_| malformed(EntryProblem::ValueNotNumber))?;
    if !parsed.is_finite() {
        return Err(MatrixMarketError::NonFiniteValue { line, found: value.to_owned() });
    }
    if row == 0 || col == 0 || row > n_rows || col > n_cols {
        return Err(MatrixMarketError::IndexOutOfRange { line, row, col, n_rows, n_cols });
    }
    Ok(Entry { row_idx: row - 1, col_idx: col - 1, value: parsed })
}

/// Write a coordinate Matrix Market file that [`parse`] reads back exactly: values use Rust's shortest round-trip
/// formatting, so no digits are lost.
pub fn write(matrix: &CoordinateMatrix) -> String {
    let mut out = String::with_capacity(64 + matrix.entries.len() * 24);
    out.push_str("%%MatrixMarket matrix coordinate real general\n");
    let _ = writeln!(out, "{} {} {}", matrix.n_rows, matrix.n_cols, matrix.entries.len());
    for entry in &matrix.entries {
        let _ = writeln!(out, "{} {} {:?}", entry.row_idx + 1, entry.col_idx + 1, entry.value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_error(text: &str, expect: &str) {
        let error = parse(text).expect_err("the file is malformed");
        assert_eq!(error.to_string(), expect);
    }

    #[test]
    fn reads_comments_integers_and_duplicates() {
        let text = "%%MatrixMarket matrix coordinate integer general\n% made by hand\n\n2 3 3\n1 1 4\n2 3 -1\n1 1 2\n";
        let matrix = parse(text).expect("valid");
        assert_eq!((matrix.n_rows, matrix.n_cols), (2, 3));
        assert_eq!(
            matrix.entries,
            vec![
                Entry { row_idx: 0, col_idx: 0, value: 4.0 },
                Entry { row_idx: 1, col_idx: 2, value: -1.0 },
                Entry { row_idx: 0, col_idx: 0, value: 2.0 },
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        check_error("", "line 1: the file is empty; expected a `%%MatrixMarket matrix coordinate real general` header");
        check_error(
            "1 1 1\n",
            "line 1: expected a `%%MatrixMarket matrix coordinate real general` header, found “1 1 1”",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real symmetric\n1 1 0\n",
            "line 1: unsupported Matrix Market header “%%MatrixMarket matrix coordinate real symmetric”: only \
             `matrix coordinate real general` (or `integer general`) is supported",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n% nothing\n",
            "line 3: missing the size line `ROWS COLUMNS ENTRIES`",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2\n",
            "line 2: the size line must be three whole numbers `ROWS COLUMNS ENTRIES`, found “2 2”",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 x 3\n",
            "line 3: expected an entry `ROW COLUMN VALUE`, found “1 x 3”: the column is not a whole number",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 0,5\n",
            "line 3: expected an entry `ROW COLUMN VALUE`, found “1 2 0,5”: the value is not a number",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n",
            "line 3: entry (3, 1) is outside the 2×2 matrix (indices are 1-based)",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n",
            "line 3: entry (0, 1) is outside the 2×2 matrix (indices are 1-based)",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 NaN\n",
            "line 3: the value “NaN” is not a finite number",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n",
            "line 2: the size line promises 2 entries but the file has 1",
        );
        check_error(
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 1\n",
            "line 4: the size line promises 1 entries but the file has 2",
        );
    }

    proptest! {
        #[test]
        fn write_then_parse_gives_the_same_matrix(
            n_rows in 1usize..20,
            n_cols in 1usize..20,
            raw in proptest::collection::vec((0usize..1000, 0usize..1000, -1e12f64..1e12), 0..40),
        ) {
            let entries: Vec<Entry> = raw
                .into_iter()
                .map(|(row, col, value)| Entry { row_idx: row % n_rows, col_idx: col % n_cols, value })
                .collect();
            let matrix = CoordinateMatrix { n_rows, n_cols, entries };
            prop_assert_eq!(parse(&write(&matrix)), Ok(matrix));
        }
    }
}
