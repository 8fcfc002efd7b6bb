//! `GET /console`: the overview dashboard.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tanji_store::{CarbonOverview, Waiting};
use tanji_tenancy::Permission;
use tanji_tenancy::organisation::OrganisationKind;

use super::charts::{self, Chart};
use super::error_page::ErrorPage;
use super::frame::{Frame, Section, render};
use super::products::{number, percent};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// A carbon figure the overview leads with.
pub struct CarbonStat {
    pub href: String,
    pub value: String,
    pub unit: &'static str,
    pub label: String,
    /// A second line: the change against the base year, or what the figure covers.
    pub detail: String,
    /// A warning next to the figure (records left out of the total).
    pub warning: String,
    /// A badge (verified or not); empty for none.
    pub badge: &'static str,
    pub badge_ok: bool,
}

/// An organisation that engaged the reader's verification body, with the way into it.
pub struct ClientRow {
    pub organisation_id: String,
    pub name: String,
    pub since: String,
}

/// Something waiting for the reader, with where to do it.
pub struct WaitingRow {
    pub href: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    frame: Frame,
    carbon: Vec<CarbonStat>,
    waiting: Vec<WaitingRow>,
    /// Whether the reader's role has anything that could wait (so "nothing waits" is worth saying).
    shows_waiting: bool,
    n_facilities: i64,
    n_members: i64,
    n_suppliers: i64,
    n_customers: i64,
    charts: Vec<Chart>,
    can_add_facility: bool,
    activity_is_empty: bool,
    /// A verification body's overview leads with its clients (whom its auditors verify), not with carbon data of
    /// its own, which it has none of; `None` for every other organisation.
    clients: Option<Vec<ClientRow>>,
    /// The platform operator's overview points to the tenants instead of asking for carbon data it never has.
    operator: bool,
}

