//! Text tables for people: the one place the CLI lines up columns.
//!
//! Columns are padded by *display width*, not by characters: a Chinese character takes two terminal columns
//! (`unicode-width`, the width terminals use), so `设施` and `site` need different padding to end in the same column.
//! `format!("{:<20}")` counts characters and misaligns every column after a Chinese cell.

use unicode_width::UnicodeWidthStr;

/// How a column's cells sit in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text: padded on the right.
    Left,
    /// Figures: padded on the left, so their digits line up.
    Right,
}

/// The number of terminal columns `text` takes.
pub fn display_width(text: &str) -> usize {
    text.width()
}

/// `text` padded on the right to `width` terminal columns (unchanged when it is already as wide).
pub fn pad_end(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(display_width(text))))
}

/// `text` padded on the left to `width` terminal columns (unchanged when it is already as wide).
pub fn pad_start(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(display_width(text))))
}

/// Rows of cells printed with every column as wide as its widest cell, two spaces between columns.
#[derive(Debug)]
pub struct Table {
    indent: usize,
    alignments: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table whose columns are aligned as given (cells beyond them are left-aligned), indented by `indent` spaces.
    pub fn new(indent: usize, alignments: &[Align]) -> Self {
        Self { indent, alignments: alignments.to_vec(), rows: Vec::new() }
    }

    /// Adds a row (a header is a row like any other).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table as lines ending in `\n`, with no trailing spaces.
    pub fn render(&self) -> String {
        let n_columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..n_columns)
            .map(|column| {
                self.rows.iter().filter_map(|row| row.get(column)).map(|cell| display_width(cell)).max().unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = " ".repeat(self.indent);
            for (column, cell) in row.iter().enumerate() {
                if column > 0 {
                    line.push_str("  ");
                }
                match self.alignments.get(column).copied().unwrap_or(Align::Left) {
                    Align::Left => line.push_str(&pad_end(cell, widths[column])),
                    Align::Right => line.push_str(&pad_start(cell, widths[column])),
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column (in terminal columns) at which `needle` starts on `line`.
    fn column_of(line: &str, needle: &str) -> usize {
        display_width(&line[..line.find(needle).expect(needle)])
    }

    #[test]
    fn chinese_characters_take_two_columns_and_full_width_punctuation_too() {
        assert_eq!(display_width("设施"), 4);
        assert_eq!(display_width("site"), 4);
        assert_eq!(display_width("范围二（基于位置）"), 18);
        assert_eq!(display_width("CO2e 排放"), 9);
        assert_eq!(pad_end("设施", 6), "设施  ");
        assert_eq!(pad_start("设施", 6), "  设施");
        assert_eq!(pad_end("太长的文字", 4), "太长的文字");
    }

    #[test]
    fn columns_line_up_with_mixed_chinese_and_latin_cells() {
        let mut table = Table::new(2, &[Align::Left, Align::Left, Align::Right]);
        table.row(["产线", "SKU", "能耗"]);
        table.row(["L1 纸杯一线", "CUP-8OZ", "1,234 kWh"]);
        table.row(["line-2", "杯-12盎司", "56 kWh"]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        // The second column starts at one terminal column on every line, whatever the script of the first.
        let second: Vec<usize> = [("SKU", 0), ("CUP-8OZ", 1), ("杯-12盎司", 2)]
            .iter()
            .map(|(cell, row)| column_of(lines[*row], cell))
            .collect();
        assert_eq!(second, [second[0]; 3], "{text}");
        // The right-aligned figures end in one column.
        let ends: Vec<usize> = lines.iter().map(|line| display_width(line)).collect();
        assert_eq!(ends, [ends[0]; 3], "{text}");
        assert!(lines.iter().all(|line| line.starts_with("  ") && !line.ends_with(' ')));
    }
}
