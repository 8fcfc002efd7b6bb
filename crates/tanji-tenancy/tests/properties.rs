//! Property tests of the tenancy domain's invariants.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tanji_tenancy::member::Email;
use tanji_tenancy::organisation::UnifiedSocialCreditCode;
use tanji_tenancy::throttle::{BackoffPolicy, BackoffThrottle};
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

    /// The back-off throttle agrees with a model that replays the granted attempts: an attempt is refused exactly
    /// when the failures since the last quiet period exceed the free ones and the doubled delay has not passed.
    #[test]
    fn the_backoff_throttle_agrees_with_replaying_its_attempts(
        attempt_seconds in proptest::collection::vec(0i64..7_200, 0..60),
        free_failures in 1u32..6,
    ) {
        let start = Timestamp::from_second(1_800_000_000).unwrap();
        let at = |second: i64| start + SignedDuration::from_secs(second);
        let policy = BackoffPolicy {
            free_failures,
            first_delay: SignedDuration::from_secs(1),
            max_delay: SignedDuration::from_mins(15),
            forget_after: SignedDuration::from_hours(1),
        };
        let mut seconds = attempt_seconds;
        seconds.sort_unstable();
        let mut throttle = BackoffThrottle::new(policy, 1_000);
        let mut granted: Vec<i64> = Vec::new();
        for second in seconds {
            // The model: the failures since the last gap of an hour or more, and the delay after them.
            let allowed_by_model = match granted.last() {
                Some(last) if second - last < 3_600 => {
                    let mut n_recent = 1u32;
                    for pair in granted.windows(2).rev() {
                        if pair[1] - pair[0] >= 3_600 {
                            break;
                        }
                        n_recent += 1;
                    }
                    second >= last + policy.delay_after(n_recent).as_secs()
                }
                _ => true,
            };
            prop_assert_eq!(throttle.check("k", at(second)).is_ok(), allowed_by_model, "at {}", second);
            if allowed_by_model {
                throttle.record_failure("k", at(second));
                granted.push(second);
            }
        }
    }
}
