//! Access control: the one table that says which actor may do what.
//!
//! Three things decide: the actor's **role** in the organisation, the organisation's **kind** (only a platform
//! operator manages tenants; only suppliers accept customers), and, for API tokens, the token's **scopes**.
//! Isolation between organisations is not decided here but by construction: an [`Actor`] is bound to one
//! organisation, and the storage adapter filters every query by [`Actor::organisation_id`].

use serde::Serialize;

use crate::ids::{ApiTokenId, OrganisationId, UserId};
use crate::member::Role;
use crate::organisation::OrganisationKind;
use crate::token::{TokenScope, TokenScopes};

/// Something an actor may be allowed to do within their organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Permission {
    /// See the organisation's profile.
    ViewOrganisation,
    /// Change the organisation's profile.
    EditOrganisation,
    /// List and read facilities.
    ViewFacilities,
    /// Create, change and archive facilities.
    EditFacilities,
    /// List the organisation's members.
    ViewMembers,
    /// Invite people to become members, remove members and change their roles.
    ManageMembers,
    /// Create, list and revoke one's own API tokens.
    ManageOwnTokens,
    /// List and revoke every API token of the organisation.
    ManageAllTokens,
    /// See the organisation's customers and suppliers.
    ViewSupplierLinks,
    /// Invite suppliers and end links with them.
    ManageSuppliers,
    /// Accept a customer's invitation, and end links with customers.
    ManageCustomers,
    /// Read the audit log of changes.
    ViewAuditLog,
    /// See where each number came from: who entered it, from which source, when.
    ViewProvenance,
    /// Register organisations and see the tenant directory (platform operator only).
    ManageTenants,
    /// See the organisation's GHG inventories, activity data and emission factors.
    ViewInventory,
    /// Enter and import activity data, add own emission factors, compute inventories.
    EditInventory,
    /// Sign off an inventory version as verified, which freezes it (auditors, i.e. verifiers).
    VerifyInventory,
    /// See the organisation's products, product models, footprints and label publications.
    ViewFootprints,
    /// Create products, save product model versions, compute footprints.
    EditFootprints,
    /// Publish footprints as carbon labels (public pages with QR codes) and withdraw them.
    PublishLabels,
    /// Sign a product footprint off as verified (auditors, i.e. verifiers).
    VerifyFootprints,
    /// Engage an independent verification body (give its auditors access to verify) and end the engagement.
    ManageVerifiers,
    /// See the organisation's energy meters, their readings and roll-ups.
    ViewEnergy,
    /// Register energy meters and send readings (batches over the API, files).
    EditEnergy,
    /// See the organisations that engaged one's verification body (verification bodies only).
    ViewVerificationClients,
    /// See the organisation's carbon points ledger: its accounts and transfers (operators of a points scheme).
    ViewPointsLedger,
    /// Open accounts and submit transfers on the organisation's carbon points ledger (operators of a points scheme).
    OperatePointsLedger,
    /// See a carbon-account scheme's methodologies, sub-platforms and identity links: the operator's (a platform
    /// operator or a retailer platform) all of them, a sub-platform's only its own registration and links.
    ViewAccountScheme,
    /// Draft methodology versions and move them through submission, public notice, approval and retirement
    /// (the scheme's operator: a platform operator or a retailer platform).
    EditMethodologies,
    /// Sign off a methodology version under expert review (platform operator; never the version's author).
    ReviewMethodologies,
    /// Register sub-platforms, set the behaviours they may report, issue and revoke their API credentials
    /// (the scheme's operator).
    ManageSubPlatforms,
    /// Open persons' parent accounts and link or unlink sub-platform identities with the person's consent
    /// (the scheme's operator).
    ManageAccountLinks,
    /// Set up a scheme's campaigns (window, provinces, campaign badge) and milestone badges (the scheme's operator).
    ManageCampaigns,
    /// Answer a customer's supplier assessment: tiers, evidence files, submission (a supplier's owners and editors).
    AnswerSupplierAssessments,
    /// Accept or reject the evidence behind suppliers' answers in one's own campaigns, and reopen answers (a brand's
    /// owners, editors and auditors; never the answering organisation).
    ReviewSupplierEvidence,
}

