//! Parsing user input into domain values, with errors that name the field and say how to fix it.
//!
//! Every newtype in this crate is built through a `parse` constructor at the edge ("parse, don't validate"), so a value
//! that exists is valid. A failed parse returns a [`FieldError`] naming the field; adapters translate the [`Problem`]
//! for people (console, both languages) and pass the machine-readable field name through the API.

use std::fmt;

/// What is wrong with a field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The field is required but was empty or only whitespace.
    Required,
    /// The value has more characters than allowed.
    TooLong {
        /// The largest number of characters accepted.
        max_chars: usize,
    },
    /// The value has fewer characters than required.
    TooShort {
        /// The smallest number of characters accepted.
        min_chars: usize,
    },
    /// The value is not one of the accepted choices.
    NotOneOf {
        /// The accepted choices, as they must be written.
        choices: Vec<&'static str>,
    },
    /// The value does not have the expected form; the text says which form is expected.
    Malformed {
        /// The expected form, in English, e.g. "an e-mail address such as name@example.com".
        expected: &'static str,
    },
    /// The value contains characters that are not allowed (control characters, for example).
    ForbiddenCharacters,
    /// The value is well-formed but wrong, e.g. a current password that does not match.
    Incorrect,
    /// A number outside the accepted range.
    OutOfRange {
        /// The smallest accepted value, as text.
        min: &'static str,
        /// The largest accepted value, as text.
        max: &'static str,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Required => write!(formatter, "is required"),
            Problem::TooLong { max_chars } => write!(formatter, "must be at most {max_chars} characters"),
            Problem::TooShort { min_chars } => write!(formatter, "must be at least {min_chars} characters"),
            Problem::NotOneOf { choices } => write!(formatter, "must be one of: {}", choices.join(", ")),
            Problem::Malformed { expected } => write!(formatter, "must be {expected}"),
            Problem::ForbiddenCharacters => write!(formatter, "must not contain control characters"),
            Problem::Incorrect => write!(formatter, "is not correct"),
            Problem::OutOfRange { min, max } => write!(formatter, "must be between {min} and {max}"),
        }
    }
}

/// A rejected input value: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct FieldError {
    /// The field's machine name as it appears in forms, API bodies and CLI flags, e.g. `name` or `email`.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

impl FieldError {
    /// A field error for `field`.
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// Trims `raw` and checks it is a non-empty single line of at most `max_chars` characters.
///
/// Used by every free-text name in the domain, so names are stored without surrounding whitespace and never contain
/// line breaks or other control characters (which would break CSV exports and log lines).
pub fn single_line_text(field: &'static str, raw: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(field, Problem::ForbiddenCharacters));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(field, Problem::TooLong { max_chars }));
    }
    Ok(trimmed.to_owned())
}

/// Trims `raw` and checks it is text of at most `max_chars` characters whose only control characters are line
/// breaks and tabs (notes, statements, reasons); `\r\n` is stored as `\n`. Empty is allowed: the caller decides
/// whether the field is required.
pub fn multi_line_text(field: &'static str, raw: &str, max_chars: usize) -> Result<String, FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.chars().any(|character| character.is_control() && character != '\n' && character != '\t') {
        return Err(FieldError::new(field, Problem::ForbiddenCharacters));
    }
    if text.chars().count() > max_chars {
        return Err(FieldError::new(field, Problem::TooLong { max_chars }));
    }
    Ok(text)
}

/// Like [`single_line_text`], but an empty value means "not given".
pub fn optional_single_line_text(
    field: &'static str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => single_line_text(field, text, max_chars).map(Some),
    }
}

/// Parses one of a fixed set of machine names, naming the choices when the value is not one of them.
pub fn one_of<T: Copy>(field: &'static str, raw: &str, choices: &[(&'static str, T)]) -> Result<T, FieldError> {
    let wanted = raw.trim();
    choices.iter().find(|(name, _)| *name == wanted).map(|(_, value)| *value).ok_or_else(|| {
        let problem = if wanted.is_empty() {
            Problem::Required
        } else {
            Problem::NotOneOf { choices: choices.iter().map(|(name, _)| *name).collect() }
        };
        FieldError::new(field, problem)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expect: Result<&str, Problem>) {
        let actual = single_line_text("name", raw, 5);
        assert_eq!(
            actual,
            expect.map(str::to_owned).map_err(|problem| FieldError::new("name", problem)),
            "input {raw:?}"
        );
    }

    #[test]
    fn single_line_text_trims_and_bounds() {
        check("  abc ", Ok("abc"));
        check("碳迹碳迹碳", Ok("碳迹碳迹碳"));
        check("碳迹碳迹碳迹", Err(Problem::TooLong { max_chars: 5 }));
        check("   ", Err(Problem::Required));
        check("a\nb", Err(Problem::ForbiddenCharacters));
        check("a\u{7}", Err(Problem::ForbiddenCharacters));
    }

    #[test]
    fn multi_line_text_keeps_line_breaks_only() {
        assert_eq!(multi_line_text("note", " a\r\nb\tc ", 10), Ok("a\nb\tc".to_owned()));
        assert_eq!(multi_line_text("note", "", 10), Ok(String::new()));
        assert_eq!(multi_line_text("note", "a\u{0}b", 10), Err(FieldError::new("note", Problem::ForbiddenCharacters)));
        assert_eq!(
            multi_line_text("note", "a\u{1b}[31m", 10),
            Err(FieldError::new("note", Problem::ForbiddenCharacters))
        );
        assert_eq!(
            multi_line_text("note", &"x".repeat(11), 10),
            Err(FieldError::new("note", Problem::TooLong { max_chars: 10 }))
        );
    }

    #[test]
    fn one_of_names_the_choices() {
        let choices = [("a", 1), ("b", 2)];
        assert_eq!(one_of("kind", " b ", &choices), Ok(2));
        assert_eq!(one_of("kind", "c", &choices).unwrap_err().to_string(), "kind must be one of: a, b");
        assert_eq!(one_of("kind", "", &choices).unwrap_err().problem, Problem::Required);
    }
}
