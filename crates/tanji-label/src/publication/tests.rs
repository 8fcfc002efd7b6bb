use proptest::prelude::*;
use serde_json::json;

use super::*;

fn at(text: &str) -> Timestamp {
    text.parse().expect("test timestamps are valid")
}

fn code(text: &str) -> LabelCode {
    parse_code(text).expect("test codes are valid")
}

fn cup_content(kg: f64) -> Value {
    json!({
        "product": {"name_zh": "竹纤维纸杯", "name_en": "Bamboo-fibre paper cup"},
        "declared_unit": "1 cup",
        "kg_co2e_per_unit": kg,
        "stages": [["原材料 Raw materials", 0.0071], ["生产 Production", 0.0043], ["生物碳 Biogenic uptake", -0.0012]],
    })
}

/// A chain of five: cup v1, plate v1, cup v2, chopsticks v1, plate v2 (signed off).
fn chain_of_five() -> Vec<PublicationRecord> {
    let cup = code("C0P2C0P2");
    let plate = code("PLATE001");
    let sticks = code("STKS0001");
    let sign_off = VerifierSignOff {
        verifier_name: "王敏".to_owned(),
        verifier_organisation: "中国质量认证中心 CQC".to_owned(),
        statement: "Verified to ISO 14067:2018".to_owned(),
        signed_at: at("2025-06-03T09:30:00.123456789Z"),
    };
    let drafts = [
        (cup.clone(), 1, "2025-06-01T08:00:00Z", cup_content(0.0123), None),
        (plate.clone(), 1, "2025-06-01T08:05:00Z", json!({"kg_co2e_per_unit": 0.0456}), None),
        (cup, 2, "2025-06-02T10:00:00.5Z", cup_content(0.0119), None),
        (sticks, 1, "2025-06-02T11:00:00Z", json!({"kg_co2e_per_unit": 0.0031}), None),
        (plate, 2, "2025-06-04T08:00:00Z", json!({"kg_co2e_per_unit": 0.0456}), Some(sign_off)),
    ];
    let mut records: Vec<PublicationRecord> = Vec::new();
    for (code, version, published_at, content, sign_off) in drafts {
        let new = NewPublication { code, version, published_at: at(published_at), content, sign_off };
        let record = PublicationRecord::publish(new, records.last()).expect("valid publication");
        records.push(record);
    }
    records
}

/// The problems of each record, in order.
fn problems(records: &[PublicationRecord]) -> Vec<Vec<ChainProblem>> {
    verify_chain(records).records.into_iter().map(|check| check.problems).collect()
}

fn only_variant(problems: &[ChainProblem]) -> &'static str {
    match problems {
        [ChainProblem::ContentAltered { .. }] => "content altered",
        [ChainProblem::RecordAltered { .. }] => "record altered",
        [ChainProblem::LinkBroken { .. }] => "link broken",
        [ChainProblem::SequenceGap { .. }] => "sequence gap",
        [ChainProblem::VersionGap { .. }] => "version gap",
        [ChainProblem::Unreadable { .. }] => "unreadable",
        [ChainProblem::PredecessorUnreadable { .. }] => "link unchecked",
        [] => "ok",
        _ => "several",
    }
}

fn verdicts(records: &[PublicationRecord]) -> Vec<&'static str> {
    problems(records).iter().map(|problems| only_variant(problems)).collect()
}

#[test]
fn an_untouched_chain_verifies() {
    let records = chain_of_five();
    assert_eq!(records.iter().map(|record| record.sequence).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(records[0].previous_hash, Digest::ZERO);
    for pair in records.windows(2) {
        assert_eq!(pair[1].previous_hash, pair[0].record_hash);
    }
    let report = verify_chain(&records);
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.head, Some(records[4].record_hash));
    assert_eq!(verify_chain(&[]).head, None);
}

#[test]
fn times_are_recorded_to_the_microsecond() {
    let records = chain_of_five();
    let sign_off = records[4].sign_off.as_ref().expect("the last record is signed off");
    assert_eq!(sign_off.signed_at, at("2025-06-03T09:30:00.123456Z"));
    assert_eq!(rfc3339_microseconds(records[2].published_at), "2025-06-02T10:00:00.500000Z");
}

#[test]
fn altered_content_is_detected() {
    let mut records = chain_of_five();
    records[2].content["kg_co2e_per_unit"] = json!(0.0099);
    assert_eq!(verdicts(&records), ["ok", "ok", "content altered", "ok", "ok"]);
}

