//! The audit log: who changed what, when. Entries are written in the same transaction as the change they record, so
//! the log can never miss a change that happened nor record one that did not.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{ApiTokenId, AuditEventId, OrganisationId, UserId};

/// What happened. The machine names are stable: they are stored, filtered on, and returned by the API.
///
/// Deliberately exhaustive: adding an action must fail to compile wherever actions are named for people (the
/// console's translations), so no action can appear untranslated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// The organisation was registered on the platform.
    #[serde(rename = "organisation.registered")]
    OrganisationRegistered,
    /// The organisation's profile changed.
    #[serde(rename = "organisation.updated")]
    OrganisationUpdated,
    /// A facility was registered.
    #[serde(rename = "facility.created")]
    FacilityCreated,
    /// A facility's details changed.
    #[serde(rename = "facility.updated")]
    FacilityUpdated,
    /// A facility was archived.
    #[serde(rename = "facility.archived")]
    FacilityArchived,
    /// An archived facility was restored.
    #[serde(rename = "facility.restored")]
    FacilityRestored,
    /// A person became a member.
    #[serde(rename = "member.added")]
    MemberAdded,
    /// A member's role changed.
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged,
    /// A member was removed.
    #[serde(rename = "member.removed")]
    MemberRemoved,
    /// A person was invited to become a member.
    #[serde(rename = "member_invitation.created")]
    MemberInvitationCreated,
    /// A member invitation was withdrawn.
    #[serde(rename = "member_invitation.revoked")]
    MemberInvitationRevoked,
    /// The invited person accepted a member invitation (and so became a member).
    #[serde(rename = "member_invitation.accepted")]
    MemberInvitationAccepted,
    /// An API token was created.
    #[serde(rename = "token.created")]
    TokenCreated,
    /// An API token was revoked.
    #[serde(rename = "token.revoked")]
    TokenRevoked,
    /// A supplier was invited.
    #[serde(rename = "supplier_invitation.created")]
    SupplierInvitationCreated,
    /// A supplier invitation was withdrawn.
    #[serde(rename = "supplier_invitation.revoked")]
    SupplierInvitationRevoked,
    /// A customer–supplier link came into force (recorded on both sides).
    #[serde(rename = "supplier_link.created")]
    SupplierLinkCreated,
    /// A customer–supplier link was ended (recorded on both sides).
    #[serde(rename = "supplier_link.ended")]
    SupplierLinkEnded,
    /// A supplier began sharing a kind of data with a linked customer (recorded on both sides).
    #[serde(rename = "supplier_share.granted")]
    SupplierShareGranted,
    /// A supplier stopped sharing a kind of data with a linked customer (recorded on both sides).
    #[serde(rename = "supplier_share.revoked")]
    SupplierShareRevoked,
    /// A member logged in to the console.
    #[serde(rename = "user.logged_in")]
    UserLoggedIn,
    /// An activity record was entered.
    #[serde(rename = "activity.recorded")]
    ActivityRecorded,
    /// A file of activity records was imported.
    #[serde(rename = "activity.imported")]
    ActivitiesImported,
    /// An activity record was deleted.
    #[serde(rename = "activity.deleted")]
    ActivityDeleted,
    /// An organisation-specific emission factor (version) was added.
    #[serde(rename = "factor.added")]
    FactorAdded,
    /// An inventory version was computed.
    #[serde(rename = "inventory.computed")]
    InventoryComputed,
    /// An inventory version was signed off as verified and frozen.
    #[serde(rename = "inventory.verified")]
    InventoryVerified,
    /// A facility's place in the inventory boundary (equity share, control) changed.
    #[serde(rename = "facility.boundary_changed")]
    FacilityBoundaryChanged,
    /// A product was created.
    #[serde(rename = "product.created")]
    ProductCreated,
    /// A new version of a product model was saved.
    #[serde(rename = "product.model_saved")]
    ProductModelSaved,
    /// A product footprint was computed.
    #[serde(rename = "footprint.computed")]
    FootprintComputed,
    /// A product footprint was signed off as verified.
    #[serde(rename = "footprint.verified")]
    FootprintVerified,
    /// A footprint was published as a carbon label.
    #[serde(rename = "label.published")]
    LabelPublished,
    /// A published label was withdrawn.
    #[serde(rename = "label.withdrawn")]
    LabelWithdrawn,
    /// A verification body was engaged: its auditors may verify the organisation's data (recorded on both sides).
    #[serde(rename = "verification_engagement.started")]
    VerificationEngagementStarted,
    /// An engagement of a verification body ended (recorded on both sides).
    #[serde(rename = "verification_engagement.ended")]
    VerificationEngagementEnded,
    /// An energy meter was registered.
    #[serde(rename = "energy_meter.registered")]
    EnergyMeterRegistered,
    /// A facility's energy site changed: its settings, an area, a line or a meter's place (or a whole site imported).
    #[serde(rename = "energy_site.changed")]
    EnergySiteChanged,
    /// Production counts of energy lines were recorded.
    #[serde(rename = "energy_production.recorded")]
    EnergyProductionRecorded,
    /// An energy-saving measure was recorded.
    #[serde(rename = "energy_measure.recorded")]
    EnergyMeasureRecorded,
    /// A methodology version was drafted.
    #[serde(rename = "methodology.drafted")]
    MethodologyDrafted,
    /// A methodology version was submitted for expert review.
    #[serde(rename = "methodology.submitted")]
    MethodologySubmitted,
    /// An expert signed a methodology version off (approve or request changes).
    #[serde(rename = "methodology.signed_off")]
    MethodologySignedOff,
    /// A methodology version's public notice started.
    #[serde(rename = "methodology.notice_started")]
    MethodologyNoticeStarted,
    /// A methodology version was approved after its public notice.
    #[serde(rename = "methodology.approved")]
    MethodologyApproved,
    /// A methodology version was retired.
    #[serde(rename = "methodology.retired")]
    MethodologyRetired,
    /// A sub-platform was registered with its behaviours.
    #[serde(rename = "sub_platform.registered")]
    SubPlatformRegistered,
    /// An API credential of a sub-platform was issued.
    #[serde(rename = "sub_platform.credential_issued")]
    SubPlatformCredentialIssued,
    /// An API credential of a sub-platform was revoked.
    #[serde(rename = "sub_platform.credential_revoked")]
    SubPlatformCredentialRevoked,
    /// A person's parent account was opened.
    #[serde(rename = "parent_account.opened")]
    ParentAccountOpened,
    /// A sub-platform identity was linked to a parent account, with the person's consent.
    #[serde(rename = "identity_link.linked")]
    IdentityLinked,
    /// A sub-platform identity was unlinked from its parent account.
    #[serde(rename = "identity_link.unlinked")]
    IdentityUnlinked,
    /// A PACT partner's client (credentials) was created.
    #[serde(rename = "pact_client.created")]
    PactClientCreated,
    /// A PACT partner's client was revoked.
    #[serde(rename = "pact_client.revoked")]
    PactClientRevoked,
    /// The carbon contents of a publication were declared for PACT.
    #[serde(rename = "pact_carbon_content.declared")]
    PactCarbonContentDeclared,
    /// A supplier assessment campaign was launched (recorded for the brand and each supplier asked).
    #[serde(rename = "supplier_campaign.launched")]
    SupplierCampaignLaunched,
    /// A supplier answered an indicator of an assessment (a new answer version).
    #[serde(rename = "supplier_answer.recorded")]
    SupplierAnswerRecorded,
    /// An answer was reopened for a new version.
    #[serde(rename = "supplier_answer.reopened")]
    SupplierAnswerReopened,
    /// An evidence file was attached to an answer.
    #[serde(rename = "supplier_evidence.uploaded")]
    SupplierEvidenceUploaded,
    /// A reviewer accepted or rejected an evidence item (recorded on both sides).
    #[serde(rename = "supplier_evidence.reviewed")]
    SupplierEvidenceReviewed,
    /// A supplier submitted its questionnaire (recorded on both sides).
    #[serde(rename = "supplier_questionnaire.submitted")]
    SupplierQuestionnaireSubmitted,
}

