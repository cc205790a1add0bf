//! [`Board`]: every operation on the board, with its rules: who may, what is valid, which
//! status may follow which, and the events each change leaves. Storage is behind [`Store`];
//! time is given (`now`), never read.

use serde_json::Value;

use super::access::Principal;
use super::error::{BoardError, invalid};
use super::event::{EntityKind, Event, diff};
use super::lifecycle;
use super::model::{
    Geocoded, Hq, Mode, NewHq, NewRequest, NewVolunteer, Point, Request, RequestPatch,
    RequestStatus, Volunteer, VolunteerPatch, VolunteerStatus,
};
use super::roads::Roads;
use super::store::{
    Applied, Change, EventQuery, IdempotencyKey, Record, RequestQuery, Store, VolunteerQuery, Write,
};
use super::time::Time;
use super::validate as v;

/// Most records one list call answers.
pub const MAX_PAGE: usize = 1_000;

/// The board over a store.
#[derive(Debug)]
pub struct Board<S> {
    store: S,
}

/// What a create answered: the new record, or the first answer to the same idempotency key.
#[derive(Clone, Debug, PartialEq)]
pub enum Created<T> {
    /// Created now.
    New(T),
    /// A retry: the first answer, as stored.
    Replayed(Value),
}

impl<S: Store> Board<S> {
    /// The board over `store`.
    pub fn new(store: S) -> Self {
        Self { store }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    pub(super) async fn write_one(
        &self,
        who: &Principal,
        now: Time,
        change: Change,
        idem: Option<IdempotencyKey>,
    ) -> Result<Result<Record, Value>, BoardError> {
        let w = Write {
            at: now,
            actor: who.actor(),
            changes: vec![change],
            idempotency: idem,
        };
        match self.store.apply(w).await? {
            Applied::Stored { mut records, .. } => records
                .pop()
                .map(Ok)
                .ok_or_else(|| BoardError::Store(super::StoreError::Internal("no record".into()))),
            Applied::Replayed(body) => Ok(Err(body)),
        }
    }

    pub(super) async fn replayed(
        &self,
        idem: Option<&IdempotencyKey>,
    ) -> Result<Option<Value>, BoardError> {
        let Some(k) = idem else { return Ok(None) };
        match self.store.idempotent(&k.scope, &k.key).await? {
            Some(r) if r.fingerprint == k.fingerprint => Ok(Some(r.body)),
            Some(_) => Err(BoardError::Store(super::StoreError::IdempotencyMismatch)),
            None => Ok(None),
        }
    }

    // ---- headquarters ----

    /// Creates a headquarters (admins).
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::Invalid`], [`BoardError::Store`].
    pub async fn create_hq(
        &self,
        who: &Principal,
        now: Time,
        new: NewHq,
        idem: Option<IdempotencyKey>,
    ) -> Result<Created<Hq>, BoardError> {
        who.may_manage_hqs()?;
        if let Some(body) = self.replayed(idem.as_ref()).await? {
            return Ok(Created::Replayed(body));
        }
        let hq = Hq {
            id: 0,
            name: v::text("name", &new.name, v::MAX_SHORT_TEXT, false)?,
            region: v::text("region", &new.region, 16, false)?,
            location: v::point("location", new.location)?,
            timezone: v::timezone("timezone", new.timezone.as_deref().unwrap_or("UTC"))?,
            version: 0,
            created_at: now,
            updated_at: now,
        };
        match self
            .write_one(who, now, insert(Record::Hq(hq)), idem)
            .await?
        {
            Ok(Record::Hq(h)) => Ok(Created::New(h)),
            Ok(_) => Err(wrong_kind()),
            Err(body) => Ok(Created::Replayed(body)),
        }
    }

    /// A headquarters the principal may see.
    ///
    /// # Errors
    /// [`BoardError::NotFound`] (also for one outside the token's scope), store errors.
    pub async fn hq(&self, who: &Principal, id: i64) -> Result<Hq, BoardError> {
        who.may_list_hqs()?;
        match self.store.hq(id).await? {
            Some(h) if who.covers_hq(id) => Ok(h),
            _ => Err(BoardError::NotFound { what: "hq", id }),
        }
    }

    /// The headquarters the principal may see.
    ///
    /// # Errors
    /// [`BoardError::Denied`] for volunteers, store errors.
    pub async fn hqs(&self, who: &Principal) -> Result<Vec<Hq>, BoardError> {
        who.may_list_hqs()?;
        Ok(self
            .store
            .hqs()
            .await?
            .into_iter()
            .filter(|h| who.covers_hq(h.id))
            .collect())
    }

    async fn existing_hq(&self, id: i64) -> Result<Hq, BoardError> {
        self.store
            .hq(id)
            .await?
            .ok_or_else(|| invalid("hq", format!("headquarters {id} does not exist")))
    }

    // ---- volunteers ----

    /// Creates a volunteer (coordinators of its headquarters, admins).
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::Invalid`] (also for positions far from roads),
    /// store errors.
    pub async fn create_volunteer(
        &self,
        who: &Principal,
        now: Time,
        new: NewVolunteer,
        roads: &dyn Roads,
        idem: Option<IdempotencyKey>,
    ) -> Result<Created<Volunteer>, BoardError> {
        who.may_manage_volunteers(new.hq)?;
        if let Some(body) = self.replayed(idem.as_ref()).await? {
            return Ok(Created::Replayed(body));
        }
        self.existing_hq(new.hq).await?;
        let vol = volunteer_record(now, &new, roads)?;
        match self
            .write_one(who, now, insert(Record::Volunteer(vol)), idem)
            .await?
        {
            Ok(Record::Volunteer(x)) => Ok(Created::New(x)),
            Ok(_) => Err(wrong_kind()),
            Err(body) => Ok(Created::Replayed(body)),
        }
    }

