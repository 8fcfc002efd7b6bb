//! `POST /3/events`: CloudEvents 1.0 in structured JSON mode, the four v3 event types, checked before anything is
//! stored. Every problem is a [`EventProblem`] naming the attribute, answered 400 BadRequest.

use serde::Serialize;
use serde_json::Value;

use crate::error::PactError;
use crate::filter::{Filter, parse_date_time};
use crate::model::ProductFootprint;

/// `type` of a PublishedEvent.
pub const PUBLISHED: &str = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3";
/// `type` of a RequestCreatedEvent.
pub const REQUEST_CREATED: &str = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3";
/// `type` of a RequestFulfilledEvent.
pub const REQUEST_FULFILLED: &str = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3";
/// `type` of a RequestRejectedEvent.
pub const REQUEST_REJECTED: &str = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3";

/// A checked event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: String,
    pub source: String,
    pub time: jiff::Timestamp,
    pub kind: EventKind,
}

/// What the event says.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// The data owner published or updated these footprints.
    Published { pf_ids: Vec<String> },
    /// A data recipient asks for footprints matching `filter`.
    RequestCreated { filter: Filter, comment: Option<String> },
    /// The answer to our request: the footprints, as received (each an object with an `id`; read into
    /// [`ProductFootprint`] by whoever imports them, so that one odd property does not refuse the whole answer).
    RequestFulfilled { request_event_id: String, footprints: Vec<Value> },
    /// The answer to our request: refused.
    RequestRejected { request_event_id: String, error: PactError },
}

impl EventKind {
    /// The CloudEvents `type`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            EventKind::Published { .. } => PUBLISHED,
            EventKind::RequestCreated { .. } => REQUEST_CREATED,
            EventKind::RequestFulfilled { .. } => REQUEST_FULFILLED,
            EventKind::RequestRejected { .. } => REQUEST_REJECTED,
        }
    }
}

/// Why an event is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[non_exhaustive]
pub enum EventProblem {
    /// The body is not a JSON object.
    #[error("the body is not a JSON object: {detail}")]
    NotJson { detail: String },
    /// A required attribute is missing or not a non-empty string.
    #[error("{attribute} is missing or not a non-empty string")]
    Missing { attribute: String },
    /// `specversion` is not `1.0`.
    #[error("specversion must be \"1.0\", not {value:?}")]
    SpecVersion { value: String },
    /// `type` is none of the four v3 event types.
    #[error("type {value:?} is not a PACT v3 event type")]
    UnknownType { value: String },
    /// `time` is not an RFC 3339 date-time.
    #[error("time {value:?} is not an RFC 3339 date-time")]
    Time { value: String },
    /// `data` is missing or not an object.
    #[error("data is missing or not an object")]
    Data,
    /// A property of `data` is malformed.
    #[error("data.{property} is malformed: {detail}")]
    DataProperty { property: String, detail: String },
}

fn text<'a>(object: &'a serde_json::Map<String, Value>, attribute: &str) -> Result<&'a str, EventProblem> {
    object
        .get(attribute)
        .and_then(Value::as_str)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| EventProblem::Missing { attribute: attribute.to_owned() })
}

fn data_problem(property: &str, detail: impl Into<String>) -> EventProblem {
    EventProblem::DataProperty { property: property.to_owned(), detail: detail.into() }
}

fn strings(data: &serde_json::Map<String, Value>, property: &str) -> Result<Vec<String>, EventProblem> {
    match data.get(property) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(values)) => values
            .iter()
            .map(|value| {
                value.as_str().map(str::to_owned).ok_or_else(|| data_problem(property, "not a list of strings"))
            })
            .collect(),
        // A single value is accepted as a list of one.
        Some(Value::String(value)) => Ok(vec![value.clone()]),
        Some(_) => Err(data_problem(property, "not a list of strings")),
    }
}