#[test]
fn altered_content_with_its_hash_updated_is_detected_as_an_altered_record() {
    let mut records = chain_of_five();
    records[2].content["kg_co2e_per_unit"] = json!(0.0099);
    records[2].content_hash = content_hash(&records[2].content);
    assert_eq!(verdicts(&records), ["ok", "ok", "record altered", "ok", "ok"]);
}

#[test]
fn a_rewritten_record_breaks_the_next_link() {
    let mut records = chain_of_five();
    records[2].content["kg_co2e_per_unit"] = json!(0.0099);
    records[2].content_hash = content_hash(&records[2].content);
    records[2].record_hash = records[2].compute_record_hash();
    assert_eq!(verdicts(&records), ["ok", "ok", "ok", "link broken", "ok"]);
}

#[test]
fn an_altered_record_hash_is_detected() {
    let mut records = chain_of_five();
    records[1].record_hash = Digest::of(b"something else");
    // Record 2's own hash no longer matches its fields, and record 3 is still chained to the original hash.
    assert_eq!(verdicts(&records), ["ok", "record altered", "link broken", "ok", "ok"]);
}

#[test]
fn an_altered_previous_hash_is_detected() {
    let mut records = chain_of_five();
    records[3].previous_hash = Digest::of(b"forged");
    let problems = problems(&records);
    assert!(problems[3].iter().any(|problem| matches!(problem, ChainProblem::RecordAltered { .. })));
    assert!(problems[3].contains(&ChainProblem::LinkBroken {
        previous_hash: Digest::of(b"forged"),
        expected: records[2].record_hash,
    }));
    // Re-hashing the forged record hides the record change but not the broken link.
    records[3].record_hash = records[3].compute_record_hash();
    assert_eq!(verdicts(&records), ["ok", "ok", "ok", "link broken", "link broken"]);
}

/// The chain as read from storage, with record `damaged_idx` read only as far as `damage` leaves it.
fn stored_with_damage(
    damaged_idx: usize,
    damage: impl Fn(&PublicationRecord) -> UnreadableRecord,
) -> Vec<StoredRecord> {
    let records = chain_of_five();
    records
        .into_iter()
        .enumerate()
        .map(|(record_idx, record)| if record_idx == damaged_idx { Err(damage(&record)) } else { Ok(record) })
        .collect()
}

fn unreadable_content(record: &PublicationRecord) -> UnreadableRecord {
    UnreadableRecord {
        sequence: record.sequence,
        code: Some(record.code.clone()),
        version: Some(record.version),
        record_hash: Some(record.record_hash),
        field: "content_json".to_owned(),
    }
}

fn stored_verdicts(entries: &[StoredRecord]) -> Vec<&'static str> {
    verify_stored_chain(entries).records.iter().map(|check| only_variant(&check.problems)).collect()
}

#[test]
fn an_unreadable_record_is_named_and_the_rest_of_the_chain_is_still_checked() {
    let entries = stored_with_damage(2, unreadable_content);
    let report = verify_stored_chain(&entries);
    assert_eq!(stored_verdicts(&entries), ["ok", "ok", "unreadable", "ok", "ok"]);
    assert_eq!(report.records[2].problems, [ChainProblem::Unreadable { field: "content_json".to_owned() }]);
    assert_eq!((report.records[2].sequence, report.records[2].version), (3, Some(2)));
    assert_eq!(report.head, chain_of_five().last().map(|record| record.record_hash));
    // The next record's link is still checked, against the damaged record's stored record hash.
    let entries = stored_with_damage(2, |record| UnreadableRecord {
        record_hash: Some(Digest::of(b"rewritten")),
        ..unreadable_content(record)
    });
    assert_eq!(stored_verdicts(&entries), ["ok", "ok", "unreadable", "link broken", "ok"]);
}

