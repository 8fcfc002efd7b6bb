//! List filters, pagination, events and error bodies, checked against the v3 document's rules.

use tanji_pact::event::{EventKind, EventProblem, REQUEST_CREATED, answer_event, parse_event};
use tanji_pact::filter::{ListQuery, QueryProblem, next_link};
use tanji_pact::mapping::PactStatus;
use tanji_pact::{ErrorCode, PactError, ProductFootprint};

fn footprint(id: &str, product: &str, country: &str, status: &str, reference_end: &str) -> ProductFootprint {
    serde_json::from_value(serde_json::json!({
        "id": id, "specVersion": "3.0.3", "created": "2026-01-01T00:00:00Z", "status": status,
        "companyName": "A", "companyIds": ["urn:uuid:0190a4c2-7d3e-7b1a-9c2d-3e4f5a6b7c8d"],
        "productDescription": "", "productIds": [product], "productNameCompany": "A cup",
        "productClassifications": ["urn:pact:productclassification:un-cpc:3215"],
        "pcf": {
            "declaredUnitOfMeasurement": "piece", "declaredUnitAmount": "1", "productMassPerDeclaredUnit": "0.01",
            "referencePeriodStart": "2025-01-01T00:00:00Z", "referencePeriodEnd": reference_end,
            "geographyCountry": country,
            "pcfExcludingBiogenicUptake": "1", "pcfIncludingBiogenicUptake": "1", "fossilGhgEmissions": "1",
            "fossilCarbonContent": "0", "ipccCharacterizationFactors": ["AR6"], "crossSectoralStandards": ["ISO14067"],
            "exemptedEmissionsPercent": "0"
        }
    }))
    .unwrap()
}

fn sample() -> Vec<ProductFootprint> {
    vec![
        footprint(
            "00000000-0000-0000-0000-000000000001",
            "urn:pact:a.com:supplier-id:CUP",
            "CN",
            "Active",
            "2026-01-01T00:00:00Z",
        ),
        footprint(
            "00000000-0000-0000-0000-000000000002",
            "urn:pact:a.com:supplier-id:PLATE",
            "DE",
            "Deprecated",
            "2026-01-01T00:00:00Z",
        ),
        footprint(
            "00000000-0000-0000-0000-000000000003",
            "urn:pact:a.com:supplier-id:BOWL",
            "FR",
            "Active",
            "2020-01-01T00:00:00Z",
        ),
    ]
}

fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn ids(query: &str) -> Vec<String> {
    let query = ListQuery::parse(&pairs(query)).unwrap();
    let all = sample();
    query.page(&all).0.into_iter().map(|footprint| footprint.id[35..].to_owned()).collect()
}

#[test]
fn values_of_one_filter_are_or_ed_and_filters_are_and_ed() {
    assert_eq!(ids(""), ["1", "2", "3"]);
    assert_eq!(ids("productId=urn:pact:a.com:supplier-id:CUP&productid=urn:pact:a.com:supplier-id:BOWL"), ["1", "3"]);
    assert_eq!(ids("productId=URN:PACT:A.COM:SUPPLIER-ID:cup"), ["1"], "case-insensitive");
    assert_eq!(ids("geography=de&geography=FR"), ["2", "3"]);
    assert_eq!(ids("geography=DE&geography=FR&status=active"), ["3"]);
    assert_eq!(ids("geography=DE&productId=urn:pact:a.com:supplier-id:CUP"), Vec::<String>::new());
    assert_eq!(ids("companyId=urn:uuid:0190A4C2-7D3E-7B1A-9C2D-3E4F5A6B7C8D"), ["1", "2", "3"]);
    assert_eq!(ids("companyId=urn:uuid:00000000-0000-0000-0000-000000000000"), Vec::<String>::new());
    assert_eq!(ids("classification=urn:pact:productclassification:un-cpc:3215&status=Deprecated"), ["2"]);
    assert_eq!(ids("classification=urn:pact:productclassification:un-cpc:9999"), Vec::<String>::new());
    assert_eq!(ids("x-tanji-anything=1"), ["1", "2", "3"], "host extensions are ignored");
    assert_eq!(ids("status=BogusStatus"), Vec::<String>::new(), "an unknown status matches nothing");
}

/// Without a stated validity period a footprint is valid for three years from the end of its reference period.
#[test]
fn validity_filters_use_the_three_year_default() {
    assert_eq!(ids("validOn=2027-06-01T00:00:00Z"), ["1", "2"]);
    assert_eq!(ids("validOn=2021-06-01T00:00Z"), ["3"], "the spec's example writes no seconds");
    assert_eq!(ids("validAfter=2025-06-01T00:00:00Z"), ["1", "2"]);
    assert_eq!(ids("validBefore=2024-01-01T00:00:00Z"), ["3"]);
    assert_eq!(ids("validBefore=2023-01-01T00:00:00Z"), Vec::<String>::new());
}

