//! Tenancy domain: who the tenants are, what they own, and who may do what to whose data.
//!
//! This crate is pure: no I/O, no clock, no random numbers. Identifiers and times come in as arguments, so every rule
//! here can be tested with plain values and cannot be bypassed by an adapter that forgets a check — the storage adapter
//! asks [`access::Actor::require`] before every read and write.

pub mod access;
pub mod audit;
pub mod facility;
pub mod ids;
pub mod member;
pub mod member_invitation;
pub mod organisation;
pub mod region;
pub mod supplier_link;
pub mod supplier_share;
pub mod throttle;
pub mod token;
pub mod validation;
pub mod verification;

pub use access::{Actor, Denied, Permission};
pub use ids::{
    ApiTokenId, AuditEventId, FacilityId, InvitationId, MemberInvitationId, OrganisationId, SupplierLinkId, UserId,
};
pub use validation::{FieldError, Problem};
