//! The console page of the PACT exchange (`/console/pact`): partners and their credentials (create → secret shown
//! once, revoke), the organisation's publications as partners receive them (or why they cannot), the declaration
//! of the carbon contents PACT requires, and the events received and sent. Words: `tanji_i18n::pact`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use tanji_i18n::pact::PactText;
use tanji_pact::Decimal;
use tanji_pact::mapping::CarbonContent;
use tanji_store::pact::{NewPactClient, PactSharing};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, SupplierLinkId};

use crate::console::error_page::ErrorPage;
use crate::console::forms::{FormErrors, Outcome};
use crate::console::frame::{Frame, Section, render};
use crate::state::AppState;
use crate::web_context::Console;

/// Where the page lives.
pub const PATH: &str = "/console/pact";

/// The page's routes, mounted by the console.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show))
        .route("/console/pact/clients", post(create))
        .route("/console/pact/clients/{id}/revoke", post(revoke))
        .route("/console/pact/publications/{id}/carbon", post(declare))
}

/// A partner row.
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub sharing: String,
    pub created_at: String,
    pub active: bool,
}

/// A publication row.
pub struct OfferRow {
    pub publication_id: String,
    pub label: String,
    pub product: String,
    pub status: &'static str,
    pub pcf: Option<String>,
    pub problems: Vec<&'static str>,
    pub needs_carbon: bool,
}

/// An event row.
pub struct EventRow {
    pub direction: &'static str,
    pub event_type: String,
    pub source: String,
    pub state: String,
    pub time: String,
    pub attempts: i64,
}

/// The create form.
#[derive(Debug, Default, Deserialize)]
pub struct ClientForm {
    #[serde(default)]
    name: String,
    /// `public` or a supplier link id.
    #[serde(default)]
    sharing: String,
    #[serde(default)]
    events_url: String,
}

/// The carbon-content form.
#[derive(Debug, Default, Deserialize)]
pub struct CarbonForm {
    #[serde(default)]
    fossil_kg_c: String,
    #[serde(default)]
    biogenic_kg_c: String,
}

/// A customer the sharing can be limited to.
pub struct CustomerChoice {
    pub link_id: String,
    pub name: String,
}

/// Credentials just created.
pub struct Created {
    pub client_id: String,
    pub secret: String,
    pub token_endpoint: String,
}

#[derive(Template)]
#[template(path = "pact.html")]
struct PactPage {
    frame: Frame,
    pt: &'static PactText,
    served: bool,
    clients: Vec<ClientRow>,
    customers: Vec<CustomerChoice>,
    offers: Vec<OfferRow>,
    events: Vec<EventRow>,
    form: ClientForm,
    errors: FormErrors,
    created: Option<Created>,
}

async fn page(
    state: &AppState,
    console: &Console,
    form: ClientForm,
    errors: FormErrors,
    created: Option<Created>,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let pt = PactText::of(t.language);
    let actor = console.actor();
    let store = state.store();
    let domain = super::host::issuer_domain(state);
    let loaded = async {
        Ok::<_, tanji_store::StoreError>((
            store.pact_clients(actor).await?,
            store.pact_offers(actor, &domain).await?,
            store.pact_events(actor).await?,
            store.customer_links_for_pact(actor).await?,
        ))
    };
    let (clients, offers, events, customers) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let clients = clients
        .into_iter()
        .map(|client| ClientRow {
            id: client.id,
            name: client.name,
            client_id: client.client_id,
            sharing: match client.sharing {
                PactSharing::Public => pt.sharing_public.to_owned(),
                PactSharing::Customer(_) => {
                    format!("{}{}", pt.sharing_customer, client.partner_name.unwrap_or_default())
                }
            },
            created_at: client.created_at.strftime("%Y-%m-%d").to_string(),
            active: client.revoked_at.is_none(),
        })
        .collect();
    let offers = offers
        .into_iter()
        .map(|offer| {
            let (pcf, problems) = match &offer.mapped {
                Ok(footprint) => (Some(footprint.pcf.pcf_excluding_biogenic_uptake.to_string()), Vec::new()),
                Err(problems) => (None, problems.iter().map(|problem| pt.mapping_problem(problem)).collect()),
            };
            let needs_carbon =
                offer.mapped.as_ref().err().is_some_and(|problems| {
                    problems.contains(&tanji_pact::MappingProblem::FossilCarbonContentNotDeclared)
                });
            let product = match t.language {
                tanji_i18n::Language::SimplifiedChinese => offer.product_name_zh,
                tanji_i18n::Language::English => offer.product_name_en,
            };
            OfferRow {
                publication_id: offer.publication_id,
                label: offer.label,
                product,
                status: offer.status.as_str(),
                pcf,
                problems,
                needs_carbon,
            }
        })
        .collect();
    let events = events
        .into_iter()
        .map(|event| EventRow {
            direction: if event.direction == "in" { pt.direction_in } else { pt.direction_out },
            event_type: event.event_type.trim_start_matches("org.wbcsd.pact.ProductFootprint.").to_owned(),
            source: event.event_source,
            state: event.state,
            time: event.received_at.strftime("%Y-%m-%d %H:%M").to_string(),
            attempts: event.attempts,
        })
        .collect();
    let page = PactPage {
        frame: Frame::console(console, Section::Products, pt.title),
        pt,
        served: state.config().reached_over_https(),
        clients,
        customers: customers.into_iter().map(|(link_id, name)| CustomerChoice { link_id, name }).collect(),
        offers,
        events,
        form,
        errors,
        created,
    };
    render(status, &page)
}

