//! `/console/audit`: the audit log, and the rows every history table shows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanji_i18n::Localize;
use tanji_i18n::energy::console::EnergyText;
use tanji_store::energy::{MeterKind, RegisterType};
use tanji_store::{AuditQuery, EnergyObjectFacility, StoreError};
use tanji_tenancy::AuditEventId;
use tanji_tenancy::audit::{AuditAction, AuditEvent};
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::Role;
use tanji_tenancy::supplier_share::ShareKind;
use tanji_tenancy::token::TokenScopes;

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::frame::{Frame, Section, render};
use crate::energy::console::meters::{kind_label, register_label};
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
fn readable_value(t: &'static Text, action: AuditAction, field: &str, value: Option<String>) -> String {
    let Some(value) = value else { return t.none.to_owned() };
    if is_energy(action)
        && let Some(translated) = readable_energy_value(t, field, &value)
    {
        return translated;
    }
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

/// Whether the action is one of the energy engine's, whose fields and objects are the energy site's.
fn is_energy(action: AuditAction) -> bool {
    matches!(
        action,
        AuditAction::EnergyMeterRegistered
            | AuditAction::EnergySiteChanged
            | AuditAction::EnergyProductionRecorded
            | AuditAction::EnergyMeasureRecorded
    )
}

/// A field's label in the reader's language. The energy entries record fields of their own (a meter's kind and
/// register, a site's grid factor), and some names mean something else there: `code` is a meter's or a line's code,
/// not a facility's internal code, and a measure's `reason` is the measure itself, not a label's withdrawal reason.
fn field_label(t: &'static Text, action: AuditAction, field: &str) -> &'static str {
    if !is_energy(action) {
        return t.audit_field_label(field);
    }
    let et = EnergyText::of(t.language);
    match (action, field) {
        (AuditAction::EnergyMeterRegistered, "code") => et.meter_code,
        (AuditAction::EnergyMeasureRecorded, "code") => et.measure_line,
        (AuditAction::EnergyMeasureRecorded, "reason") => et.measure_name,
        (_, "code") => et.code,
        (_, "kind") => et.meter_kind,
        (_, "unit") => et.meter_unit,
        (_, "register_type") => et.register_type,
        (_, "multiplier") => et.multiplier,
        (_, "grid_factor") => et.grid_factor_used,
        (_, "tariff") => et.tariff_used,
        (_, "placement") => t.audit_field_placement,
        (_, "implemented_on") => et.implemented_on,
        (_, "rows") => t.audit_field_energy_rows,
        (_, "weather_station") => et.audit_weather_station,
        (_, "weather_source") => et.audit_weather_source,
        (_, "degree_day_bases") => et.audit_degree_day_bases,
        (_, "weather_days") => et.audit_weather_days,
        _ => t.audit_field_label(field),
    }
}

/// The fields an energy entry records, for the check that each has a label of its own.
#[cfg(test)]
const ENERGY_FIELDS: [(AuditAction, &str); 20] = [
    (AuditAction::EnergyMeterRegistered, "code"),
    (AuditAction::EnergyMeterRegistered, "name"),
    (AuditAction::EnergyMeterRegistered, "kind"),
    (AuditAction::EnergyMeterRegistered, "unit"),
    (AuditAction::EnergyMeterRegistered, "register_type"),
    (AuditAction::EnergyMeterRegistered, "multiplier"),
    (AuditAction::EnergySiteChanged, "name"),
    (AuditAction::EnergySiteChanged, "grid_factor"),
    (AuditAction::EnergySiteChanged, "tariff"),
    (AuditAction::EnergySiteChanged, "code"),
    (AuditAction::EnergySiteChanged, "sku"),
    (AuditAction::EnergySiteChanged, "placement"),
    (AuditAction::EnergySiteChanged, "file"),
    (AuditAction::EnergySiteChanged, "weather_station"),
    (AuditAction::EnergySiteChanged, "weather_source"),
    (AuditAction::EnergySiteChanged, "degree_day_bases"),
    (AuditAction::EnergySiteChanged, "weather_days"),
    (AuditAction::EnergyMeasureRecorded, "code"),
    (AuditAction::EnergyMeasureRecorded, "reason"),
    (AuditAction::EnergyMeasureRecorded, "implemented_on"),
];

/// An energy entry's stored value in the reader's language: a meter's kind and register, and the equipment a
/// meter's placement names (`A1/L1 (heater)`, stored with the machine name).
fn readable_energy_value(t: &'static Text, field: &str, value: &str) -> Option<String> {
    let et = EnergyText::of(t.language);
    match field {
        // Stored as "365 new, 2 changed" (energy_weather.rs): the counts in the reader's words.
        "weather_days" => {
            let (new, changed) = value.strip_suffix(" changed")?.split_once(" new, ")?;
            let (new, changed) = (new.parse::<usize>().ok()?, changed.parse::<usize>().ok()?);
            Some(match t.language {
                tanji_tenancy::member::Language::SimplifiedChinese => format!("新增 {new} 天，变更 {changed} 天"),
                tanji_tenancy::member::Language::English => format!("{new} new, {changed} changed"),
            })
        }
        "kind" => MeterKind::parse("kind", value).ok().map(|kind| kind_label(et, kind).to_owned()),
        "register_type" => {
            RegisterType::parse("register_type", value).ok().map(|register| register_label(et, register).to_owned())
        }
        "placement" => {
            let (place, equipment) = value.strip_suffix(')')?.rsplit_once(" (")?;
            let equipment = tanji_store::energy_site::parse_equipment("equipment", equipment).ok()?;
            Some(match t.language {
                tanji_tenancy::member::Language::SimplifiedChinese => {
                    format!("{place}（{}）", equipment.localize(t.language))
                }
                tanji_tenancy::member::Language::English => format!("{place} ({})", equipment.localize(t.language)),
            })
        }
        _ => None,
    }
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
///
/// Energy entries name their object by the id of a site, area, line, meter or measure, none of which has a page of
/// its own; `energy_facility` is the facility whose energy pages hold it (found by
/// [`tanji_store::Store::energy_object_facilities`]), and the entry links to the page where it is seen and edited.
fn object_href(
    action: AuditAction,
    object_id: Option<&str>,
    object_label: &str,
    energy_facility: Option<&EnergyObjectFacility>,
) -> Option<String> {
    use AuditAction as A;
    let id = object_id.filter(|id| !id.is_empty());
    let energy_page = |page: &str| {
        energy_facility.map(|facility| format!("/console/energy/facilities/{}{page}", facility.facility_id))
    };
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
        A::PactClientCreated | A::PactClientRevoked | A::PactCarbonContentDeclared => {
            Some(crate::pact::console::PATH.to_owned())
        }
        A::SupplierInvitationCreated | A::SupplierInvitationRevoked => Some("/console/suppliers#invite".to_owned()),
        A::SupplierLinkCreated | A::SupplierLinkEnded | A::SupplierShareGranted | A::SupplierShareRevoked => {
            id.map(|id| format!("/console/suppliers/links/{id}"))
        }
        A::UserLoggedIn => None,
        // Meters, areas, lines and site settings are all seen and edited in the meter tree.
        A::EnergyMeterRegistered | A::EnergySiteChanged => energy_page("/meters"),
        A::EnergyProductionRecorded => energy_page(""),
        A::EnergyMeasureRecorded => energy_page("/measures"),
        A::MethodologyDrafted
        | A::MethodologySubmitted
        | A::MethodologySignedOff
        | A::MethodologyNoticeStarted
        | A::MethodologyApproved
        | A::MethodologyRetired => Some(crate::account::console::METHODOLOGIES_PATH.to_owned()),
        A::SubPlatformRegistered
        | A::SubPlatformCredentialIssued
        | A::SubPlatformCredentialRevoked
        | A::ParentAccountOpened
        | A::IdentityLinked
        | A::IdentityUnlinked => Some(crate::account::console::SUB_PLATFORMS_PATH.to_owned()),
        A::SupplierCampaignLaunched
        | A::SupplierAnswerRecorded
        | A::SupplierAnswerReopened
        | A::SupplierEvidenceUploaded
        | A::SupplierEvidenceReviewed
        | A::SupplierQuestionnaireSubmitted => Some(crate::supplier::CAMPAIGNS_PATH.to_owned()),
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

/// Turns entries into printable rows, finding the facility of energy entries' objects when there are any.
pub async fn readable_events(
    state: &AppState,
    console: &Console,
    events: Vec<AuditEvent>,
) -> Result<Vec<EventRow>, StoreError> {
    let energy = if events.iter().any(|event| is_energy(event.action)) {
        state.store().energy_object_facilities(console.actor()).await?
    } else {
        HashMap::new()
    };
    Ok(event_rows(console.text(), events, &energy))
}

/// Turns entries into printable rows; `energy` is where energy entries' objects live.
fn event_rows(
    t: &'static Text,
    events: Vec<AuditEvent>,
    energy: &HashMap<String, EnergyObjectFacility>,
) -> Vec<EventRow> {
    events
        .into_iter()
        .map(|mut event| {
            let energy_facility =
                is_energy(event.action).then(|| event.object_id.as_deref().and_then(|id| energy.get(id))).flatten();
            let object_href =
                object_href(event.action, event.object_id.as_deref(), &event.object_label, energy_facility);
            let object_label = match energy_facility {
                // Production is recorded against the facility, under its id: name it.
                Some(facility) if event.object_label.parse::<uuid::Uuid>().is_ok() => match t.language {
                    tanji_tenancy::member::Language::English => {
                        facility.name_en.clone().unwrap_or_else(|| facility.name.clone())
                    }
                    tanji_tenancy::member::Language::SimplifiedChinese => facility.name.clone(),
                },
                // A label is named by its code as the label prints it (`VWXT-FA1G v2`); it is stored without the
                // hyphen, which the link keeps.
                _ if matches!(event.action, AuditAction::LabelPublished | AuditAction::LabelWithdrawn) => {
                    match event.object_label.split_once(" v") {
                        Some((code, version)) => format!("{} v{version}", crate::label_pages::display_code(code)),
                        None => std::mem::take(&mut event.object_label),
                    }
                }
                _ => std::mem::take(&mut event.object_label),
            };
            (event, object_label, object_href)
        })
        .map(|(event, object_label, object_href)| EventRow {
            time: event.occurred_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            // Operator commands have no person behind them; their stored label is English, so name them here.
            actor: if event.actor_user_id.is_none() {
                t.actor_operator.to_owned()
            } else {
                readable_actor(t, event.actor_label)
            },
            action: t.audit_action(&event.action),
            action_code: event.action.as_str(),
            object_href,
            object: readable_object(t, object_label),
            changes: event
                .changes
                .into_iter()
                .map(|change| ChangeRow {
                    field: field_label(t, event.action, &change.field),
                    before: readable_value(t, event.action, &change.field, change.before),
                    after: readable_value(t, event.action, &change.field, change.after),
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
    let events = match readable_events(&state, &console, events).await {
        Ok(events) => events,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let page = AuditPage {
        frame: Frame::console(&console, Section::Audit, t.audit_title),
        events,
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
            object_href(AuditAction::FacilityUpdated, Some(id), "黄岩工厂", None).as_deref(),
            Some("/console/facilities/0190b6f2-8c1e-7d3a-9f00-000000000001")
        );
        assert_eq!(
            object_href(AuditAction::LabelPublished, Some(id), "VWXT-FA1G v2", None).as_deref(),
            Some("/l/VWXT-FA1G?v=2")
        );
        assert_eq!(object_href(AuditAction::LabelPublished, Some(id), "odd label", None), None);
        assert_eq!(object_href(AuditAction::UserLoggedIn, Some(id), "a@b.example", None), None);
        // Every action but the login links to a page: energy entries to their facility's energy pages.
        let facility =
            EnergyObjectFacility { facility_id: id.parse().unwrap(), name: "黄岩工厂".into(), name_en: None };
        for action in AuditAction::ALL {
            let href = object_href(action, Some(id), "VWXT-FA1G v1", Some(&facility));
            assert_eq!(href.is_none(), action == AuditAction::UserLoggedIn, "{action:?}");
        }
        let energy_href = |action| object_href(action, Some("L2"), "L2", Some(&facility)).unwrap();
        assert_eq!(
            energy_href(AuditAction::EnergyMeasureRecorded),
            format!("/console/energy/facilities/{id}/measures")
        );
        assert_eq!(energy_href(AuditAction::EnergySiteChanged), format!("/console/energy/facilities/{id}/meters"));
        assert_eq!(energy_href(AuditAction::EnergyMeterRegistered), format!("/console/energy/facilities/{id}/meters"));
        assert_eq!(energy_href(AuditAction::EnergyProductionRecorded), format!("/console/energy/facilities/{id}"));
    }

    #[test]
    fn values_and_actors_read_in_the_language_of_the_page() {
        assert_eq!(
            readable_value(&ZH, AuditAction::FacilityBoundaryChanged, "financial_control", Some("true".into())),
            "是"
        );
        assert_eq!(
            readable_value(&EN, AuditAction::FacilityBoundaryChanged, "operational_control", Some("false".into())),
            "No"
        );
        assert_eq!(
            readable_value(&ZH, AuditAction::SupplierShareGranted, "shared_data", Some("published_footprints".into())),
            ZH.share_published_footprints
        );
        assert_eq!(
            readable_value(&EN, AuditAction::LabelPublished, "record_hash", Some("a".repeat(64))),
            format!("{}…", "a".repeat(12))
        );
        assert_eq!(readable_value(&EN, AuditAction::FacilityUpdated, "name", None), "—");
        assert_eq!(
            readable_actor(&ZH, "token \"ERP\" of zhao@ruihe.example".into()),
            "API 令牌“ERP”（zhao@ruihe.example）"
        );
        assert_eq!(readable_actor(&ZH, "zhao@ruihe.example".into()), "zhao@ruihe.example");
        assert_eq!(readable_object(&ZH, "0190b6f2-8c1e-7d3a-9f00-000000000001".into()), ZH.audit_unnamed_object);
        assert_eq!(readable_object(&ZH, "RH-CUP-BF-250 v1".into()), "RH-CUP-BF-250 v1");
    }

    /// The energy entries' fields each have a label of their own in both languages (never "Other field", never a
    /// facility's "Internal code" or a label's withdrawal reason), and their values read in the page's language.
    #[test]
    fn energy_entries_read_with_their_own_field_labels() {
        for text in [&ZH, &EN] {
            for (action, field) in ENERGY_FIELDS {
                let label = field_label(text, action, field);
                assert_ne!(label, text.audit_field_other, "{action:?} {field}");
                assert_ne!(label, text.facility_code, "{action:?} {field}");
                assert_ne!(label, text.fp_withdraw_reason, "{action:?} {field}");
            }
            let mut labels: Vec<_> = ENERGY_FIELDS
                .iter()
                .filter(|(action, _)| *action == AuditAction::EnergyMeterRegistered)
                .map(|(action, field)| field_label(text, *action, field))
                .collect();
            labels.sort_unstable();
            labels.dedup();
            assert_eq!(labels.len(), 6, "two fields of a meter share a label: {labels:?}");
        }
        let meter = AuditAction::EnergyMeterRegistered;
        assert_eq!(readable_value(&ZH, meter, "kind", Some("electricity".into())), "电");
        assert_eq!(readable_value(&EN, meter, "register_type", Some("cumulative".into())), "cumulative");
        assert_eq!(readable_value(&ZH, meter, "register_type", Some("interval".into())), "区间量");
        let site = AuditAction::EnergySiteChanged;
        assert_eq!(readable_value(&ZH, site, "placement", Some("A1/L1 (heater)".into())), "A1/L1（加热器）");
        assert_eq!(
            readable_value(&ZH, site, "weather_days", Some("365 new, 2 changed".into())),
            "新增 365 天，变更 2 天"
        );
        assert_eq!(readable_value(&EN, site, "weather_days", Some("365 new, 2 changed".into())), "365 new, 2 changed");
        assert_eq!(readable_value(&EN, site, "placement", Some("A1 (whole_line)".into())), "A1 (whole line)");
        // A facility's kind is still a facility's kind.
        assert_eq!(
            readable_value(&EN, AuditAction::FacilityCreated, "kind", Some("factory".into())),
            EN.facility_kind(&FacilityKind::Factory)
        );
    }

    /// A label's entry names it as the label prints its code, and still links to the public page of that version.
    #[test]
    fn a_label_entry_reads_its_code_as_printed() {
        let event = AuditEvent {
            id: "0190b6f2-8c1e-7d3a-9f00-000000000002".parse().unwrap(),
            organisation_id: "0190b6f2-8c1e-7d3a-9f00-000000000003".parse().unwrap(),
            occurred_at: jiff::Timestamp::UNIX_EPOCH,
            actor_user_id: None,
            actor_token_id: None,
            actor_label: "operator".into(),
            action: AuditAction::LabelPublished,
            object_id: Some("0190b6f2-8c1e-7d3a-9f00-000000000004".into()),
            object_label: "VWXTFA1G v2".into(),
            changes: Vec::new(),
        };
        let rows = event_rows(&ZH, vec![event], &HashMap::new());
        assert_eq!(rows[0].object, "VWXT-FA1G v2");
        assert_eq!(rows[0].object_href.as_deref(), Some("/l/VWXTFA1G?v=2"));
    }

    /// Production is recorded under the facility's id; the entry shows the facility's name in the page's language.
    #[test]
    fn an_energy_entry_names_and_links_its_facility() {
        let id = "0190b6f2-8c1e-7d3a-9f00-000000000001";
        let facility = EnergyObjectFacility {
            facility_id: id.parse().unwrap(),
            name: "黄岩工厂".into(),
            name_en: Some("Huangyan factory".into()),
        };
        let event = AuditEvent {
            id: "0190b6f2-8c1e-7d3a-9f00-000000000002".parse().unwrap(),
            organisation_id: "0190b6f2-8c1e-7d3a-9f00-000000000003".parse().unwrap(),
            occurred_at: jiff::Timestamp::UNIX_EPOCH,
            actor_user_id: None,
            actor_token_id: None,
            actor_label: "operator".into(),
            action: AuditAction::EnergyProductionRecorded,
            object_id: Some(id.into()),
            object_label: id.into(),
            changes: vec![tanji_tenancy::audit::FieldChange {
                field: "rows".into(),
                before: None,
                after: Some("730".into()),
            }],
        };
        let energy = HashMap::from([(id.to_owned(), facility)]);
        let rows = event_rows(&EN, vec![event.clone()], &energy);
        assert_eq!(rows[0].object, "Huangyan factory");
        assert_eq!(rows[0].object_href.as_deref(), Some(format!("/console/energy/facilities/{id}").as_str()));
        assert_eq!(rows[0].changes[0].field, EN.audit_field_energy_rows);
        let rows = event_rows(&ZH, vec![event.clone()], &energy);
        assert_eq!(rows[0].object, "黄岩工厂");
        // Without the facility (an object since removed), the entry still reads, without a link or a raw id.
        let rows = event_rows(&ZH, vec![event], &HashMap::new());
        assert_eq!(rows[0].object, ZH.audit_unnamed_object);
        assert_eq!(rows[0].object_href, None);
    }
}
