//! [`Roster`]: the board's volunteers and who holds what, kept in memory from the event log,
//! so that "who can go now?" needs no database read per question.
//!
//! A roster starts from a snapshot (every volunteer and every held request, read after
//! noting the last event's sequence number) and then applies the events after that number,
//! in order. Events carry the new values of every changed field, so applying an event the
//! snapshot already reflects is harmless: the last event of each field wins, and after the
//! catch-up the roster equals the store. Several server processes over one database each
//! keep their own roster and catch up before answering.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::event::{EntityKind, Event};
use super::model::{Point, Request, RequestStatus, Volunteer, VolunteerStatus};
use super::time::Time;

/// What the roster keeps of a request: enough to count who holds what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Holding {
    status: RequestStatus,
    volunteer: Option<i64>,
}

/// Volunteers and held requests, in memory.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    seq: i64,
    volunteers: BTreeMap<i64, Volunteer>,
    requests: HashMap<i64, Holding>,
    held: HashMap<i64, u32>,
}

impl Roster {
    /// A roster from a snapshot taken after event `seq`: all volunteers, and the requests
    /// (at least the held ones; others are ignored).
    #[must_use]
    pub fn from_snapshot(seq: i64, volunteers: Vec<Volunteer>, requests: &[Request]) -> Self {
        let mut r = Roster {
            seq,
            volunteers: volunteers.into_iter().map(|v| (v.id, v)).collect(),
            ..Roster::default()
        };
        for q in requests {
            r.set_holding(
                q.id,
                Holding {
                    status: q.status,
                    volunteer: q.volunteer,
                },
            );
        }
        r
    }

    /// Sequence number of the last event applied.
    #[must_use]
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// Applies one event (ignored when not after [`Roster::seq`]). Returns the volunteer it
    /// changed, if any.
    pub fn apply(&mut self, e: &Event) -> Option<&Volunteer> {
        if e.seq <= self.seq {
            return None;
        }
        self.seq = e.seq;
        match e.entity {
            EntityKind::Volunteer => {
                let id = e.entity_id;
                if let Some(moved) = Moved::read(&e.changes)
                    && let Some(v) = self.volunteers.get_mut(&id)
                {
                    moved.set(v);
                    return self.volunteers.get(&id);
                }
                let v = merged(self.volunteers.get(&id), &e.changes)?;
                self.volunteers.insert(v.id, v);
                self.volunteers.get(&id)
            }
            EntityKind::Request => {
                let old = self.requests.get(&e.entity_id).copied();
                let status = e
                    .changes
                    .get("status")
                    .and_then(Value::as_str)
                    .and_then(RequestStatus::from_wire)
                    .or(old.map(|h| h.status))?;
                let volunteer = match e.changes.get("volunteer") {
                    Some(v) => v.as_i64(),
                    None => old.and_then(|h| h.volunteer),
                };
                self.set_holding(e.entity_id, Holding { status, volunteer });
                None
            }
            EntityKind::Hq | EntityKind::Closure => None,
        }
    }

    fn set_holding(&mut self, id: i64, h: Holding) {
        let held = |x: &Holding| x.status.is_held().then_some(x.volunteer).flatten();
        if let Some(old) = self.requests.insert(id, h)
            && let Some(v) = held(&old)
            && let Some(n) = self.held.get_mut(&v)
        {
            *n = n.saturating_sub(1);
        }
        if let Some(v) = held(&h) {
            *self.held.entry(v).or_insert(0) += 1;
        }
        if !h.status.is_open() {
            self.requests.remove(&id);
        }
    }

    /// The volunteer who holds open request `id` (assigned or en route).
    #[must_use]
    pub fn holder(&self, id: i64) -> Option<i64> {
        self.requests
            .get(&id)
            .filter(|h| h.status.is_held())
            .and_then(|h| h.volunteer)
    }

    /// A volunteer.
    #[must_use]
    pub fn volunteer(&self, id: i64) -> Option<&Volunteer> {
        self.volunteers.get(&id)
    }

    /// Every volunteer, by identifier.
    pub fn volunteers(&self) -> impl Iterator<Item = &Volunteer> {
        self.volunteers.values()
    }

    /// How many requests volunteer `id` holds (assigned or en route).
    #[must_use]
    pub fn held(&self, id: i64) -> u32 {
        self.held.get(&id).copied().unwrap_or(0)
    }
}