    /// A volunteer the principal may see.
    ///
    /// # Errors
    /// [`BoardError::NotFound`] when missing or outside the caller's scope.
    pub async fn volunteer(&self, who: &Principal, id: i64) -> Result<Volunteer, BoardError> {
        match self.store.volunteer(id).await? {
            Some(x) if who.may_read_volunteer(&x).is_ok() => Ok(x),
            _ => Err(BoardError::NotFound {
                what: "volunteer",
                id,
            }),
        }
    }

    /// Volunteers matching `q`, limited to the principal's headquarters.
    ///
    /// # Errors
    /// [`BoardError::Denied`] for operators and volunteers, store errors.
    pub async fn volunteers(
        &self,
        who: &Principal,
        mut q: VolunteerQuery,
    ) -> Result<Vec<Volunteer>, BoardError> {
        if !matches!(
            who.role,
            super::access::Role::Admin | super::access::Role::Coordinator
        ) {
            return Err(super::access::Denied(
                "only coordinators and admins list volunteers".into(),
            )
            .into());
        }
        q.hqs = scoped(who, q.hqs, |hq| who.may_manage_volunteers(hq))?;
        q.limit = q.limit.clamp(1, MAX_PAGE);
        Ok(self.store.volunteers(&q).await?)
    }

    /// Changes a volunteer's profile (coordinators, admins). `if_match` (or the patch's
    /// `version`) must be the stored version when given.
    ///
    /// # Errors
    /// [`BoardError::NotFound`], [`BoardError::Denied`], [`BoardError::Invalid`],
    /// [`BoardError::VersionMismatch`], store errors.
    pub async fn update_volunteer(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        patch: VolunteerPatch,
        if_match: Option<i64>,
    ) -> Result<Volunteer, BoardError> {
        let old = self.volunteer(who, id).await?;
        who.may_manage_volunteers(old.hq)?;
        let base = version_base(&old.version, if_match.or(patch.version))?;
        let mut x = old.clone();
        if let Some(s) = &patch.name {
            x.name = v::text("name", s, v::MAX_SHORT_TEXT, false)?;
        }
        if let Some(s) = &patch.phone {
            x.phone = v::phone("phone", s)?;
        }
        if let Some(m) = patch.mode {
            x.mode = m;
        }
        if let Some(s) = &patch.skills {
            x.skills = v::skills("skills", s)?;
        }
        if let Some(c) = patch.capacity_kg {
            x.capacity_kg = v::number("capacity_kg", c, 0.0, 10_000.0)?;
        }
        if let Some(c) = patch.capacity_bags {
            x.capacity_bags = v::count("capacity_bags", c, 0, 1_000)?;
        }
        if let Some(s) = &patch.shifts {
            x.shifts = v::windows("shifts", s, true)?;
        }
        if let Some(m) = patch.max_tasks {
            x.max_tasks = v::count("max_tasks", m, 1, 100)?;
        }
        if let Some(h) = patch.home {
            x.home = Some(v::point("home", h)?);
        }
        if let Some(s) = patch.status {
            x.status = s;
        }
        x.updated_at = now;
        let rec = self
            .write_one(
                who,
                now,
                update(
                    &Record::Volunteer(old),
                    Record::Volunteer(x),
                    base,
                    "updated",
                ),
                None,
            )
            .await?;
        as_volunteer(rec)
    }