#[test]
fn after_a_record_whose_hash_cannot_be_read_the_link_cannot_be_confirmed() {
    let entries = stored_with_damage(1, |record| UnreadableRecord {
        code: None,
        version: None,
        record_hash: None,
        field: "record_hash".to_owned(),
        ..unreadable_content(record)
    });
    // The plate's version 2 follows a version 1 whose code cannot be read: not held against it as a version gap.
    assert_eq!(stored_verdicts(&entries), ["ok", "unreadable", "link unchecked", "ok", "ok"]);
    assert_eq!(
        verify_stored_chain(&entries).records[2].problems,
        [ChainProblem::PredecessorUnreadable { sequence: 2 }]
    );
    let mut records = chain_of_five();
    records.remove(1);
    let mut entries: Vec<StoredRecord> = records.into_iter().map(Ok).collect();
    entries.insert(
        1,
        Err(UnreadableRecord { sequence: 2, code: None, version: None, record_hash: None, field: "code".to_owned() }),
    );
    if let Ok(plate) = &mut entries[4] {
        plate.version = 3;
        plate.record_hash = plate.compute_record_hash();
    }
    // One unreadable record can hide one version, not two.
    assert_eq!(stored_verdicts(&entries), ["ok", "unreadable", "link unchecked", "ok", "version gap"]);
    let entries = stored_with_damage(4, |record| UnreadableRecord { record_hash: None, ..unreadable_content(record) });
    assert_eq!(verify_stored_chain(&entries).head, None, "no head to anchor");
}

#[test]
fn one_record_is_checked_after_a_damaged_one_by_its_stored_hash() {
    let records = chain_of_five();
    let damaged = unreadable_content(&records[2]);
    assert!(verify_one_stored(&records[3], Some(Err(&damaged))).is_ok());
    let forged = UnreadableRecord { record_hash: Some(Digest::of(b"forged")), ..damaged.clone() };
    assert_eq!(only_variant(&verify_one_stored(&records[3], Some(Err(&forged))).problems), "link broken");
    assert!(verify_one_stored(&records[3], Some(Ok(&records[2]))).is_ok());
    assert_eq!(verify_chain(&records), verify_stored_chain(&records.into_iter().map(Ok).collect::<Vec<_>>()));
}

#[test]
fn a_deleted_middle_record_is_a_sequence_gap() {
    let mut records = chain_of_five();
    records.remove(3); // the chopsticks, version 1 of their code
    assert_eq!(verdicts(&records), ["ok", "ok", "ok", "sequence gap"]);
    assert_eq!(problems(&records)[3], [ChainProblem::SequenceGap { expected: 4, found: 5 }]);
}

#[test]
fn a_deleted_first_version_is_also_a_version_gap() {
    let mut records = chain_of_five();
    records.remove(0); // the cup's version 1
    let problems = problems(&records);
    assert_eq!(problems[0], [ChainProblem::SequenceGap { expected: 1, found: 2 }]);
    assert_eq!(problems[1], [ChainProblem::VersionGap { expected: 1, found: 2 }]);
}

#[test]
fn swapped_records_are_detected() {
    let mut records = chain_of_five();
    records.swap(1, 2);
    let verdicts = verdicts(&records);
    assert_eq!(verdicts[0], "ok");
    assert_ne!(verdicts[1], "ok");
    assert_ne!(verdicts[2], "ok");
}

#[test]
fn a_removed_sign_off_is_detected() {
    let mut records = chain_of_five();
    records[4].sign_off = None;
    assert_eq!(verdicts(&records), ["ok", "ok", "ok", "ok", "record altered"]);
}

#[test]
fn verify_one_checks_against_the_given_predecessor() {
    let records = chain_of_five();
    assert!(verify_one(&records[0], None).is_ok());
    assert!(verify_one(&records[3], Some(&records[2])).is_ok());
    assert_eq!(
        verify_one(&records[3], Some(&records[1])).problems,
        [ChainProblem::SequenceGap { expected: 3, found: 4 }]
    );
    assert_eq!(verify_one(&records[1], None).problems, [ChainProblem::SequenceGap { expected: 1, found: 2 }]);
}

#[test]
fn records_round_trip_through_json_and_still_verify() {
    let records = chain_of_five();
    let stored = serde_json::to_string(&records).expect("records serialise");
    let read_back: Vec<PublicationRecord> = serde_json::from_str(&stored).expect("records deserialise");
    assert_eq!(read_back, records);
    assert!(verify_chain(&read_back).is_intact());
    // The content stored as its canonical text reads back to the same hash.
    let text = records[0].canonical_content();
    let reparsed: Value = serde_json::from_str(&text).expect("canonical JSON parses");
    assert_eq!(content_hash(&reparsed), records[0].content_hash);
}