impl Permission {
    /// The token scope an API token needs for this permission.
    pub const fn required_scope(self) -> TokenScope {
        match self {
            Permission::ViewOrganisation
            | Permission::ViewFacilities
            | Permission::ViewMembers
            | Permission::ViewSupplierLinks
            | Permission::ViewAuditLog
            | Permission::ViewProvenance
            | Permission::ViewInventory
            | Permission::ViewFootprints
            | Permission::ViewEnergy
            | Permission::ViewVerificationClients
            | Permission::ViewPointsLedger
            | Permission::ViewAccountScheme => TokenScope::Read,
            Permission::EditFacilities
            | Permission::EditEnergy
            | Permission::EditInventory
            | Permission::VerifyInventory
            | Permission::EditFootprints
            | Permission::PublishLabels
            | Permission::VerifyFootprints
            | Permission::OperatePointsLedger
            | Permission::EditMethodologies
            | Permission::ReviewMethodologies
            | Permission::ManageAccountLinks
            | Permission::ManageCampaigns
            | Permission::AnswerSupplierAssessments
            | Permission::ReviewSupplierEvidence => TokenScope::Write,
            Permission::EditOrganisation
            | Permission::ManageMembers
            | Permission::ManageOwnTokens
            | Permission::ManageAllTokens
            | Permission::ManageSuppliers
            | Permission::ManageCustomers
            | Permission::ManageTenants
            | Permission::ManageVerifiers
            | Permission::ManageSubPlatforms => TokenScope::Admin,
        }
    }

    /// Whether `role` carries this permission.
    pub const fn granted_to_role(self, role: Role) -> bool {
        use Role::{Auditor, Editor, Owner};
        match self {
            Permission::ViewOrganisation
            | Permission::ViewFacilities
            | Permission::ViewMembers
            | Permission::ViewSupplierLinks
            | Permission::ViewInventory
            | Permission::ViewFootprints
            | Permission::ViewEnergy
            | Permission::ViewVerificationClients
            | Permission::ViewAccountScheme => true,
            // A person's points are personal data: viewers of the operator organisation do not see them.
            Permission::ViewPointsLedger => matches!(role, Owner | Editor | Auditor),
            Permission::EditFacilities
            | Permission::EditEnergy
            | Permission::OperatePointsLedger
            | Permission::ManageSuppliers
            | Permission::EditInventory
            | Permission::EditFootprints
            | Permission::PublishLabels
            | Permission::EditMethodologies
            | Permission::ManageAccountLinks
            | Permission::ManageCampaigns
            | Permission::AnswerSupplierAssessments => matches!(role, Owner | Editor),
            // A brand's carbon manager or its internal auditor reviews suppliers' evidence.
            Permission::ReviewSupplierEvidence => matches!(role, Owner | Editor | Auditor),
            // The expert committee: reviewers are the operator's auditors (and its owners); the domain refuses the
            // author's own sign-off and a second sign-off by the same person in a round.
            Permission::ReviewMethodologies => matches!(role, Owner | Auditor),
            // Verification is independent of the people who entered the data.
            Permission::VerifyInventory | Permission::VerifyFootprints => matches!(role, Auditor),
            Permission::ManageOwnTokens => matches!(role, Owner | Editor | Auditor),
            Permission::ViewAuditLog | Permission::ViewProvenance => matches!(role, Owner | Auditor),
            Permission::EditOrganisation
            | Permission::ManageMembers
            | Permission::ManageAllTokens
            | Permission::ManageCustomers
            | Permission::ManageTenants
            | Permission::ManageVerifiers
            | Permission::ManageSubPlatforms => matches!(role, Owner),
        }
    }

    /// Whether an organisation of `kind` may use this permission at all.
    pub const fn available_to_kind(self, kind: OrganisationKind) -> bool {
        use OrganisationKind::{BrandRetailer, PlatformOperator, SubPlatform, Supplier, VerificationBody};
        match self {
            Permission::ManageTenants => matches!(kind, PlatformOperator),
            // Organisations with inventories and footprints of their own engage verifiers; a verification body does
            // not verify itself.
            Permission::ManageVerifiers => matches!(kind, BrandRetailer | Supplier | SubPlatform),
            Permission::ViewVerificationClients => matches!(kind, VerificationBody),
            // Brands invite their suppliers; a supplier may in turn invite its own (tier-2) suppliers.
            Permission::ManageSuppliers => matches!(kind, BrandRetailer | Supplier),
            Permission::ManageCustomers | Permission::AnswerSupplierAssessments => matches!(kind, Supplier),
            // Whoever runs assessment campaigns (a brand, or a supplier assessing its own tier-2 suppliers) reviews.
            Permission::ReviewSupplierEvidence => matches!(kind, BrandRetailer | Supplier),
            // A points ledger belongs to the operator of a points scheme: the platform (88碳账户) or a retailer
            // platform running its own, or a city's carbon-inclusive scheme registered as a platform operator.
            Permission::ViewPointsLedger | Permission::OperatePointsLedger => {
                matches!(kind, PlatformOperator | BrandRetailer)
            }
            // A carbon-account scheme is run by whoever runs its points ledger: a platform operator (a city's
            // carbon-inclusive scheme) or a retailer platform with its own sub-platforms (88碳账户); a sub-platform
            // reads its own registration.
            Permission::ViewAccountScheme => matches!(kind, PlatformOperator | BrandRetailer | SubPlatform),
            Permission::EditMethodologies
            | Permission::ReviewMethodologies
            | Permission::ManageSubPlatforms
            | Permission::ManageAccountLinks
            | Permission::ManageCampaigns => matches!(kind, PlatformOperator | BrandRetailer),
            _ => true,
        }
    }
}