/// Parses and checks an event body.
pub fn parse_event(body: &[u8]) -> Result<Event, EventProblem> {
    let value: Value =
        serde_json::from_slice(body).map_err(|error| EventProblem::NotJson { detail: error.to_string() })?;
    let Value::Object(object) = value else {
        return Err(EventProblem::NotJson { detail: "not an object".to_owned() });
    };
    let spec_version = text(&object, "specversion")?;
    if spec_version != "1.0" {
        return Err(EventProblem::SpecVersion { value: spec_version.to_owned() });
    }
    let id = text(&object, "id")?.to_owned();
    let source = text(&object, "source")?.to_owned();
    let type_name = text(&object, "type")?;
    let time_text = text(&object, "time")?;
    let time = time_text.parse::<jiff::Timestamp>().map_err(|_| EventProblem::Time { value: time_text.to_owned() })?;
    let Some(Value::Object(data)) = object.get("data") else {
        return Err(EventProblem::Data);
    };
    let kind = match type_name {
        PUBLISHED => {
            // The schema says UUIDs; the conformance suite's own example sends URNs, so any non-empty ids are taken.
            let pf_ids = strings(data, "pfIds")?;
            if pf_ids.is_empty() || pf_ids.iter().any(|id| id.trim().is_empty()) {
                return Err(data_problem("pfIds", "must be a non-empty list of ids"));
            }
            EventKind::Published { pf_ids }
        }
        REQUEST_CREATED => EventKind::RequestCreated {
            filter: request_filter(data)?,
            comment: data.get("comment").and_then(Value::as_str).map(str::to_owned),
        },
        REQUEST_FULFILLED => {
            let request_event_id =
                text(data, "requestEventId").map_err(|_| data_problem("requestEventId", "missing"))?.to_owned();
            let Some(Value::Array(footprints)) = data.get("pfs") else {
                return Err(data_problem("pfs", "must be a list of ProductFootprints"));
            };
            if footprints.is_empty() {
                return Err(data_problem("pfs", "must not be empty"));
            }
            if footprints.iter().any(|footprint| footprint.get("id").and_then(Value::as_str).is_none()) {
                return Err(data_problem("pfs", "every ProductFootprint needs an id"));
            }
            let footprints = footprints.clone();
            EventKind::RequestFulfilled { request_event_id, footprints }
        }
        REQUEST_REJECTED => {
            let request_event_id =
                text(data, "requestEventId").map_err(|_| data_problem("requestEventId", "missing"))?.to_owned();
            let error: PactError = serde_json::from_value(data.get("error").cloned().unwrap_or(Value::Null))
                .map_err(|error| data_problem("error", error.to_string()))?;
            EventKind::RequestRejected { request_event_id, error }
        }
        other => return Err(EventProblem::UnknownType { value: other.to_owned() }),
    };
    Ok(Event { id, source, time, kind })
}

fn request_filter(data: &serde_json::Map<String, Value>) -> Result<Filter, EventProblem> {
    let urns = |property: &str| -> Result<Vec<String>, EventProblem> {
        let values = strings(data, property)?;
        match values.iter().find(|value| !(value.len() > 4 && value[..4].eq_ignore_ascii_case("urn:"))) {
            Some(bad) => Err(data_problem(property, format!("{bad:?} is not a URN"))),
            None => Ok(values),
        }
    };
    let date_time = |property: &str| -> Result<Option<jiff::Timestamp>, EventProblem> {
        match data.get(property) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => {
                parse_date_time(value).map(Some).ok_or_else(|| data_problem(property, "not an RFC 3339 date-time"))
            }
            Some(_) => Err(data_problem(property, "not a string")),
        }
    };
    let status = match data.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::String(value)) => Some(value.clone()),
        Some(_) => return Err(data_problem("status", "not a string")),
    };
    Ok(Filter {
        product_ids: urns("productId")?,
        company_ids: urns("companyId")?,
        geographies: strings(data, "geography")?,
        classifications: urns("classification")?,
        valid_on: date_time("validOn")?,
        valid_after: date_time("validAfter")?,
        valid_before: date_time("validBefore")?,
        status,
    })
}

/// A RequestFulfilled or RequestRejected event answering `request_event_id`, as the JSON body to post.
pub fn answer_event(
    id: &str,
    source: &str,
    time: jiff::Timestamp,
    request_event_id: &str,
    answer: Result<&[ProductFootprint], &PactError>,
) -> Value {
    let (type_name, data) = match answer {
        Ok(footprints) => {
            (REQUEST_FULFILLED, serde_json::json!({"requestEventId": request_event_id, "pfs": footprints}))
        }
        Err(error) => (REQUEST_REJECTED, serde_json::json!({"requestEventId": request_event_id, "error": error})),
    };
    serde_json::json!({
        "type": type_name,
        "specversion": "1.0",
        "id": id,
        "source": source,
        "time": crate::mapping::rfc3339(time),
        "data": data,
    })
}
