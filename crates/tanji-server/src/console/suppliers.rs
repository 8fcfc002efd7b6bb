//! `/console/suppliers`: links with suppliers and customers, invitations.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_tenancy::supplier_link::{InvitationDetails, InvitationState, SupplierLink};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, InvitationId, Permission, SupplierLinkId};

use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::links::invitation_link;
use crate::state::AppState;
use crate::web_context::Console;

/// A linked organisation, as a row.
pub struct LinkRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub linked_at: String,
    pub active: bool,
    pub can_end: bool,
}

/// A sent invitation, as a row.
pub struct InvitationRow {
    pub id: String,
    pub supplier_name: String,
    pub state: &'static str,
    pub open: bool,
    pub created_at: String,
    pub expires_at: String,
}

/// The invite form.
#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    supplier_name: String,
    #[serde(default)]
    message: String,
}

/// The accept form.
#[derive(Debug, Default, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    code_or_link: String,
}

#[derive(Template)]
#[template(path = "suppliers.html")]
struct SuppliersPage {
    frame: Frame,
    suppliers: Vec<LinkRow>,
    customers: Vec<LinkRow>,
    invitations: Vec<InvitationRow>,
    can_invite: bool,
    can_accept: bool,
    invite_form: InviteForm,
    invite_errors: FormErrors,
    accept_form: AcceptForm,
    accept_errors: FormErrors,
    created_link: Option<String>,
}

#[derive(Default)]
struct PageInput {
    invite_form: InviteForm,
    invite_errors: FormErrors,
    accept_form: AcceptForm,
    accept_errors: FormErrors,
    created_link: Option<String>,
}

async fn page(state: &AppState, console: &Console, input: PageInput, status: StatusCode) -> Response {
    let t = console.text();
    let actor = console.actor();
    let links = match state.store().list_supplier_links(actor, false).await {
        Ok(links) => links,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let can_invite = actor.may(Permission::ManageSuppliers);
    let invitations = if can_invite {
        match state.store().list_invitations(actor).await {
            Ok(invitations) => invitations,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let now = state.store().clock().now();
    let to_row = |link: &SupplierLink, we_are_customer: bool| {
        let other = if we_are_customer { &link.supplier } else { &link.customer };
        LinkRow {
            id: link.id.to_string(),
            name: tanji_tenancy::organisation::name_in(t.language, &other.name, other.name_en.as_ref()).to_owned(),
            kind: t.organisation_kind(&other.kind),
            linked_at: link.linked_at.strftime("%Y-%m-%d").to_string(),
            active: link.is_active(),
            can_end: actor.may(if we_are_customer { Permission::ManageSuppliers } else { Permission::ManageCustomers }),
        }
    };
    let page = SuppliersPage {
        frame: Frame::console(console, Section::Suppliers, t.suppliers_title),
        suppliers: links
            .iter()
            .filter(|link| link.customer.id == actor.organisation_id)
            .map(|link| to_row(link, true))
            .collect(),
        customers: links
            .iter()
            .filter(|link| link.supplier.id == actor.organisation_id)
            .map(|link| to_row(link, false))
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|invitation| {
                let state = invitation.state(now);
                InvitationRow {
                    id: invitation.id.to_string(),
                    supplier_name: invitation.supplier_name,
                    state: t.invitation_state(&state),
                    open: state == InvitationState::Open,
                    created_at: invitation.created_at.strftime("%Y-%m-%d").to_string(),
                    expires_at: invitation.expires_at.strftime("%Y-%m-%d").to_string(),
                }
            })
            .collect(),
        can_invite,
        can_accept: actor.may(Permission::ManageCustomers),
        invite_form: input.invite_form,
        invite_errors: input.invite_errors,
        accept_form: input.accept_form,
        accept_errors: input.accept_errors,
        created_link: input.created_link,
    };
    render(status, &page)
}

/// `GET /console/suppliers`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, PageInput::default(), StatusCode::OK).await
}

/// `POST /console/suppliers/invitations`: shows the invitation link once.
pub async fn invite(State(state): State<AppState>, console: Console, Form(form): Form<InviteForm>) -> Response {
    let t = console.text();
    let details = match InvitationDetails::parse(&form.supplier_name, Some(&form.message)) {
        Ok(details) => details,
        Err(error) => {
            let input =
                PageInput { invite_errors: FormErrors::field(t, &error), invite_form: form, ..PageInput::default() };
            return page(&state, &console, input, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().create_invitation(console.actor(), &details).await {
        Ok((_, code)) => {
            let input = PageInput { created_link: Some(invitation_link(&state, &code)), ..PageInput::default() };
            let mut response = page(&state, &console, input, StatusCode::CREATED).await;
            response
                .headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                page(
                    &state,
                    &console,
                    PageInput { invite_errors: errors, invite_form: form, ..PageInput::default() },
                    status,
                )
                .await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// Takes the code out of a pasted invitation link, or the code itself.
pub fn invitation_code(pasted: &str) -> &str {
    let pasted = pasted.trim();
    pasted.rsplit('/').find(|segment| !segment.is_empty()).unwrap_or(pasted)
}

/// `POST /console/suppliers/accept`.
pub async fn accept(State(state): State<AppState>, console: Console, Form(form): Form<AcceptForm>) -> Response {
    let t = console.text();
    let code = invitation_code(&form.code_or_link).to_owned();
    if code.is_empty() {
        let errors = FormErrors::field(t, &FieldError::new("code_or_link", Problem::Required));
        let input = PageInput { accept_errors: errors, accept_form: form, ..PageInput::default() };
        return page(&state, &console, input, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.store().accept_invitation(console.actor(), &code).await {
        Ok(_) => Redirect::to("/console/suppliers?notice=link_created").into_response(),
        Err(tanji_store::StoreError::NotFound) => {
            let errors = FormErrors { messages: vec![t.invitation_unknown.to_owned()], fields: vec!["code_or_link"] };
            let input = PageInput { accept_errors: errors, accept_form: form, ..PageInput::default() };
            page(&state, &console, input, StatusCode::NOT_FOUND).await
        }
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                page(
                    &state,
                    &console,
                    PageInput { accept_errors: errors, accept_form: form, ..PageInput::default() },
                    status,
                )
                .await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/suppliers/invitations/{id}/withdraw`.
pub async fn withdraw(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    let Ok(id) = raw_id.parse::<InvitationId>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().revoke_invitation(console.actor(), id).await {
        Ok(_) => Redirect::to("/console/suppliers?notice=invitation_withdrawn").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/suppliers/links/{id}/end`.
pub async fn end_link(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    let Ok(id) = raw_id.parse::<SupplierLinkId>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().end_supplier_link(console.actor(), id).await {
        Ok(_) => Redirect::to("/console/suppliers?notice=link_ended").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::invitation_code;

    #[test]
    fn codes_are_taken_from_pasted_links() {
        assert_eq!(invitation_code(" tanji_inv_abc "), "tanji_inv_abc");
        assert_eq!(invitation_code("https://tanji.example/invitations/tanji_inv_abc"), "tanji_inv_abc");
        assert_eq!(invitation_code("https://tanji.example/invitations/tanji_inv_abc/"), "tanji_inv_abc");
        assert_eq!(invitation_code(""), "");
    }
}
