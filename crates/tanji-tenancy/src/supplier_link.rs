//! Links between a customer (a brand, or a supplier buying from its own suppliers) and a supplier.
//!
//! A customer invites a supplier; the supplier's owner accepts with the invitation code; from then on the two are
//! linked and later capabilities (supplier data requests, footprint exchange, assessments) use the link. Either side
//! may end it; an ended link keeps its history.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{InvitationId, OrganisationId, SupplierLinkId, UserId};
use crate::organisation::{OrganisationKind, OrganisationName};
use crate::validation::{self, FieldError};

/// How long an invitation can be accepted after it was created.
pub const INVITATION_VALIDITY: SignedDuration = SignedDuration::from_hours(30 * 24);

/// An organisation as seen from the other side of a link: its name and kind, nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedOrganisation {
    /// Its identifier.
    pub id: OrganisationId,
    /// Its name.
    pub name: OrganisationName,
    /// Its English name, when it gave one.
    #[serde(default)]
    pub name_en: Option<OrganisationName>,
    /// Its kind.
    pub kind: OrganisationKind,
}

/// A customer–supplier link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierLink {
    /// Its identifier.
    pub id: SupplierLinkId,
    /// The buying side.
    pub customer: LinkedOrganisation,
    /// The selling side.
    pub supplier: LinkedOrganisation,
    /// When the supplier accepted the invitation.
    pub linked_at: Timestamp,
    /// When either side ended the link, if one did.
    pub ended_at: Option<Timestamp>,
}

impl SupplierLink {
    /// Whether the link is in force.
    pub fn is_active(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// The free-text parts of an invitation: whom it is meant for, and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationDetails {
    /// The supplier's name as the customer knows it, to help the right company recognise the invitation.
    pub supplier_name: String,
    /// An optional message to the supplier.
    pub message: Option<String>,
}

impl InvitationDetails {
    /// Parses the fields of an invitation form.
    pub fn parse(supplier_name: &str, message: Option<&str>) -> Result<Self, FieldError> {
        Ok(Self {
            supplier_name: validation::single_line_text("supplier_name", supplier_name, 120)?,
            message: validation::optional_single_line_text("message", message, 500)?,
        })
    }
}

/// An invitation as stored (never its code, which only the inviter sees, once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    /// Its identifier.
    pub id: InvitationId,
    /// The inviting customer.
    pub customer: LinkedOrganisation,
    /// Whom it is meant for.
    pub supplier_name: String,
    /// The inviter's message.
    pub message: Option<String>,
    /// Who created it.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it can no longer be accepted.
    pub expires_at: Timestamp,
    /// When it was accepted, if it was.
    pub accepted_at: Option<Timestamp>,
    /// When the customer withdrew it, if it did.
    pub revoked_at: Option<Timestamp>,
}

/// Where an invitation stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Waiting to be accepted.
    Open,
    /// Accepted; the link exists.
    Accepted,
    /// Not accepted in time.
    Expired,
    /// Withdrawn by the customer.
    Revoked,
}

impl Invitation {
    /// The invitation's state at `now`.
    pub fn state(&self, now: Timestamp) -> InvitationState {
        if self.accepted_at.is_some() {
            InvitationState::Accepted
        } else if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if now >= self.expires_at {
            InvitationState::Expired
        } else {
            InvitationState::Open
        }
    }
}

/// Why an invitation cannot be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AcceptanceRefused {
    /// It was already accepted, withdrawn, or has expired.
    #[error("this invitation can no longer be accepted (it is {0:?}); ask the customer for a new one")]
    NotOpen(InvitationState),
    /// An organisation cannot be its own supplier.
    #[error("an organisation cannot accept its own invitation")]
    OwnInvitation,
    /// Only supplier organisations accept customers.
    #[error("only a supplier organisation can accept a customer's invitation")]
    NotASupplier,
    /// The two organisations are already linked.
    #[error("these organisations are already linked")]
    AlreadyLinked,
}

/// Decides whether `accepting` (of kind `accepting_kind`) may accept `invitation` at `now`.
pub fn check_acceptance(
    invitation: &Invitation,
    accepting: OrganisationId,
    accepting_kind: OrganisationKind,
    already_linked: bool,
    now: Timestamp,
) -> Result<(), AcceptanceRefused> {
    match invitation.state(now) {
        InvitationState::Open => {}
        state => return Err(AcceptanceRefused::NotOpen(state)),
    }
    if invitation.customer.id == accepting {
        return Err(AcceptanceRefused::OwnInvitation);
    }
    if accepting_kind != OrganisationKind::Supplier {
        return Err(AcceptanceRefused::NotASupplier);
    }
    if already_linked {
        return Err(AcceptanceRefused::AlreadyLinked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn organisation(n: u128) -> OrganisationId {
        OrganisationId::from_uuid(Uuid::from_u128(n))
    }

    fn invitation(created_at: Timestamp) -> Invitation {
        Invitation {
            id: InvitationId::from_uuid(Uuid::from_u128(9)),
            customer: LinkedOrganisation {
                id: organisation(1),
                name: OrganisationName::parse("Brand").unwrap(),
                name_en: None,
                kind: OrganisationKind::BrandRetailer,
            },
            supplier_name: "Factory".to_owned(),
            message: None,
            created_by: UserId::from_uuid(Uuid::from_u128(3)),
            created_at,
            expires_at: created_at + INVITATION_VALIDITY,
            accepted_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn acceptance_rules() {
        let created = Timestamp::from_second(1_700_000_000).unwrap();
        let now = created + SignedDuration::from_hours(1);
        let open = invitation(created);
        let supplier = OrganisationKind::Supplier;
        assert_eq!(check_acceptance(&open, organisation(2), supplier, false, now), Ok(()));
        assert_eq!(
            check_acceptance(&open, organisation(1), supplier, false, now),
            Err(AcceptanceRefused::OwnInvitation)
        );
        assert_eq!(
            check_acceptance(&open, organisation(2), OrganisationKind::BrandRetailer, false, now),
            Err(AcceptanceRefused::NotASupplier)
        );
        assert_eq!(
            check_acceptance(&open, organisation(2), supplier, true, now),
            Err(AcceptanceRefused::AlreadyLinked)
        );
        let late = created + INVITATION_VALIDITY;
        assert_eq!(
            check_acceptance(&open, organisation(2), supplier, false, late),
            Err(AcceptanceRefused::NotOpen(InvitationState::Expired))
        );
        let accepted = Invitation { accepted_at: Some(now), ..invitation(created) };
        assert_eq!(
            check_acceptance(&accepted, organisation(2), supplier, false, now),
            Err(AcceptanceRefused::NotOpen(InvitationState::Accepted))
        );
    }
}
