//! `/console/members`: members and roles; inviting people (they join by accepting at `/join/{code}`, see
//! `join.rs`), withdrawing invitations, changing roles and removing members.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_tenancy::member::{Email, Role};
use tanji_tenancy::member_invitation::MemberInvitationState;
use tanji_tenancy::{FieldError, MemberInvitationId, Permission, UserId};

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::i18n::Text;
use crate::links::member_invitation_link;
use crate::state::AppState;
use crate::web_context::Console;

/// A row of the members table.
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub role_options: Vec<SelectOption>,
    pub joined_at: String,
    pub is_self: bool,
}

/// An open invitation, as a row.
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub created_at: String,
    pub expires_at: String,
}

/// The invite form: an address and a role. Nothing else — the invited person chooses their name and password.
#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

impl InviteForm {
    fn parse(&self) -> Result<(Email, Role), FieldError> {
        Ok((Email::parse(&self.email)?, Role::parse("role", &self.role)?))
    }
}

fn role_options(t: &'static Text, selected: &str) -> Vec<SelectOption> {
    Role::ALL
        .into_iter()
        .map(|role| SelectOption {
            value: role.as_str(),
            label: t.role(&role).to_owned(),
            selected: role.as_str() == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    frame: Frame,
    rows: Vec<MemberRow>,
    can_manage: bool,
    invitations: Vec<InvitationRow>,
    form: InviteForm,
    new_member_roles: Vec<SelectOption>,
    errors: FormErrors,
    created_link: Option<String>,
}

#[derive(Default)]
struct PageInput {
    form: InviteForm,
    errors: FormErrors,
    created_link: Option<String>,
}

async fn page(state: &AppState, console: &Console, input: PageInput, status: StatusCode) -> Response {
    let t = console.text();
    let actor = console.actor();
    let members = match state.store().list_members(actor).await {
        Ok(members) => members,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let can_manage = actor.may(Permission::ManageMembers);
    let invitations = if can_manage {
        match state.store().list_member_invitations(actor).await {
            Ok(invitations) => invitations,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let now = state.store().clock().now();
    let rows = members
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user.id.to_string(),
            is_self: member.user.id == actor.user_id,
            name: member.user.display_name.as_str().to_owned(),
            email: member.user.email.as_str().to_owned(),
            role: t.role(&member.role),
            role_options: role_options(t, member.role.as_str()),
            joined_at: member.joined_at.strftime("%Y-%m-%d").to_string(),
        })
        .collect();
    let invitations = invitations
        .into_iter()
        .filter(|invitation| invitation.state(now) == MemberInvitationState::Open)
        .map(|invitation| InvitationRow {
            id: invitation.id.to_string(),
            email: invitation.email.as_str().to_owned(),
            role: t.role(&invitation.role),
            created_at: invitation.created_at.strftime("%Y-%m-%d").to_string(),
            expires_at: invitation.expires_at.strftime("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let form = input.form;
    let selected_role = if form.role.is_empty() { Role::Viewer.as_str().to_owned() } else { form.role.clone() };
    let page = MembersPage {
        frame: Frame::console(console, Section::Members, t.members_title),
        rows,
        can_manage,
        invitations,
        new_member_roles: role_options(t, &selected_role),
        form,
        errors: input.errors,
        created_link: input.created_link,
    };
    render(status, &page)
}

/// `GET /console/members`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, PageInput::default(), StatusCode::OK).await
}

/// `POST /console/members/invitations`: invites a person and shows the link once. The page looks the same whether or
/// not the address has an account.
pub async fn invite(State(state): State<AppState>, console: Console, Form(form): Form<InviteForm>) -> Response {
    let (email, role) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            let input = PageInput { errors: FormErrors::field(console.text(), &error), form, ..PageInput::default() };
            return page(&state, &console, input, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().invite_member(console.actor(), &email, role).await {
        Ok((_, code)) => {
            let link = member_invitation_link(&state, &code);
            let input = PageInput { created_link: Some(link), ..PageInput::default() };
            let mut response = page(&state, &console, input, StatusCode::CREATED).await;
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                page(&state, &console, PageInput { errors, form, ..PageInput::default() }, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/members/invitations/{id}/revoke`.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    console: Console,
    Path(raw_id): Path<String>,
) -> Response {
    let Ok(id) = raw_id.parse::<MemberInvitationId>() else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    match state.store().revoke_member_invitation(console.actor(), id).await {
        Ok(_) => Redirect::to("/console/members?notice=invitation_withdrawn").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// The role-change form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /console/members/{user_id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    console: Console,
    Path(raw_id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Response {
    let Ok(user_id) = raw_id.parse::<UserId>() else { return ErrorPage::not_found(&console.web).into_response() };
    let role = match Role::parse("role", &form.role) {
        Ok(role) => role,
        Err(error) => return ErrorPage::from_store(&console.web, error.into()).into_response(),
    };
    match state.store().change_member_role(console.actor(), user_id, role).await {
        // Demoting oneself can remove access to this very page; the overview is always visible.
        Ok(_) if user_id == console.actor().user_id => Redirect::to("/console?notice=role_changed").into_response(),
        Ok(_) => Redirect::to("/console/members?notice=role_changed").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/members/{user_id}/remove`.
pub async fn remove(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    let Ok(user_id) = raw_id.parse::<UserId>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().remove_member(console.actor(), user_id).await {
        Ok(()) if user_id == console.actor().user_id => Redirect::to("/login").into_response(),
        Ok(()) => Redirect::to("/console/members?notice=member_removed").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
