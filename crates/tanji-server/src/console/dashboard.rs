//! `GET /console`: the overview dashboard.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tanji_tenancy::Permission;

use super::charts::{self, Chart};
use super::error_page::ErrorPage;
use super::frame::{Frame, Section, render};
use crate::state::AppState;
use crate::web_context::Console;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    frame: Frame,
    n_facilities: i64,
    n_members: i64,
    n_suppliers: i64,
    n_customers: i64,
    charts: Vec<Chart>,
    can_add_facility: bool,
    activity_is_empty: bool,
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
    let page = DashboardPage {
        frame: Frame::console(&console, Section::Overview, t.overview_title),
        n_facilities: overview.n_facilities(),
        n_members: overview.n_members(),
        n_suppliers: overview.n_suppliers,
        n_customers: overview.n_customers,
        charts,
        can_add_facility: console.actor().may(Permission::EditFacilities),
        activity_is_empty,
    };
    render(StatusCode::OK, &page)
}