#[test]
fn the_record_hash_follows_the_documented_layout() {
    let records = chain_of_five();
    let first = &records[0];
    let mut expected = Vec::new();
    expected.extend_from_slice(b"tanji publication record v1\n");
    expected.extend_from_slice(&1u64.to_be_bytes());
    expected.extend_from_slice(&8u32.to_be_bytes());
    expected.extend_from_slice(b"C0P2C0P2");
    expected.extend_from_slice(&1u32.to_be_bytes());
    expected.extend_from_slice(&27u32.to_be_bytes());
    expected.extend_from_slice(b"2025-06-01T08:00:00.000000Z");
    expected.extend_from_slice(first.content_hash.as_bytes());
    expected.extend_from_slice(&[0; 32]);
    expected.push(0);
    assert_eq!(first.record_bytes(), expected);
    assert_eq!(first.record_hash, Digest::of(&expected));
}

#[test]
fn publishing_refuses_version_zero_and_empty_sign_offs() {
    let new = NewPublication {
        code: code("C0P2C0P2"),
        version: 0,
        published_at: at("2025-06-01T08:00:00Z"),
        content: json!({}),
        sign_off: None,
    };
    assert_eq!(PublicationRecord::publish(new.clone(), None), Err(PublishError::VersionZero));
    let sign_off = VerifierSignOff {
        verifier_name: " ".to_owned(),
        verifier_organisation: "CQC".to_owned(),
        statement: "ok".to_owned(),
        signed_at: at("2025-06-01T08:00:00Z"),
    };
    let new = NewPublication { version: 1, sign_off: Some(sign_off), ..new };
    assert_eq!(PublicationRecord::publish(new, None), Err(PublishError::EmptySignOffField { field: "verifier_name" }));
}

// ---- canonical JSON -------------------------------------------------------------------------------------------

