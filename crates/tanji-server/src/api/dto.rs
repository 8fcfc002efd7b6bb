//! The API's request and response bodies: the public contract, kept apart from the domain types so either can
//! change without silently changing the other.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tanji_store::{VerificationBody, VerificationEngagement};
use tanji_tenancy::audit::{AuditEvent, FieldChange};
use tanji_tenancy::facility::Facility;
use tanji_tenancy::member::{Member, Role};
use tanji_tenancy::member_invitation::{MemberInvitation, MemberInvitationState};
use tanji_tenancy::organisation::{Organisation, OrganisationKind};
use tanji_tenancy::supplier_link::{Invitation, InvitationState, LinkedOrganisation, SupplierLink};
use tanji_tenancy::token::{ApiToken, TokenScope};
use utoipa::ToSchema;
use uuid::Uuid;

/// An organisation's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    #[schema(example = "台州瑞康日用品科技有限公司")]
    pub name: String,
    /// The English name, when given; English pages show it.
    #[schema(example = "Taizhou Ruikang Daily Products")]
    pub name_en: Option<String>,
    pub kind: OrganisationKind,
    #[schema(example = "CN")]
    pub country: String,
    /// Unified social credit code (GB 32100-2015), when given.
    pub credit_code: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<Organisation> for OrganisationView {
    fn from(organisation: Organisation) -> Self {
        Self {
            id: organisation.id.as_uuid(),
            name: organisation.name.as_str().to_owned(),
            name_en: organisation.name_en.map(|name| name.as_str().to_owned()),
            kind: organisation.kind,
            country: organisation.country.as_str().to_owned(),
            credit_code: organisation.credit_code.map(|code| code.as_str().to_owned()),
            created_at: organisation.created_at,
            updated_at: organisation.updated_at,
        }
    }
}

/// Changes to an organisation's profile; omitted fields keep their value, `credit_code: ""` clears the code and
/// `name_en: ""` the English name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub country: Option<String>,
    pub credit_code: Option<String>,
}

/// An organisation to register (platform operator only), optionally inviting its first owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationBody {
    pub name: String,
    /// The English name, optional.
    pub name_en: Option<String>,
    pub kind: OrganisationKind,
    /// ISO 3166-1 alpha-2; defaults to CN.
    pub country: Option<String>,
    pub credit_code: Option<String>,
    /// The first owner to invite. Nobody is added: the person becomes owner by accepting the invitation's link.
    pub owner: Option<FirstOwnerBody>,
}

/// The first owner of an organisation being registered: only an address. Its holder chooses their name and password
/// when they accept (if they have no account yet); `display_name` and `initial_password` are refused as unknown fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstOwnerBody {
    #[schema(example = "lin@lvzhou.example")]
    pub email: String,
}

/// A newly registered organisation and, if a first owner was named, the invitation for them with its code and link —
/// shown this once. The answer is the same whether or not the address has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredTenantView {
    pub organisation: OrganisationView,
    pub owner_invitation: Option<CreatedMemberInvitationView>,
}

/// An organisation in the tenant directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub organisation: OrganisationView,
    pub n_members: i64,
    pub n_facilities: i64,
}

/// A facility.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    #[schema(example = "黄岩工厂")]
    pub name: String,
    /// The English name, when given.
    #[schema(example = "Huangyan factory")]
    pub name_en: Option<String>,
    pub code: Option<String>,
    #[schema(example = "factory")]
    pub kind: tanji_tenancy::facility::FacilityKind,
    #[schema(example = "CN")]
    pub country: String,
    /// ISO 3166-2 code, e.g. `CN-ZJ`.
    #[schema(example = "CN-ZJ")]
    pub subdivision: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub archived: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<Facility> for FacilityView {
    fn from(facility: Facility) -> Self {
        let details = facility.details;
        Self {
            id: facility.id.as_uuid(),
            organisation_id: facility.organisation_id.as_uuid(),
            name: details.name,
            name_en: details.name_en,
            code: details.code,
            kind: details.kind,
            country: details.country.as_str().to_owned(),
            subdivision: details.subdivision.map(|code| code.as_str().to_owned()),
            city: details.city,
            address: details.address,
            archived: facility.archived,
            created_at: facility.created_at,
            updated_at: facility.updated_at,
        }
    }
}

