//! Engine messages in 简体中文 and English.
//!
//! Domain crates never build sentences for people. They return *message values*: enums whose variants are the
//! message codes and whose fields are the parameters (a row number, a unit, a factor id), serialisable with
//! `#[serde(tag = "code")]` so a stored result keeps its messages as data. This crate renders them:
//!
//! ```
//! use tanji_i18n::{Language, Localize, text};
//!
//! enum Greeting { Hello { name: String } }
//!
//! impl Localize for Greeting {
//!     fn localize(&self, language: Language) -> String {
//!         match self {
//!             Greeting::Hello { name } => text!(language, zh: "你好，{name}", en: "Hello, {name}"),
//!         }
//!     }
//! }
//!
//! let greeting = Greeting::Hello { name: "绿洲".into() };
//! assert_eq!(greeting.localize(Language::SimplifiedChinese), "你好，绿洲");
//! assert_eq!(greeting.localize(Language::English), "Hello, 绿洲");
//! ```
//!
//! The discipline is the console catalogue's (`tanji-server/src/i18n.rs`): a missing translation fails the build.
//! Each message type gets one `impl Localize` with an exhaustive `match` (no `_ =>` arm), so a new code without both
//! texts does not compile, and `text!` takes the Chinese and the English text together, so neither can be left out.
//! One module per engine holds its section of the catalogue; the console, the API and the CLI all render through it.

pub mod account;
pub mod bench;
pub mod cli;
pub mod energy;
pub mod footprint;
pub mod inventory;
pub mod lca;
pub mod pact;
pub mod supplier;

pub use tanji_tenancy::member::Language;

/// A value that can be said to a person in either language.
pub trait Localize {
    /// The message in `language`, as a complete sentence or phrase.
    fn localize(&self, language: Language) -> String;

    /// The message in English (logs, `Display` implementations, tests).
    fn english(&self) -> String {
        self.localize(Language::English)
    }

    /// The message in Simplified Chinese.
    fn chinese(&self) -> String {
        self.localize(Language::SimplifiedChinese)
    }
}

/// Both texts of a message, formatted with `format!` rules (named arguments are captured from the surrounding
/// scope): `text!(language, zh: "第 {row} 行", en: "row {row}")`.
#[macro_export]
macro_rules! text {
    ($language:expr, zh: $zh:literal, en: $en:literal $(,)?) => {
        match $language {
            $crate::Language::SimplifiedChinese => format!($zh),
            $crate::Language::English => format!($en),
        }
    };
}

/// The language a command-line user asked for: `--lang`, else `LC_ALL`, `LC_MESSAGES` or `LANG` starting with `zh`
/// means Chinese, anything else English. (The caller reads the environment; this only decides.)
pub fn language_from_locale(explicit: Option<&str>, locale: Option<&str>) -> Language {
    let chosen = explicit.or(locale).unwrap_or("");
    if chosen.to_ascii_lowercase().starts_with("zh") { Language::SimplifiedChinese } else { Language::English }
}

/// Runs of three or more English words in `text`: what the zh-CN console crawl (`e2e/console-crawl.mjs`) reports
/// as an untranslated sentence. Units, acronyms (GWP, NCV, TOML), codes and ids (`exported_electricity`,
/// `docs/inventory-file.md`) and text in backticks are not words; numbers, spaces and `.:&%+-` between words do not
/// break a run, while Chinese text, commas, semicolons, brackets and quotes do (a list of codes is not a sentence),
/// as in the crawl. For tests of the catalogue and of command-line output in Chinese.
pub fn latin_sentences(text: &str) -> Vec<String> {
    let is_token_char = |character: char| character.is_ascii_alphanumeric() || "_-.@/'’^".contains(character);
    let is_separator = |character: char| character.is_whitespace() || ":&%+".contains(character);
    let mut sentences = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut flush = |run: &mut Vec<&str>| {
        if run.len() >= 3 {
            sentences.push(run.join(" "));
        }
        run.clear();
    };
    let mut rest = text;
    while let Some(character) = rest.chars().next() {
        if is_token_char(character) {
            let end = rest.find(|character: char| !is_token_char(character)).unwrap_or(rest.len());
            let token = &rest[..end];
            if is_english_word(token) {
                run.push(token);
            } else if !token.chars().all(|character| character.is_ascii_digit() || ".-".contains(character)) {
                flush(&mut run);
            }
            rest = &rest[end..];
        } else if character == '`' {
            flush(&mut run);
            let after = &rest[1..];
            rest = after.find('`').map_or("", |end| &after[end + 1..]);
        } else {
            if !is_separator(character) {
                flush(&mut run);
            }
            rest = &rest[character.len_utf8()..];
        }
    }
    flush(&mut run);
    sentences
}

/// A plain English word: two or more letters, not an acronym (all capitals) and not a unit symbol.
fn is_english_word(token: &str) -> bool {
    const UNITS: &[&str] = &["kg", "kWh", "MWh", "GWh", "km", "tC", "tce", "Nm", "scf", "mmBtu"];
    let word = token.trim_end_matches(['.', '\'', '’']);
    word.len() >= 2
        && word.chars().all(|character| character.is_ascii_alphabetic())
        && !word.chars().all(|character| character.is_ascii_uppercase())
        && !UNITS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_decides_the_command_line_language() {
        assert_eq!(language_from_locale(None, Some("zh_CN.UTF-8")), Language::SimplifiedChinese);
        assert_eq!(language_from_locale(Some("en"), Some("zh_CN.UTF-8")), Language::English);
        assert_eq!(language_from_locale(Some("zh-CN"), None), Language::SimplifiedChinese);
        assert_eq!(language_from_locale(None, Some("C.UTF-8")), Language::English);
        assert_eq!(language_from_locale(None, None), Language::English);
    }

    #[test]
    fn latin_sentences_are_english_words_in_a_row_not_codes_or_units() {
        assert_eq!(latin_sentences("文件既不是 UTF-8 也不是 GBK 文本"), Vec::<String>::new());
        assert_eq!(
            latin_sentences("使用 exported_electricity、scope3_1 … scope3_15，见 docs/inventory-file.md"),
            Vec::<String>::new()
        );
        assert_eq!(latin_sentences("100 kg CO2e × GWP 1 = 100 kg"), Vec::<String>::new());
        assert_eq!(latin_sentences("完整性：complete: every record is counted"), ["complete every record is counted"]);
        assert_eq!(latin_sentences("可用 `tanji factors search` 查找；列：id, facility, period"), Vec::<String>::new());
        assert_eq!(latin_sentences("不能 cannot be more than 1000 %"), ["cannot be more than"]);
        assert_eq!(latin_sentences("基于 market based 市场"), Vec::<String>::new());
    }

    #[test]
    fn text_renders_each_language_with_captured_arguments() {
        let row = 7;
        assert_eq!(text!(Language::SimplifiedChinese, zh: "第 {row} 行", en: "row {row}"), "第 7 行");
        assert_eq!(text!(Language::English, zh: "第 {row} 行", en: "row {row}"), "row 7");
    }
}
