//! Badges and leaderboards: exact ranks, deterministic ties, neighbours, provinces; expired points never count.

mod support;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use support::*;
use tanji_account::board::{
    Award, Badge, BadgeRule, CampaignWindow, Entry, Leaderboard, Leaderboards, Score, awards, campaign_score,
};
use tanji_account::ledger::Ledger;
use tanji_account::ledger::memory::ready;
use tanji_account::points::{Lots, PersonId};
use tanji_account::rules::{expire_due, ingest, reverse};

fn entry(person: u64, province: &str, points: u128, reached_at_second: i64) -> Entry {
    Entry {
        person: PersonId(person),
        province: province.to_owned(),
        score: Score { points, reached_at: Some(Timestamp::from_second(reached_at_second).unwrap()) },
    }
}

fn check(board: &Leaderboard, expect: &[(usize, u64)]) {
    let got: Vec<(usize, u64)> = board.top(usize::MAX).iter().map(|row| (row.rank, row.entry.person.0)).collect();
    assert_eq!(got, expect);
}

#[test]
fn ties_go_to_whoever_reached_the_score_first_then_the_smaller_number() {
    let board = Leaderboard::rank([
        entry(5, "44", 300, 1000),
        entry(3, "44", 500, 2000),
        entry(9, "11", 300, 900),
        entry(2, "11", 300, 900),
        entry(8, "33", 0, 0),
    ]);
    check(&board, &[(1, 3), (2, 2), (3, 9), (4, 5)]);
    assert_eq!(board.rank_of(PersonId(8)), None, "nothing earned, not ranked");
}

#[test]
fn my_rank_and_my_neighbours_and_provincial_boards() {
    let entries: Vec<Entry> = (1..=10)
        .map(|person| entry(person, if person % 2 == 0 { "44" } else { "11" }, 100 * u128::from(person), 0))
        .collect();
    let boards = Leaderboards::rank(entries);
    let around: Vec<(usize, u64)> =
        boards.national.neighbourhood(PersonId(5), 2).iter().map(|row| (row.rank, row.entry.person.0)).collect();
    assert_eq!(around, vec![(4, 7), (5, 6), (6, 5), (7, 4), (8, 3)]);
    let at_top: Vec<usize> = boards.national.neighbourhood(PersonId(10), 2).iter().map(|row| row.rank).collect();
    assert_eq!(at_top, vec![1, 2, 3]);
    check(&boards.by_province["44"], &[(1, 10), (2, 8), (3, 6), (4, 4), (5, 2)]);
    assert_eq!(boards.by_province["11"].rank_of(PersonId(1)), Some(5));
    assert!(boards.national.neighbourhood(PersonId(99), 2).is_empty());
}

#[test]
fn campaign_scores_and_badges_leave_out_expired_and_reversed_points() {
    let rules = rules();
    let registry = registry();
    let mut ledger = ledger(&rules);
    let start = t("2026-06-01T00:00:00Z");
    let window = CampaignWindow { start, end: start + SignedDuration::from_hours(7 * 24) };
    let at = |hours: i64| start + SignedDuration::from_hours(hours);
    // "early" happened before the campaign (reported at its start), then a, b and c during it.
    ready(ingest(&mut ledger, &rules, &registry, &metro("early", 7, at(-5), 10.0), at(0))).unwrap();
    for (id, hours, km) in [("a", 1, 10.0), ("b", 2, 10.0), ("c", 100, 10.0)] {
        ready(ingest(&mut ledger, &rules, &registry, &metro(id, 7, at(hours), km), at(hours))).unwrap();
    }
    ready(reverse(&mut ledger, &rules, PersonId(7), tanji_account::rules::event_transfer_id(3, "b"), at(3))).unwrap();
    // Lots "early" and "a" (credited at hours 0 and 1) expire at hours 72 and 73 and are swept.
    ready(expire_due(&mut ledger, &rules, PersonId(7), at(80))).unwrap();
    let account_id = rules.chart.person(PersonId(7));
    let lots = Lots::replay(account_id, &ready(ledger.account_transfers(account_id)).unwrap()).unwrap();
    let score = campaign_score(&lots, &window, at(110));
    assert_eq!(score.points, 467, "only lot c counts: a expired, b reversed, early is outside the window");

    let badges = [
        Badge { code: "first_1000".into(), rule: BadgeRule::PointsMilestone { points: 1000 } },
        Badge { code: "metro_2".into(), rule: BadgeRule::BehaviourMilestone { methodology_id: METRO, activities: 2 } },
        Badge { code: "week".into(), rule: BadgeRule::Campaign { window, points: 400 } },
    ];
    let got = awards(&badges, &lots, at(110));
    let credited = |hours| lots.lots.iter().find(|lot| lot.earn.occurred_at == at(hours)).unwrap().credited_at;
    // Metro activities in credit order: "early" (hour 0, expired), "a" (hour 1, expired) — the second earns the
    // badge, since the behaviour happened even though its points expired; "b" was reversed and does not count.
    assert_eq!(
        got,
        vec![
            Award { code: "metro_2".into(), earned_at: credited(1) },
            Award { code: "week".into(), earned_at: credited(100) },
        ]
    );
}