impl AuditAction {
    /// Every action, in the order filters list them.
    pub const ALL: [AuditAction; 61] = [
        AuditAction::OrganisationRegistered,
        AuditAction::OrganisationUpdated,
        AuditAction::FacilityCreated,
        AuditAction::FacilityUpdated,
        AuditAction::FacilityArchived,
        AuditAction::FacilityRestored,
        AuditAction::MemberAdded,
        AuditAction::MemberRoleChanged,
        AuditAction::MemberRemoved,
        AuditAction::MemberInvitationCreated,
        AuditAction::MemberInvitationRevoked,
        AuditAction::MemberInvitationAccepted,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::SupplierInvitationCreated,
        AuditAction::SupplierInvitationRevoked,
        AuditAction::SupplierLinkCreated,
        AuditAction::SupplierLinkEnded,
        AuditAction::SupplierShareGranted,
        AuditAction::SupplierShareRevoked,
        AuditAction::UserLoggedIn,
        AuditAction::ActivityRecorded,
        AuditAction::ActivitiesImported,
        AuditAction::ActivityDeleted,
        AuditAction::FactorAdded,
        AuditAction::InventoryComputed,
        AuditAction::InventoryVerified,
        AuditAction::FacilityBoundaryChanged,
        AuditAction::ProductCreated,
        AuditAction::ProductModelSaved,
        AuditAction::FootprintComputed,
        AuditAction::FootprintVerified,
        AuditAction::LabelPublished,
        AuditAction::LabelWithdrawn,
        AuditAction::VerificationEngagementStarted,
        AuditAction::VerificationEngagementEnded,
        AuditAction::EnergyMeterRegistered,
        AuditAction::EnergySiteChanged,
        AuditAction::EnergyProductionRecorded,
        AuditAction::EnergyMeasureRecorded,
        AuditAction::MethodologyDrafted,
        AuditAction::MethodologySubmitted,
        AuditAction::MethodologySignedOff,
        AuditAction::MethodologyNoticeStarted,
        AuditAction::MethodologyApproved,
        AuditAction::MethodologyRetired,
        AuditAction::SubPlatformRegistered,
        AuditAction::SubPlatformCredentialIssued,
        AuditAction::SubPlatformCredentialRevoked,
        AuditAction::ParentAccountOpened,
        AuditAction::IdentityLinked,
        AuditAction::IdentityUnlinked,
        AuditAction::PactClientCreated,
        AuditAction::PactClientRevoked,
        AuditAction::PactCarbonContentDeclared,
        AuditAction::SupplierCampaignLaunched,
        AuditAction::SupplierAnswerRecorded,
        AuditAction::SupplierAnswerReopened,
        AuditAction::SupplierEvidenceUploaded,
        AuditAction::SupplierEvidenceReviewed,
        AuditAction::SupplierQuestionnaireSubmitted,
    ];

