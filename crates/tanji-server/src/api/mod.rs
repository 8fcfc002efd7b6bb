//! The REST API under `/api/v1`, authenticated by API tokens, described by an OpenAPI 3 document generated from the
//! handlers' annotations and served at `/api/v1/openapi.json`.

mod account;
mod account_campaigns;
mod account_events;
mod audit;
pub(crate) mod auth;
mod dto;
mod energy;
pub(crate) mod extract;
mod facilities;
pub mod inventory;
mod members;
mod organisation;
pub mod products;
mod supplier_links;
mod tokens;
mod verification;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tanji API",
        description = "The REST API of tanji (碳迹), the green supply-chain carbon platform.\n\n\
            Authenticate with an API token created on the console's *API tokens* page: \
            `Authorization: Bearer tanji_pat_…`. A token acts in one organisation for the member who created it, \
            limited by its scopes (`read`, `write`, `admin`) and by that member's current role.\n\n\
            Errors are `{\"code\", \"message\", \"field\"}` with stable codes; see the `ErrorBody` schema.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "organisation", description = "The caller's organisation"),
        (name = "facilities", description = "Factories, warehouses, offices and shops"),
        (name = "members", description = "People and their roles"),
        (name = "tokens", description = "API tokens for machine clients"),
        (name = "supplier links", description = "Customer–supplier links and invitations"),
        (name = "audit", description = "The audit log of changes"),
        (name = "tenants", description = "The tenant directory (platform operator)"),
        (name = "product footprints", description = "Products, model versions, footprints and carbon labels"),
        (name = "verification", description = "Engagements of independent verification bodies"),
        (name = "carbon account", description = "A carbon-account scheme (run by a platform operator or a retailer platform): methodologies and their expert review, sub-platforms with behaviours and API credentials, parent accounts, identity links with consent, campaigns with provincial and national leaderboards, passes to persons' own pages; and the person's own account (`/api/v1/me/…`, with the person's pass `tanji_person_…` as the bearer token)"),
        (name = "carbon account events", description = "A sub-platform's events, exactly once (authenticated by the sub-platform's own `tanji_sub_…` credential, security scheme `sub_platform`): batches of events, each answered with its outcome — credited, capped, held for review, rejected with a reason — and the outcomes read back for reconciliation. The same events arrive over NATS JetStream (docs/account-events.md)"),
        (name = "supplier assessment", description = "Supplier assessment campaigns: launch on a framework version, questionnaires answered in versions with evidence files, reviewers' decisions, scorecards and the ranking (JSON or CSV)"),
        (name = "energy", description = "Energy meters, readings (idempotent batches) and their roll-ups; sites (areas, lines, meter placement), production, analysis of stored data, measures with verified savings"),
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tanji_pat_…")
                    .description(Some("An API token created on the console's API tokens page."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sub_platform",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tanji_sub_…")
                    .description(Some(
                        "A sub-platform's credential, issued by the scheme's operator: reports that sub-platform's \
                         events and reads their outcomes, nothing else.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's routes and its OpenAPI document, built from the same list so they cannot disagree.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organisation::get_me))
        .routes(routes!(organisation::get_organisation, organisation::patch_organisation))
        .routes(routes!(organisation::list_tenants, organisation::register_tenant))
        .routes(routes!(facilities::list_facilities, facilities::create_facility))
        .routes(routes!(facilities::get_facility, facilities::update_facility))
        .routes(routes!(facilities::archive_facility))
        .routes(routes!(facilities::restore_facility))
        .routes(routes!(members::list_members))
        .routes(routes!(members::list_invitations, members::create_invitation))
        .routes(routes!(members::revoke_invitation))
        .routes(routes!(members::change_role, members::remove_member))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(supplier_links::list_links))
        .routes(routes!(supplier_links::end_link))
        .routes(routes!(supplier_links::shared_by_supplier))
        .routes(routes!(supplier_links::list_invitations, supplier_links::create_invitation))
        .routes(routes!(supplier_links::withdraw_invitation))
        .routes(routes!(supplier_links::accept_invitation))
        .routes(routes!(verification::list_engagements, verification::engage))
        .routes(routes!(verification::end_engagement))
        .routes(routes!(verification::list_bodies))
        .routes(routes!(verification::list_clients))
        .routes(routes!(audit::list_audit_events))
        .routes(routes!(inventory::list_activities, inventory::add_activities))
        .routes(routes!(inventory::import_activities))
        .routes(routes!(inventory::list_inventories, inventory::compute_inventory))
        .routes(routes!(inventory::get_inventory))
        .routes(routes!(inventory::verify_inventory))
        .routes(routes!(inventory::search_factors, inventory::add_own_factors))
        .routes(routes!(inventory::get_factor))
        .routes(routes!(products::list_products, products::create_product))
        .routes(routes!(products::get_product))
        .routes(routes!(products::set_baseline))
        .routes(routes!(products::list_models, products::save_model))
        .routes(routes!(products::get_model))
        .routes(routes!(products::list_footprints, products::compute_footprint))
        .routes(routes!(products::get_footprint))
        .routes(routes!(products::verify_footprint))
        .routes(routes!(products::publish_footprint))
        .routes(routes!(products::list_publications))
        .routes(routes!(products::withdraw_publication))
        .routes(routes!(energy::post_readings))
        .routes(routes!(energy::list_meters, energy::create_meter))
        .routes(routes!(energy::get_rollups))
        .routes(routes!(energy::get_site, energy::put_site))
        .routes(routes!(energy::put_area))
        .routes(routes!(energy::put_line))
        .routes(routes!(energy::put_placement))
        .routes(routes!(energy::post_production))
        .routes(routes!(energy::get_analysis))
        .routes(routes!(energy::list_measures, energy::create_measure))
        .routes(routes!(energy::post_measured_energy))
        .routes(routes!(energy::get_intensity))
        .routes(routes!(energy::post_metered_energy))
        .routes(routes!(energy::put_parent))
        .routes(routes!(energy::get_totals))
        .routes(routes!(account::list_methodologies, account::create_methodology))
        .routes(routes!(account::create_methodology_version))
        .routes(routes!(account::get_methodology))
        .routes(routes!(account::submit_methodology))
        .routes(routes!(account::sign_off_methodology))
        .routes(routes!(account::start_public_notice))
        .routes(routes!(account::approve_methodology))
        .routes(routes!(account::retire_methodology))
        .routes(routes!(account::list_sub_platforms, account::register_sub_platform))
        .routes(routes!(account::get_sub_platform))
        .routes(routes!(account::list_credentials, account::issue_credential))
        .routes(routes!(account::revoke_credential))
        .routes(routes!(account::list_links, account::link_identity))
        .routes(routes!(account::unlink_identity))
        .routes(routes!(account::list_parent_accounts, account::open_parent_account))
        .routes(routes!(account_campaigns::list_campaigns, account_campaigns::create_campaign))
        .routes(routes!(account_campaigns::get_leaderboard))
        .routes(routes!(account_campaigns::issue_pass))
        .routes(routes!(account_campaigns::get_my_account))
        .routes(routes!(account_campaigns::post_my_spend))
        .routes(routes!(account_events::post_events, account_events::list_outcomes))
        .routes(routes!(account_events::get_outcome))
        .routes(routes!(crate::supplier::api::list_campaigns, crate::supplier::api::launch_campaign))
        .routes(routes!(crate::supplier::api::list_asked))
        .routes(routes!(crate::supplier::api::get_campaign))
        .routes(routes!(crate::supplier::api::get_ranking))
        .routes(routes!(crate::supplier::api::get_questionnaire))
        .routes(routes!(crate::supplier::api::post_answer))
        .routes(routes!(crate::supplier::api::reopen_answer))
        .routes(routes!(crate::supplier::api::post_evidence))
        .routes(routes!(crate::supplier::api::submit))
        .routes(routes!(crate::supplier::api::post_decision))
        .routes(routes!(crate::supplier::api::get_evidence))
        .split_for_parts()
}

/// The API router with its document at `/api/v1/openapi.json` and JSON 404s for unknown API paths.
pub fn routes() -> Router<AppState> {
    let (router, openapi) = router();
    let document: Arc<String> = Arc::new(openapi.to_pretty_json().expect("the OpenAPI document serialises"));
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = document.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], document.as_str().to_owned()).into_response() }
            }),
        )
        .route("/api/{*rest}", axum::routing::any(|| async { ApiError::not_found() }))
        // Answers carry organisations' data and depend on the token: no shared or browser cache may keep them.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}
