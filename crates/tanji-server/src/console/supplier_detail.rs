//! `/console/suppliers/links/{id}`: one link seen from either side.
//!
//! For the customer it is the supplier's page: what the supplier shares, its published footprints and its latest
//! verified inventory summary, read-only (`Store::supplier_view`). For the supplier it is the customer's page, where
//! its owners decide what to share (`Store::grant_supplier_share`, `revoke_supplier_share`). Later pages about a
//! supplier (assessment, PACT exchange) add their cards here.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_footprint::Assurance;
use tanji_store::{SharedFootprint, SharedInventorySummary, StoreError};
use tanji_tenancy::member::Language;
use tanji_tenancy::supplier_link::SupplierLink;
use tanji_tenancy::supplier_share::{ShareKind, SupplierShare};
use tanji_tenancy::{Permission, SupplierLinkId};

use super::error_page::ErrorPage;
use super::frame::{Frame, Section, render};
use super::products::{Scale, declared_unit_text, in_language, number, other_language, percent};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// One kind of data and whether it is shared.
pub struct ShareRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub shared: bool,
    pub since: String,
}

/// A supplier's published footprint, as a row of a table (this page, and the customer's product list).
pub struct SharedFootprintRow {
    pub link_id: String,
    pub supplier: String,
    pub sku: String,
    pub product: String,
    pub other_name: String,
    pub total: String,
    pub unit: String,
    pub declared_unit: String,
    pub reduction: String,
    /// Verified by an independent body.
    pub verified: bool,
    /// Signed off by the supplier's own auditor only.
    pub internal_review: bool,
    pub verifier: String,
    pub code: String,
    pub version: u32,
    pub published: String,
}

impl SharedFootprintRow {
    /// The label's code as the label and its public page print it (`VWXT-FA1G`).
    pub fn shown_code(&self) -> String {
        crate::label_pages::display_code(&self.code)
    }

    /// The label's public page for this version.
    pub fn public_href(&self) -> String {
        format!("/l/{}?v={}", self.code, self.version)
    }
}

/// The supplier's name in the reader's language: its English name on English pages when it gave one.
pub fn supplier_name(t: &'static Text, name: &str, name_en: Option<&str>) -> String {
    match (t.language, name_en) {
        (Language::English, Some(english)) if !english.trim().is_empty() => english.to_owned(),
        _ => name.to_owned(),
    }
}

/// Rows for shared footprints, every figure in one unit (grams when all are below a kilogram).
pub fn shared_footprint_rows(t: &'static Text, footprints: &[SharedFootprint]) -> Vec<SharedFootprintRow> {
    let scale = Scale::for_values(footprints.iter().map(|shared| shared.summary.total_kg_co2e));
    footprints
        .iter()
        .map(|shared| {
            let summary = &shared.summary;
            SharedFootprintRow {
                link_id: shared.link_id.to_string(),
                supplier: supplier_name(t, &shared.supplier_name, shared.supplier_name_en.as_deref()),
                sku: summary.sku.clone(),
                product: in_language(t, &summary.name_zh, &summary.name_en),
                other_name: other_language(t, &summary.name_zh, &summary.name_en),
                total: scale.show(summary.total_kg_co2e),
                unit: scale.unit().to_owned(),
                declared_unit: declared_unit_text(t, &summary.declared_unit),
                // The customer sees the comparison the public sees: only an independently verified one.
                reduction: summary
                    .public_comparison(shared.assurance)
                    .map(|baseline| percent(baseline.reduction_percent))
                    .unwrap_or_else(|| t.none.to_owned()),
                verified: shared.assurance == Assurance::Verified,
                internal_review: shared.assurance == Assurance::InternalReview,
                verifier: shared
                    .sign_off
                    .as_ref()
                    .map(|sign_off| sign_off.verifier_organisation.clone())
                    .unwrap_or_default(),
                code: shared.code.clone(),
                version: shared.version,
                published: shared.published_at.strftime("%Y-%m-%d").to_string(),
            }
        })
        .collect()
}

/// A shared inventory summary, ready to print (t CO2e).
pub struct InventorySummaryView {
    pub reporting_year: i16,
    pub version: i64,
    pub scope1: String,
    pub scope2_location: String,
    pub scope2_market: String,
    pub scope3: String,
    pub total_location: String,
    pub total_market: String,
    pub base_years: String,
    pub change: String,
    pub verified_on: String,
    /// The independent body that verified it: only such a version is shown (`SharedInventorySummary`).
    pub verification_body: String,
}

fn tonnes(kg: f64) -> String {
    number(kg / 1000.0)
}

/// A supplier's shared inventory, as a row of the customer's inventory page.
pub struct SharedInventoryRow {
    pub link_id: String,
    pub supplier: String,
    pub inventory: InventorySummaryView,
}

/// Rows for the suppliers' shared inventories.
pub fn shared_inventory_rows(t: &'static Text, shared: &[tanji_store::SharedInventory]) -> Vec<SharedInventoryRow> {
    shared
        .iter()
        .map(|shared| SharedInventoryRow {
            link_id: shared.link_id.to_string(),
            supplier: supplier_name(t, &shared.supplier_name, shared.supplier_name_en.as_deref()),
            inventory: inventory_view(t, &shared.summary),
        })
        .collect()
}