    /// The stable machine name, e.g. `facility.created`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::OrganisationRegistered => "organisation.registered",
            AuditAction::OrganisationUpdated => "organisation.updated",
            AuditAction::FacilityCreated => "facility.created",
            AuditAction::FacilityUpdated => "facility.updated",
            AuditAction::FacilityArchived => "facility.archived",
            AuditAction::FacilityRestored => "facility.restored",
            AuditAction::MemberAdded => "member.added",
            AuditAction::MemberRoleChanged => "member.role_changed",
            AuditAction::MemberRemoved => "member.removed",
            AuditAction::MemberInvitationCreated => "member_invitation.created",
            AuditAction::MemberInvitationRevoked => "member_invitation.revoked",
            AuditAction::MemberInvitationAccepted => "member_invitation.accepted",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::SupplierInvitationCreated => "supplier_invitation.created",
            AuditAction::SupplierInvitationRevoked => "supplier_invitation.revoked",
            AuditAction::SupplierLinkCreated => "supplier_link.created",
            AuditAction::SupplierLinkEnded => "supplier_link.ended",
            AuditAction::SupplierShareGranted => "supplier_share.granted",
            AuditAction::SupplierShareRevoked => "supplier_share.revoked",
            AuditAction::UserLoggedIn => "user.logged_in",
            AuditAction::ActivityRecorded => "activity.recorded",
            AuditAction::ActivitiesImported => "activity.imported",
            AuditAction::ActivityDeleted => "activity.deleted",
            AuditAction::FactorAdded => "factor.added",
            AuditAction::InventoryComputed => "inventory.computed",
            AuditAction::InventoryVerified => "inventory.verified",
            AuditAction::FacilityBoundaryChanged => "facility.boundary_changed",
            AuditAction::ProductCreated => "product.created",
            AuditAction::ProductModelSaved => "product.model_saved",
            AuditAction::FootprintComputed => "footprint.computed",
            AuditAction::FootprintVerified => "footprint.verified",
            AuditAction::LabelPublished => "label.published",
            AuditAction::LabelWithdrawn => "label.withdrawn",
            AuditAction::VerificationEngagementStarted => "verification_engagement.started",
            AuditAction::VerificationEngagementEnded => "verification_engagement.ended",
            AuditAction::EnergyMeterRegistered => "energy_meter.registered",
            AuditAction::EnergySiteChanged => "energy_site.changed",
            AuditAction::EnergyProductionRecorded => "energy_production.recorded",
            AuditAction::EnergyMeasureRecorded => "energy_measure.recorded",
            AuditAction::MethodologyDrafted => "methodology.drafted",
            AuditAction::MethodologySubmitted => "methodology.submitted",
            AuditAction::MethodologySignedOff => "methodology.signed_off",
            AuditAction::MethodologyNoticeStarted => "methodology.notice_started",
            AuditAction::MethodologyApproved => "methodology.approved",
            AuditAction::MethodologyRetired => "methodology.retired",
            AuditAction::SubPlatformRegistered => "sub_platform.registered",
            AuditAction::SubPlatformCredentialIssued => "sub_platform.credential_issued",
            AuditAction::SubPlatformCredentialRevoked => "sub_platform.credential_revoked",
            AuditAction::ParentAccountOpened => "parent_account.opened",
            AuditAction::IdentityLinked => "identity_link.linked",
            AuditAction::IdentityUnlinked => "identity_link.unlinked",
            AuditAction::PactClientCreated => "pact_client.created",
            AuditAction::PactClientRevoked => "pact_client.revoked",
            AuditAction::PactCarbonContentDeclared => "pact_carbon_content.declared",
            AuditAction::SupplierCampaignLaunched => "supplier_campaign.launched",
            AuditAction::SupplierAnswerRecorded => "supplier_answer.recorded",
            AuditAction::SupplierAnswerReopened => "supplier_answer.reopened",
            AuditAction::SupplierEvidenceUploaded => "supplier_evidence.uploaded",
            AuditAction::SupplierEvidenceReviewed => "supplier_evidence.reviewed",
            AuditAction::SupplierQuestionnaireSubmitted => "supplier_questionnaire.submitted",
        }
    }

    /// Looks an action up by its machine name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == name)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Every field name the audit log records changes of, so that each can have its own label for people (a test of the
