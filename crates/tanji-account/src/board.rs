//! Badges (数字勋章) and leaderboards: who reached a milestone, who leads a campaign week nationally and in each
//! province, and where a person stands among their neighbours.
//!
//! Scores come from lots (`points::Lots`), so expired and reversed points never count: a person's campaign score is
//! the points of the lots whose activity happened inside the campaign window, less what expired or was reversed
//! from them by the time of ranking. Ranks are exact and every tie is broken deterministically: the higher score
//! first, then whoever reached it earlier, then the smaller person number — so every person has exactly one rank
//! and two runs over the same ledger give the same board.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ledger::Amount;
use crate::methodology::MethodologyId;
use crate::points::{Lot, Lots, PersonId};

/// A campaign's window: activities at or after `start` and before `end` count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignWindow {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl CampaignWindow {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// A person's standing in a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub points: Amount,
    /// When the last counted lot was credited (ties go to whoever got there first); None if nothing counted.
    pub reached_at: Option<Timestamp>,
}

/// The points of a lot that count at `now`: what was credited by then, not reversed and not expired. A lot past its
/// expiry whose sweep has not run yet counts as swept: its remaining points are expired even before the expiry
/// transfer exists, so a ranking never depends on when the sweeper last ran. Spent points still count (they were
/// earned). A lot credited after `now` does not count yet: a board "at" a moment is the board as it stood then.
pub fn counted_points(lot: &Lot, now: Timestamp) -> Amount {
    if lot.credited_at > now {
        return 0;
    }
    let lapsed = lot.expires_at.is_some_and(|expires_at| expires_at <= now);
    let unswept = if lapsed { lot.remaining } else { 0 };
    lot.amount - lot.expired - lot.reversed - unswept
}

/// The points a person's lots give in a campaign window, ranked at `now`. Lots expired (swept or lapsed) or
/// reversed lose those points; spent points still count (they were earned).
pub fn campaign_score(lots: &Lots, window: &CampaignWindow, now: Timestamp) -> Score {
    let mut points = 0;
    let mut reached_at = None;
    for lot in &lots.lots {
        if !window.contains(lot.earn.occurred_at) {
            continue;
        }
        let counted = counted_points(lot, now);
        if counted > 0 {
            points += counted;
            reached_at = reached_at.max(Some(lot.credited_at));
        }
    }
    Score { points, reached_at }
}

/// One row of a leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub person: PersonId,
    /// The province code (GB/T 2260, e.g. "44" Guangdong).
    pub province: String,
    pub score: Score,
}

/// A ranked board. Rank 1 is the top.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboard {
    rows: Vec<Entry>,
    position: BTreeMap<PersonId, usize>,
}

/// A row with its rank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub rank: usize,
    pub entry: Entry,
}

impl Leaderboard {
    /// Ranks the entries with a score above zero (people who earned nothing in the window are not ranked).
    pub fn rank(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut rows: Vec<Entry> = entries.into_iter().filter(|entry| entry.score.points > 0).collect();
        rows.sort_by(|a, b| {
            b.score
                .points
                .cmp(&a.score.points)
                .then(a.score.reached_at.cmp(&b.score.reached_at))
                .then(a.person.cmp(&b.person))
        });
        let position = rows.iter().enumerate().map(|(row_idx, entry)| (entry.person, row_idx)).collect();
        Leaderboard { rows, position }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The first `n` rows.
    pub fn top(&self, n: usize) -> Vec<Ranked> {
        self.rows.iter().take(n).enumerate().map(|(row_idx, entry)| ranked(row_idx, entry)).collect()
    }

    /// A person's rank, if ranked.
    pub fn rank_of(&self, person: PersonId) -> Option<usize> {
        self.position.get(&person).map(|row_idx| row_idx + 1)
    }

    /// "My rank and my neighbours": up to `around` rows above and below the person, the person included.
    pub fn neighbourhood(&self, person: PersonId, around: usize) -> Vec<Ranked> {
        let Some(&row_idx) = self.position.get(&person) else {
            return Vec::new();
        };
        let first = row_idx.saturating_sub(around);
        let last = (row_idx + around + 1).min(self.rows.len());
        (first..last).map(|row_idx| ranked(row_idx, &self.rows[row_idx])).collect()
    }
}

fn ranked(row_idx: usize, entry: &Entry) -> Ranked {
    Ranked { rank: row_idx + 1, entry: entry.clone() }
}

/// The national board and one per province, from the same entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboards {
    pub national: Leaderboard,
    pub by_province: BTreeMap<String, Leaderboard>,
}

impl Leaderboards {
    pub fn rank(entries: Vec<Entry>) -> Self {
        let mut provinces: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for entry in &entries {
            provinces.entry(entry.province.clone()).or_default().push(entry.clone());
        }
        Leaderboards {
            national: Leaderboard::rank(entries),
            by_province: provinces
                .into_iter()
                .map(|(province, entries)| (province, Leaderboard::rank(entries)))
                .collect(),
        }
    }
}

/// What earns a badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BadgeRule {
    /// Lifetime points earned (expired and reversed points do not count).
    PointsMilestone { points: Amount },
    /// Credited activities of one methodology (expired ones count: the behaviour happened; reversed ones do not).
    BehaviourMilestone { methodology_id: MethodologyId, activities: u32 },
    /// Points earned within a campaign window.
    Campaign { window: CampaignWindow, points: Amount },
}

/// A badge definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    /// The badge's code (its name and artwork are the operator's, in the catalogue).
    pub code: String,
    pub rule: BadgeRule,
}

/// A badge a person holds, and the credit that earned it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    pub code: String,
    pub earned_at: Timestamp,
}

/// The badges a person's lots earn at `now`, each with the moment of the credit that crossed its threshold. Lots are
/// taken in the order they were credited; a lot's points count as in [`counted_points`].
pub fn awards(badges: &[Badge], lots: &Lots, now: Timestamp) -> Vec<Award> {
    let mut ordered: Vec<_> = lots.lots.iter().collect();
    ordered.sort_by_key(|lot| (lot.credited_at, lot.earn_id));
    let mut awarded = Vec::new();
    for badge in badges {
        let mut total: u128 = 0;
        let earned_at = ordered.iter().find_map(|lot| {
            let counted = counted_points(lot, now);
            let (increment, threshold) = match &badge.rule {
                BadgeRule::PointsMilestone { points } => (counted, *points),
                BadgeRule::BehaviourMilestone { methodology_id, activities } => {
                    // The behaviour happened even if its points later expired; a reversal (fraud) undoes it.
                    let matches = lot.earn.methodology.methodology_id == *methodology_id && lot.reversed < lot.amount;
                    (u128::from(matches), u128::from(*activities))
                }
                BadgeRule::Campaign { window, points } => {
                    (if window.contains(lot.earn.occurred_at) { counted } else { 0 }, *points)
                }
            };
            total += increment;
            (increment > 0 && total >= threshold).then_some(lot.credited_at)
        });
        if let Some(earned_at) = earned_at {
            awarded.push(Award { code: badge.code.clone(), earned_at });
        }
    }
    awarded
}
