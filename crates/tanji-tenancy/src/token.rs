//! API tokens for machine clients: what a token may do (its scopes) and what it is called.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{ApiTokenId, OrganisationId, UserId};
use crate::member::Role;
use crate::validation::{self, FieldError, Problem};

/// A class of operations a token may perform. Scopes only narrow: a token never does more than the role of the person
/// who created it allows, checked again at every use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read the organisation's data.
    Read,
    /// Create and change the organisation's data.
    Write,
    /// Manage the organisation: profile, members, tokens, supplier links.
    Admin,
}

impl TokenScope {
    /// Every scope, narrowest first.
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Write, TokenScope::Admin];

    /// The stable machine name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
            TokenScope::Admin => "admin",
        }
    }

    /// Whether a member with `role` may create a token carrying this scope.
    pub const fn grantable_by(self, role: Role) -> bool {
        match self {
            TokenScope::Read => true,
            // Auditors write only their sign-offs; their role, not the scope, keeps them from changing data.
            TokenScope::Write => matches!(role, Role::Owner | Role::Editor | Role::Auditor),
            TokenScope::Admin => matches!(role, Role::Owner),
        }
    }
}

/// A non-empty set of scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenScopes {
    read: bool,
    write: bool,
    admin: bool,
}

impl TokenScopes {
    /// Parses a comma- or space-separated list such as `read,write`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::from_names(raw.split([',', ' ']).filter(|name| !name.trim().is_empty()))
    }

    /// Parses a list of scope names, e.g. from repeated form checkboxes or a JSON array.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, FieldError> {
        let mut scopes = Self { read: false, write: false, admin: false };
        for name in names {
            match validation::one_of("scopes", name, &TokenScope::ALL.map(|scope| (scope.as_str(), scope)))? {
                TokenScope::Read => scopes.read = true,
                TokenScope::Write => scopes.write = true,
                TokenScope::Admin => scopes.admin = true,
            }
        }
        if scopes.is_empty() {
            return Err(FieldError::new("scopes", Problem::Required));
        }
        Ok(scopes)
    }

    /// A set holding exactly `scope`.
    pub fn only(scope: TokenScope) -> Self {
        Self { read: scope == TokenScope::Read, write: scope == TokenScope::Write, admin: scope == TokenScope::Admin }
    }

    fn is_empty(&self) -> bool {
        !(self.read || self.write || self.admin)
    }

    /// Whether the set holds `scope`.
    pub const fn contains(&self, scope: TokenScope) -> bool {
        match scope {
            TokenScope::Read => self.read,
            TokenScope::Write => self.write,
            TokenScope::Admin => self.admin,
        }
    }

    /// The scopes in the set, narrowest first.
    pub fn iter(&self) -> impl Iterator<Item = TokenScope> + '_ {
        TokenScope::ALL.into_iter().filter(|scope| self.contains(*scope))
    }

    /// The first scope in the set that `role` may not grant, if any.
    pub fn first_not_grantable_by(&self, role: Role) -> Option<TokenScope> {
        self.iter().find(|scope| !scope.grantable_by(role))
    }
}

impl fmt::Display for TokenScopes {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(TokenScope::as_str).collect();
        formatter.write_str(&names.join(","))
    }
}

/// What a token is for, as its creator described it, e.g. "ERP nightly export".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenName(String);

impl TokenName {
    /// Parses a name: trimmed, one line, 1–80 characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        validation::single_line_text("name", raw, 80).map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An API token as listed (never its secret, which only its creator sees, once).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiToken {
    /// Its identifier.
    pub id: ApiTokenId,
    /// The organisation it acts for.
    pub organisation_id: OrganisationId,
    /// What it is for.
    pub name: TokenName,
    /// The first characters of the secret, so people can tell tokens apart.
    pub secret_prefix: String,
    /// What it may do.
    pub scopes: TokenScopes,
    /// Who created it; the token acts with at most their current role.
    pub created_by: UserId,
    /// The creator's name, for lists.
    pub created_by_name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if it was given an expiry.
    pub expires_at: Option<Timestamp>,
    /// When it was last used.
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether the token works at `now`.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_lists() {
        let scopes = TokenScopes::parse("read, write").unwrap();
        assert!(scopes.contains(TokenScope::Read) && scopes.contains(TokenScope::Write));
        assert!(!scopes.contains(TokenScope::Admin));
        assert_eq!(scopes.to_string(), "read,write");
        assert_eq!(TokenScopes::parse("").unwrap_err().problem, Problem::Required);
        assert_eq!(TokenScopes::parse("read,delete").unwrap_err().field, "scopes");
    }

    #[test]
    fn roles_grant_only_scopes_within_their_power() {
        let everything = TokenScopes::parse("read,write,admin").unwrap();
        assert_eq!(everything.first_not_grantable_by(Role::Owner), None);
        assert_eq!(everything.first_not_grantable_by(Role::Editor), Some(TokenScope::Admin));
        assert_eq!(everything.first_not_grantable_by(Role::Auditor), Some(TokenScope::Admin));
        assert_eq!(everything.first_not_grantable_by(Role::Viewer), Some(TokenScope::Write));
    }
}
