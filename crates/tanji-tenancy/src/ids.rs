//! Typed identifiers, so that a facility id can never be passed where an organisation id is expected.
//!
//! All identifiers are UUIDs. The adapters mint them (UUID v7, time-ordered); this crate only carries them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID minted by an adapter.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(formatter)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies an organisation (a tenant).
    OrganisationId
);
id_type!(
    /// Identifies a person who can log in.
    UserId
);
id_type!(
    /// Identifies a facility or site of an organisation.
    FacilityId
);
id_type!(
    /// Identifies an API token (not its secret).
    ApiTokenId
);
id_type!(
    /// Identifies a link between a customer organisation and one of its suppliers.
    SupplierLinkId
);
id_type!(
    /// Identifies an invitation from a customer to a (possibly not yet registered) supplier.
    InvitationId
);
id_type!(
    /// Identifies an invitation for a person to become a member of an organisation.
    MemberInvitationId
);
id_type!(
    /// Identifies one entry of the audit log.
    AuditEventId
);
