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
use tanji_tenancy::supplier_share::ShareKind;
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

/// A stored value as people read it: kinds, roles, provinces, yes/no and shared data in the reader's language,
/// hashes shortened (the full value on hover), anything else as stored.
fn readable_value(t: &'static Text, field: &str, value: Option<String>) -> String {
    let Some(value) = value else { return t.none.to_owned() };
    let translated = match field {
        "financial_control" | "operational_control" => match value.as_str() {
            "true" => Some(t.yes.to_owned()),
            "false" => Some(t.no.to_owned()),
            _ => None,
        },
        "shared_data" => ShareKind::parse("shared_data", &value).ok().map(|kind| t.share_kind(kind).0.to_owned()),
        "record_hash" => Some(format!("{}…", value.chars().take(12).collect::<String>())),
        "total_kg_co2e" => Some(format!("{value} kg CO2e")),
        "total_location_t" => Some(format!("{value} t CO2e")),
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
    /// The object's page in the console (or its public label page), when it has one.
    pub object_href: Option<String>,
    pub changes: Vec<ChangeRow>,
}

/// Where an entry's object lives: its console page, chosen by what the action acted on. Objects without a page of
/// their own (a login) have none; the lists they belong to are linked instead of a page per object.
fn object_href(action: AuditAction, object_id: Option<&str>, object_label: &str) -> Option<String> {
    use AuditAction as A;
    let id = object_id.filter(|id| !id.is_empty());
    match action {
        A::OrganisationRegistered
        | A::OrganisationUpdated
        | A::VerificationEngagementStarted
        | A::VerificationEngagementEnded => Some("/console/organisation".to_owned()),
        A::FacilityCreated
        | A::FacilityUpdated
        | A::FacilityArchived
        | A::FacilityRestored
        | A::FacilityBoundaryChanged => id.map(|id| format!("/console/facilities/{id}")),
        A::MemberAdded | A::MemberRoleChanged | A::MemberRemoved => Some("/console/members".to_owned()),
        A::MemberInvitationCreated | A::MemberInvitationRevoked | A::MemberInvitationAccepted => {
            Some("/console/members".to_owned())
        }
        A::TokenCreated | A::TokenRevoked => Some("/console/tokens".to_owned()),
        A::SupplierInvitationCreated | A::SupplierInvitationRevoked => Some("/console/suppliers#invite".to_owned()),
        A::SupplierLinkCreated | A::SupplierLinkEnded | A::SupplierShareGranted | A::SupplierShareRevoked => {
            id.map(|id| format!("/console/suppliers/links/{id}"))
        }
        // Meters have no console page yet; the API lists them (`GET /api/v1/energy/meters`).
        A::UserLoggedIn
        | A::EnergyMeterRegistered
        | A::EnergySiteChanged
        | A::EnergyProductionRecorded
        | A::EnergyMeasureRecorded => None,
        A::ActivityRecorded | A::ActivitiesImported | A::ActivityDeleted => Some("/console/activities".to_owned()),
        A::FactorAdded => Some("/console/factors".to_owned()),
        A::InventoryComputed | A::InventoryVerified => id.map(|id| format!("/console/inventory/{id}")),
        A::ProductCreated | A::ProductModelSaved => id.map(|id| format!("/console/products/{id}")),
        A::FootprintComputed | A::FootprintVerified => id.map(|id| format!("/console/footprints/{id}")),
        // The label's public page, for the version the entry is about ("VWXT-FA1G v2").
        A::LabelPublished | A::LabelWithdrawn => {
            let (code, version) = object_label.split_once(" v")?;
            version.parse::<u32>().ok().map(|version| format!("/l/{code}?v={version}"))
        }
    }
}

/// The actor as people read it. Tokens are stored as `token "NAME" of EMAIL`; that is English, so it is worded
/// again in the reader's language.
fn readable_actor(t: &'static Text, label: String) -> String {
    let token = label.strip_prefix("token \"").and_then(|rest| rest.rsplit_once("\" of "));
    match token {
        Some((name, email)) => t.audit_token_actor.replace("{name}", name).replace("{email}", email),
        None => label,
    }
}

/// The object's name; entries written before objects were named by what people know them by carried a bare id,
/// which is shown as a plain "open" link rather than as a UUID.
fn readable_object(t: &'static Text, label: String) -> String {
    if label.parse::<uuid::Uuid>().is_ok() { t.audit_unnamed_object.to_owned() } else { label }
}

/// Turns entries into printable rows.
pub fn event_rows(t: &'static Text, events: Vec<AuditEvent>) -> Vec<EventRow> {
    events
        .into_iter()
        .map(|event| EventRow {
            time: event.occurred_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            // Operator commands have no person behind them; their stored label is English, so name them here.
            actor: if event.actor_user_id.is_none() {
                t.actor_operator.to_owned()
            } else {
                readable_actor(t, event.actor_label)
            },
            action: t.audit_action(&event.action),
            action_code: event.action.as_str(),
            object_href: object_href(event.action, event.object_id.as_deref(), &event.object_label),
            object: readable_object(t, event.object_label),
            changes: event
                .changes
                .into_iter()
                .map(|change| ChangeRow {
                    field: t.audit_field_label(&change.field),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    #[test]
    fn objects_link_to_their_pages() {
        let id = "0190b6f2-8c1e-7d3a-9f00-000000000001";
        assert_eq!(
            object_href(AuditAction::FacilityUpdated, Some(id), "黄岩工厂").as_deref(),
            Some("/console/facilities/0190b6f2-8c1e-7d3a-9f00-000000000001")
        );
        assert_eq!(
            object_href(AuditAction::LabelPublished, Some(id), "VWXT-FA1G v2").as_deref(),
            Some("/l/VWXT-FA1G?v=2")
        );
        assert_eq!(object_href(AuditAction::LabelPublished, Some(id), "odd label"), None);
        assert_eq!(object_href(AuditAction::UserLoggedIn, Some(id), "a@b.example"), None);
        // Every action either links or is one without a page: the login, and energy meters until the meter console
        // pages exist.
        for action in AuditAction::ALL {
            let href = object_href(action, Some(id), "VWXT-FA1G v1");
            let without_page = matches!(
                action,
                AuditAction::UserLoggedIn
                    | AuditAction::EnergyMeterRegistered
                    | AuditAction::EnergySiteChanged
                    | AuditAction::EnergyProductionRecorded
                    | AuditAction::EnergyMeasureRecorded
            );
            assert_eq!(href.is_none(), without_page, "{action:?}");
        }
    }

    #[test]
    fn values_and_actors_read_in_the_language_of_the_page() {
        assert_eq!(readable_value(&ZH, "financial_control", Some("true".into())), "是");
        assert_eq!(readable_value(&EN, "operational_control", Some("false".into())), "No");
        assert_eq!(
            readable_value(&ZH, "shared_data", Some("published_footprints".into())),
            ZH.share_published_footprints
        );
        assert_eq!(readable_value(&EN, "record_hash", Some("a".repeat(64))), format!("{}…", "a".repeat(12)));
        assert_eq!(readable_value(&EN, "name", None), "—");
        assert_eq!(
            readable_actor(&ZH, "token \"ERP\" of zhao@ruihe.example".into()),
            "API 令牌“ERP”（zhao@ruihe.example）"
        );
        assert_eq!(readable_actor(&ZH, "zhao@ruihe.example".into()), "zhao@ruihe.example");
        assert_eq!(readable_object(&ZH, "0190b6f2-8c1e-7d3a-9f00-000000000001".into()), ZH.audit_unnamed_object);
        assert_eq!(readable_object(&ZH, "RH-CUP-BF-250 v1".into()), "RH-CUP-BF-250 v1");
    }
}
