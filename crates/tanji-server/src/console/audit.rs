//! `/console/audit`: the audit log, and the rows every history table shows.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanji_store::AuditQuery;
use tanji_tenancy::AuditEventId;
use tanji_tenancy::audit::{AuditAction, AuditEvent};
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::Role;
use tanji_tenancy::token::TokenScopes;

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::frame::{Frame, Section, render};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// One change within an entry, ready to print.
pub struct ChangeRow {
    /// The field's label in the reader's language.
    pub field: &'static str,
    /// The field's machine name, shown on hover.
    pub field_code: String,
    pub before: String,
    pub after: String,
}

/// A stored value as people read it: kinds, roles and provinces in the reader's language, anything else as stored.
fn readable_value(t: &'static Text, field: &str, value: Option<String>) -> String {
    let Some(value) = value else { return t.none.to_owned() };
    let translated = match field {
        "kind" => FacilityKind::parse("kind", &value).ok().map(|kind| t.facility_kind(&kind).to_owned()),
        "role" => Role::parse("role", &value).ok().map(|role| t.role(&role).to_owned()),
        "subdivision" => Some(t.subdivision(&value)),
        "scopes" => TokenScopes::parse(&value)
            .ok()
            .map(|scopes| scopes.iter().map(|scope| t.scope(&scope)).collect::<Vec<_>>().join(", ")),
        _ => None,
    };
    translated.unwrap_or(value)
}

/// An audit entry, ready to print.
pub struct EventRow {
    pub time: String,
    pub actor: String,
    pub action: &'static str,
    pub action_code: &'static str,
    pub object: String,
    pub changes: Vec<ChangeRow>,
}

/// Turns entries into printable rows.
pub fn event_rows(t: &'static Text, events: Vec<AuditEvent>) -> Vec<EventRow> {
    events
        .into_iter()
        .map(|event| EventRow {
            time: event.occurred_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            // Operator commands have no person behind them; their stored label is English, so name them here.
            actor: if event.actor_user_id.is_none() { t.actor_operator.to_owned() } else { event.actor_label },
            action: t.audit_action(&event.action),
            action_code: event.action.as_str(),
            object: event.object_label,
            changes: event
                .changes
                .into_iter()
                .map(|change| ChangeRow {
                    field: t.field_label(&change.field),
                    before: readable_value(t, &change.field, change.before),
                    after: readable_value(t, &change.field, change.after),
                    field_code: change.field,
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    events: Vec<EventRow>,
    action_options: Vec<SelectOption>,
    selected_action: String,
    older_link: Option<String>,
    is_first_page: bool,
}

/// Filter and page.
#[derive(Debug, Deserialize)]
pub struct AuditPageQuery {
    action: Option<String>,
    before: Option<String>,
}

const PAGE_SIZE: usize = 50;

/// `GET /console/audit`.
pub async fn list(State(state): State<AppState>, console: Console, Query(query): Query<AuditPageQuery>) -> Response {
    let t = console.text();
    let action = query.action.as_deref().and_then(AuditAction::from_name);
    let before = query.before.as_deref().and_then(|raw| raw.parse::<AuditEventId>().ok());
    let audit_query = AuditQuery { action, object_id: None, before, limit: PAGE_SIZE };
    let events = match state.store().list_audit_events(console.actor(), &audit_query).await {
        Ok(events) => events,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let older_link = (events.len() == PAGE_SIZE).then(|| events.last()).flatten().map(|last| {
        let mut link = format!("/console/audit?before={}", last.id);
        if let Some(action) = action {
            link.push_str(&format!("&action={}", action.as_str()));
        }
        link
    });
    let selected_action = action.map(|action| action.as_str().to_owned()).unwrap_or_default();
    let action_options = AuditAction::ALL
        .into_iter()
        .map(|candidate| SelectOption {
            value: candidate.as_str(),
            label: t.audit_action(&candidate).to_owned(),
            selected: Some(candidate) == action,
        })
        .collect();
    let page = AuditPage {
        frame: Frame::console(&console, Section::Audit, t.audit_title),
        events: event_rows(t, events),
        action_options,
        selected_action,
        older_link,
        is_first_page: before.is_none(),
    };
    render(StatusCode::OK, &page)
}
