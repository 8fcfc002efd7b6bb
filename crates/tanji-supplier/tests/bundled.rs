//! The bundled "factory carbon management" framework: it parses and checks, covers what issue 12 lists, cites a
//! source for every tier that earns points, and scores a worked example by hand.

use tanji_supplier::bundled::{FILES, factory_carbon_management};
use tanji_supplier::framework::{Framework, TierLevel};
use tanji_supplier::scoring::{Answer, Decision, Evidence, Verdict, score};

#[test]
fn every_bundled_file_parses_without_problems_and_is_listed() {
    for (name, text) in FILES {
        let framework = Framework::from_toml(text).unwrap_or_else(|problems| panic!("{name}: {problems:?}"));
        assert_eq!(name, format!("{}.v{}.toml", framework.id, framework.version));
    }
    let listed: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
    let data = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/data")).expect("data directory");
    for entry in data {
        let name = entry.expect("entry").file_name().into_string().expect("utf-8 name");
        if name.ends_with(".toml") {
            assert!(listed.contains(&name.as_str()), "data/{name} is not listed in bundled::FILES");
        }
    }
}

#[test]
fn the_default_framework_covers_the_issue_s_indicators() {
    let framework = factory_carbon_management();
    let ids: Vec<&str> = framework.indicators().map(|(_, indicator)| indicator.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "management-structure",
            "management-system",
            "inventory-completeness",
            "third-party-verification",
            "scope3-inventory",
            "customer-allocation",
            "absolute-target",
            "sbti-status",
            "performance-vs-target",
            "renewable-electricity",
            "carbon-trading",
            "reduction-projects",
            "environmental-compliance",
            "disclosure",
        ]
    );
    assert_eq!(
        framework.gates.iter().map(|gate| gate.indicator.as_str()).collect::<Vec<_>>(),
        ["environmental-compliance", "carbon-trading"]
    );
}

#[test]
fn every_tier_that_earns_points_cites_a_source_and_every_source_says_what_was_verified() {
    let framework = factory_carbon_management();
    for (_, indicator) in framework.indicators() {
        for tier in indicator.tiers.iter().filter(|tier| tier.level != TierLevel::None) {
            assert!(!tier.modelled_on.is_empty(), "{}/{} cites nothing", indicator.id, tier.id);
            assert!(!tier.basis.is_empty(), "{}/{} has no basis", indicator.id, tier.id);
            assert!(!tier.evidence.is_empty(), "{}/{} scores without evidence", indicator.id, tier.id);
        }
    }
    for source in &framework.sources {
        let stated =
            ["verified:", "unverified:", "secondary:"].iter().any(|prefix| source.verification.starts_with(prefix));
        assert!(stated, "source {} does not say what was verified", source.id);
    }
    assert!(framework.design_note.contains("tanji's own design"));
}

fn full_with(
    indicator: &str,
    tier: &str,
    kinds: &[tanji_supplier::framework::EvidenceKind],
) -> (Answer, Vec<Decision>) {
    let evidence: Vec<Evidence> = kinds
        .iter()
        .enumerate()
        .map(|(item_idx, kind)| Evidence { id: format!("{indicator}-{item_idx}"), kind: *kind })
        .collect();
    let decisions = evidence
        .iter()
        .map(|item| Decision {
            indicator: indicator.to_owned(),
            answer_version: 1,
            evidence_id: item.id.clone(),
            reviewer: "brand-reviewer".to_owned(),
            verdict: Verdict::Accepted,
        })
        .collect();
    (
        Answer {
            indicator: indicator.to_owned(),
            version: 1,
            tier: tier.to_owned(),
            answered_by: "factory-carbon-manager".to_owned(),
            evidence,
        },
        decisions,
    )
}

#[test]
fn a_factory_scored_on_the_default_framework_by_hand() {
    // Every indicator at its full tier with accepted evidence, except SBTi "committed" (5/10) and renewable
    // electricity "ten-to-half" (5/10). Areas: governance 15, accounting 30, compliance and disclosure 10 in full;
    // targets 25 × (1 + 0.5 + 1) / 3 = 20.8333…; actions 20 × (0.5 + 1 + 1) / 3 = 16.6666…
    // Total = 15 + 30 + 20.8333 + 16.6667 + 10 = 92.5 → A.
    let framework = factory_carbon_management();
    let mut answers = Vec::new();
    let mut decisions = Vec::new();
    for (_, indicator) in framework.indicators() {
        let tier = match indicator.id.as_str() {
            "sbti-status" => "committed",
            "renewable-electricity" => "ten-to-half",
            _ => indicator
                .tiers
                .iter()
                .find(|tier| tier.level == TierLevel::Full)
                .map(|tier| tier.id.as_str())
                .expect("full"),
        };
        let kinds = indicator.tier(tier).expect("tier").evidence.clone();
        let (answer, accepted) = full_with(&indicator.id, tier, &kinds);
        answers.push(answer);
        decisions.extend(accepted);
    }
    let card = score(&framework, &answers, &decisions);
    assert!((card.score - 92.5).abs() < 1e-9, "{}", card.score);
    assert_eq!(card.grade, "A");
    assert!(card.gates.is_empty());

    // The same factory before its compliance record is reviewed: 92.5 − 10 × 1/2 (compliance is half of its 10-point
    // area) = 87.5 → band A, but the environmental gate caps the grade at C.
    decisions.retain(|decision| decision.indicator != "environmental-compliance");
    let card = score(&framework, &answers, &decisions);
    assert!((card.score - 87.5).abs() < 1e-9, "{}", card.score);
    assert_eq!((card.band_grade.as_str(), card.grade.as_str()), ("A", "C"));
}