fn inventory_view(t: &'static Text, summary: &SharedInventorySummary) -> InventorySummaryView {
    InventorySummaryView {
        reporting_year: summary.reporting_year,
        version: summary.version,
        scope1: tonnes(summary.scope1_kg),
        scope2_location: tonnes(summary.scope2_location_kg),
        scope2_market: tonnes(summary.scope2_market_kg),
        scope3: tonnes(summary.scope3_kg),
        total_location: tonnes(summary.total_location_kg),
        total_market: tonnes(summary.total_market_kg),
        base_years: summary.base_years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        change: summary
            .base_year_change_percent
            .map(|change| format!("{}{}", if change > 0.0 { "+" } else { "" }, percent(change)))
            .unwrap_or_else(|| t.none.to_owned()),
        verified_on: summary.verified_at.strftime("%Y-%m-%d").to_string(),
        verification_body: summary.verification_body_name.clone(),
    }
}

#[derive(Template)]
#[template(path = "supplier_detail.html")]
struct LinkPage {
    frame: Frame,
    link_id: String,
    other_name: String,
    other_kind: &'static str,
    linked_at: String,
    /// Whether the actor's organisation is the customer on this link (else the supplier).
    we_are_customer: bool,
    shares: Vec<ShareRow>,
    can_manage_shares: bool,
    footprints_shared: bool,
    may_read_footprints: bool,
    footprints: Vec<SharedFootprintRow>,
    inventory_shared: bool,
    may_read_inventory: bool,
    inventory: Option<InventorySummaryView>,
    notice: Option<&'static str>,
}

fn share_rows(t: &'static Text, shares: &[SupplierShare]) -> Vec<ShareRow> {
    ShareKind::ALL
        .into_iter()
        .map(|kind| {
            let (label, hint) = t.share_kind(kind);
            let share = shares.iter().find(|share| share.kind == kind);
            ShareRow {
                kind: kind.as_str(),
                label,
                hint,
                shared: share.is_some(),
                since: share.map(|share| share.granted_at.strftime("%Y-%m-%d").to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

fn notice(console: &Console) -> Option<&'static str> {
    let t = console.text();
    let query = console.web.path.split_once('?')?.1;
    let name = form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == "notice")?.1;
    match name.as_ref() {
        "share_granted" => Some(t.share_granted),
        "share_revoked" => Some(t.share_revoked),
        _ => None,
    }
}

/// `GET /console/suppliers/links/{id}`.
pub async fn show(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    let Ok(id) = raw_id.parse::<SupplierLinkId>() else { return ErrorPage::not_found(&console.web).into_response() };
    let t = console.text();
    let actor = console.actor();
    let links = match state.store().list_supplier_links(actor, false).await {
        Ok(links) => links,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let Some(link) = links.into_iter().find(|link| link.id == id) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let we_are_customer = link.customer.id == actor.organisation_id;
    let page = if we_are_customer {
        let view = match state.store().supplier_view(actor, id).await {
            Ok(view) => view,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        LinkPage {
            footprints_shared: view.shares(ShareKind::PublishedFootprints),
            inventory_shared: view.shares(ShareKind::VerifiedInventorySummary),
            footprints: shared_footprint_rows(t, &view.footprints),
            inventory: view.inventory.as_ref().map(|summary| inventory_view(t, summary)),
            shares: share_rows(t, &view.shares),
            can_manage_shares: false,
            ..base(&console, &link, true)
        }
    } else {
        let shares = match state.store().supplier_shares(actor, id).await {
            Ok(shares) => shares,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        LinkPage {
            shares: share_rows(t, &shares),
            can_manage_shares: actor.may(Permission::ManageCustomers),
            ..base(&console, &link, false)
        }
    };
    render(StatusCode::OK, &page)
}

fn base(console: &Console, link: &SupplierLink, we_are_customer: bool) -> LinkPage {
    let t = console.text();
    let actor = console.actor();
    let other = if we_are_customer { &link.supplier } else { &link.customer };
    let other_name = supplier_name(t, other.name.as_str(), other.name_en.as_ref().map(|name| name.as_str()));
    LinkPage {
        frame: Frame::console(console, Section::Suppliers, &other_name),
        link_id: link.id.to_string(),
        other_name,
        other_kind: t.organisation_kind(&other.kind),
        linked_at: link.linked_at.strftime("%Y-%m-%d").to_string(),
        we_are_customer,
        shares: Vec::new(),
        can_manage_shares: false,
        footprints_shared: false,
        may_read_footprints: actor.may(ShareKind::PublishedFootprints.permission_to_read()),
        footprints: Vec::new(),
        inventory_shared: false,
        may_read_inventory: actor.may(ShareKind::VerifiedInventorySummary.permission_to_read()),
        inventory: None,
        notice: notice(console),
    }
}

/// The share form: which kind, and whether to share it.
#[derive(Debug, Deserialize)]
pub struct ShareForm {
    kind: String,
    share: String,
}

/// `POST /console/suppliers/links/{id}/shares`: the supplier's owner starts or stops sharing a kind of data.
pub async fn change_share(
    State(state): State<AppState>,
    console: Console,
    Path(raw_id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    let Ok(id) = raw_id.parse::<SupplierLinkId>() else { return ErrorPage::not_found(&console.web).into_response() };
    let Ok(kind) = ShareKind::parse("kind", &form.kind) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let store = state.store();
    let (result, notice) = match form.share.as_str() {
        "on" => (store.grant_supplier_share(console.actor(), id, kind).await.map(drop), "share_granted"),
        "off" => (store.revoke_supplier_share(console.actor(), id, kind).await, "share_revoked"),
        _ => return ErrorPage::not_found(&console.web).into_response(),
    };
    match result {
        // Sharing what is already shared (a double click, two tabs) is no error: the page shows the state.
        Ok(()) | Err(StoreError::Conflict(tanji_store::Conflict::AlreadyDone)) => {
            Redirect::to(&format!("/console/suppliers/links/{id}?notice={notice}")).into_response()
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
