//! What can go wrong when the store is asked to read or change data.

use tanji_tenancy::member::LastOwner;
use tanji_tenancy::member_invitation::{JoinRefused, MemberInvitationState};
use tanji_tenancy::supplier_link::AcceptanceRefused;
use tanji_tenancy::{Denied, FieldError};

/// A request the store refused or could not carry out. Nothing was changed when any of these is returned: every
/// change runs in one transaction that is rolled back on error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The object does not exist, or belongs to another organisation. The two are deliberately indistinguishable,
    /// so that nobody can probe for other tenants' objects.
    #[error("not found")]
    NotFound,
    /// The actor lacks a permission within their own organisation.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// An input value is not acceptable.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The change conflicts with data that already exists.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// An import or entry was refused as a whole; every problem is listed with its row and column.
    #[error("{} problem(s) in the data; nothing was saved", .0.len())]
    Rejected(Vec<tanji_inventory::RowError>),
    /// A product model has problems; each names where it is in the model and how to fix it.
    #[error("{0}")]
    ModelProblems(tanji_footprint::Problems),
    /// The database failed, or returned data the store cannot read.
    #[error("storage failure: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Internal(anyhow::Error::new(error))
    }
}

impl From<LastOwner> for StoreError {
    fn from(_: LastOwner) -> Self {
        StoreError::Conflict(Conflict::LastOwner)
    }
}

impl From<AcceptanceRefused> for StoreError {
    fn from(refused: AcceptanceRefused) -> Self {
        StoreError::Conflict(Conflict::InvitationRefused(refused))
    }
}

impl From<JoinRefused> for StoreError {
    fn from(refused: JoinRefused) -> Self {
        StoreError::Conflict(Conflict::JoinRefused(refused))
    }
}

/// A member invitation's refusal in English, for the API's `message` (the console words it in both languages).
fn join_refused_sentence(refused: &JoinRefused) -> &'static str {
    match refused {
        JoinRefused::NotOpen(MemberInvitationState::Accepted) => "this invitation has already been accepted",
        JoinRefused::NotOpen(MemberInvitationState::Revoked) => "this invitation was withdrawn; ask for a new one",
        JoinRefused::NotOpen(_) => "this invitation has expired; ask for a new one",
        JoinRefused::NotTheInvitee => {
            "this invitation is for another e-mail address; log in with the invited address to accept it"
        }
        JoinRefused::AlreadyMember => "you are already a member of this organisation",
        JoinRefused::AccountExists => {
            "an account with the invited e-mail address exists; log in with it to accept the invitation"
        }
        _ => "this invitation cannot be used",
    }
}

/// A change that clashes with existing data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Conflict {
    /// Another organisation already has this name.
    #[error("an organisation with this name is already registered")]
    OrganisationName,
    /// Another organisation already has this unified social credit code.
    #[error("an organisation with this unified social credit code is already registered")]
    CreditCode,
    /// Another user already logs in with this e-mail address.
    #[error("a user with this e-mail address already exists")]
    Email,
    /// The person is already a member of the organisation.
    #[error("this person is already a member of the organisation")]
    AlreadyMember,
    /// Another facility of the organisation already has this name.
    #[error("the organisation already has a facility with this name")]
    FacilityName,
    /// Another facility of the organisation already has this code.
    #[error("the organisation already has a facility with this code")]
    FacilityCode,
    /// The change would leave the organisation without an owner.
    #[error("an organisation must keep at least one owner; make another member owner first")]
    LastOwner,
    /// The invitation cannot be accepted.
    #[error(transparent)]
    InvitationRefused(AcceptanceRefused),
    /// A member invitation cannot be accepted, or not by this person, or not by registering.
    #[error("{}", join_refused_sentence(.0))]
    JoinRefused(JoinRefused),
    /// The object is already in the requested state (e.g. a revoked token revoked again, an ended link ended).
    #[error("nothing to change: it is already in that state")]
    AlreadyDone,
    /// Another product of the organisation already has this SKU.
    #[error("the organisation already has a product with this SKU")]
    ProductSku,
    /// Someone else changed the same thing at the same moment; try again.
    #[error("someone else changed this at the same moment; try again")]
    ConcurrentChange,
    /// An inventory version leaves records out of its totals and the sign-off gives no written reason to accept it.
    #[error(
        "this inventory version is incomplete (records could not be calculated); sign it off only with a written \
         reason in incomplete_reason, or fix the records and compute a new version"
    )]
    IncompleteSignOff,
    /// Another energy meter of the organisation already has this code.
    #[error("the organisation already has an energy meter with this code")]
    MeterCode,
    /// The operator already has a sub-platform with this code.
    #[error("a sub-platform with this code is already registered")]
    SubPlatformCode,
    /// The sub-platform identity is already linked to a parent account; unlink it first.
    #[error("this identity is already linked to a parent account; unlink it first")]
    IdentityLinked,
}

impl Conflict {
    /// The input field the conflict is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Conflict::OrganisationName | Conflict::FacilityName => Some("name"),
            Conflict::CreditCode => Some("credit_code"),
            Conflict::Email | Conflict::AlreadyMember => Some("email"),
            Conflict::FacilityCode => Some("code"),
            Conflict::ProductSku => Some("sku"),
            Conflict::MeterCode | Conflict::SubPlatformCode => Some("code"),
            Conflict::IdentityLinked => Some("external_identity"),
            Conflict::IncompleteSignOff => Some("incomplete_reason"),
            Conflict::LastOwner
            | Conflict::InvitationRefused(_)
            | Conflict::JoinRefused(_)
            | Conflict::AlreadyDone
            | Conflict::ConcurrentChange => None,
        }
    }
}
