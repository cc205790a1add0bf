//! Events: every change to the board, with who made it, when, the new values and the
//! previous ones. They are stored in the same transaction as the change, numbered by a
//! sequence that only grows, and are both the history of a record and the live feed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::time::Time;

/// The kind of record an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A headquarters.
    Hq,
    /// A volunteer.
    Volunteer,
    /// A request.
    Request,
    /// A road closure ([`crate::closures::Closure`]; headquarters 0: it is everyone's).
    Closure,
}

impl EntityKind {
    /// Name on the wire and in the store.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Hq => "hq",
            EntityKind::Volunteer => "volunteer",
            EntityKind::Request => "request",
            EntityKind::Closure => "closure",
        }
    }

    /// The kind named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        [
            EntityKind::Hq,
            EntityKind::Volunteer,
            EntityKind::Request,
            EntityKind::Closure,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One stored change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Position in the board's sequence of events (grows by at least 1 per event).
    pub seq: i64,
    /// When it happened.
    pub at: Time,
    /// Who made it (`role:token_id`).
    pub actor: String,
    /// Headquarters of the record.
    pub hq: i64,
    /// Kind of record.
    pub entity: EntityKind,
    /// The record's identifier.
    pub entity_id: i64,
    /// What happened: `created`, `updated`, `assigned`, `unassigned`, `status`, `position`.
    pub action: String,
    /// New values of the fields that changed (every field for `created`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub changes: Value,
    /// Their values before (empty for `created`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub previous: Value,
}

/// Fields left out of diffs: they change with every write.
const BOOKKEEPING: [&str; 2] = ["version", "updated_at"];

/// The fields that differ between two serialisations of a record: `(changes, previous)`,
/// each a JSON object of field → value. Bookkeeping fields (`version`, `updated_at`) are
/// left out.
#[must_use]
pub fn diff(before: &Value, after: &Value) -> (Value, Value) {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    let mut previous = Map::new();
    for (k, v) in a {
        if BOOKKEEPING.contains(&k.as_str()) {
            continue;
        }
        let old = b.get(k).unwrap_or(&Value::Null);
        if old != v {
            changes.insert(k.clone(), v.clone());
            previous.insert(k.clone(), old.clone());
        }
    }
    (Value::Object(changes), Value::Object(previous))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_changed_fields_with_both_values() {
        let (c, p) = diff(
            &json!({"a": 1, "b": "x", "version": 1}),
            &json!({"a": 2, "b": "x", "version": 2, "c": null}),
        );
        assert_eq!(c, json!({"a": 2}));
        assert_eq!(p, json!({"a": 1}));
    }
}
