//! The frame around every console page: navigation, organisation switcher, language switch, notices.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tanji_tenancy::Permission;

use crate::assets;
use crate::i18n::Text;
use crate::web_context::{Console, WebContext};

/// A link in the navigation.
#[derive(Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// An organisation in the switcher.
#[derive(Debug)]
pub struct OrganisationOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// Everything the layout template needs.
#[derive(Debug)]
pub struct Frame {
    pub t: &'static Text,
    pub title: String,
    pub csrf_token: String,
    pub path: String,
    pub user_name: Option<String>,
    pub organisation_name: Option<String>,
    pub organisation_kind: Option<&'static str>,
    pub role: Option<&'static str>,
    pub organisations: Vec<OrganisationOption>,
    pub nav: Vec<NavItem>,
    pub notice: Option<&'static str>,
    pub css_url: String,
    pub htmx_url: String,
    pub echarts_url: String,
    pub console_js_url: String,
}

/// Which page is showing, to highlight it in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Overview,
    Organisation,
    Facilities,
    Members,
    Tokens,
    Suppliers,
    Audit,
    Tenants,
    Account,
    Inventory,
    Activities,
    Factors,
    Products,
    Energy,
    CarbonAccount,
    SupplierAssessment,
}

/// One-off confirmations shown after a redirect, named in the `notice` query parameter. Only these names are
/// accepted, so the parameter cannot inject text.
pub fn notice_text(t: &'static Text, name: &str) -> Option<&'static str> {
    Some(match name {
        "saved" => t.saved,
        "facility_created" => t.facility_created,
        "facility_archived" => t.facility_archived,
        "facility_restored" => t.facility_restored,
        "member_added" => t.member_added,
        "member_removed" => t.member_removed,
        "role_changed" => t.role_changed,
        "token_revoked" => t.token_revoked,
        "link_ended" => t.link_ended,
        "link_created" => t.link_created,
        "invitation_withdrawn" => t.invitation_withdrawn,
        "organisation_registered" => t.organisation_registered,
        "password_changed" => t.password_changed,
        "logged_out" => t.logged_out,
        "session_expired" => t.session_expired,
        "registered" => t.registered_welcome,
        "joined" => t.joined,
        "inventory_computed" => t.inventory_computed,
        "inventory_verified" => t.inventory_verified,
        "imported" => t.imported,
        "activity_saved" => t.activity_saved,
        "activity_deleted" => t.activity_deleted,
        "verifier_engaged" => t.verifier_engaged,
        "verifier_engagement_ended" => t.verifier_engagement_ended,
        _ => return None,
    })
}

fn notice_from_path(t: &'static Text, path: &str) -> Option<&'static str> {
    let query = path.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "notice")
        .and_then(|(_, value)| notice_text(t, &value))
}

impl Frame {
    /// The frame of a logged-in console page.
    pub fn console(console: &Console, section: Section, title: &str) -> Self {
        let t = console.text();
        let actor = console.actor();
        let session = &console.session;
        let mut nav = vec![
            NavItem { href: "/console", label: t.nav_overview, current: section == Section::Overview },
            NavItem {
                href: "/console/organisation",
                label: t.nav_organisation,
                current: section == Section::Organisation,
            },
            NavItem { href: "/console/facilities", label: t.nav_facilities, current: section == Section::Facilities },
            NavItem { href: "/console/members", label: t.nav_members, current: section == Section::Members },
            NavItem { href: "/console/suppliers", label: t.nav_suppliers, current: section == Section::Suppliers },
            NavItem {
                href: crate::supplier::CAMPAIGNS_PATH,
                label: tanji_i18n::supplier::console::CampaignText::of(t.language).nav_assessment,
                current: section == Section::SupplierAssessment,
            },
        ];
        if actor.may(Permission::ViewInventory) {
            nav.push(NavItem {
                href: "/console/inventory",
                label: t.nav_inventory,
                current: matches!(section, Section::Inventory | Section::Activities),
            });
            nav.push(NavItem { href: "/console/factors", label: t.nav_factors, current: section == Section::Factors });
        }
        if actor.may(Permission::ViewFootprints) {
            nav.push(NavItem {
                href: "/console/products",
                label: t.nav_products,
                current: section == Section::Products,
            });
        }
        if actor.may(Permission::PublishLabels) {
            nav.push(NavItem {
                href: crate::pact::console::PATH,
                label: tanji_i18n::pact::PactText::of(t.language).nav_pact,
                current: false,
            });
        }
        if actor.may(Permission::ViewEnergy) {
            nav.push(NavItem {
                href: "/console/energy",
                label: tanji_i18n::energy::console::EnergyText::of(t.language).nav_energy,
                current: section == Section::Energy,
            });
        }
        if actor.may(Permission::ViewAccountScheme) {
            nav.push(NavItem {
                href: "/console/carbon-account",
                label: tanji_i18n::account::onboarding::OnboardingText::of(t.language).nav_carbon_account,
                current: section == Section::CarbonAccount,
            });
        }
        if actor.may(Permission::ManageOwnTokens) {
            nav.push(NavItem { href: "/console/tokens", label: t.nav_tokens, current: section == Section::Tokens });
        }
        if actor.may(Permission::ViewAuditLog) {
            nav.push(NavItem { href: "/console/audit", label: t.nav_audit, current: section == Section::Audit });
        }
        if actor.may(Permission::ManageTenants) {
            nav.push(NavItem { href: "/console/tenants", label: t.nav_tenants, current: section == Section::Tenants });
        }
        let current_name = session
            .memberships
            .iter()
            .find(|membership| membership.organisation_id == actor.organisation_id)
            .map(|membership| membership_name(t, membership));
        Self {
            user_name: Some(session.user.display_name.as_str().to_owned()),
            organisation_name: current_name,
            organisation_kind: Some(t.organisation_kind(&actor.organisation_kind)),
            role: Some(t.role(&actor.role)),
            organisations: session
                .memberships
                .iter()
                .map(|membership| OrganisationOption {
                    id: membership.organisation_id.to_string(),
                    name: membership_name(t, membership),
                    selected: membership.organisation_id == actor.organisation_id,
                })
                .collect(),
            nav,
            ..Self::public(&console.web, title)
        }
    }

    /// The frame of a page seen without logging in (login, invitations, errors).
    pub fn public(web: &WebContext, title: &str) -> Self {
        let t = web.text();
        Self {
            t,
            title: title.to_owned(),
            csrf_token: web.csrf_token.clone(),
            path: web.path.clone(),
            user_name: None,
            organisation_name: None,
            organisation_kind: None,
            role: None,
            organisations: Vec::new(),
            nav: Vec::new(),
            notice: notice_from_path(t, &web.path),
            css_url: assets::url("console.css"),
            htmx_url: assets::url("vendor/htmx.min.js"),
            echarts_url: assets::url("vendor/echarts.min.js"),
            console_js_url: assets::url("console.js"),
        }
    }

    /// Whether the organisation switcher has anything to switch to.
    pub fn can_switch(&self) -> bool {
        self.organisations.len() > 1
    }

    /// Where the language switch comes back to: this page with its query (filters, paging), minus a one-off notice.
    pub fn return_path(&self) -> String {
        without_notice(&self.path)
    }
}

/// An organisation's name in the reader's language, for the header and the switcher.
fn membership_name(t: &'static Text, membership: &tanji_tenancy::member::Membership) -> String {
    tanji_tenancy::organisation::name_in(
        t.language,
        &membership.organisation_name,
        membership.organisation_name_en.as_ref(),
    )
    .to_owned()
}

/// `path` without its `notice` query parameter.
fn without_notice(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else { return path_and_query.to_owned() };
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != "notice")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    format!("{path}?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish())
}

/// Renders a page, or a plain 500 if the template fails (it cannot, short of a bug, but must not panic).
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "rendering a page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_notice;

    #[test]
    fn the_language_switch_keeps_filters_but_not_notices() {
        assert_eq!(without_notice("/console/facilities"), "/console/facilities");
        assert_eq!(without_notice("/console/facilities?archived=true"), "/console/facilities?archived=true");
        assert_eq!(without_notice("/console/facilities?notice=saved"), "/console/facilities");
        assert_eq!(
            without_notice("/console/audit?notice=saved&action=facility.created"),
            "/console/audit?action=facility.created"
        );
    }
}