/// Whether an organisation of `kind` runs carbon-account schemes of its own (methodologies, sub-platforms, parent
/// accounts, campaigns): a platform operator or a retailer platform. A sub-platform only reads its registration.
pub const fn runs_account_scheme(kind: OrganisationKind) -> bool {
    Permission::ManageSubPlatforms.available_to_kind(kind)
}

/// Refused: the actor lacks a permission. Adapters answer 403, or 404 where revealing existence would leak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("permission denied: {permission:?}")]
pub struct Denied {
    /// The permission that was missing.
    pub permission: Permission,
}

/// How an actor proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A person logged in to the console.
    Session,
    /// A machine client presenting an API token.
    ApiToken {
        /// The token.
        token_id: ApiTokenId,
        /// What the token may do.
        scopes: TokenScopes,
    },
}

/// Someone acting within one organisation: a logged-in member, or an API token acting for the member who created it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The person, or the creator of the token.
    pub user_id: UserId,
    /// How to name the actor in the audit log, e.g. "zhao@ruikang.example" or "token 'ERP export' of zhao@…".
    pub label: String,
    /// The organisation the actor acts in; every query is confined to it.
    pub organisation_id: OrganisationId,
    /// That organisation's kind.
    pub organisation_kind: OrganisationKind,
    /// The person's current role there.
    pub role: Role,
    /// How they proved who they are.
    pub credential: Credential,
}

impl Actor {
    /// Whether the actor may do what `permission` covers.
    pub fn may(&self, permission: Permission) -> bool {
        let scope_allows = match self.credential {
            Credential::Session => true,
            Credential::ApiToken { scopes, .. } => scopes.contains(permission.required_scope()),
        };
        permission.granted_to_role(self.role) && permission.available_to_kind(self.organisation_kind) && scope_allows
    }

    /// `Ok` if the actor may do what `permission` covers, else the refusal.
    pub fn require(&self, permission: Permission) -> Result<(), Denied> {
        if self.may(permission) { Ok(()) } else { Err(Denied { permission }) }
    }

