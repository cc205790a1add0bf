//! Records ↔ table rows. Every field has a home that round-trips exactly: integers and
//! times (unix seconds) as `BIGINT`, degrees and kilograms as `DOUBLE PRECISION`, enums by
//! their wire names, lists as JSON text (time windows as `[[start, end], …]` in seconds, so
//! any instant survives), optional points as two nullable columns.

use engine::board::{
    EntityKind, Event, Geocoded, Hq, Recipient, Record, Request, Role, StoreError, Time,
    TokenRecord, Volunteer, Window,
};
use engine::closures::Closure;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A value to bind, in the few types both backends share.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Bind {
    /// `BIGINT`.
    Int(Option<i64>),
    /// `DOUBLE PRECISION`.
    Real(Option<f64>),
    /// `TEXT`.
    Text(Option<String>),
}

impl Bind {
    /// `true` when storing `other` in place of `self` would store the same value: reals are
    /// compared bit for bit (`-0.0` is not `0.0`, a NaN is itself), unlike `==`.
    pub(super) fn same(&self, other: &Bind) -> bool {
        match (self, other) {
            (Bind::Real(a), Bind::Real(b)) => a.map(f64::to_bits) == b.map(f64::to_bits),
            _ => self == other,
        }
    }
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(Some(v))
    }
}
impl From<Option<i64>> for Bind {
    fn from(v: Option<i64>) -> Self {
        Bind::Int(v)
    }
}
impl From<u32> for Bind {
    fn from(v: u32) -> Self {
        Bind::Int(Some(i64::from(v)))
    }
}
impl From<Time> for Bind {
    fn from(v: Time) -> Self {
        Bind::Int(Some(v.0))
    }
}
impl From<Option<Time>> for Bind {
    fn from(v: Option<Time>) -> Self {
        Bind::Int(v.map(|t| t.0))
    }
}
impl From<f64> for Bind {
    fn from(v: f64) -> Self {
        Bind::Real(Some(v))
    }
}
impl From<Option<f64>> for Bind {
    fn from(v: Option<f64>) -> Self {
        Bind::Real(v)
    }
}
impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(Some(v))
    }
}
impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(Some(v.to_owned()))
    }
}
impl From<Option<String>> for Bind {
    fn from(v: Option<String>) -> Self {
        Bind::Text(v)
    }
}

/// Binds `b` to `q`.
pub(super) fn bind<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    b: Bind,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match b {
        Bind::Int(v) => q.bind(v),
        Bind::Real(v) => q.bind(v),
        Bind::Text(v) => q.bind(v),
    }
}

/// A stored value this build cannot read.
fn unreadable(what: &str) -> StoreError {
    StoreError::Internal(format!("stored {what} not understood"))
}

/// An enum's wire name (`"en_route"`).
pub(super) fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The enum named `s`.
fn parse<T: DeserializeOwned>(s: String, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(Value::String(s)).map_err(|_| unreadable(what))
}

/// `v` as JSON text.
pub(super) fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

/// JSON text as a `T`; `what` names it in the error.
pub(super) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|_| unreadable(what))
}

fn windows(w: &[Window]) -> String {
    json(&w.iter().map(|w| [w.start.0, w.end.0]).collect::<Vec<_>>())
}

fn windows_from(s: &str) -> Result<Vec<Window>, StoreError> {
    let pairs: Vec<[i64; 2]> = from_json(s, "time windows")?;
    Ok(pairs
        .into_iter()
        .map(|[start, end]| Window {
            start: Time(start),
            end: Time(end),
        })
        .collect())
}

fn point_from(lon: Option<f64>, lat: Option<f64>) -> Option<[f64; 2]> {
    Some([lon?, lat?])
}

/// Column by name, with the column named (not the value) when it does not decode.
fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(|_| unreadable(col))
}

fn get_u32(row: &AnyRow, col: &str) -> Result<u32, StoreError> {
    u32::try_from(get::<i64>(row, col)?).map_err(|_| unreadable(col))
}

fn get_time(row: &AnyRow, col: &str) -> Result<Time, StoreError> {
    get::<i64>(row, col).map(Time)
}

/// The table of a kind of record.
pub(super) fn table(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Hq => "hqs",
        EntityKind::Volunteer => "volunteers",
        EntityKind::Request => "requests",
        EntityKind::Closure => "closures",
    }
}

/// Columns read back for each table (`id` first).
pub(super) const HQ_COLUMNS: &str =
    "id, name, region, lon, lat, timezone, version, created_at, updated_at";
pub(super) const VOLUNTEER_COLUMNS: &str = "id, hq, name, phone, mode, skills, capacity_kg, \
     capacity_bags, shifts, max_tasks, home_lon, home_lat, position_lon, position_lat, \
     position_at, status, version, created_at, updated_at";
pub(super) const REQUEST_COLUMNS: &str = "id, hq, kind, urgency, deadline, time_windows, \
     service_min, load_kg, load_bags, skills, notes, recipient_name, recipient_phone, \
     recipient_address, lon, lat, geocoded, status, reason, volunteer, assigned_by, \
     created_by, version, created_at, updated_at";