/// The volunteer after an event's `changes`: the changed fields merged into `old`'s JSON (or
/// the changes alone for a new one); `None` when that does not read as a volunteer.
fn merged(old: Option<&Volunteer>, changes: &Value) -> Option<Volunteer> {
    let merged = match old {
        Some(old) => merge(serde_json::to_value(old).ok()?, changes),
        None => changes.clone(),
    };
    serde_json::from_value(merged).ok()
}

/// The changes of a position event (position, its time, status; nothing else), read field
/// by field: setting them on a volunteer gives what [`merged`] gives, without the round
/// trip of the whole volunteer through JSON (a position report is the most frequent event).
struct Moved {
    position: Option<Option<Point>>,
    position_at: Option<Option<Time>>,
    status: Option<VolunteerStatus>,
}

impl Moved {
    /// `None` when `changes` holds another field, or a value that is not its field's.
    fn read(changes: &Value) -> Option<Moved> {
        fn field<'a, T: Deserialize<'a>>(c: &'a Map<String, Value>, k: &str) -> Option<Option<T>> {
            c.get(k)
                .map(|v| T::deserialize(v).ok())
                .map_or(Some(None), |t| t.map(Some))
        }
        let c = changes.as_object()?;
        if !c
            .keys()
            .all(|k| matches!(k.as_str(), "position" | "position_at" | "status"))
        {
            return None;
        }
        Some(Moved {
            position: field(c, "position")?,
            position_at: field(c, "position_at")?,
            status: field(c, "status")?,
        })
    }

    fn set(self, v: &mut Volunteer) {
        if let Some(p) = self.position {
            v.position = p;
        }
        if let Some(t) = self.position_at {
            v.position_at = t;
        }
        if let Some(s) = self.status {
            v.status = s;
        }
    }
}