#[test]
fn malformed_filters_are_bad_requests_naming_the_parameter() {
    let problem = |query: &str| ListQuery::parse(&pairs(query)).unwrap_err();
    assert!(matches!(problem("limit=-1"), QueryProblem::NotACount { .. }));
    assert!(matches!(problem("limit=ten"), QueryProblem::NotACount { .. }));
    assert!(matches!(problem("validOn=yesterday"), QueryProblem::NotADateTime { .. }));
    assert!(matches!(problem("productId=CUP"), QueryProblem::NotAUrn { .. }));
    assert!(matches!(problem("limit=1&limit=2"), QueryProblem::Repeated { .. }));
}

#[test]
fn pages_never_exceed_the_limit_and_link_to_the_rest_on_the_requests_host() {
    let all = sample();
    let first = ListQuery::parse(&pairs("limit=2&geography=CN&geography=DE&geography=FR")).unwrap();
    let (page, next) = first.page(&all);
    assert_eq!(page.len(), 2);
    assert_eq!(next, Some(2));
    let link = next_link("https://partner.example:8443", "/3/footprints", &pairs("limit=2&geography=CN"), 2);
    assert_eq!(link, "<https://partner.example:8443/3/footprints?limit=2&geography=CN&offset=2>; rel=\"next\"");
    let second = ListQuery::parse(&pairs("limit=2&geography=CN&geography=DE&geography=FR&offset=2")).unwrap();
    let (page, next) = second.page(&all);
    assert_eq!(page.len(), 1);
    assert_eq!(next, None);
    // Calling the same link again gives the same page.
    assert_eq!(second.page(&all).0.len(), 1);
}

fn event(value: serde_json::Value) -> Result<tanji_pact::event::Event, EventProblem> {
    parse_event(value.to_string().as_bytes())
}

#[test]
fn events_are_checked_as_cloudevents() {
    let created = event(serde_json::json!({
        "type": REQUEST_CREATED, "specversion": "1.0", "id": "e-1", "source": "https://buyer.example/3/events",
        "time": "2025-03-05T17:31:00Z",
        "data": {"productId": ["urn:pact:a.com:supplier-id:CUP"], "geography": ["CN"], "validAfter": "2025-01-01T00:00:00Z"}
    }))
    .unwrap();
    let EventKind::RequestCreated { filter, .. } = &created.kind else { panic!("{created:?}") };
    assert_eq!(filter.geographies, ["CN"]);
    let all = sample();
    assert_eq!(all.iter().filter(|footprint| filter.matches(footprint)).count(), 1);

    let published = event(serde_json::json!({
        "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "specversion": "1.0", "id": "e-2",
        "source": "//a.example/3/events", "time": "2022-05-31T17:31:00Z",
        "data": {"pfIds": ["079e425a-464f-528d-341d-4a944a1dfd70"]}
    }))
    .unwrap();
    assert!(matches!(published.kind, EventKind::Published { .. }));

    let base = serde_json::json!({"type": REQUEST_CREATED, "specversion": "1.0", "id": "e", "source": "s", "time": "2025-03-05T17:31:00Z", "data": {}});
    assert!(event(base.clone()).is_ok());
    let broken = |key: &str, value: serde_json::Value| {
        let mut body = base.clone();
        body[key] = value;
        event(body).unwrap_err()
    };
    assert!(matches!(broken("specversion", "0.3".into()), EventProblem::SpecVersion { .. }));
    assert!(matches!(broken("type", "com.example.Other".into()), EventProblem::UnknownType { .. }));
    assert!(matches!(broken("time", "noon".into()), EventProblem::Time { .. }));
    assert!(matches!(broken("id", "".into()), EventProblem::Missing { .. }));
    assert!(matches!(broken("data", "x".into()), EventProblem::Data));
    assert!(matches!(broken("data", serde_json::json!({"productId": ["CUP"]})), EventProblem::DataProperty { .. }));
    assert!(matches!(parse_event(b"{not json"), Err(EventProblem::NotJson { .. })));
    let mut fulfilled_without_pfs = base.clone();
    fulfilled_without_pfs["type"] = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3".into();
    fulfilled_without_pfs["data"] = serde_json::json!({"requestEventId": "e-1", "pfs": []});
    assert!(matches!(event(fulfilled_without_pfs).unwrap_err(), EventProblem::DataProperty { .. }));
}

#[test]
fn answers_to_requests_read_back_as_the_events_they_are() {
    let all = sample();
    let time = "2026-01-02T03:04:05Z".parse().unwrap();
    let fulfilled = answer_event("a-1", "https://owner.example/3/events", time, "e-1", Ok(&all[..1]));
    let parsed = parse_event(fulfilled.to_string().as_bytes()).unwrap();
    assert!(
        matches!(&parsed.kind, EventKind::RequestFulfilled { footprints, .. } if footprints[0]["id"] == all[0].id.as_str())
    );
    let error = PactError::new(ErrorCode::NotFound, "No footprint matches the request.");
    let rejected = answer_event("a-2", "https://owner.example/3/events", time, "e-1", Err(&error));
    let parsed = parse_event(rejected.to_string().as_bytes()).unwrap();
    assert!(matches!(&parsed.kind, EventKind::RequestRejected { error: got, .. } if *got == error));
    assert_eq!(
        serde_json::to_value(&error).unwrap(),
        serde_json::json!({"code": "NotFound", "message": "No footprint matches the request."})
    );
    assert_eq!(PactStatus::parse("deprecated"), Some(PactStatus::Deprecated));
}