pub(super) const CLOSURE_COLUMNS: &str = "id, target, profiles, starts_at, ends_at, reason, \
     created_by, lifted_at, lifted_by, version, created_at, updated_at";
pub(super) const EVENT_COLUMNS: &str =
    "seq, at, actor, hq, entity, entity_id, action, changes, previous";
pub(super) const TOKEN_COLUMNS: &str =
    "id, hash, role, hqs, volunteer, label, created_at, revoked_at";

/// Every column of a record but `id`, with its value.
pub(super) fn columns(r: &Record) -> Vec<(&'static str, Bind)> {
    match r {
        Record::Hq(h) => vec![
            ("name", h.name.as_str().into()),
            ("region", h.region.as_str().into()),
            ("lon", h.location[0].into()),
            ("lat", h.location[1].into()),
            ("timezone", h.timezone.as_str().into()),
            ("version", h.version.into()),
            ("created_at", h.created_at.into()),
            ("updated_at", h.updated_at.into()),
        ],
        Record::Volunteer(v) => vec![
            ("hq", v.hq.into()),
            ("name", v.name.as_str().into()),
            ("phone", v.phone.as_str().into()),
            ("mode", name(&v.mode).into()),
            ("skills", json(&v.skills).into()),
            ("capacity_kg", v.capacity_kg.into()),
            ("capacity_bags", v.capacity_bags.into()),
            ("shifts", windows(&v.shifts).into()),
            ("max_tasks", v.max_tasks.into()),
            ("home_lon", v.home.map(|p| p[0]).into()),
            ("home_lat", v.home.map(|p| p[1]).into()),
            ("position_lon", v.position.map(|p| p[0]).into()),
            ("position_lat", v.position.map(|p| p[1]).into()),
            ("position_at", v.position_at.into()),
            ("status", name(&v.status).into()),
            ("version", v.version.into()),
            ("created_at", v.created_at.into()),
            ("updated_at", v.updated_at.into()),
        ],
        Record::Request(q) => vec![
            ("hq", q.hq.into()),
            ("kind", name(&q.kind).into()),
            ("urgency", name(&q.urgency).into()),
            ("deadline", q.deadline.into()),
            ("time_windows", windows(&q.time_windows).into()),
            ("service_min", q.service_min.into()),
            ("load_kg", q.load_kg.into()),
            ("load_bags", q.load_bags.into()),
            ("skills", json(&q.skills).into()),
            ("notes", q.notes.as_str().into()),
            ("recipient_name", q.recipient.name.as_str().into()),
            ("recipient_phone", q.recipient.phone.as_str().into()),
            ("recipient_address", q.recipient.address.as_str().into()),
            ("lon", q.location.map(|p| p[0]).into()),
            ("lat", q.location.map(|p| p[1]).into()),
            ("geocoded", q.geocoded.as_ref().map(json).into()),
            ("status", name(&q.status).into()),
            ("reason", q.reason.clone().into()),
            ("volunteer", q.volunteer.into()),
            ("assigned_by", q.assigned_by.clone().into()),
            ("created_by", q.created_by.as_str().into()),
            ("version", q.version.into()),
            ("created_at", q.created_at.into()),
            ("updated_at", q.updated_at.into()),
        ],
        Record::Closure(c) => vec![
            ("target", json(&c.target).into()),
            ("profiles", json(&c.profiles).into()),
            ("starts_at", c.starts_at.into()),
            ("ends_at", c.ends_at.into()),
            ("reason", c.reason.as_str().into()),
            ("created_by", c.created_by.as_str().into()),
            ("lifted_at", c.lifted_at.into()),
            ("lifted_by", c.lifted_by.clone().into()),
            ("version", c.version.into()),
            ("created_at", c.created_at.into()),
            ("updated_at", c.updated_at.into()),
        ],
    }
}

/// A road closure from a row of [`CLOSURE_COLUMNS`].
pub(super) fn closure(row: &AnyRow) -> Result<Closure, StoreError> {
    Ok(Closure {
        id: get(row, "id")?,
        target: from_json(&get::<String>(row, "target")?, "closure target")?,
        profiles: from_json(&get::<String>(row, "profiles")?, "profiles")?,
        starts_at: get::<Option<i64>>(row, "starts_at")?.map(Time),
        ends_at: get::<Option<i64>>(row, "ends_at")?.map(Time),
        reason: get(row, "reason")?,
        created_by: get(row, "created_by")?,
        lifted_at: get::<Option<i64>>(row, "lifted_at")?.map(Time),
        lifted_by: get(row, "lifted_by")?,
        version: get(row, "version")?,
        created_at: get_time(row, "created_at")?,
        updated_at: get_time(row, "updated_at")?,
    })
}

/// A headquarters from a row of [`HQ_COLUMNS`].
pub(super) fn hq(row: &AnyRow) -> Result<Hq, StoreError> {
    Ok(Hq {
        id: get(row, "id")?,
        name: get(row, "name")?,
        region: get(row, "region")?,
        location: [get(row, "lon")?, get(row, "lat")?],
        timezone: get(row, "timezone")?,
        version: get(row, "version")?,
        created_at: get_time(row, "created_at")?,
        updated_at: get_time(row, "updated_at")?,
    })
}