/// A facility's details, to create it or replace them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilityBody {
    #[schema(example = "黄岩工厂")]
    pub name: String,
    /// The English name, optional.
    pub name_en: Option<String>,
    pub code: Option<String>,
    /// One of `factory`, `warehouse`, `logistics_hub`, `office`, `store`, `data_centre`, `other`.
    #[schema(example = "factory")]
    pub kind: String,
    /// ISO 3166-1 alpha-2; defaults to CN.
    pub country: Option<String>,
    /// ISO 3166-2 code of the country, e.g. `CN-ZJ`.
    pub subdivision: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
}

/// A member of the organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: Timestamp,
}

impl From<Member> for MemberView {
    fn from(member: Member) -> Self {
        Self {
            user_id: member.user.id.as_uuid(),
            email: member.user.email.as_str().to_owned(),
            display_name: member.user.display_name.as_str().to_owned(),
            role: member.role,
            joined_at: member.joined_at,
        }
    }
}

/// A person to invite: the address that may accept, and the role they will have.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberInvitationBody {
    #[schema(example = "qian.xy@ruikang.example")]
    pub email: String,
    pub role: Role,
}

/// An invitation to become a member (never its code).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberInvitationView {
    pub id: Uuid,
    /// The only address that may accept it.
    pub email: String,
    pub role: Role,
    pub state: MemberInvitationState,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    /// The account that accepted it.
    pub accepted_by: Option<Uuid>,
    pub revoked_at: Option<Timestamp>,
}

impl MemberInvitationView {
    pub fn new(invitation: MemberInvitation, now: Timestamp) -> Self {
        Self {
            id: invitation.id.as_uuid(),
            state: invitation.state(now),
            email: invitation.email.as_str().to_owned(),
            role: invitation.role,
            created_by: invitation.created_by.as_uuid(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            accepted_at: invitation.accepted_at,
            accepted_by: invitation.accepted_by.map(|id| id.as_uuid()),
            revoked_at: invitation.revoked_at,
        }
    }
}

/// A member invitation just created, with its code and link — shown this once. The answer is the same whether or
/// not the address has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedMemberInvitationView {
    pub invitation: MemberInvitationView,
    /// The secret code in the link.
    pub code: String,
    /// The page where the invited person accepts (logged in) or creates their account; send it to them.
    pub link: String,
}

/// A new role for a member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChangeBody {
    pub role: Role,
}

/// An API token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret.
    pub secret_prefix: String,
    pub scopes: Vec<TokenScope>,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub active: bool,
}

impl TokenView {
    pub fn new(token: ApiToken, now: Timestamp) -> Self {
        Self {
            id: token.id.as_uuid(),
            active: token.is_active(now),
            name: token.name.as_str().to_owned(),
            secret_prefix: token.secret_prefix,
            scopes: token.scopes.iter().collect(),
            created_by: token.created_by.as_uuid(),
            created_at: token.created_at,
            expires_at: token.expires_at,
            last_used_at: token.last_used_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// A token to create, acting for the caller's creator with at most their role's power.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    #[schema(example = "ERP nightly export")]
    pub name: String,
    pub scopes: Vec<TokenScope>,
    /// When it stops working; omit for no expiry.
    pub expires_at: Option<Timestamp>,
}

/// A token just created, with its secret — shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenView {
    pub token: TokenView,
    /// Send as `Authorization: Bearer <secret>`. Not retrievable later.
    pub secret: String,
}

/// The other side of a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedOrganisationView {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
}

impl From<LinkedOrganisation> for LinkedOrganisationView {
    fn from(organisation: LinkedOrganisation) -> Self {
        Self { id: organisation.id.as_uuid(), name: organisation.name.as_str().to_owned(), kind: organisation.kind }
    }
}

/// A customer–supplier link.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierLinkView {
    pub id: Uuid,
    pub customer: LinkedOrganisationView,
    pub supplier: LinkedOrganisationView,
    pub linked_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

