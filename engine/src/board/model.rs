//! The board's records: headquarters, volunteers and requests, and what clients send to make
//! or change them.
//!
//! Records are plain data with a `version` that every stored change bumps (optimistic
//! concurrency: a change names the version it was made from). Positions are `[lon, lat]` in
//! WGS84 degrees, as in GeoJSON. Personal data (names, phones, addresses) lives only in
//! [`Volunteer`] and [`Recipient`]; nothing else copies it.

use serde::{Deserialize, Serialize};

use super::time::Time;

/// A position `[lon, lat]` in degrees.
pub type Point = [f64; 2];

/// Skills every deployment knows; others matching [`is_valid_skill`] may be added.
pub const KNOWN_SKILLS: [&str; 4] = ["medical", "psychologist", "driver", "heavy_lifting"];

/// `true` for a skill name: 1–32 characters, lowercase ASCII letters, digits and `_`,
/// starting with a letter.
#[must_use]
pub fn is_valid_skill(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// How a volunteer travels: the profile whose road graph is used for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// On foot.
    Foot,
    /// By bicycle.
    Bicycle,
    /// By car.
    Car,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Foot, Mode::Bicycle, Mode::Car];

    /// Name of the routing profile (and graph) of this mode.
    #[must_use]
    pub fn profile(self) -> &'static str {
        match self {
            Mode::Foot => "foot",
            Mode::Bicycle => "bicycle",
            Mode::Car => "car",
        }
    }
}

/// Whether a volunteer can take work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    /// Free to take a request.
    Available,
    /// Working (on a request or otherwise); not offered new work.
    Busy,
    /// Not working.
    Off,
}

/// A half-open time window `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First instant of the window.
    pub start: Time,
    /// First instant after the window.
    pub end: Time,
}

impl Window {
    /// `true` when `t` lies in the window.
    #[must_use]
    pub fn contains(&self, t: Time) -> bool {
        self.start <= t && t < self.end
    }
}

/// A regional volunteer headquarters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hq {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Region code (for example `77` for Moscow).
    pub region: String,
    /// Where it is.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<f64>, min_items = 2, max_items = 2))]
    pub location: Point,
    /// IANA time zone of the region (for example `Europe/Moscow`).
    pub timezone: String,
    /// Bumped by every change.
    pub version: i64,
    /// When it was created.
    pub created_at: Time,
    /// When it last changed.
    pub updated_at: Time,
}

/// A volunteer of one headquarters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Volunteer {
    /// Identifier.
    pub id: i64,
    /// Headquarters.
    pub hq: i64,
    /// Display name (personal data).
    pub name: String,
    /// Phone number (personal data).
    pub phone: String,
    /// How they travel.
    pub mode: Mode,
    /// Skills, sorted, without duplicates.
    pub skills: Vec<String>,
    /// Most kilograms they can carry.
    pub capacity_kg: f64,
    /// Most bags they can carry.
    pub capacity_bags: u32,
    /// When they work, sorted by start, not overlapping.
    pub shifts: Vec<Window>,
    /// Most requests they hold at once (assigned or en route).
    pub max_tasks: u32,
    /// Where they return after work, when known.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub home: Option<Point>,
    /// Last reported position.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub position: Option<Point>,
    /// When `position` was reported.
    pub position_at: Option<Time>,
    /// Whether they can take work.
    pub status: VolunteerStatus,
    /// Bumped by every change.
    pub version: i64,
    /// When the record was created.
    pub created_at: Time,
    /// When it last changed.
    pub updated_at: Time,
}

/// What a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Buy and deliver groceries.
    Groceries,
    /// Buy and deliver medicines.
    Medicines,
    /// Buy and deliver other essentials.
    Essentials,
    /// Pay a utility bill.
    UtilityPayment,
    /// Visit and help at home.
    CareVisit,
    /// Take the person somewhere.
    Transport,
    /// Talk by phone: no trip.
    PsychologicalSupport,
    /// Anything else.
    Other,
}

impl RequestKind {
    /// `false` for work done by phone, which needs no trip and no location.
    #[must_use]
    pub fn needs_trip(self) -> bool {
        self != RequestKind::PsychologicalSupport
    }

