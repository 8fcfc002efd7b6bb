//! Invitations to become a member of an organisation, and the rules for accepting them.
//!
//! An owner invites an e-mail address with a role. Nothing changes for the person behind the address until they
//! accept: either logged in with that very address, or by creating an account for it from the invitation. This
//! replaces adding people directly, which let any owner attach any existing account to their organisation without
//! its holder's consent, and whose answer told the owner whether the address had an account. Creating an invitation
//! never looks at accounts at all, so its answer cannot depend on them.
//!
//! The invitation's code (a secret in the link) is minted and stored by the adapters; this module only decides.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::ids::{MemberInvitationId, OrganisationId, UserId};
use crate::member::{Email, Role};
use crate::organisation::OrganisationName;

/// How long an invitation can be accepted after it was created, unless the adapter chooses otherwise.
pub const DEFAULT_VALIDITY: SignedDuration = SignedDuration::from_hours(7 * 24);

/// When an invitation created at `created_at` and valid for `validity` stops being acceptable.
pub fn expiry(created_at: Timestamp, validity: SignedDuration) -> Timestamp {
    created_at + validity
}

/// An invitation to join an organisation, as stored (never its code, which only the inviter sees, once).
#[derive(Clone, Debug, PartialEq)]
pub struct MemberInvitation {
    /// Its identifier.
    pub id: MemberInvitationId,
    /// The organisation to join.
    pub organisation_id: OrganisationId,
    /// That organisation's name, shown to the invited person.
    pub organisation_name: OrganisationName,
    /// The only address that may accept it.
    pub email: Email,
    /// The role the person will have.
    pub role: Role,
    /// The owner who created it.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it can no longer be accepted.
    pub expires_at: Timestamp,
    /// When it was accepted, if it was.
    pub accepted_at: Option<Timestamp>,
    /// Who accepted it, if someone did.
    pub accepted_by: Option<UserId>,
    /// When an owner withdrew it, if one did.
    pub revoked_at: Option<Timestamp>,
}

/// Where an invitation stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberInvitationState {
    /// Waiting to be accepted.
    Open,
    /// Accepted; the person is (or was) a member.
    Accepted,
    /// Withdrawn by an owner.
    Revoked,
    /// Not accepted in time.
    Expired,
}

impl MemberInvitationState {
    /// The stable machine name, as the API returns it.
    pub const fn as_str(self) -> &'static str {
        match self {
            MemberInvitationState::Open => "open",
            MemberInvitationState::Accepted => "accepted",
            MemberInvitationState::Revoked => "revoked",
            MemberInvitationState::Expired => "expired",
        }
    }
}

impl MemberInvitation {
    /// The invitation's state at `now`. Acceptance and withdrawal are final; expiry only matters while neither
    /// happened.
    pub fn state(&self, now: Timestamp) -> MemberInvitationState {
        if self.accepted_at.is_some() {
            MemberInvitationState::Accepted
        } else if self.revoked_at.is_some() {
            MemberInvitationState::Revoked
        } else if now >= self.expires_at {
            MemberInvitationState::Expired
        } else {
            MemberInvitationState::Open
        }
    }

    /// Whether `email` is the invited address. Addresses compare case-insensitively, as logins do.
    pub fn is_addressed_to(&self, email: &Email) -> bool {
        self.email.as_str().to_lowercase() == email.as_str().to_lowercase()
    }

    /// The invited address as the invitation page shows it: enough for its holder to recognise, not enough to read
    /// off a link that was forwarded or left open on a screen.
    pub fn masked_email(&self) -> String {
        mask_email(&self.email)
    }
}

/// `zhao.yj@ruikang.example` → `z***@ruikang.example`: the first character of the local part, then a fixed mask (so
/// the length does not show), then the domain.
pub fn mask_email(email: &Email) -> String {
    let (local, domain) = email.as_str().split_once('@').unwrap_or((email.as_str(), ""));
    let first: String = local.chars().take(1).collect();
    format!("{first}***@{domain}")
}

/// Why an invitation cannot be used. Problems as data: adapters put them into words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinRefused {
    /// It was already accepted, withdrawn, or has expired.
    NotOpen(MemberInvitationState),
    /// The person logged in is not the one invited: their address differs from the invited one.
    NotTheInvitee,
    /// The person is already a member of the organisation.
    AlreadyMember,
    /// Registering from the invitation: the invited address already has an account, whose holder must log in to
    /// accept instead. Nothing is created.
    AccountExists,
}

