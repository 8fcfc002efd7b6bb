//! The energy engineer's console pages (能源): a facility's analysis, its meter tree, the readings import with its
//! preview, the live view fed by server-sent events, and measures. Their own module tree, one file per page, with
//! templates `energy_*.html` and words in `tanji_i18n::energy::console`; `console::routes` only mounts them.
//!
//! Every page needs `ViewEnergy` (a member without it gets 403), every change `EditEnergy`; facilities are found
//! through the store with the actor, so another organisation's facility is a 404 like a missing one.

pub mod analysis;
mod chain;
mod import;
mod live;
pub(crate) mod meters;
mod pages;
mod production;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tanji_i18n::energy::console::EnergyText;
use tanji_tenancy::facility::Facility;
use tanji_tenancy::{FacilityId, Permission};

use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, Section};
use crate::state::AppState;
use crate::web_context::Console;

/// The energy pages' routes (under the web-context layer, like every console page).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/energy", get(pages::landing))
        .route("/console/energy/facilities/{id}", get(pages::analysis))
        .route("/console/energy/facilities/{id}/meters", get(meters::show).post(meters::add))
        .route("/console/energy/facilities/{id}/meters/{form}", post(meters::save_tree))
        .route("/console/energy/facilities/{id}/measures", get(pages::measures).post(pages::record_measure))
        .route("/console/energy/facilities/{id}/production", get(production::show))
        .route("/console/energy/facilities/{id}/production/template.csv", get(production::template))
        .route("/console/energy/facilities/{id}/production/preview", post(production::preview))
        .route("/console/energy/facilities/{id}/production/confirm", post(production::confirm))
        .route("/console/energy/facilities/{id}/chain", get(chain::show))
        .route("/console/energy/facilities/{id}/chain/parent", post(chain::set_parent))
        .route("/console/energy/facilities/{id}/chain/footprint", post(chain::to_footprint))
        .route("/console/energy/facilities/{id}/chain/inventory", post(chain::to_inventory))
        .route("/console/energy/facilities/{id}/chain/inventory/preview", post(chain::preview_inventory))
        .route("/console/energy/import", get(import::show))
        .route("/console/energy/import/preview", post(import::preview))
        .route("/console/energy/import/confirm", post(import::confirm))
        .route("/console/energy/live", get(live::show))
        .route("/console/energy/live/stream", get(live::stream))
}

/// Which energy page is showing, for the tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Facilities,
    Analysis,
    Meters,
    Measures,
    Chain,
    Production,
    Import,
    Live,
}

/// A tab of the energy pages.
#[derive(Debug)]
pub struct TabLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs: a facility's pages when one is chosen, the organisation's import and live view always.
pub fn tabs(et: &'static EnergyText, facility_id: Option<&str>, current: Tab) -> Vec<TabLink> {
    let mut links = Vec::new();
    match facility_id {
        Some(id) => {
            links.push(TabLink {
                href: format!("/console/energy/facilities/{id}"),
                label: et.tab_analysis,
                current: current == Tab::Analysis,
            });
            links.push(TabLink {
                href: format!("/console/energy/facilities/{id}/meters"),
                label: et.tab_meters,
                current: current == Tab::Meters,
            });
            links.push(TabLink {
                href: format!("/console/energy/facilities/{id}/measures"),
                label: et.tab_measures,
                current: current == Tab::Measures,
            });
            links.push(TabLink {
                href: format!("/console/energy/facilities/{id}/production"),
                label: et.tab_production,
                current: current == Tab::Production,
            });
            links.push(TabLink {
                href: format!("/console/energy/facilities/{id}/chain"),
                label: et.tab_chain,
                current: current == Tab::Chain,
            });
        }
        None => links.push(TabLink {
            href: "/console/energy".to_owned(),
            label: et.choose_facility,
            current: current == Tab::Facilities,
        }),
    }
    links.push(TabLink {
        href: "/console/energy/import".to_owned(),
        label: et.tab_import,
        current: current == Tab::Import,
    });
    links.push(TabLink { href: "/console/energy/live".to_owned(), label: et.tab_live, current: current == Tab::Live });
    links
}

/// The frame of an energy page, or the 403 page for a member without `ViewEnergy`. A one-off `notice` in the query
/// is one of the energy pages' own names, never text from the URL.
pub fn energy_frame(console: &Console, title: &str) -> Result<(Frame, &'static EnergyText), Box<ErrorPage>> {
    if !console.actor().may(Permission::ViewEnergy) {
        return Err(Box::new(ErrorPage::forbidden(&console.web)));
    }
    let et = EnergyText::of(console.text().language);
    let mut frame = Frame::console(console, Section::Energy, title);
    if let Some(query) = console.web.path.split_once('?').map(|(_, query)| query) {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == "notice" {
                match value.as_ref() {
                    "meter_added" => frame.notice = Some(et.meter_added),
                    "imported" => frame.notice = Some(et.imported_notice),
                    "measure_recorded" => frame.notice = Some(et.measure_recorded),
                    "tree_saved" => frame.notice = Some(et.tree_saved),
                    _ => {}
                }
            }
        }
    }
    Ok((frame, et))
}

/// A facility's energy page about to be drawn: its frame, the words in the reader's language and the facility.
pub struct FacilityPage {
    pub frame: Frame,
    pub et: &'static EnergyText,
    pub facility: Facility,
}

/// The one prologue of a facility's energy page: the member needs `ViewEnergy` (else the 403 page), and the facility
/// of the path must be their organisation's (another organisation's, a missing one and an id that does not read are
/// the same 404). `title` picks the page's title from the words.
pub async fn facility_page(
    state: &AppState,
    console: &Console,
    id: &str,
    title: fn(&'static EnergyText) -> &'static str,
) -> Result<FacilityPage, Response> {
    let (frame, et) =
        energy_frame(console, title(EnergyText::of(console.text().language))).map_err(|page| page.into_response())?;
    let facility = facility_of(state, console, id).await?;
    Ok(FacilityPage { frame, et, facility })
}

/// The one prologue of a form sent to a facility's energy pages: the member needs every permission of `needs` (else
/// the 403 page) and the facility must be theirs (else 404, as on the pages). The session and the form's CSRF token
/// were checked before the handler ran (`web_context`: a POST without the session's token never reaches it).
pub async fn facility_form(
    state: &AppState,
    console: &Console,
    id: &str,
    needs: &[Permission],
) -> Result<Facility, Response> {
    let actor = console.actor();
    if !needs.iter().all(|permission| actor.may(*permission)) {
        return Err(ErrorPage::forbidden(&console.web).into_response());
    }
    facility_of(state, console, id).await
}

/// Reads the facility of the path, refusing another organisation's (404) and a malformed id (404).
async fn facility_of(state: &AppState, console: &Console, id: &str) -> Result<Facility, Response> {
    let Ok(facility_id) = id.parse::<FacilityId>() else {
        return Err(ErrorPage::not_found(&console.web).into_response());
    };
    state
        .store()
        .facility(console.actor(), facility_id)
        .await
        .map_err(|error| ErrorPage::from_store(&console.web, error).into_response())
}