    /// Minutes of service at the door when the request does not say.
    #[must_use]
    pub fn default_service_min(self) -> u32 {
        match self {
            RequestKind::Groceries | RequestKind::Essentials => 10,
            RequestKind::Medicines | RequestKind::UtilityPayment => 10,
            RequestKind::CareVisit => 45,
            RequestKind::Transport => 30,
            RequestKind::PsychologicalSupport => 30,
            RequestKind::Other => 15,
        }
    }

    /// Skills the work always needs (on top of the request's own).
    #[must_use]
    pub fn implied_skills(self) -> &'static [&'static str] {
        match self {
            RequestKind::PsychologicalSupport => &["psychologist"],
            RequestKind::Transport => &["driver"],
            _ => &[],
        }
    }
}

/// How soon a request must be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Today, within hours; the deadline is a hard limit.
    Urgent,
    /// In the next day or so.
    Normal,
    /// On a planned day.
    Planned,
}

impl Urgency {
    /// Every urgency, most urgent first.
    pub const ALL: [Urgency; 3] = [Urgency::Urgent, Urgency::Normal, Urgency::Planned];

    /// Seconds from creation to the deadline when the request gives none: 4 hours, 1 day,
    /// 7 days.
    #[must_use]
    pub fn default_deadline_s(self) -> i64 {
        match self {
            Urgency::Urgent => 4 * 3600,
            Urgency::Normal => 24 * 3600,
            Urgency::Planned => 7 * 24 * 3600,
        }
    }

    /// Name on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
            Urgency::Planned => "planned",
        }
    }
}

/// Where a request is in its life: `new → assigned → en_route → done`, or `cancelled` /
/// `failed` with a reason (see [`super::lifecycle`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Recorded, nobody assigned.
    New,
    /// A volunteer holds it.
    Assigned,
    /// The volunteer is on the way.
    EnRoute,
    /// Done.
    Done,
    /// Called off (reason given).
    Cancelled,
    /// Could not be done (reason given).
    Failed,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::New,
        RequestStatus::Assigned,
        RequestStatus::EnRoute,
        RequestStatus::Done,
        RequestStatus::Cancelled,
        RequestStatus::Failed,
    ];

    /// `true` while the request still needs work (`new`, `assigned`, `en_route`).
    #[must_use]
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestStatus::New | RequestStatus::Assigned | RequestStatus::EnRoute
        )
    }

    /// `true` while a volunteer holds the request (`assigned`, `en_route`).
    #[must_use]
    pub fn is_held(self) -> bool {
        matches!(self, RequestStatus::Assigned | RequestStatus::EnRoute)
    }

    /// Name on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::New => "new",
            RequestStatus::Assigned => "assigned",
            RequestStatus::EnRoute => "en_route",
            RequestStatus::Done => "done",
            RequestStatus::Cancelled => "cancelled",
            RequestStatus::Failed => "failed",
        }
    }

    /// The status named `s` on the wire.
    #[must_use]
    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The person a request is for (personal data).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// Address as given on the phone.
    #[serde(default)]
    pub address: String,
}

/// How a request's location was found from its address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Geocoded {
    /// The address the map matched.
    pub label: String,
    /// How sure the match is, 0..=1.
    pub confidence: f64,
    /// What was matched: `house`, `street` or `place`.
    pub kind: String,
}

/// A request for help.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Request {
    /// Identifier.
    pub id: i64,
    /// Headquarters that handles it.
    pub hq: i64,
    /// What is asked for.
    pub kind: RequestKind,
    /// How soon.
    pub urgency: Urgency,
    /// Latest time to be done (hard for urgent requests).
    pub deadline: Time,
    /// When the visit may happen ("after 14:00"); empty: any time before the deadline.
    pub time_windows: Vec<Window>,
    /// Minutes of service at the door.
    pub service_min: u32,
    /// Kilograms to carry.
    pub load_kg: f64,
    /// Bags to carry.
    pub load_bags: u32,
    /// Skills needed (sorted, including those the kind implies).
    pub skills: Vec<String>,
    /// Free text for the volunteer.
    pub notes: String,
    /// Who it is for.
    pub recipient: Recipient,
    /// Where to go; `None` only for requests that need no trip.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub location: Option<Point>,
    /// How `location` was found from the address, when it was.
    pub geocoded: Option<Geocoded>,
    /// Where it is in its life.
    pub status: RequestStatus,
    /// Why it was cancelled or failed.
    pub reason: Option<String>,
    /// The volunteer who holds (or last held) it.
    pub volunteer: Option<i64>,
    /// Who assigned it.
    pub assigned_by: Option<String>,
    /// Who recorded it.
    pub created_by: String,
    /// Bumped by every change.
    pub version: i64,
    /// When it was recorded.
    pub created_at: Time,
    /// When it last changed.
    pub updated_at: Time,
}