    // ---- requests ----

    /// Records a request. Its location is `new.location`, else `geocoded` (the server
    /// geocodes `address`/`recipient.address` and passes the match); a request that needs a
    /// trip must have one. The deadline defaults by urgency and must lie ahead.
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::Invalid`] (missing or unusable location, bad
    /// fields, deadline passed), store errors.
    pub async fn create_request(
        &self,
        who: &Principal,
        now: Time,
        new: NewRequest,
        geocoded: Option<(Point, Geocoded)>,
        roads: &dyn Roads,
        idem: Option<IdempotencyKey>,
    ) -> Result<Created<Request>, BoardError> {
        who.may_create_request(new.hq)?;
        if let Some(body) = self.replayed(idem.as_ref()).await? {
            return Ok(Created::Replayed(body));
        }
        self.existing_hq(new.hq).await?;
        let r = request_record(who, now, &new, geocoded, roads)?;
        match self
            .write_one(who, now, insert(Record::Request(r)), idem)
            .await?
        {
            Ok(Record::Request(x)) => Ok(Created::New(x)),
            Ok(_) => Err(wrong_kind()),
            Err(body) => Ok(Created::Replayed(body)),
        }
    }

    /// A request the principal may see.
    ///
    /// # Errors
    /// [`BoardError::NotFound`] when missing or not visible to the caller.
    pub async fn request(&self, who: &Principal, id: i64) -> Result<Request, BoardError> {
        match self.store.request(id).await? {
            Some(r) if who.may_read_request(&r).is_ok() => Ok(r),
            _ => Err(BoardError::NotFound {
                what: "request",
                id,
            }),
        }
    }

    /// Requests matching `q`, narrowed to what the principal may see (operators: their own;
    /// volunteers: those they hold).
    ///
    /// # Errors
    /// [`BoardError::Denied`] when the filter names a headquarters outside the token's
    /// scope, store errors.
    pub async fn requests(
        &self,
        who: &Principal,
        mut q: RequestQuery,
    ) -> Result<Vec<Request>, BoardError> {
        use super::access::Role;
        match who.role {
            Role::Admin => {}
            Role::Coordinator => q.hqs = scoped(who, q.hqs, |hq| who.may_coordinate(hq))?,
            Role::Operator => q.created_by = Some(who.actor()),
            Role::Volunteer => {
                q.volunteer = Some(who.volunteer.unwrap_or(-1));
            }
        }
        q.limit = q.limit.clamp(1, MAX_PAGE);
        let mut out = self.store.requests(&q).await?;
        if who.role == Role::Volunteer {
            out.retain(|r| r.status.is_held());
        }
        Ok(out)
    }

    /// Changes a request's details (coordinators, admins; not its status).
    ///
    /// # Errors
    /// As [`Board::update_volunteer`]; closed requests (`done`, `cancelled`, `failed`) are
    /// not edited ([`BoardError::Conflict`]).
    pub async fn update_request(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        patch: RequestPatch,
        roads: &dyn Roads,
        if_match: Option<i64>,
    ) -> Result<Request, BoardError> {
        let old = self.request(who, id).await?;
        who.may_coordinate(old.hq)?;
        let base = version_base(&old.version, if_match.or(patch.version))?;
        if !old.status.is_open() {
            return Err(BoardError::Conflict(format!(
                "request {id} is {}: closed requests are not edited (reopen it first)",
                old.status.as_str()
            )));
        }
        let mut x = old.clone();
        if let Some(k) = patch.kind {
            x.kind = k;
        }
        if let Some(u) = patch.urgency {
            x.urgency = u;
        }
        if let Some(d) = patch.deadline {
            x.deadline = d;
        }
        if let Some(w) = &patch.time_windows {
            x.time_windows = v::windows("time_windows", w, false)?;
        }
        if let Some(s) = patch.service_min {
            x.service_min = v::count("service_min", s, 0, 24 * 60)?;
        }
        if let Some(l) = patch.load_kg {
            x.load_kg = v::number("load_kg", l, 0.0, 1_000.0)?;
        }
        if let Some(l) = patch.load_bags {
            x.load_bags = v::count("load_bags", l, 0, 100)?;
        }
        if let Some(s) = &patch.skills {
            let mut all = s.clone();
            all.extend(x.kind.implied_skills().iter().map(|s| (*s).to_owned()));
            x.skills = v::skills("skills", &all)?;
        }
        if let Some(n) = &patch.notes {
            x.notes = v::text("notes", n, v::MAX_NOTES, true)?;
        }
        if let Some(r) = &patch.recipient {
            x.recipient.name = v::text("recipient.name", &r.name, v::MAX_SHORT_TEXT, false)?;
            x.recipient.phone = v::phone("recipient.phone", &r.phone)?;
            x.recipient.address = v::text("recipient.address", &r.address, v::MAX_ADDRESS, true)?;
        }
        if let Some(p) = patch.location {
            x.location = Some(on_road("location", roads, None, p)?);
            x.geocoded = None;
        }
        x.updated_at = now;
        let rec = self
            .write_one(
                who,
                now,
                update(&Record::Request(old), Record::Request(x), base, "updated"),
                None,
            )
            .await?;
        as_request(rec)
    }

    /// Assigns a `new` (or reassigns an `assigned`) request to a volunteer of the same
    /// headquarters who is not off, has the skills, and holds fewer than their maximum.
    ///
    /// # Errors
    /// [`BoardError::IllegalTransition`], [`BoardError::Conflict`] for an unsuitable
    /// volunteer, [`BoardError::VersionMismatch`], and as [`Board::request`].
    pub async fn assign(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        volunteer: i64,
        if_match: Option<i64>,
    ) -> Result<Request, BoardError> {
        let old = self.request(who, id).await?;
        who.may_coordinate(old.hq)?;
        let base = version_base(&old.version, if_match)?;
        if !matches!(old.status, RequestStatus::New | RequestStatus::Assigned) {
            return Err(illegal(old.status, RequestStatus::Assigned));
        }
        let vol =
            self.store.volunteer(volunteer).await?.ok_or_else(|| {
                invalid("volunteer", format!("volunteer {volunteer} does not exist"))
            })?;
        if vol.hq != old.hq {
            return Err(BoardError::Conflict(format!(
                "volunteer {volunteer} belongs to headquarters {}, the request to {}",
                vol.hq, old.hq
            )));
        }
        if vol.status == VolunteerStatus::Off {
            return Err(BoardError::Conflict(format!(
                "volunteer {volunteer} is off"
            )));
        }
        let missing: Vec<&String> = old
            .skills
            .iter()
            .filter(|s| !vol.skills.contains(s))
            .collect();
        if !missing.is_empty() {
            return Err(BoardError::Conflict(format!(
                "volunteer {volunteer} lacks the skills {missing:?}"
            )));
        }
        if old.volunteer != Some(volunteer) {
            let held = self.held_by(volunteer).await?;
            if held >= vol.max_tasks as usize {
                return Err(BoardError::Conflict(format!(
                    "volunteer {volunteer} already holds {held} requests (max_tasks {})",
                    vol.max_tasks
                )));
            }
        }
        let x = assigned(&old, volunteer, who, now);
        let rec = self
            .write_one(
                who,
                now,
                update(&Record::Request(old), Record::Request(x), base, "assigned"),
                None,
            )
            .await?;
        as_request(rec)
    }

    /// How many open requests a volunteer holds.
    pub(super) async fn held_by(&self, volunteer: i64) -> Result<usize, BoardError> {
        let q = RequestQuery {
            statuses: vec![RequestStatus::Assigned, RequestStatus::EnRoute],
            volunteer: Some(volunteer),
            limit: MAX_PAGE,
            ..RequestQuery::default()
        };
        Ok(self.store.requests(&q).await?.len())
    }

    /// Moves a request to `to` (see [`lifecycle`]): `new` from `assigned`/`en_route`
    /// unassigns it and from `cancelled`/`failed` reopens it; `cancelled` and `failed` need
    /// a reason; `assigned` goes through [`Board::assign`] unless the request is `en_route`
    /// (back to assigned, same volunteer).
    ///
    /// # Errors
    /// [`BoardError::IllegalTransition`] (with the allowed statuses),
    /// [`BoardError::Invalid`] for a missing reason, and as [`Board::assign`].
    pub async fn transition(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        to: RequestStatus,
        reason: Option<String>,
        if_match: Option<i64>,
    ) -> Result<Request, BoardError> {
        let old = self.request(who, id).await?;
        if !lifecycle::may_follow(old.status, to)
            || (to == RequestStatus::Assigned && old.status != RequestStatus::EnRoute)
        {
            return Err(illegal(old.status, to));
        }
        who.may_move(&old, to)?;
        let base = version_base(&old.version, if_match)?;
        let reason = match reason {
            Some(r) => Some(v::text("reason", &r, v::MAX_SHORT_TEXT, false)?),
            None if lifecycle::needs_reason(to) => {
                return Err(invalid(
                    "reason",
                    format!("a reason is needed to set {}", to.as_str()),
                ));
            }
            None => None,
        };
        let mut x = old.clone();
        x.status = to;
        x.reason = if lifecycle::needs_reason(to) {
            reason
        } else {
            None
        };
        let action = if to == RequestStatus::New && old.status.is_held() {
            x.volunteer = None;
            x.assigned_by = None;
            "unassigned"
        } else {
            "status"
        };
        x.updated_at = now;
        let rec = self
            .write_one(
                who,
                now,
                update(&Record::Request(old), Record::Request(x), base, action),
                None,
            )
            .await?;
        as_request(rec)
    }

    /// The history of a request: its events, oldest first.
    ///
    /// # Errors
    /// As [`Board::request`].
    pub async fn history(&self, who: &Principal, id: i64) -> Result<Vec<Event>, BoardError> {
        self.request(who, id).await?;
        let q = EventQuery {
            after_seq: 0,
            hqs: None,
            entity: Some((EntityKind::Request, id)),
            limit: 10_000,
        };
        Ok(self.store.events(&q).await?)
    }
}

/// The volunteer `new` describes, checked (positions must be near a road of its mode).
///
/// # Errors
/// [`BoardError::Invalid`] naming the field.
pub(super) fn volunteer_record(
    now: Time,
    new: &NewVolunteer,
    roads: &dyn Roads,
) -> Result<Volunteer, BoardError> {
    let (kg, bags) = default_capacity(new.mode);
    let position = match new.position {
        Some(p) => Some(on_road("position", roads, Some(new.mode), p)?),
        None => None,
    };
    Ok(Volunteer {
        id: 0,
        hq: new.hq,
        name: v::text("name", &new.name, v::MAX_SHORT_TEXT, false)?,
        phone: v::phone("phone", &new.phone)?,
        mode: new.mode,
        skills: v::skills("skills", &new.skills)?,
        capacity_kg: v::number("capacity_kg", new.capacity_kg.unwrap_or(kg), 0.0, 10_000.0)?,
        capacity_bags: v::count("capacity_bags", new.capacity_bags.unwrap_or(bags), 0, 1_000)?,
        shifts: v::windows("shifts", &new.shifts, true)?,
        max_tasks: v::count("max_tasks", new.max_tasks.unwrap_or(5), 1, 100)?,
        home: new.home.map(|p| v::point("home", p)).transpose()?,
        position,
        position_at: position.map(|_| now),
        status: new.status.unwrap_or(VolunteerStatus::Available),
        version: 0,
        created_at: now,
        updated_at: now,
    })
}

/// The request `new` describes, recorded by `who`, checked: its location is `new.location`,
/// else `geocoded`; the deadline defaults by urgency and must lie ahead.
///
/// # Errors
/// [`BoardError::Invalid`] naming the field.
pub(super) fn request_record(
    who: &Principal,
    now: Time,
    new: &NewRequest,
    geocoded: Option<(Point, Geocoded)>,
    roads: &dyn Roads,
) -> Result<Request, BoardError> {
    let mut recipient = new.recipient.clone();
    recipient.name = v::text("recipient.name", &recipient.name, v::MAX_SHORT_TEXT, false)?;
    recipient.phone = v::phone("recipient.phone", &recipient.phone)?;
    let address = new.address.as_deref().unwrap_or(&recipient.address);
    recipient.address = v::text("recipient.address", address, v::MAX_ADDRESS, true)?;
    let (location, geocoded) = match (new.location, geocoded) {
        (Some(p), _) => (Some(on_road("location", roads, None, p)?), None),
        (None, Some((p, g))) => (Some(on_road("location", roads, None, p)?), Some(g)),
        (None, None) if new.kind.needs_trip() => {
            return Err(invalid(
                "location",
                "a request that needs a trip needs a location or an address the map knows",
            ));
        }
        (None, None) => (None, None),
    };
    let deadline = new
        .deadline
        .unwrap_or(now.plus(new.urgency.default_deadline_s()));
    if deadline <= now {
        return Err(invalid("deadline", "already passed"));
    }
    let mut skills = new.skills.clone();
    skills.extend(new.kind.implied_skills().iter().map(|s| (*s).to_owned()));
    Ok(Request {
        id: 0,
        hq: new.hq,
        kind: new.kind,
        urgency: new.urgency,
        deadline,
        time_windows: v::windows("time_windows", &new.time_windows, false)?,
        service_min: v::count(
            "service_min",
            new.service_min.unwrap_or(new.kind.default_service_min()),
            0,
            24 * 60,
        )?,
        load_kg: v::number("load_kg", new.load_kg.unwrap_or(0.0), 0.0, 1_000.0)?,
        load_bags: v::count("load_bags", new.load_bags.unwrap_or(0), 0, 100)?,
        skills: v::skills("skills", &skills)?,
        notes: v::text(
            "notes",
            new.notes.as_deref().unwrap_or(""),
            v::MAX_NOTES,
            true,
        )?,
        recipient,
        location,
        geocoded,
        status: RequestStatus::New,
        reason: None,
        volunteer: None,
        assigned_by: None,
        created_by: who.actor(),
        version: 0,
        created_at: now,
        updated_at: now,
    })
}

/// `old` assigned to `volunteer` by `who` at `now`.
pub(super) fn assigned(old: &Request, volunteer: i64, who: &Principal, now: Time) -> Request {
    let mut x = old.clone();
    x.status = RequestStatus::Assigned;
    x.volunteer = Some(volunteer);
    x.assigned_by = Some(who.actor());
    x.reason = None;
    x.updated_at = now;
    x
}

/// The statuses a request may take, for an [`BoardError::IllegalTransition`].
fn illegal(from: RequestStatus, to: RequestStatus) -> BoardError {
    let mut allowed = lifecycle::allowed_next(from).to_vec();
    if from == RequestStatus::New {
        allowed.retain(|s| *s != RequestStatus::Assigned);
        allowed.push(RequestStatus::Assigned);
    }
    BoardError::IllegalTransition { from, to, allowed }
}

pub(super) fn insert(record: Record) -> Change {
    Change {
        record,
        expected_version: None,
        action: "created".into(),
        changes: Value::Null,
        previous: Value::Null,
    }
}

pub(super) fn update(old: &Record, new: Record, base: i64, action: &str) -> Change {
    let (changes, previous) = diff(&old.to_json(), &new.to_json());
    Change {
        record: new,
        expected_version: Some(base),
        action: action.into(),
        changes,
        previous,
    }
}

/// The version a change is made from: the one the client names (checked now, and again by
/// the store), or the one just read.
fn version_base(current: &i64, given: Option<i64>) -> Result<i64, BoardError> {
    match given {
        Some(g) if g != *current => Err(BoardError::VersionMismatch {
            current: *current,
            given: g,
        }),
        _ => Ok(*current),
    }
}

pub(super) fn on_road(
    field: &str,
    roads: &dyn Roads,
    mode: Option<Mode>,
    p: Point,
) -> Result<Point, BoardError> {
    let p = v::point(field, p)?;
    roads.check(mode, p).map_err(|m| invalid(field, m))?;
    Ok(p)
}

/// Default (kg, bags) a volunteer carries by mode.
fn default_capacity(mode: Mode) -> (f64, u32) {
    match mode {
        Mode::Foot => (10.0, 2),
        Mode::Bicycle => (15.0, 3),
        Mode::Car => (200.0, 20),
    }
}

/// The headquarters filter of a list: the asked ones, each allowed by `may`; or, when none
/// is asked, the principal's scope.
fn scoped(
    who: &Principal,
    asked: Option<Vec<i64>>,
    may: impl Fn(i64) -> Result<(), super::access::Denied>,
) -> Result<Option<Vec<i64>>, BoardError> {
    match asked {
        Some(list) => {
            for &hq in &list {
                may(hq)?;
            }
            Ok(Some(list))
        }
        None => match who.hq_scope() {
            // Operators without a list also see every headquarters: the rule decides
            // whether their role may list at all.
            None if !who.is_admin() => {
                may(-1)?;
                Ok(None)
            }
            None => Ok(None),
            Some(scope) => {
                if scope.is_empty() {
                    may(-1)?;
                }
                for &hq in scope {
                    may(hq)?;
                }
                Ok(Some(scope.to_vec()))
            }
        },
    }
}

pub(super) fn wrong_kind() -> BoardError {
    BoardError::Store(super::StoreError::Internal(
        "the store answered a record of another kind".into(),
    ))
}

fn as_volunteer(r: Result<Record, Value>) -> Result<Volunteer, BoardError> {
    match r {
        Ok(Record::Volunteer(x)) => Ok(x),
        _ => Err(wrong_kind()),
    }
}

fn as_request(r: Result<Record, Value>) -> Result<Request, BoardError> {
    match r {
        Ok(Record::Request(x)) => Ok(x),
        _ => Err(wrong_kind()),
    }
}
