//! The rules of an assessment campaign's workflow that are not about one answer (those are `scoring`'s): which
//! framework versions exist, who is asked, when answers are open to evidence and to review. The adapter (the store)
//! decides them with these codes; tanji-i18n says them.

use serde::{Deserialize, Serialize};

/// Why a campaign step was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum CampaignProblem {
    /// No bundled framework has this id and version.
    #[error("there is no framework {framework_id} version {framework_version}")]
    UnknownFramework { framework_id: String, framework_version: u32 },
    /// A campaign asks at least one supplier.
    #[error("choose at least one supplier or invite one")]
    NoSuppliers,
    /// The named customer–supplier link is not one of the brand's links in force.
    #[error("the supplier link {link_id} is not one of your links in force")]
    LinkNotInForce { link_id: String },
    /// The same supplier link was named twice.
    #[error("the supplier link {link_id} is named twice")]
    DuplicateSupplier { link_id: String },
    /// The due date is before the launch date.
    #[error("the due date {due_on} is before today {today}")]
    DueDateInPast { due_on: String, today: String },
    /// Evidence can be attached only to an answer version not yet submitted; reopen the answer for a new version.
    #[error("the answer to {indicator} is submitted; reopen it to attach more evidence")]
    AnswerSubmitted { indicator: String },
    /// The indicator has no answer to attach evidence to.
    #[error("answer {indicator} before attaching evidence")]
    NotAnswered { indicator: String },
    /// A reviewer decides only on evidence of a submitted answer version.
    #[error("the answer to {indicator} is not submitted yet")]
    NotSubmitted { indicator: String },
    /// Nothing new to submit.
    #[error("nothing new to submit")]
    NothingToSubmit,
    /// A rejection needs a comment telling the supplier what to fix.
    #[error("a rejection needs a comment")]
    RejectionWithoutComment,
    /// An evidence kind that the framework does not know.
    #[error("unknown evidence kind {kind}")]
    UnknownEvidenceKind { kind: String },
}
