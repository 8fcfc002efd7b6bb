//! Property tests of the tenancy domain's invariants.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tanji_tenancy::member::Email;
use tanji_tenancy::organisation::UnifiedSocialCreditCode;
use tanji_tenancy::throttle::LoginThrottle;
use tanji_tenancy::token::{TokenScope, TokenScopes};
use tanji_tenancy::validation::single_line_text;

const CREDIT_CODE_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Appends the GB 32100-2015 check character to 17 characters, computed independently of the crate.
fn with_check_character(body: &str) -> String {
    let value = |character: char| CREDIT_CODE_ALPHABET.find(character).unwrap() as u32;
    let sum: u32 =
        body.chars().enumerate().map(|(position, character)| value(character) * 3u32.pow(position as u32) % 31).sum();
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", CREDIT_CODE_ALPHABET.chars().nth(check as usize).unwrap())
}

fn credit_code_body() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(CREDIT_CODE_ALPHABET.chars().collect::<Vec<_>>()), 17)
        .prop_map(|characters| characters.into_iter().collect())
}

proptest! {
    /// Parsed text is trimmed, single-line, within bounds, and parsing it again changes nothing.
    #[test]
    fn single_line_text_is_idempotent(raw in "\\PC{0,40}", max_chars in 1usize..30) {
        if let Ok(text) = single_line_text("name", &raw, max_chars) {
            prop_assert!(!text.is_empty());
            prop_assert!(text.chars().count() <= max_chars);
            prop_assert!(!text.chars().any(char::is_control));
            prop_assert_eq!(single_line_text("name", &text, max_chars), Ok(text.clone()));
        }
    }

    /// A normalised e-mail address parses to itself.
    #[test]
    fn email_parsing_is_idempotent(local in "[A-Za-z0-9._%+-]{1,20}", domain in "[A-Za-z0-9]{1,10}(\\.[A-Za-z]{2,5}){1,2}") {
        let email = Email::parse(&format!(" {local}@{domain} ")).unwrap();
        prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
        prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
    }

    /// Every code with the right check character is accepted, and every single-character typo is caught: the
    /// weights 3^i mod 31 are never 0 and 31 is prime, so one substitution always changes the weighted sum mod 31.
    #[test]
    fn credit_codes_catch_every_single_typo(body in credit_code_body(), position in 0usize..18, replacement_idx in 0usize..31) {
        let code = with_check_character(&body);
        prop_assert!(UnifiedSocialCreditCode::parse(&code).is_ok(), "{}", code);
        let original = code.chars().nth(position).unwrap();
        let replacement = CREDIT_CODE_ALPHABET.chars().nth(replacement_idx).unwrap();
        prop_assume!(replacement != original);
        let typo: String = code.chars().enumerate().map(|(i, c)| if i == position { replacement } else { c }).collect();
        prop_assert!(UnifiedSocialCreditCode::parse(&typo).is_err(), "{} accepted", typo);
    }

    /// Scopes survive printing and parsing.
    #[test]
    fn token_scopes_round_trip(read in any::<bool>(), write in any::<bool>(), admin in any::<bool>()) {
        let names: Vec<&str> = [(read, "read"), (write, "write"), (admin, "admin")]
            .into_iter().filter(|(on, _)| *on).map(|(_, name)| name).collect();
        prop_assume!(!names.is_empty());
        let scopes = TokenScopes::from_names(names.iter().copied()).unwrap();
        prop_assert_eq!(TokenScopes::parse(&scopes.to_string()).unwrap(), scopes);
        prop_assert_eq!(scopes.contains(TokenScope::Write), write);
    }

    /// The throttle refuses exactly when the number of failures in the last window reaches the limit.
    #[test]
    fn the_throttle_agrees_with_counting_failures(
        failure_minutes in proptest::collection::vec(0i64..120, 0..30),
        check_minute in 0i64..150,
        max_failures in 1usize..6,
    ) {
        let start = Timestamp::from_second(1_800_000_000).unwrap();
        let at = |minute: i64| start + SignedDuration::from_mins(minute);
        let window = SignedDuration::from_mins(15);
        let mut minutes = failure_minutes;
        minutes.sort_unstable();
        let mut throttle = LoginThrottle::new(max_failures, window, 1_000);
        let mut recorded = Vec::new();
        for minute in minutes.into_iter().filter(|minute| *minute <= check_minute) {
            // A real server records a failure only for attempts the throttle let through.
            if throttle.check("k", at(minute)).is_ok() {
                throttle.record_failure("k", at(minute));
                recorded.push(minute);
            }
        }
        let recent = recorded.iter().filter(|minute| at(**minute) + window > at(check_minute)).count();
        prop_assert_eq!(throttle.check("k", at(check_minute)).is_err(), recent >= max_failures);
    }
}
