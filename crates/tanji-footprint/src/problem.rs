//! Problems in a product model, each with where it is, what is wrong and how to fix it.

use serde::Serialize;

/// One thing wrong with a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where in the model, e.g. `processes[2].factors[0].unit` (a line number is added by the file reader).
    pub path: String,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), hint: hint.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {} (fix: {})", self.path, self.message, self.hint)
    }
}

/// Every problem found in a model; a model with problems is not computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Problems {
    pub problems: Vec<Problem>,
}

impl Problems {
    pub fn one(problem: Problem) -> Self {
        Self { problems: vec![problem] }
    }

    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn into_result(self) -> Result<(), Problems> {
        if self.problems.is_empty() { Ok(()) } else { Err(self) }
    }
}