    /// The token the actor presented, if any.
    pub fn token_id(&self) -> Option<ApiTokenId> {
        match self.credential {
            Credential::Session => None,
            Credential::ApiToken { token_id, .. } => Some(token_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn actor(kind: OrganisationKind, role: Role, credential: Credential) -> Actor {
        Actor {
            user_id: UserId::from_uuid(Uuid::nil()),
            label: "tester".to_owned(),
            organisation_id: OrganisationId::from_uuid(Uuid::nil()),
            organisation_kind: kind,
            role,
            credential,
        }
    }

    /// The permission table, written out so that a change to it shows up in review.
    #[test]
    fn role_table() {
        use Permission::*;
        let cases: [(Permission, [bool; 4]); 26] = [
            //                   owner  editor auditor viewer
            (ViewOrganisation, [true, true, true, true]),
            (EditOrganisation, [true, false, false, false]),
            (ViewFacilities, [true, true, true, true]),
            (EditFacilities, [true, true, false, false]),
            (ViewMembers, [true, true, true, true]),
            (ManageMembers, [true, false, false, false]),
            (ManageOwnTokens, [true, true, true, false]),
            (ManageAllTokens, [true, false, false, false]),
            (ViewSupplierLinks, [true, true, true, true]),
            (ManageSuppliers, [true, true, false, false]),
            (ManageCustomers, [true, false, false, false]),
            (ViewAuditLog, [true, false, true, false]),
            (ViewProvenance, [true, false, true, false]),
            (ManageTenants, [true, false, false, false]),
            (ManageVerifiers, [true, false, false, false]),
            (ViewVerificationClients, [true, true, true, true]),
            (ViewEnergy, [true, true, true, true]),
            (EditEnergy, [true, true, false, false]),
            (ViewPointsLedger, [true, true, true, false]),
            (OperatePointsLedger, [true, true, false, false]),
            (ViewAccountScheme, [true, true, true, true]),
            (EditMethodologies, [true, true, false, false]),
            (ReviewMethodologies, [true, false, true, false]),
            (ManageSubPlatforms, [true, false, false, false]),
            (ManageAccountLinks, [true, true, false, false]),
            (ManageCampaigns, [true, true, false, false]),
        ];
        for (permission, expected) in cases {
            for (role, expect) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(permission.granted_to_role(role), expect, "{permission:?} for {role:?}");
            }
        }
    }

    #[test]
    fn only_the_platform_operator_manages_tenants() {
        for kind in OrganisationKind::ALL {
            let owner = actor(kind, Role::Owner, Credential::Session);
            assert_eq!(owner.may(Permission::ManageTenants), kind == OrganisationKind::PlatformOperator);
        }
    }

    #[test]
    fn platform_operators_and_retailers_run_carbon_account_schemes() {
        for kind in OrganisationKind::ALL {
            let owner = actor(kind, Role::Owner, Credential::Session);
            let operator = matches!(kind, OrganisationKind::PlatformOperator | OrganisationKind::BrandRetailer);
            for permission in [
                Permission::EditMethodologies,
                Permission::ReviewMethodologies,
                Permission::ManageSubPlatforms,
                Permission::ManageAccountLinks,
                Permission::ManageCampaigns,
            ] {
                assert_eq!(owner.may(permission), operator, "{permission:?} for {kind:?}");
            }
            let reads = operator || kind == OrganisationKind::SubPlatform;
            assert_eq!(owner.may(Permission::ViewAccountScheme), reads, "{kind:?}");
            // Whoever runs a scheme's methodologies also runs its points ledger, and the other way round.
            assert_eq!(owner.may(Permission::OperatePointsLedger), operator, "{kind:?}");
        }
        // Suppliers and verification bodies run no scheme and read none.
        for kind in [OrganisationKind::Supplier, OrganisationKind::VerificationBody] {
            let owner = actor(kind, Role::Owner, Credential::Session);
            assert!(!owner.may(Permission::ViewAccountScheme), "{kind:?}");
        }
    }

    #[test]
    fn organisations_with_data_engage_verifiers_and_verification_bodies_do_not() {
        for kind in OrganisationKind::ALL {
            let owner = actor(kind, Role::Owner, Credential::Session);
            let expected = matches!(
                kind,
                OrganisationKind::BrandRetailer | OrganisationKind::Supplier | OrganisationKind::SubPlatform
            );
            assert_eq!(owner.may(Permission::ManageVerifiers), expected, "{kind:?}");
        }
    }

    #[test]
    fn only_verification_bodies_have_verification_clients() {
        for kind in OrganisationKind::ALL {
            let auditor = actor(kind, Role::Auditor, Credential::Session);
            assert_eq!(
                auditor.may(Permission::ViewVerificationClients),
                kind == OrganisationKind::VerificationBody,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn only_suppliers_accept_customers() {
        let brand_owner = actor(OrganisationKind::BrandRetailer, Role::Owner, Credential::Session);
        assert!(brand_owner.may(Permission::ManageSuppliers));
        assert!(!brand_owner.may(Permission::ManageCustomers));
        let supplier_owner = actor(OrganisationKind::Supplier, Role::Owner, Credential::Session);
        assert!(supplier_owner.may(Permission::ManageCustomers));
    }

    #[test]
    fn tokens_are_narrowed_by_scope_and_by_role() {
        let token = |role, scopes: &str| {
            actor(
                OrganisationKind::Supplier,
                role,
                Credential::ApiToken {
                    token_id: ApiTokenId::from_uuid(Uuid::nil()),
                    scopes: TokenScopes::parse(scopes).unwrap(),
                },
            )
        };
        let read_only = token(Role::Owner, "read");
        assert!(read_only.may(Permission::ViewFacilities));
        assert!(!read_only.may(Permission::EditFacilities));
        // A write token of a member who has since been made viewer can no longer write.
        let demoted = token(Role::Viewer, "read,write");
        assert!(!demoted.may(Permission::EditFacilities));
        assert_eq!(demoted.require(Permission::EditFacilities), Err(Denied { permission: Permission::EditFacilities }));
    }
}