#[test]
fn canonical_json_sorts_keys_and_drops_whitespace() {
    let value: Value = serde_json::from_str(r#"{ "b": [1, 2.5, {"z": null, "a": true}], "a": "碳\n\"x\"" }"#).unwrap();
    assert_eq!(canonical_json(&value), r#"{"a":"碳\n\"x\"","b":[1,2.5,{"a":true,"z":null}]}"#);
}

#[test]
fn canonical_json_is_independent_of_key_order() {
    let one: Value = serde_json::from_str(r#"{"kg":0.0123,"name":"纸杯","stages":{"use":0,"make":1}}"#).unwrap();
    let other: Value = serde_json::from_str(r#"{"stages":{"make":1,"use":0},"name":"纸杯","kg":0.0123}"#).unwrap();
    assert_eq!(canonical_json(&one), canonical_json(&other));
    assert_eq!(content_hash(&one), content_hash(&other));
}

#[test]
fn canonical_keys_sort_by_code_point() {
    let value = json!({"é": 1, "z": 2, "Z": 3, "碳": 4, "😀": 5, "\u{ff5e}": 6});
    assert_eq!(canonical_json(&value), "{\"Z\":3,\"z\":2,\"é\":1,\"碳\":4,\"～\":6,\"😀\":5}");
}

/// Pins how numbers are written: if a serde_json upgrade changed this, stored hashes would stop verifying.
#[test]
fn canonical_numbers_are_pinned() {
    let check = |json_text: &str, expect: &str| {
        let value: Value = serde_json::from_str(json_text).unwrap();
        assert_eq!(canonical_json(&value), expect, "{json_text}");
    };
    check("0", "0");
    check("-7", "-7");
    check("18446744073709551615", "18446744073709551615");
    check("1.0", "1.0");
    check("0.1", "0.1");
    check("0.0123", "0.0123");
    check("-0.0", "0.0");
    check("1e21", "1e+21");
    check("1.5e-7", "1.5e-7");
    check("123456789.125", "123456789.125");
    check("1E2", "100.0");
    check("2.50", "2.5");
    assert_eq!(canonical_json(&json!(-0.0)), canonical_json(&json!(0.0)));
}

#[test]
fn canonical_strings_are_escaped_as_serde_json_does() {
    assert_eq!(canonical_json(&json!("a\u{1}b\t/\u{2028}碳")), "\"a\\u0001b\\t/\u{2028}碳\"");
}

// ---- codes ------------------------------------------------------------------------------------------------------

#[test]
fn codes_are_eight_crockford_characters() {
    assert_eq!(new_code([0; 5]).as_str(), "00000000");
    assert_eq!(new_code([0xff; 5]).as_str(), "ZZZZZZZZ");
    assert_eq!(new_code([0x01, 0x23, 0x45, 0x67, 0x89]).as_str(), "04HMASW9");
}

#[test]
fn parsing_normalises_case_and_look_alikes() {
    assert_eq!(parse_code("04hmasw9").unwrap().as_str(), "04HMASW9");
    assert_eq!(parse_code("o4HM-ASW9").unwrap().as_str(), "04HMASW9");
    assert_eq!(parse_code("IL00 0000").unwrap().as_str(), "11000000");
    assert_eq!(parse_code("04HMASW"), Err(CodeError::Length { found: 7 }));
    assert_eq!(parse_code("04HMASWU"), Err(CodeError::InvalidCharacter { character: 'U' }));
    assert_eq!(parse_code("04HMASW碳"), Err(CodeError::InvalidCharacter { character: '碳' }));
    assert_eq!(parse_code("04HM/ASW9"), Err(CodeError::InvalidCharacter { character: '/' }));
}

#[test]
fn digests_round_trip_through_hex() {
    let digest = Digest::of(b"abc");
    assert_eq!(digest.to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(Digest::parse_hex(&digest.to_string().to_uppercase()), Ok(digest));
    assert_eq!(Digest::ZERO.to_string(), "0".repeat(64));
    assert_eq!(Digest::parse_hex("abc"), Err(DigestError::Length { found: 3 }));
    assert_eq!(Digest::parse_hex(&"g".repeat(64)), Err(DigestError::NotHex));
}

// ---- properties -------------------------------------------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|integer| json!(integer)),
        (-1e9f64..1e9).prop_map(|float| json!(float)),
        "[a-z碳足迹 \"\\\\]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z碳]{1,4}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn canonical_json_reads_back_to_the_same_value_and_text(value in json_value()) {
        let text = canonical_json(&value);
        let reparsed: Value = serde_json::from_str(&text).expect("canonical JSON parses");
        prop_assert_eq!(&reparsed, &value);
        prop_assert_eq!(canonical_json(&reparsed), text);
    }

    #[test]
    fn any_single_byte_change_in_the_content_is_detected(
        value in json_value(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let new = NewPublication {
            code: code("C0P2C0P2"),
            version: 1,
            published_at: at("2025-06-01T08:00:00Z"),
            content: value.clone(),
            sign_off: None,
        };
        let record = PublicationRecord::publish(new, None).expect("valid publication");
        let mut bytes = record.canonical_content().into_bytes();
        let byte_idx = position.index(bytes.len());
        prop_assume!(bytes[byte_idx] != replacement);
        bytes[byte_idx] = replacement;
        // The stored hash always differs from the changed text's hash …
        prop_assert_ne!(Digest::of(&bytes), record.content_hash);
        // … and whenever the changed text is still JSON of a different value, verification reports it.
        if let Ok(tampered) = serde_json::from_slice::<Value>(&bytes) {
            prop_assume!(tampered != value);
            let tampered_record = PublicationRecord { content: tampered, ..record };
            let check = verify_one(&tampered_record, None);
            prop_assert_eq!(only_variant(&check.problems), "content altered");
        }
    }

    #[test]
    fn key_order_never_changes_the_hash(
        entries in prop::collection::btree_map("[a-z碳]{1,4}", json_value(), 1..8),
        rotation in any::<prop::sample::Index>(),
    ) {
        let mut pairs: Vec<(String, Value)> = entries.into_iter().collect();
        let one: serde_json::Map<String, Value> = pairs.iter().cloned().collect();
        let by = rotation.index(pairs.len());
        pairs.rotate_left(by);
        pairs.reverse();
        let other: serde_json::Map<String, Value> = pairs.into_iter().collect();
        prop_assert_eq!(content_hash(&Value::Object(one)), content_hash(&Value::Object(other)));
    }

    #[test]
    fn codes_round_trip(random_bytes in any::<[u8; 5]>()) {
        let code = new_code(random_bytes);
        prop_assert_eq!(parse_code(&code.as_str().to_lowercase()), Ok(code.clone()));
        prop_assert!(code.as_str().chars().all(|ch| ch.is_ascii_alphanumeric() && !"ILOU".contains(ch)));
    }
}
