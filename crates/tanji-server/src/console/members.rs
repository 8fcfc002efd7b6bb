//! `/console/members`: members, roles, adding and removing people.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::NewMember;
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::{FieldError, Permission, UserId};

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::i18n::Text;
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

/// The add-member form.
#[derive(Debug, Default, Deserialize)]
pub struct AddMemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    initial_password: String,
}

impl AddMemberForm {
    fn parse(&self) -> Result<NewMember, FieldError> {
        let optional = |text: &str| (!text.trim().is_empty()).then_some(text.to_owned());
        Ok(NewMember {
            email: Email::parse(&self.email)?,
            display_name: optional(&self.display_name).as_deref().map(DisplayName::parse).transpose()?,
            role: Role::parse("role", &self.role)?,
            initial_password: optional(&self.initial_password).as_deref().map(Password::parse_new).transpose()?,
        })
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
    form: AddMemberForm,
    new_member_roles: Vec<SelectOption>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    console: &Console,
    form: AddMemberForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let members = match state.store().list_members(console.actor()).await {
        Ok(members) => members,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let rows = members
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user.id.to_string(),
            is_self: member.user.id == console.actor().user_id,
            name: member.user.display_name.as_str().to_owned(),
            email: member.user.email.as_str().to_owned(),
            role: t.role(&member.role),
            role_options: role_options(t, member.role.as_str()),
            joined_at: member.joined_at.strftime("%Y-%m-%d").to_string(),
        })
        .collect();
    let selected_role = if form.role.is_empty() { Role::Viewer.as_str().to_owned() } else { form.role.clone() };
    let page = MembersPage {
        frame: Frame::console(console, Section::Members, t.members_title),
        rows,
        can_manage: console.actor().may(Permission::ManageMembers),
        new_member_roles: role_options(t, &selected_role),
        form,
        errors,
    };
    render(status, &page)
}

/// `GET /console/members`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, AddMemberForm::default(), FormErrors::none(), StatusCode::OK).await
}

/// `POST /console/members`.
pub async fn add(State(state): State<AppState>, console: Console, Form(form): Form<AddMemberForm>) -> Response {
    let new_member = match form.parse() {
        Ok(new_member) => new_member,
        Err(error) => {
            let errors = FormErrors::field(console.text(), &error);
            return page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().add_member(console.actor(), &new_member).await {
        Ok(_) => Redirect::to("/console/members?notice=member_added").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            // Never send a password back to the browser.
            Outcome::ShowForm(errors, status) => {
                page(&state, &console, AddMemberForm { initial_password: String::new(), ..form }, errors, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
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