/// A new headquarters (`POST /v1/hqs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHq {
    /// Name.
    pub name: String,
    /// Region code.
    pub region: String,
    /// Where it is.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<f64>, min_items = 2, max_items = 2))]
    pub location: Point,
    /// IANA time zone; default `UTC`.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// A new volunteer (`POST /v1/volunteers`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVolunteer {
    /// Headquarters.
    pub hq: i64,
    /// Display name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// How they travel.
    pub mode: Mode,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Most kilograms they can carry; default by mode (foot 10, bicycle 15, car 200).
    #[serde(default)]
    pub capacity_kg: Option<f64>,
    /// Most bags they can carry; default by mode (foot 2, bicycle 3, car 20).
    #[serde(default)]
    pub capacity_bags: Option<u32>,
    /// When they work.
    #[serde(default)]
    pub shifts: Vec<Window>,
    /// Most requests held at once; default 5.
    #[serde(default)]
    pub max_tasks: Option<u32>,
    /// Where they return after work.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub home: Option<Point>,
    /// Where they are now.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub position: Option<Point>,
    /// Initial status; default `available`.
    #[serde(default)]
    pub status: Option<VolunteerStatus>,
}

/// A new request (`POST /v1/requests`): `location`, or `recipient.address` to geocode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Headquarters.
    pub hq: i64,
    /// What is asked for.
    pub kind: RequestKind,
    /// How soon.
    pub urgency: Urgency,
    /// Latest time to be done; default by urgency ([`Urgency::default_deadline_s`]).
    #[serde(default)]
    pub deadline: Option<Time>,
    /// When the visit may happen.
    #[serde(default)]
    pub time_windows: Vec<Window>,
    /// Minutes of service; default by kind.
    #[serde(default)]
    pub service_min: Option<u32>,
    /// Kilograms to carry.
    #[serde(default)]
    pub load_kg: Option<f64>,
    /// Bags to carry.
    #[serde(default)]
    pub load_bags: Option<u32>,
    /// Skills needed.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Free text.
    #[serde(default)]
    pub notes: Option<String>,
    /// Who it is for.
    pub recipient: Recipient,
    /// Where to go; wins over the address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub location: Option<Point>,
    /// Address to geocode when `location` is absent (also accepted as
    /// `recipient.address`).
    #[serde(default)]
    pub address: Option<String>,
}

/// Changes to a volunteer (`PATCH /v1/volunteers/{id}`); absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VolunteerPatch {
    /// Display name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// How they travel.
    pub mode: Option<Mode>,
    /// Skills.
    pub skills: Option<Vec<String>>,
    /// Most kilograms.
    pub capacity_kg: Option<f64>,
    /// Most bags.
    pub capacity_bags: Option<u32>,
    /// Shifts (replace the list).
    pub shifts: Option<Vec<Window>>,
    /// Most requests held at once.
    pub max_tasks: Option<u32>,
    /// Home.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub home: Option<Point>,
    /// Status.
    pub status: Option<VolunteerStatus>,
    /// The version the change was made from (or send `If-Match`).
    pub version: Option<i64>,
}

/// Changes to a request (`PATCH /v1/requests/{id}`); absent fields stay. Status changes
/// go through the transitions instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestPatch {
    /// What is asked for.
    pub kind: Option<RequestKind>,
    /// How soon.
    pub urgency: Option<Urgency>,
    /// Latest time to be done.
    pub deadline: Option<Time>,
    /// When the visit may happen (replace the list).
    pub time_windows: Option<Vec<Window>>,
    /// Minutes of service.
    pub service_min: Option<u32>,
    /// Kilograms to carry.
    pub load_kg: Option<f64>,
    /// Bags to carry.
    pub load_bags: Option<u32>,
    /// Skills needed.
    pub skills: Option<Vec<String>>,
    /// Free text.
    pub notes: Option<String>,
    /// Who it is for.
    pub recipient: Option<Recipient>,
    /// Where to go.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub location: Option<Point>,
    /// The version the change was made from (or send `If-Match`).
    pub version: Option<i64>,
}
