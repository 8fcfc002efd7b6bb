//! The web console: server-rendered pages (askama templates, checked at compile time) in 简体中文 and English,
//! enhanced by htmx where JavaScript is available and fully usable without it.

mod account;
mod audit;
pub(crate) mod charts;
mod dashboard;
pub mod error_page;
mod facilities;
pub(crate) mod forms;
pub(crate) mod frame;
mod inventory;
mod invitations;
mod join;
mod members;
mod organisation;
mod products;
mod session_pages;
mod supplier_detail;
mod suppliers;
mod tenants;
mod tokens;

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::state::AppState;
use crate::web_context::WebContext;

/// The console's and public pages' routes. They need the web-context layer, which [`crate::app`] adds.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/login", get(session_pages::show_login).post(session_pages::submit_login))
        .route("/logout", post(session_pages::logout))
        .route("/lang", post(session_pages::switch_language))
        .route("/invitations/{code}", get(invitations::show))
        .route("/invitations/{code}/accept", post(invitations::accept))
        .route("/invitations/{code}/register", post(invitations::register))
        .route("/join/{code}", get(join::show))
        .route("/join/{code}/accept", post(join::accept))
        .route("/join/{code}/register", post(join::register))
        .route("/console", get(dashboard::show))
        .route("/console/switch", post(session_pages::switch_organisation))
        .route("/console/organisation", get(organisation::show).post(organisation::update))
        .route("/console/organisation/verifiers", post(organisation::engage))
        .route("/console/organisation/verifiers/{id}/end", post(organisation::end_engagement))
        .route("/console/facilities", get(facilities::list).post(facilities::create))
        .route("/console/facilities/{id}", get(facilities::show).post(facilities::update))
        .route("/console/facilities/{id}/archive", post(facilities::archive))
        .route("/console/facilities/{id}/restore", post(facilities::restore))
        .route("/console/members", get(members::list))
        .route("/console/members/invitations", post(members::invite))
        .route("/console/members/invitations/{id}/revoke", post(members::revoke_invitation))
        .route("/console/members/{id}/role", post(members::change_role))
        .route("/console/members/{id}/remove", post(members::remove))
        .route("/console/tokens", get(tokens::list).post(tokens::create))
        .route("/console/tokens/{id}/revoke", post(tokens::revoke))
        .route("/console/suppliers", get(suppliers::show))
        .route("/console/suppliers/invitations", post(suppliers::invite))
        .route("/console/suppliers/invitations/{id}/withdraw", post(suppliers::withdraw))
        .route("/console/suppliers/accept", post(suppliers::accept))
        .route("/console/suppliers/links/{id}/end", post(suppliers::end_link))
        .route("/console/suppliers/links/{id}", get(supplier_detail::show))
        .route("/console/suppliers/links/{id}/shares", post(supplier_detail::change_share))
        .route("/console/audit", get(audit::list))
        .route("/console/tenants", get(tenants::list).post(tenants::register))
        .route("/console/inventory", get(inventory::overview))
        .route("/console/inventory/compute", post(inventory::compute))
        .route("/console/inventory/boundary/{id}", post(inventory::set_boundary))
        .route("/console/inventory/{id}", get(inventory::version))
        .route("/console/inventory/{id}/verify", post(inventory::verify))
        .route("/console/inventory/{id}/report", get(inventory::report))
        .route("/console/inventory/{id}/export.csv", get(inventory::export_csv))
        .route("/console/inventory/{id}/export.json", get(inventory::export_json))
        .route("/console/inventory/{id}/lines/{record}", get(inventory::line))
        .route("/console/activities", get(inventory::activities).post(inventory::add_activity))
        .route("/console/activities/import", post(inventory::import))
        .route("/console/activities/template.csv", get(inventory::activity_template))
        .route("/console/activities/{id}/delete", post(inventory::delete_activity))
        .route("/console/factors", get(inventory::factors))
        .route("/console/factors/import", post(inventory::import_factors))
        .route("/console/products", get(products::list).post(products::create))
        .route("/console/products/examples", post(products::load_example))
        .route("/console/products/examples/{file}", get(products::example_file))
        .route("/console/products/{id}", get(products::show))
        .route("/console/products/{id}/baseline", post(products::set_baseline))
        .route("/console/products/{id}/compute", post(products::compute))
        .route("/console/products/{id}/upload", post(products::upload))
        .route("/console/products/{id}/model", get(products::edit_model).post(products::submit_model))
        .route("/console/products/{id}/model.toml", get(products::download_model))
        .route("/console/footprints/{id}", get(products::show_footprint))
        .route("/console/footprints/{id}/line", get(products::line))
        .route("/console/footprints/{id}/verify", post(products::verify))
        .route("/console/footprints/{id}/publish", post(products::publish))
        .route("/console/publications/{id}/withdraw", post(products::withdraw))
        .route("/console/account", get(account::show))
        .route("/console/account/password", post(account::change_password))
        // The energy engineer's pages, their own module tree (crate::energy::console); mounted here.
        .merge(crate::energy::console::routes())
        // The platform operator's carbon-account pages (crate::account::console).
        .merge(crate::account::console::routes())
        // The PACT exchange's page (crate::pact::console).
        .merge(crate::pact::console::routes())
        // The person's own page (crate::account::person), under the same layer for language and CSRF.
        .merge(crate::account::person::routes())
        // Supplier assessment campaigns (crate::supplier).
        .merge(crate::supplier::routes())
        .fallback(not_found)
}

async fn not_found(web: WebContext) -> Response {
    error_page::ErrorPage::not_found(&web).into_response()
}
