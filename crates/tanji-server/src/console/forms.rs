//! Showing a form again with what was wrong, in the person's language.

use tanji_store::StoreError;
use tanji_tenancy::FieldError;

use super::error_page::{ErrorPage, conflict_text};
use crate::i18n::Text;
use crate::web_context::WebContext;

/// Problems to show above a form, and which fields to mark.
#[derive(Debug, Default)]
pub struct FormErrors {
    /// Sentences to list.
    pub messages: Vec<String>,
    /// Machine names of the fields at fault.
    pub fields: Vec<&'static str>,
}

impl FormErrors {
    /// No problems.
    pub fn none() -> Self {
        Self::default()
    }

    /// One invalid field.
    pub fn field(t: &'static Text, error: &FieldError) -> Self {
        Self { messages: vec![t.field_problem(error.field, &error.problem)], fields: vec![error.field] }
    }

    /// A sentence about one field.
    pub fn message(field: &'static str, message: String) -> Self {
        Self { messages: vec![message], fields: vec![field] }
    }

    /// Whether there is anything to show.
    pub fn any(&self) -> bool {
        !self.messages.is_empty()
    }

    /// Whether `field` is at fault, for `aria-invalid`.
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }
}

/// What to do with a store error on a form submission: show it next to the form (invalid input, conflicts), or
/// answer with an error page (not found, forbidden, internal).
pub enum Outcome {
    /// Show the form again with these errors (status 422 or 409).
    ShowForm(FormErrors, axum::http::StatusCode),
    /// Answer with an error page.
    Page(Box<ErrorPage>),
}

impl Outcome {
    /// Sorts a store error.
    pub fn of(web: &WebContext, error: StoreError) -> Self {
        let t = web.text();
        match error {
            StoreError::Invalid(field_error) => {
                Outcome::ShowForm(FormErrors::field(t, &field_error), axum::http::StatusCode::UNPROCESSABLE_ENTITY)
            }
            StoreError::Conflict(conflict) => Outcome::ShowForm(
                FormErrors {
                    messages: vec![conflict_text(t, conflict).to_owned()],
                    fields: conflict.field().into_iter().collect(),
                },
                axum::http::StatusCode::CONFLICT,
            ),
            other => Outcome::Page(Box::new(ErrorPage::from_store(web, other))),
        }
    }
}