/// Decides whether the logged-in person whose login is `person_email` may accept `invitation` at `now`.
/// `already_member` says whether they already belong to the invitation's organisation.
pub fn check_acceptance(
    invitation: &MemberInvitation,
    person_email: &Email,
    already_member: bool,
    now: Timestamp,
) -> Result<(), JoinRefused> {
    match invitation.state(now) {
        MemberInvitationState::Open => {}
        state => return Err(JoinRefused::NotOpen(state)),
    }
    if !invitation.is_addressed_to(person_email) {
        return Err(JoinRefused::NotTheInvitee);
    }
    if already_member {
        return Err(JoinRefused::AlreadyMember);
    }
    Ok(())
}

/// Decides whether a person without an account may create one for the invited address from `invitation` at `now`
/// and so accept it. `account_exists` says whether the invited address already has an account.
pub fn check_registration(
    invitation: &MemberInvitation,
    account_exists: bool,
    now: Timestamp,
) -> Result<(), JoinRefused> {
    match invitation.state(now) {
        MemberInvitationState::Open => {}
        state => return Err(JoinRefused::NotOpen(state)),
    }
    if account_exists {
        return Err(JoinRefused::AccountExists);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn created() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap()
    }

    fn invitation() -> MemberInvitation {
        MemberInvitation {
            id: MemberInvitationId::from_uuid(Uuid::from_u128(9)),
            organisation_id: OrganisationId::from_uuid(Uuid::from_u128(1)),
            organisation_name: OrganisationName::parse("Brand").unwrap(),
            email: email("zhao.yj@ruikang.example"),
            role: Role::Editor,
            created_by: UserId::from_uuid(Uuid::from_u128(3)),
            created_at: created(),
            expires_at: expiry(created(), DEFAULT_VALIDITY),
            accepted_at: None,
            accepted_by: None,
            revoked_at: None,
        }
    }

    fn check(
        invitation: &MemberInvitation,
        person: &str,
        already_member: bool,
        hours_later: i64,
        expect: Result<(), JoinRefused>,
    ) {
        let now = created() + SignedDuration::from_hours(hours_later);
        assert_eq!(
            check_acceptance(invitation, &email(person), already_member, now),
            expect,
            "{person} after {hours_later} h"
        );
    }

    #[test]
    fn invitations_last_seven_days() {
        let open = invitation();
        assert_eq!(open.expires_at, created() + SignedDuration::from_hours(168));
        assert_eq!(open.state(open.expires_at - SignedDuration::from_secs(1)), MemberInvitationState::Open);
        assert_eq!(open.state(open.expires_at), MemberInvitationState::Expired);
    }

    #[test]
    fn acceptance_rules() {
        let open = invitation();
        check(&open, "zhao.yj@ruikang.example", false, 1, Ok(()));
        // Logins are case-insensitive, and so is the match with the invited address.
        check(&open, "Zhao.YJ@RuiKang.example", false, 1, Ok(()));
        check(&open, "someone.else@ruikang.example", false, 1, Err(JoinRefused::NotTheInvitee));
        check(&open, "zhao.yj@ruikang.example", true, 1, Err(JoinRefused::AlreadyMember));
        let expired = Err(JoinRefused::NotOpen(MemberInvitationState::Expired));
        check(&open, "zhao.yj@ruikang.example", false, 7 * 24, expired);
        // A closed invitation says so first, whoever asks.
        check(&open, "someone.else@ruikang.example", false, 7 * 24, expired);

        let accepted = MemberInvitation { accepted_at: Some(created()), ..invitation() };
        check(
            &accepted,
            "zhao.yj@ruikang.example",
            false,
            1,
            Err(JoinRefused::NotOpen(MemberInvitationState::Accepted)),
        );
        let revoked = MemberInvitation { revoked_at: Some(created()), ..invitation() };
        check(&revoked, "zhao.yj@ruikang.example", false, 1, Err(JoinRefused::NotOpen(MemberInvitationState::Revoked)));
        // Acceptance and withdrawal are final: expiry does not hide them.
        assert_eq!(revoked.state(created() + SignedDuration::from_hours(1000)), MemberInvitationState::Revoked);
    }

    #[test]
    fn registration_rules() {
        let open = invitation();
        let soon = created() + SignedDuration::from_hours(1);
        assert_eq!(check_registration(&open, false, soon), Ok(()));
        assert_eq!(check_registration(&open, true, soon), Err(JoinRefused::AccountExists));
        let late = open.expires_at;
        assert_eq!(check_registration(&open, false, late), Err(JoinRefused::NotOpen(MemberInvitationState::Expired)));
    }

    #[test]
    fn addresses_are_masked() {
        assert_eq!(invitation().masked_email(), "z***@ruikang.example");
        assert_eq!(mask_email(&email("a@b.example")), "a***@b.example");
    }
}
