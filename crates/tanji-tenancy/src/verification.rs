//! Independent verification: an organisation engages a verification body (核查机构), and the body's auditors may then
//! verify that organisation's inventories and footprints — as auditors of it, while the engagement lasts.
//!
//! Verification is only worth something when the verifier is independent of the data (ISO 14064-3:2019 §4, and
//! ISO/IEC 17029 for the bodies). So the verifier is not a member of the organisation it verifies: it belongs to a
//! body of its own kind ([`OrganisationKind::VerificationBody`]), and the verified organisation decides, and can
//! revoke, who verifies it. What an engaged auditor may do there is exactly what the auditor role may do (read
//! everything, the audit log and provenance included, and sign off), never more: the engagement gives the
//! [`Role::Auditor`] role and nothing else. Everything else stays as it is: an actor still acts within one
//! organisation, and every query is still confined to it.

use crate::member::Role;
use crate::organisation::OrganisationKind;

/// Why an engagement cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngagementRefused {
    /// The organisation engaged is not a verification body.
    #[error("only a verification body can be engaged to verify")]
    NotAVerificationBody,
    /// An organisation cannot engage itself.
    #[error("an organisation cannot verify itself")]
    SelfVerification,
    /// This kind of organisation has nothing to verify (a verification body, the platform operator).
    #[error("this kind of organisation does not engage verifiers")]
    NothingToVerify,
}

/// Whether an organisation of kind `verified` may engage the organisation `body` of kind `body_kind`; `same` says
/// whether they are one organisation.
pub fn check_engagement(
    verified: OrganisationKind,
    body_kind: OrganisationKind,
    same: bool,
) -> Result<(), EngagementRefused> {
    if same {
        return Err(EngagementRefused::SelfVerification);
    }
    if !matches!(verified, OrganisationKind::BrandRetailer | OrganisationKind::Supplier | OrganisationKind::SubPlatform)
    {
        return Err(EngagementRefused::NothingToVerify);
    }
    if body_kind != OrganisationKind::VerificationBody {
        return Err(EngagementRefused::NotAVerificationBody);
    }
    Ok(())
}

/// The role a member of an engaged verification body has in the organisation that engaged it: the body's auditors
/// act as auditors; its owners, editors and viewers (who run the body, not the verification) get no access.
pub const fn engaged_role(role_in_body: Role) -> Option<Role> {
    match role_in_body {
        Role::Auditor => Some(Role::Auditor),
        Role::Owner | Role::Editor | Role::Viewer => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganisationKind::*;

    #[test]
    fn only_verification_bodies_are_engaged_and_only_by_organisations_with_data() {
        assert_eq!(check_engagement(Supplier, VerificationBody, false), Ok(()));
        assert_eq!(check_engagement(BrandRetailer, VerificationBody, false), Ok(()));
        assert_eq!(check_engagement(SubPlatform, VerificationBody, false), Ok(()));
        for body in [Supplier, BrandRetailer, SubPlatform, PlatformOperator] {
            assert_eq!(check_engagement(Supplier, body, false), Err(EngagementRefused::NotAVerificationBody));
        }
        assert_eq!(
            check_engagement(VerificationBody, VerificationBody, false),
            Err(EngagementRefused::NothingToVerify)
        );
        assert_eq!(
            check_engagement(PlatformOperator, VerificationBody, false),
            Err(EngagementRefused::NothingToVerify)
        );
        assert_eq!(check_engagement(Supplier, VerificationBody, true), Err(EngagementRefused::SelfVerification));
    }

    #[test]
    fn only_the_bodys_auditors_act_and_only_as_auditors() {
        assert_eq!(engaged_role(Role::Auditor), Some(Role::Auditor));
        for role in [Role::Owner, Role::Editor, Role::Viewer] {
            assert_eq!(engaged_role(role), None, "{role:?}");
        }
    }
}