/// `GET /console/pact`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, ClientForm::default(), FormErrors::none(), None, StatusCode::OK).await
}

fn parse(form: &ClientForm) -> Result<NewPactClient, FieldError> {
    let sharing = match form.sharing.trim() {
        "" | "public" => PactSharing::Public,
        link => PactSharing::Customer(
            link.parse::<SupplierLinkId>()
                .map_err(|_| FieldError::new("sharing", Problem::Malformed { expected: "a customer" }))?,
        ),
    };
    let events_url = Some(form.events_url.trim().to_owned()).filter(|url| !url.is_empty());
    Ok(NewPactClient { name: form.name.trim().to_owned(), sharing, events_url })
}

/// `POST /console/pact/clients`: shows the new secret once, on this response only.
pub async fn create(State(state): State<AppState>, console: Console, Form(form): Form<ClientForm>) -> Response {
    let new = match parse(&form) {
        Ok(new) => new,
        Err(error) => {
            let errors = FormErrors::field(console.text(), &error);
            return page(&state, &console, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().create_pact_client(console.actor(), &new).await {
        Ok((client, secret)) => {
            let created = Created {
                client_id: client.client_id,
                secret,
                token_endpoint: format!("{}/auth/token", state.config().base_url()),
            };
            let mut response =
                page(&state, &console, ClientForm::default(), FormErrors::none(), Some(created), StatusCode::CREATED)
                    .await;
            // The secret is in this page only: keep it out of caches.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => page(&state, &console, form, errors, None, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/pact/clients/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    match state.store().revoke_pact_client(console.actor(), &id).await {
        Ok(()) => Redirect::to(PATH).into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/pact/publications/{id}/carbon`.
pub async fn declare(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<CarbonForm>,
) -> Response {
    let malformed =
        |field: &'static str| FieldError::new(field, Problem::Malformed { expected: "a number ≥ 0 such as 0.012" });
    let fossil = Decimal::parse(form.fossil_kg_c.trim()).map_err(|_| malformed("fossil_kg_c"));
    let biogenic = match form.biogenic_kg_c.trim() {
        "" => Ok(None),
        text => Decimal::parse(text).map(Some).map_err(|_| malformed("biogenic_kg_c")),
    };
    let content = match (fossil, biogenic) {
        (Ok(fossil_kg_c), Ok(biogenic_kg_c)) => CarbonContent { fossil_kg_c, biogenic_kg_c },
        (Err(error), _) | (_, Err(error)) => {
            let errors = FormErrors::field(console.text(), &error);
            return page(&state, &console, ClientForm::default(), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().declare_pact_carbon_content(console.actor(), &id, &content).await {
        Ok(()) => Redirect::to(PATH).into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                page(&state, &console, ClientForm::default(), errors, None, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}