/// `GET /console`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    let t = console.text();
    let overview = match state.store().overview(console.actor()).await {
        Ok(overview) => overview,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut charts = Vec::new();
    if overview.n_facilities() > 0 {
        let by_kind: Vec<(String, i64)> =
            overview.facilities_by_kind.iter().map(|(kind, n)| (t.facility_kind(kind).to_owned(), *n)).collect();
        charts.push(charts::doughnut("facilities-by-kind", t.chart_facilities_by_kind, &by_kind));
        let by_province: Vec<(String, i64)> = overview
            .facilities_by_subdivision
            .iter()
            .map(|(code, n)| (code.as_deref().map_or_else(|| t.not_given.to_owned(), |code| t.subdivision(code)), *n))
            .collect();
        charts.push(charts::horizontal_bars(
            "facilities-by-province",
            t.chart_facilities_by_province,
            t.stat_facilities,
            &by_province,
        ));
    }
    if overview.n_members() > 0 {
        let by_role: Vec<(String, i64)> =
            overview.members_by_role.iter().map(|(role, n)| (t.role(role).to_owned(), *n)).collect();
        charts.push(charts::doughnut("members-by-role", t.chart_members_by_role, &by_role));
    }
    let mut activity_is_empty = false;
    if let Some(activity) = &overview.activity_by_day {
        activity_is_empty = activity.iter().all(|day| day.count == 0);
        let days: Vec<(String, i64)> = activity.iter().map(|day| (day.date[5..].to_owned(), day.count)).collect();
        charts.push(charts::daily_bars("activity", t.chart_activity, t.chart_activity_series, &days));
    }
    let actor = console.actor();
    let clients = if actor.organisation_kind == OrganisationKind::VerificationBody
        && actor.may(Permission::ViewVerificationClients)
    {
        match state.store().verification_clients(actor).await {
            Ok(engagements) => Some(
                engagements
                    .into_iter()
                    .map(|engagement| ClientRow {
                        organisation_id: engagement.organisation_id.to_string(),
                        name: engagement.organisation_name,
                        since: engagement.started_at.strftime("%Y-%m-%d").to_string(),
                    })
                    .collect(),
            ),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        None
    };
    let page = DashboardPage {
        carbon: carbon_stats(t, &overview.carbon),
        waiting: waiting_rows(t, &overview.waiting),
        shows_waiting: [
            Permission::VerifyInventory,
            Permission::VerifyFootprints,
            Permission::EditInventory,
            Permission::ManageMembers,
            Permission::ManageSuppliers,
        ]
        .into_iter()
        .any(|permission| actor.may(permission)),
        frame: Frame::console(&console, Section::Overview, t.overview_title),
        n_facilities: overview.n_facilities(),
        n_members: overview.n_members(),
        n_suppliers: overview.n_suppliers,
        n_customers: overview.n_customers,
        charts,
        can_add_facility: console.actor().may(Permission::EditFacilities),
        activity_is_empty,
        clients,
        operator: actor.organisation_kind == OrganisationKind::PlatformOperator && actor.may(Permission::ManageTenants),
    };
    render(StatusCode::OK, &page)
}

fn tonnes(kg: f64) -> String {
    number(kg / 1000.0)
}

/// The carbon figures, in the order a carbon manager reads them: the inventory, then products and labels, then what
/// suppliers share.
fn carbon_stats(t: &'static Text, carbon: &CarbonOverview) -> Vec<CarbonStat> {
    let mut stats = Vec::new();
    if let Some(inventory) = &carbon.latest_inventory {
        let detail = match inventory.base_year_change_percent {
            Some(change) => t
                .overview_change_vs_base_year
                .replace(
                    "{years}",
                    &inventory.base_years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                )
                .replace("{change}", &format!("{}{}", if change > 0.0 { "+" } else { "" }, percent(change))),
            None => t.overview_no_base_year.to_owned(),
        };
        stats.push(CarbonStat {
            href: format!("/console/inventory/{}", inventory.id),
            value: tonnes(inventory.total_location_kg),
            unit: "t CO2e",
            label: t
                .overview_inventory_total
                .replace("{year}", &inventory.reporting_year.to_string())
                .replace("{version}", &inventory.version.to_string()),
            detail,
            warning: if inventory.n_errors > 0 {
                t.overview_incomplete.replace("{n}", &inventory.n_errors.to_string())
            } else {
                String::new()
            },
            badge: match inventory.assurance {
                tanji_footprint::Assurance::SelfDeclared => t.overview_not_verified,
                assurance => t.inventory_assurance(assurance),
            },
            badge_ok: inventory.assurance == tanji_footprint::Assurance::Verified,
        });
    }
    // A retailer whose products are all made by suppliers has none of its own: its figures are the suppliers'.
    let own_products = (carbon.n_products_footprinted, carbon.n_labels_published);
    if let (Some(n_products), Some(n_labels)) = own_products
        && (n_products > 0 || n_labels > 0 || carbon.n_supplier_footprints.unwrap_or(0) == 0)
    {
        stats.push(CarbonStat {
            href: "/console/products#products".to_owned(),
            value: n_products.to_string(),
            unit: "",
            label: t.overview_products_footprinted.to_owned(),
            detail: String::new(),
            warning: String::new(),
            badge: "",
            badge_ok: false,
        });
        stats.push(CarbonStat {
            href: "/console/products#labels".to_owned(),
            value: n_labels.to_string(),
            unit: "",
            label: t.overview_labels_published.to_owned(),
            detail: String::new(),
            warning: String::new(),
            badge: "",
            badge_ok: false,
        });
    }
    // With no inventory and nothing counted yet, the page says how to start instead of showing zeros.
    let nothing_yet = carbon.latest_inventory.is_none()
        && [carbon.n_products_footprinted, carbon.n_labels_published, carbon.n_supplier_footprints]
            .into_iter()
            .all(|count| count.unwrap_or(0) == 0);
    if nothing_yet {
        return Vec::new();
    }
    if let Some(n_shared) = carbon.n_supplier_footprints.filter(|n| *n > 0) {
        stats.push(CarbonStat {
            href: "/console/products#supplier-products".to_owned(),
            value: n_shared.to_string(),
            unit: "",
            label: t.overview_supplier_footprints.to_owned(),
            detail: String::new(),
            warning: String::new(),
            badge: "",
            badge_ok: false,
        });
    }
    stats
}

/// What waits, each with the page where it is done.
fn waiting_rows(t: &'static Text, waiting: &Waiting) -> Vec<WaitingRow> {
    let mut rows = Vec::new();
    for item in &waiting.inventories_to_verify {
        rows.push(WaitingRow {
            href: format!("/console/inventory/{}#verification", item.id),
            text: t.waiting_inventory_to_verify.replace("{inventory}", &item.label),
        });
    }
    for item in &waiting.footprints_to_verify {
        rows.push(WaitingRow {
            href: format!("/console/footprints/{}#verification", item.id),
            text: t.waiting_footprint_to_verify.replace("{footprint}", &item.label),
        });
    }
    for item in &waiting.inventories_with_errors {
        rows.push(WaitingRow {
            href: format!("/console/inventory/{}", item.id),
            text: t
                .waiting_inventory_errors
                .replace("{inventory}", &item.label)
                .replace("{n}", &item.n_errors.to_string()),
        });
    }
    if waiting.open_member_invitations > 0 {
        rows.push(WaitingRow {
            href: "/console/members".to_owned(),
            text: t.waiting_member_invitations.replace("{n}", &waiting.open_member_invitations.to_string()),
        });
    }
    if waiting.open_supplier_invitations > 0 {
        rows.push(WaitingRow {
            href: "/console/suppliers#invite".to_owned(),
            text: t.waiting_supplier_invitations.replace("{n}", &waiting.open_supplier_invitations.to_string()),
        });
    }
    rows
}