/// A volunteer from a row of [`VOLUNTEER_COLUMNS`].
pub(super) fn volunteer(row: &AnyRow) -> Result<Volunteer, StoreError> {
    Ok(Volunteer {
        id: get(row, "id")?,
        hq: get(row, "hq")?,
        name: get(row, "name")?,
        phone: get(row, "phone")?,
        mode: parse(get(row, "mode")?, "mode")?,
        skills: from_json(&get::<String>(row, "skills")?, "skills")?,
        capacity_kg: get(row, "capacity_kg")?,
        capacity_bags: get_u32(row, "capacity_bags")?,
        shifts: windows_from(&get::<String>(row, "shifts")?)?,
        max_tasks: get_u32(row, "max_tasks")?,
        home: point_from(get(row, "home_lon")?, get(row, "home_lat")?),
        position: point_from(get(row, "position_lon")?, get(row, "position_lat")?),
        position_at: get::<Option<i64>>(row, "position_at")?.map(Time),
        status: parse(get(row, "status")?, "status")?,
        version: get(row, "version")?,
        created_at: get_time(row, "created_at")?,
        updated_at: get_time(row, "updated_at")?,
    })
}

/// A request from a row of [`REQUEST_COLUMNS`].
pub(super) fn request(row: &AnyRow) -> Result<Request, StoreError> {
    let geocoded: Option<String> = get(row, "geocoded")?;
    Ok(Request {
        id: get(row, "id")?,
        hq: get(row, "hq")?,
        kind: parse(get(row, "kind")?, "kind")?,
        urgency: parse(get(row, "urgency")?, "urgency")?,
        deadline: get_time(row, "deadline")?,
        time_windows: windows_from(&get::<String>(row, "time_windows")?)?,
        service_min: get_u32(row, "service_min")?,
        load_kg: get(row, "load_kg")?,
        load_bags: get_u32(row, "load_bags")?,
        skills: from_json(&get::<String>(row, "skills")?, "skills")?,
        notes: get(row, "notes")?,
        recipient: Recipient {
            name: get(row, "recipient_name")?,
            phone: get(row, "recipient_phone")?,
            address: get(row, "recipient_address")?,
        },
        location: point_from(get(row, "lon")?, get(row, "lat")?),
        geocoded: geocoded
            .map(|g| from_json::<Geocoded>(&g, "geocoding"))
            .transpose()?,
        status: parse(get(row, "status")?, "status")?,
        reason: get(row, "reason")?,
        volunteer: get(row, "volunteer")?,
        assigned_by: get(row, "assigned_by")?,
        created_by: get(row, "created_by")?,
        version: get(row, "version")?,
        created_at: get_time(row, "created_at")?,
        updated_at: get_time(row, "updated_at")?,
    })
}

/// An event from a row of [`EVENT_COLUMNS`].
pub(super) fn event(row: &AnyRow) -> Result<Event, StoreError> {
    let entity: String = get(row, "entity")?;
    Ok(Event {
        seq: get(row, "seq")?,
        at: get_time(row, "at")?,
        actor: get(row, "actor")?,
        hq: get(row, "hq")?,
        entity: EntityKind::from_name(&entity).ok_or_else(|| unreadable("entity"))?,
        entity_id: get(row, "entity_id")?,
        action: get(row, "action")?,
        changes: from_json(&get::<String>(row, "changes")?, "changes")?,
        previous: from_json(&get::<String>(row, "previous")?, "previous")?,
    })
}

/// A token from a row of [`TOKEN_COLUMNS`].
pub(super) fn token(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    let role: String = get(row, "role")?;
    Ok(TokenRecord {
        id: get(row, "id")?,
        hash: get(row, "hash")?,
        role: Role::from_name(&role).ok_or_else(|| unreadable("role"))?,
        hqs: from_json(&get::<String>(row, "hqs")?, "headquarters")?,
        volunteer: get(row, "volunteer")?,
        label: get(row, "label")?,
        created_at: get_time(row, "created_at")?,
        revoked_at: get::<Option<i64>>(row, "revoked_at")?.map(Time),
    })
}

#[cfg(test)]
mod tests {
    use super::Bind;

    #[test]
    fn a_value_is_the_same_only_when_it_would_store_the_same() {
        let real = |v: f64| Bind::Real(Some(v));
        assert!(real(1.5).same(&real(1.5)));
        assert!(!real(0.0).same(&real(-0.0)), "0.0 == -0.0, yet they differ");
        assert!(
            real(f64::NAN).same(&real(f64::NAN)),
            "NaN != NaN, yet it is the same"
        );
        assert!(!real(1.0).same(&Bind::Real(None)));
        assert!(Bind::Real(None).same(&Bind::Real(None)));
        assert!(Bind::Int(Some(3)).same(&Bind::Int(Some(3))));
        assert!(!Bind::Int(Some(3)).same(&Bind::Text(Some("3".into()))));
    }
}
