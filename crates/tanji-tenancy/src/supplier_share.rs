//! What a supplier shares with a linked customer.
//!
//! A customer–supplier link by itself shows each side only the other's name. What more the customer sees is the
//! supplier's decision, made per link and per kind of data ([`ShareKind`]): the supplier's owner grants a share, and
//! may revoke it at any time; both are recorded in both organisations' audit logs. A share lives and dies with its
//! link: when the link ends, nothing is shared any more, and a new link starts with nothing shared.
//!
//! The storage adapter enforces this with the [`crate::Actor`]: a customer reads a supplier's shared data only through
//! a link in force to that supplier and a share in force on that link, and only with the permission it needs to read
//! the same kind of data of its own organisation.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::Permission;
use crate::ids::{SupplierLinkId, UserId};
use crate::validation::{FieldError, Problem};

/// A kind of data a supplier may share with a customer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareKind {
    /// The supplier's published product footprints (its carbon labels, in force), with their verification status.
    PublishedFootprints,
    /// The summary of the supplier's latest verified GHG inventory: year, totals by scope, change against the base
    /// year, and when it was verified. Never the activity data or the lines behind it.
    VerifiedInventorySummary,
}

impl ShareKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [ShareKind; 2] = [ShareKind::PublishedFootprints, ShareKind::VerifiedInventorySummary];

    /// The stable machine name, as stored and in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            ShareKind::PublishedFootprints => "published_footprints",
            ShareKind::VerifiedInventorySummary => "verified_inventory_summary",
        }
    }

    /// Parses a machine name; `field` names the input for the error.
    pub fn parse(field: &'static str, text: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text).ok_or_else(|| {
            FieldError::new(field, Problem::NotOneOf { choices: Self::ALL.map(ShareKind::as_str).to_vec() })
        })
    }

    /// The permission a customer's actor needs to read this kind of shared data: the one it needs to read the same
    /// data of its own organisation.
    pub const fn permission_to_read(self) -> Permission {
        match self {
            ShareKind::PublishedFootprints => Permission::ViewFootprints,
            ShareKind::VerifiedInventorySummary => Permission::ViewInventory,
        }
    }
}

impl std::fmt::Display for ShareKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A share in force on a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierShare {
    /// The link it belongs to.
    pub link_id: SupplierLinkId,
    /// What is shared.
    pub kind: ShareKind,
    /// When the supplier granted it.
    pub granted_at: Timestamp,
    /// The supplier's member who granted it.
    pub granted_by: UserId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in ShareKind::ALL {
            assert_eq!(ShareKind::parse("kind", kind.as_str()), Ok(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        let error = ShareKind::parse("kind", "everything").unwrap_err();
        assert_eq!(error.field, "kind");
    }

    #[test]
    fn reading_a_share_needs_the_permission_for_the_same_own_data() {
        assert_eq!(ShareKind::PublishedFootprints.permission_to_read(), Permission::ViewFootprints);
        assert_eq!(ShareKind::VerifiedInventorySummary.permission_to_read(), Permission::ViewInventory);
    }
}
