//! The supplier assessment engine's web side (供应商评估, issue 12): the console pages for the brand (campaigns,
//! launch, ranking with grade distribution, each supplier's scorecard, reviewers' accept/reject) and for the
//! supplier (its questionnaire, evidence upload, submission), and the REST endpoints under
//! `/api/v1/supplier-campaigns/…` (`api`, registered in `api::router` so they are in the OpenAPI document). Words in
//! `tanji_i18n::supplier::console`; the store module is `tanji_store::supplier_assessment`. `console::routes` only
//! mounts `routes()`.

pub mod api;
mod console;

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use tanji_csv::{Cell, CsvTable};
use tanji_i18n::Language;
use tanji_store::supplier_assessment::{AssessmentError, CampaignResults};
use tanji_supplier::campaign::CampaignProblem;
use tanji_supplier::evidence_file::EvidenceFileProblem;
use tanji_supplier::scoring::AnswerError;

use crate::state::AppState;

/// The assessment landing page, where the audit log's assessment entries lead.
pub const CAMPAIGNS_PATH: &str = "/console/supplier-assessment";

/// The console routes (under the web-context layer, like every console page).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(CAMPAIGNS_PATH, get(console::landing).post(console::launch))
        .route("/console/supplier-assessment/campaigns/{id}", get(console::campaign))
        .route("/console/supplier-assessment/campaigns/{id}/ranking.csv", get(console::ranking_download))
        .route("/console/supplier-assessment/participants/{id}", get(console::questionnaire))
        .route("/console/supplier-assessment/participants/{id}/answer", post(console::answer))
        .route("/console/supplier-assessment/participants/{id}/evidence", post(console::upload))
        .route("/console/supplier-assessment/participants/{id}/evidence/{evidence_id}", get(console::download))
        .route("/console/supplier-assessment/participants/{id}/evidence/{evidence_id}/decision", post(console::decide))
        .route("/console/supplier-assessment/participants/{id}/reopen", post(console::reopen))
        .route("/console/supplier-assessment/participants/{id}/submit", post(console::submit))
}

/// The stable code of a refused step (the API's `code`).
pub fn assessment_error_code(error: &AssessmentError) -> &'static str {
    match error {
        AssessmentError::Store(_) => "store",
        AssessmentError::Answer(refused) => match refused {
            AnswerError::UnknownIndicator { .. } => "unknown_indicator",
            AnswerError::UnknownTier { .. } => "unknown_tier",
            AnswerError::DuplicateEvidence { .. } => "duplicate_evidence",
            AnswerError::AlreadyAnswered { .. } => "already_answered",
            AnswerError::NothingToReopen { .. } => "nothing_to_reopen",
            AnswerError::UnknownEvidence { .. } => "unknown_evidence",
            AnswerError::SelfApproval { .. } => "self_approval",
        },
        AssessmentError::EvidenceFile(refused) => match refused {
            EvidenceFileProblem::Empty { .. } => "empty",
            EvidenceFileProblem::TooLarge { .. } => "too_large",
            EvidenceFileProblem::BadFileName { .. } => "bad_file_name",
            EvidenceFileProblem::TypeNotAccepted { .. } => "type_not_accepted",
            EvidenceFileProblem::NameDoesNotMatchContent { .. } => "name_does_not_match_content",
            EvidenceFileProblem::ActiveContent { .. } => "active_content",
        },
        AssessmentError::Campaign(refused) => match refused {
            CampaignProblem::UnknownFramework { .. } => "unknown_framework",
            CampaignProblem::NoSuppliers => "no_suppliers",
            CampaignProblem::LinkNotInForce { .. } => "link_not_in_force",
            CampaignProblem::DuplicateSupplier { .. } => "duplicate_supplier",
            CampaignProblem::DueDateInPast { .. } => "due_date_in_past",
            CampaignProblem::AnswerSubmitted { .. } => "answer_submitted",
            CampaignProblem::NotAnswered { .. } => "not_answered",
            CampaignProblem::NotSubmitted { .. } => "not_submitted",
            CampaignProblem::NothingToSubmit => "nothing_to_submit",
            CampaignProblem::RejectionWithoutComment => "rejection_without_comment",
            CampaignProblem::UnknownEvidenceKind { .. } => "unknown_evidence_kind",
        },
    }
}

/// The ranking as a CSV download (through tanji-csv, so no cell runs as a formula), headed in `language`.
pub fn ranking_csv(results: &CampaignResults, language: Language) -> Response {
    let words = tanji_i18n::supplier::console::CampaignText::of(language);
    let mut table = CsvTable::new(&[
        words.col_rank,
        words.col_supplier,
        words.col_score,
        "max_score",
        words.col_grade,
        words.band_grade_label,
        words.col_gates,
        words.col_answered,
        words.decision_accepted,
        words.decision_awaiting,
        words.col_status,
    ]);
    for row in &results.rows {
        let status = if row.participant.submitted_at.is_some() { words.status_submitted } else { words.status_draft };
        table.row([
            Cell::Integer(i64::try_from(row.rank).unwrap_or(i64::MAX)),
            Cell::text(row.participant.supplier_name.as_str()),
            Cell::Number(row.score),
            Cell::Number(row.max_score),
            Cell::text(row.grade.as_str()),
            Cell::text(row.band_grade.as_str()),
            Cell::text(row.gates_lowering.join(" ")),
            Cell::Integer(i64::try_from(row.n_answered).unwrap_or(i64::MAX)),
            Cell::Integer(i64::try_from(row.n_evidence_accepted).unwrap_or(i64::MAX)),
            Cell::Integer(i64::try_from(row.n_evidence_awaiting).unwrap_or(i64::MAX)),
            Cell::text(status),
        ]);
    }
    let file_name = format!("{}-ranking.csv", results.campaign.name);
    crate::download::attachment("text/csv; charset=utf-8", &file_name, table.into_bytes_for_spreadsheets())
}