/// console's catalogue checks that each has one). A store method that records a new field adds it here.
pub const RECORDED_FIELDS: [&str; 25] = [
    // Organisation profile and facility details.
    "name",
    "name_en",
    "code",
    "kind",
    "country",
    "subdivision",
    "city",
    "address",
    "credit_code",
    // Members, invitations and tokens.
    "role",
    "scopes",
    // Activity data and factors.
    "rows",
    "quantity",
    "file",
    // Inventories and their boundary.
    "total_location_t",
    "statement",
    "equity_share_percent",
    "financial_control",
    "operational_control",
    // Products, footprints and labels.
    "sku",
    "processes",
    "total_kg_co2e",
    "record_hash",
    "reason",
    // What a supplier shares with a customer.
    "shared_data",
];

/// One field's value before and after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's machine name.
    pub field: String,
    /// Its value before, if it had one.
    pub before: Option<String>,
    /// Its value after, if it has one.
    pub after: Option<String>,
}

/// Lists the fields whose values differ between `before` and `after`, given as `(field, value)` pairs in the same
/// order. Used to record exactly what an update changed.
pub fn field_changes(before: &[(&str, Option<String>)], after: &[(&str, Option<String>)]) -> Vec<FieldChange> {
    assert_eq!(before.len(), after.len(), "before and after must list the same fields");
    before
        .iter()
        .zip(after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (field_after, new))| {
            assert_eq!(field, field_after, "before and after must list the fields in the same order");
            FieldChange { field: (*field).to_owned(), before: old.clone(), after: new.clone() }
        })
        .collect()
}

/// An entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Its identifier (time-ordered).
    pub id: AuditEventId,
    /// The organisation whose log holds it.
    pub organisation_id: OrganisationId,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// The person who acted (directly or through a token), if a person did; operator commands have none.
    pub actor_user_id: Option<UserId>,
    /// The token used, if one was.
    pub actor_token_id: Option<ApiTokenId>,
    /// The actor as people read it.
    pub actor_label: String,
    /// What happened.
    pub action: AuditAction,
    /// The identifier of the object acted on.
    pub object_id: Option<String>,
    /// The object's name at the time, so the entry stays readable after the object is renamed or removed.
    pub object_label: String,
    /// For updates, the fields that changed.
    pub changes: Vec<FieldChange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_name(action.as_str()), Some(action));
            // The serde name, used in API bodies, must agree with the stored machine name.
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.as_str()));
        }
    }

    #[test]
    fn field_changes_lists_only_what_changed() {
        let before = [("name", Some("A".to_owned())), ("city", None), ("code", Some("X".to_owned()))];
        let after = [("name", Some("B".to_owned())), ("city", None), ("code", None)];
        let changes = field_changes(&before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange { field: "name".into(), before: Some("A".into()), after: Some("B".into()) },
                FieldChange { field: "code".into(), before: Some("X".into()), after: None },
            ]
        );
    }
}