/// A lot past its expiry counts as expired before the sweeper has moved its points: a ranking at hour 80 without
/// the sweep equals the ranking after it, and the lot's badge progress is gone too.
#[test]
fn a_lapsed_lot_does_not_count_before_it_is_swept() {
    let rules = rules();
    let registry = registry();
    let mut ledger = ledger(&rules);
    let start = t("2026-06-01T00:00:00Z");
    let window = CampaignWindow { start, end: start + SignedDuration::from_hours(7 * 24) };
    let at = |hours: i64| start + SignedDuration::from_hours(hours);
    for (id, hours) in [("a", 1), ("c", 100)] {
        ready(ingest(&mut ledger, &rules, &registry, &metro(id, 7, at(hours), 10.0), at(hours))).unwrap();
    }
    let account_id = rules.chart.person(PersonId(7));
    let replay = |ledger: &tanji_account::ledger::memory::MemoryLedger| {
        Lots::replay(account_id, &ready(ledger.account_transfers(account_id)).unwrap()).unwrap()
    };
    let unswept = replay(&ledger);
    assert_eq!(
        campaign_score(&unswept, &window, at(50)).points,
        467,
        "before its expiry lot a counts; c is not credited yet"
    );
    assert_eq!(campaign_score(&unswept, &window, at(110)).points, 467, "at hour 110 only lot c counts");
    let badge = [Badge { code: "900".into(), rule: BadgeRule::PointsMilestone { points: 900 } }];
    assert_eq!(awards(&badge, &unswept, at(110)), vec![]);
    ready(expire_due(&mut ledger, &rules, PersonId(7), at(110))).unwrap();
    assert_eq!(campaign_score(&replay(&ledger), &window, at(110)), campaign_score(&unswept, &window, at(110)));
}

proptest! {
    /// Ranks are 1..=n without gaps, each ranked person once, ordered by score then time then number, and the
    /// neighbourhood is the slice of the full board around the person.
    #[test]
    fn boards_rank_exactly_and_neighbourhoods_are_slices(
        rows in prop::collection::vec((0u64..200, 0u128..50, 0i64..20), 0..60),
        around in 0usize..5,
    ) {
        let mut seen = std::collections::BTreeSet::new();
        let entries: Vec<Entry> = rows
            .into_iter()
            .filter(|(person, _, _)| seen.insert(*person))
            .map(|(person, points, second)| entry(person, if person % 3 == 0 { "44" } else { "33" }, points, second))
            .collect();
        let n_scoring = entries.iter().filter(|entry| entry.score.points > 0).count();
        let boards = Leaderboards::rank(entries.clone());
        let board = &boards.national;
        let all = board.top(usize::MAX);
        prop_assert_eq!(all.len(), n_scoring);
        for (row_idx, row) in all.iter().enumerate() {
            prop_assert_eq!(row.rank, row_idx + 1);
            prop_assert_eq!(board.rank_of(row.entry.person), Some(row.rank));
            if row_idx > 0 {
                let above = &all[row_idx - 1].entry;
                let key = |entry: &Entry| (std::cmp::Reverse(entry.score.points), entry.score.reached_at, entry.person);
                prop_assert!(key(above) < key(&row.entry));
            }
            let hood = board.neighbourhood(row.entry.person, around);
            let first = row_idx.saturating_sub(around);
            let last = (row_idx + around + 1).min(all.len());
            prop_assert_eq!(&hood[..], &all[first..last]);
        }
        // A provincial board ranks the province's people in the national board's order.
        for (province, provincial) in &boards.by_province {
            let national_order: Vec<PersonId> =
                all.iter().filter(|row| &row.entry.province == province).map(|row| row.entry.person).collect();
            let provincial_order: Vec<PersonId> = provincial.top(usize::MAX).iter().map(|row| row.entry.person).collect();
            prop_assert_eq!(national_order, provincial_order);
        }
        // Shuffling the input changes nothing.
        let mut reversed = entries;
        reversed.reverse();
        prop_assert_eq!(Leaderboards::rank(reversed), boards);
    }
}