/// `base` with the fields of `changes` set.
fn merge(mut base: Value, changes: &Value) -> Value {
    if let (Some(b), Some(c)) = (base.as_object_mut(), changes.as_object()) {
        for (k, v) in c {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::{Moved, Value, merged};
    use pollster::block_on;
    use serde_json::json;

    /// Setting a position event's fields equals merging them into the whole volunteer's
    /// JSON, for valid and invalid values alike.
    #[test]
    fn position_changes_set_field_by_field_equal_the_merge() {
        let mut old = Volunteer {
            id: 3,
            hq: 1,
            name: "V".into(),
            phone: "+7".into(),
            mode: Mode::Car,
            skills: vec!["first_aid".into()],
            capacity_kg: 200.0,
            capacity_bags: 20,
            shifts: vec![],
            max_tasks: 2,
            home: Some([1.0, 2.0]),
            position: Some([37.6, 55.7]),
            position_at: Some(Time(1_790_000_000)),
            status: VolunteerStatus::Available,
            version: 4,
            created_at: Time(1_780_000_000),
            updated_at: Time(1_790_000_000),
        };
        let positions = [
            json!([37.61, 55.71]),
            json!(null),
            json!("here"),
            json!([1.0]),
        ];
        let times = [
            json!("2026-12-05T12:30:38Z"),
            json!(null),
            json!(5),
            json!("soon"),
        ];
        let statuses = [
            json!("busy"),
            json!("off"),
            json!("available"),
            json!(null),
            json!(7),
        ];
        let mut cases = 0;
        for (i, p) in positions.iter().enumerate() {
            for (j, t) in times.iter().enumerate() {
                for (k, s) in statuses.iter().enumerate() {
                    for mask in 0..8_u8 {
                        let mut c = serde_json::Map::new();
                        if mask & 1 != 0 {
                            c.insert("position".into(), p.clone());
                        }
                        if mask & 2 != 0 {
                            c.insert("position_at".into(), t.clone());
                        }
                        if mask & 4 != 0 {
                            c.insert("status".into(), s.clone());
                        }
                        let changes = Value::Object(c);
                        let want = merged(Some(&old), &changes);
                        let got = Moved::read(&changes).map(|m| {
                            let mut v = old.clone();
                            m.set(&mut v);
                            v
                        });
                        assert_eq!(got, want, "case {i} {j} {k} {mask}: {changes}");
                        cases += 1;
                    }
                }
            }
            old.position = None;
        }
        assert_eq!(cases, 4 * 4 * 5 * 8);
        let other = json!({"name": "W", "position": [1.0, 2.0]});
        assert!(
            Moved::read(&other).is_none(),
            "another field goes the long way"
        );
    }

    /// A roster caught up from events equals one built from a snapshot of the final state.
    #[test]
    fn events_and_snapshots_agree() {
        let b = Board::new(MemoryStore::new());
        let admin = Principal {
            token_id: 1,
            role: Role::Admin,
            hqs: vec![],
            volunteer: None,
        };
        let t = Time(1_790_000_000);
        block_on(async {
            let Created::New(hq) = b
                .create_hq(
                    &admin,
                    t,
                    NewHq {
                        name: "A".into(),
                        region: "1".into(),
                        location: [7.42, 43.73],
                        timezone: None,
                    },
                    None,
                )
                .await
                .unwrap()
            else {
                panic!()
            };
            let mut roster = Roster::default();
            let mut vols = vec![];
            for i in 0..4 {
                let nv = NewVolunteer {
                    hq: hq.id,
                    name: format!("v{i}"),
                    phone: "+377 000".into(),
                    mode: Mode::ALL[i % 3],
                    skills: vec![],
                    capacity_kg: None,
                    capacity_bags: None,
                    shifts: vec![],
                    max_tasks: None,
                    home: None,
                    position: Some([7.42, 43.73]),
                    status: None,
                };
                let Created::New(v) = b
                    .create_volunteer(&admin, t, nv, &AnyRoads, None)
                    .await
                    .unwrap()
                else {
                    panic!()
                };
                vols.push(v);
            }
            let mut reqs = vec![];
            for i in 0..6 {
                let nr = NewRequest {
                    hq: hq.id,
                    kind: RequestKind::Groceries,
                    urgency: Urgency::Normal,
                    deadline: None,
                    time_windows: vec![],
                    service_min: None,
                    load_kg: None,
                    load_bags: None,
                    skills: vec![],
                    notes: None,
                    recipient: Recipient {
                        name: "x".into(),
                        phone: "123".into(),
                        address: String::new(),
                    },
                    location: Some([7.42, 43.73]),
                    address: None,
                };
                let Created::New(r) = b
                    .create_request(&admin, t, nr, None, &AnyRoads, None)
                    .await
                    .unwrap()
                else {
                    panic!()
                };
                b.assign(&admin, t, r.id, vols[i % 2].id, None)
                    .await
                    .unwrap();
                reqs.push(r);
            }
            b.transition(&admin, t, reqs[0].id, RequestStatus::EnRoute, None, None)
                .await
                .unwrap();
            b.transition(&admin, t, reqs[0].id, RequestStatus::Done, None, None)
                .await
                .unwrap();
            b.transition(&admin, t, reqs[1].id, RequestStatus::New, None, None)
                .await
                .unwrap();
            let rep = PositionReport {
                position: [7.43, 43.74],
                at: None,
                status: Some(VolunteerStatus::Busy),
            };
            b.report_position(&admin, t.plus(5), vols[2].id, rep, &AnyRoads)
                .await
                .unwrap();
            for e in b
                .store()
                .events(&EventQuery {
                    limit: 1000,
                    ..Default::default()
                })
                .await
                .unwrap()
            {
                roster.apply(&e);
            }
            let all_v = b
                .volunteers(
                    &admin,
                    VolunteerQuery {
                        limit: 100,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let all_r = b
                .requests(
                    &admin,
                    RequestQuery {
                        limit: 100,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let snap =
                Roster::from_snapshot(b.store().last_seq().await.unwrap(), all_v.clone(), &all_r);
            for v in &all_v {
                assert_eq!(
                    roster.volunteer(v.id).map(|x| (&x.position, x.status)),
                    Some((&v.position, v.status))
                );
                assert_eq!(roster.held(v.id), snap.held(v.id), "volunteer {}", v.id);
            }
            // vols[0] held 0,2,4 and finished 0; vols[1] held 1,3,5 and gave back 1.
            assert_eq!((roster.held(vols[0].id), roster.held(vols[1].id)), (2, 2));
            assert_eq!(roster.seq(), snap.seq());
        });
    }
}
