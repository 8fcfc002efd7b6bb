//! People: users who log in, their memberships of organisations, and the roles those memberships carry.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{OrganisationId, UserId};
use crate::organisation::{OrganisationKind, OrganisationName};
use crate::validation::{self, FieldError, Problem};

/// What a member may do in an organisation. See [`crate::access`] for the full permission table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organisation: profile, members, tokens, supplier links, and everything an editor does (所有者).
    Owner,
    /// Enters and changes data (编辑).
    Editor,
    /// Reads everything including provenance and the audit log, changes nothing (审核员, e.g. a verifier).
    Auditor,
    /// Reads data, without provenance or the audit log (查看者).
    Viewer,
}

impl Role {
    /// Every role, from most to least powerful.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Editor, Role::Auditor, Role::Viewer];

    /// The stable machine name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Auditor => "auditor",
            Role::Viewer => "viewer",
        }
    }

    /// Parses a machine name.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        validation::one_of(field, raw, &Self::ALL.map(|role| (role.as_str(), role)))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The language a person reads the console in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    /// 简体中文.
    #[default]
    #[serde(rename = "zh-CN")]
    SimplifiedChinese,
    /// English.
    #[serde(rename = "en")]
    English,
}

impl Language {
    /// Both languages, Chinese first.
    pub const ALL: [Language; 2] = [Language::SimplifiedChinese, Language::English];

    /// The BCP 47 tag, as used in `lang` attributes, cookies and the database.
    pub const fn tag(self) -> &'static str {
        match self {
            Language::SimplifiedChinese => "zh-CN",
            Language::English => "en",
        }
    }

    /// Parses a BCP 47 tag; any Chinese tag means Simplified Chinese, any English tag English.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Language::SimplifiedChinese),
            "en" => Some(Language::English),
            _ => None,
        }
    }
}

/// An e-mail address, used as the login name. Stored trimmed and lower-cased, so logins are case-insensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address of the form `local@domain.tld`. This is deliberately a plausibility check, not RFC 5322:
    /// the platform never sends mail, it only needs a unique, recognisable login.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        const FIELD: &str = "email";
        let address = raw.trim().to_lowercase();
        if address.is_empty() {
            return Err(FieldError::new(FIELD, Problem::Required));
        }
        if address.chars().count() > 254 {
            return Err(FieldError::new(FIELD, Problem::TooLong { max_chars: 254 }));
        }
        let malformed =
            || FieldError::new(FIELD, Problem::Malformed { expected: "an e-mail address such as name@example.com" });
        let (local, domain) = address.split_once('@').ok_or_else(malformed)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty()
            || local.chars().count() > 64
            || !domain_ok
            || address.chars().any(|character| character.is_whitespace() || character.is_control())
            || domain.contains('@')
        {
            return Err(malformed());
        }
        Ok(Self(address))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// How a person's name is shown, e.g. "赵永建".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name: trimmed, one line, 1–80 characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        validation::single_line_text("display_name", raw, 80).map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password in clear text, on its way to being hashed or checked. Its `Debug` output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Fewest characters accepted (NIST SP 800-63B asks for at least 8; we ask for a little more).
    pub const MIN_CHARS: usize = 10;
    /// Most characters accepted; long enough for any pass phrase, short enough to bound hashing work.
    pub const MAX_CHARS: usize = 256;

    /// Accepts a new password of 10–256 characters. Spaces are allowed and kept, as pass phrases contain them.
    pub fn parse_new(raw: &str) -> Result<Self, FieldError> {
        const FIELD: &str = "password";
        let n_chars = raw.chars().count();
        if n_chars == 0 {
            return Err(FieldError::new(FIELD, Problem::Required));
        }
        if n_chars < Self::MIN_CHARS {
            return Err(FieldError::new(FIELD, Problem::TooShort { min_chars: Self::MIN_CHARS }));
        }
        if n_chars > Self::MAX_CHARS {
            return Err(FieldError::new(FIELD, Problem::TooLong { max_chars: Self::MAX_CHARS }));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Wraps a password given at login, which is only ever compared with a stored hash and so needs no policy check.
    pub fn for_login(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    /// The clear text, for the hashing function only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Password(<redacted>)")
    }
}

/// A person who can log in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Their identifier.
    pub id: UserId,
    /// Their login.
    pub email: Email,
    /// Their name as shown.
    pub display_name: DisplayName,
    /// The language they chose for the console, if they chose one.
    pub language: Option<Language>,
    /// When they were registered.
    pub created_at: Timestamp,
}

/// A person's membership of an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// The organisation's name, for menus.
    pub organisation_name: OrganisationName,
    /// Its English name, when it gave one (English menus show it).
    #[serde(default)]
    pub organisation_name_en: Option<OrganisationName>,
    /// The organisation's kind.
    pub organisation_kind: OrganisationKind,
    /// What the person may do there.
    pub role: Role,
}

/// A member of an organisation as listed on its members page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The person.
    pub user: User,
    /// Their role in this organisation.
    pub role: Role,
    /// When they joined this organisation.
    pub joined_at: Timestamp,
}

/// Refused because the change would leave an organisation with no owner, and so with nobody able to manage it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an organisation must keep at least one owner; make another member owner first")]
pub struct LastOwner;

/// Checks that removing or demoting a member leaves at least one owner.
///
/// `n_owners_now` counts owners before the change; `member_is_owner` says whether the member being removed or demoted
/// is one of them; `stays_owner` says whether they remain owner after the change.
pub fn ensure_an_owner_remains(n_owners_now: usize, member_is_owner: bool, stays_owner: bool) -> Result<(), LastOwner> {
    let n_owners_after = n_owners_now - usize::from(member_is_owner && !stays_owner);
    if n_owners_after == 0 { Err(LastOwner) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Zhao.YJ@RuiKang.example ").unwrap().as_str(), "zhao.yj@ruikang.example");
        for bad in ["", "no-at-sign", "@example.com", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "a@-b.com"] {
            assert_eq!(Email::parse(bad).unwrap_err().field, "email", "{bad:?} must be rejected");
        }
    }

    #[test]
    fn passwords_are_bounded_and_never_printed() {
        assert!(Password::parse_new("short").is_err());
        let password = Password::parse_new("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    }

    #[test]
    fn the_last_owner_cannot_leave() {
        assert_eq!(ensure_an_owner_remains(1, true, false), Err(LastOwner));
        assert_eq!(ensure_an_owner_remains(2, true, false), Ok(()));
        assert_eq!(ensure_an_owner_remains(1, true, true), Ok(()));
        assert_eq!(ensure_an_owner_remains(1, false, false), Ok(()));
    }

    #[test]
    fn language_tags() {
        assert_eq!(Language::from_tag("zh-Hans-CN"), Some(Language::SimplifiedChinese));
        assert_eq!(Language::from_tag("en_GB"), Some(Language::English));
        assert_eq!(Language::from_tag("fr"), None);
    }
}
