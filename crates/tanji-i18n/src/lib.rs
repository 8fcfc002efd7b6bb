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

pub mod footprint;
pub mod inventory;
pub mod lca;

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
    fn text_renders_each_language_with_captured_arguments() {
        let row = 7;
        assert_eq!(text!(Language::SimplifiedChinese, zh: "第 {row} 行", en: "row {row}"), "第 7 行");
        assert_eq!(text!(Language::English, zh: "第 {row} 行", en: "row {row}"), "row 7");
    }
}