impl From<SupplierLink> for SupplierLinkView {
    fn from(link: SupplierLink) -> Self {
        Self {
            id: link.id.as_uuid(),
            customer: link.customer.into(),
            supplier: link.supplier.into(),
            linked_at: link.linked_at,
            ended_at: link.ended_at,
        }
    }
}

/// An invitation sent to a supplier (never its code).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub customer: LinkedOrganisationView,
    pub supplier_name: String,
    pub message: Option<String>,
    pub state: InvitationState,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl InvitationView {
    pub fn new(invitation: Invitation, now: Timestamp) -> Self {
        Self {
            id: invitation.id.as_uuid(),
            state: invitation.state(now),
            customer: invitation.customer.into(),
            supplier_name: invitation.supplier_name,
            message: invitation.message,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        }
    }
}

/// An invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitationBody {
    #[schema(example = "台州瑞康日用品科技有限公司")]
    pub supplier_name: String,
    pub message: Option<String>,
}

/// An invitation just created, with its code and link — shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedInvitationView {
    pub invitation: InvitationView,
    /// The secret code; the supplier's owner accepts with it.
    pub code: String,
    /// The page where the supplier accepts or registers.
    pub link: String,
}

/// An invitation code to accept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationBody {
    pub code: String,
}

/// One changed field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeView {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl From<FieldChange> for FieldChangeView {
    fn from(change: FieldChange) -> Self {
        Self { field: change.field, before: change.before, after: change.after }
    }
}

/// An audit-log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: Uuid,
    pub occurred_at: Timestamp,
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub actor_label: String,
    /// e.g. `facility.updated`.
    #[schema(example = "facility.updated")]
    pub action: String,
    pub object_id: Option<String>,
    pub object_label: String,
    pub changes: Vec<FieldChangeView>,
}

impl From<AuditEvent> for AuditEventView {
    fn from(event: AuditEvent) -> Self {
        Self {
            id: event.id.as_uuid(),
            occurred_at: event.occurred_at,
            actor_user_id: event.actor_user_id.map(|id| id.as_uuid()),
            actor_token_id: event.actor_token_id.map(|id| id.as_uuid()),
            actor_label: event.actor_label,
            action: event.action.as_str().to_owned(),
            object_id: event.object_id,
            object_label: event.object_label,
            changes: event.changes.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of audit entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    /// Pass as `before` to get the next (older) page; absent on the last page.
    pub next_before: Option<Uuid>,
}

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub organisation: OrganisationView,
    pub user_id: Uuid,
    /// The role of the token's creator, which bounds the token.
    pub role: Role,
    pub token_id: Option<Uuid>,
    pub scopes: Vec<TokenScope>,
}

/// One side of a verification engagement.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagedOrganisationView {
    pub id: Uuid,
    pub name: String,
}

/// An organisation's engagement of a verification body: while it is open (`ended_at` empty), the body's auditors
/// act in the organisation as auditors.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationEngagementView {
    /// The engagement's id (a UUID).
    pub id: String,
    /// The organisation verified (the client).
    pub organisation: EngagedOrganisationView,
    /// The verification body.
    pub verification_body: EngagedOrganisationView,
    pub started_at: Timestamp,
    /// When the organisation ended it; absent while it is open.
    pub ended_at: Option<Timestamp>,
}

impl From<VerificationEngagement> for VerificationEngagementView {
    fn from(engagement: VerificationEngagement) -> Self {
        Self {
            id: engagement.id,
            organisation: EngagedOrganisationView {
                id: engagement.organisation_id.as_uuid(),
                name: engagement.organisation_name,
            },
            verification_body: EngagedOrganisationView {
                id: engagement.verification_body_id.as_uuid(),
                name: engagement.verification_body_name,
            },
            started_at: engagement.started_at,
            ended_at: engagement.ended_at,
        }
    }
}

/// A verification body an organisation may engage.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationBodyView {
    pub id: Uuid,
    pub name: String,
}

impl From<VerificationBody> for VerificationBodyView {
    fn from(body: VerificationBody) -> Self {
        Self { id: body.id.as_uuid(), name: body.name }
    }
}

/// A verification body to engage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEngagementBody {
    /// The body's organisation id, from `GET /api/v1/verification-bodies`.
    pub verification_body_id: Uuid,
}
