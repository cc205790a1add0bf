//! Demo data for the bundled Monaco extract: one headquarters, volunteers on foot, by bicycle
//! and by car with shifts around the time of seeding, and open requests of every kind, so that
//! a newcomer sees the board work (`scripts/run.sh`).
//!
//! The data is made up; the places are real streets of Monaco (positions near roads of every
//! profile). Seeding goes through [`Board`] like any client, so it obeys the same rules and
//! leaves the same events.

use engine::board::{
    Board, BoardError, Created, Mode, NewHq, NewRequest, NewVolunteer, Principal, Recipient,
    RequestKind, Roads, Store, Time, Urgency, Window,
};

/// What seeding made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    /// The headquarters' identifier.
    pub hq: i64,
    /// Volunteers made.
    pub volunteers: usize,
    /// Requests made.
    pub requests: usize,
}

/// A demo volunteer: name, phone, mode, skills, position.
type VolunteerRow = (
    &'static str,
    &'static str,
    Mode,
    &'static [&'static str],
    [f64; 2],
);

/// Volunteers.
const VOLUNTEERS: [VolunteerRow; 8] = [
    (
        "Алексей",
        "+377 600 000 101",
        Mode::Foot,
        &[],
        [7.4156, 43.7358],
    ),
    (
        "Дарья",
        "+377 600 000 102",
        Mode::Foot,
        &["medical"],
        [7.4228, 43.7369],
    ),
    (
        "Иван",
        "+377 600 000 103",
        Mode::Bicycle,
        &[],
        [7.4143, 43.7344],
    ),
    (
        "Sophie",
        "+377 600 000 104",
        Mode::Bicycle,
        &["heavy_lifting"],
        [7.4260, 43.7395],
    ),
    (
        "Пётр",
        "+377 600 000 105",
        Mode::Car,
        &["driver", "heavy_lifting"],
        [7.4297, 43.7435],
    ),
    (
        "Елена",
        "+377 600 000 106",
        Mode::Car,
        &["driver", "medical"],
        [7.4180, 43.7310],
    ),
    (
        "Ольга",
        "+377 600 000 107",
        Mode::Foot,
        &["psychologist"],
        [7.4200, 43.7350],
    ),
    (
        "Marc",
        "+377 600 000 108",
        Mode::Foot,
        &[],
        [7.4330, 43.7460],
    ),
];

/// Requests: kind, urgency, hours to the deadline, recipient, phone, address, position, kg.
#[allow(clippy::type_complexity)]
const REQUESTS: [(
    RequestKind,
    Urgency,
    i64,
    &str,
    &str,
    &str,
    Option<[f64; 2]>,
    f64,
); 10] = [
    (
        RequestKind::Groceries,
        Urgency::Urgent,
        3,
        "Мария Ивановна",
        "+377 93 00 00 01",
        "Boulevard des Moulins 30",
        Some([7.4272, 43.7408]),
        6.0,
    ),
    (
        RequestKind::Medicines,
        Urgency::Urgent,
        2,
        "Николай Петрович",
        "+377 93 00 00 02",
        "Rue Grimaldi 12",
        Some([7.4199, 43.7329]),
        0.5,
    ),
    (
        RequestKind::Essentials,
        Urgency::Normal,
        20,
        "Анна Сергеевна",
        "+377 93 00 00 03",
        "Avenue de Fontvieille 8",
        Some([7.4169, 43.7318]),
        4.0,
    ),
    (
        RequestKind::UtilityPayment,
        Urgency::Normal,
        30,
        "Jean Dupont",
        "+377 93 00 00 04",
        "Boulevard Albert Ier 20",
        Some([7.4223, 43.7366]),
        0.0,
    ),
    (
        RequestKind::CareVisit,
        Urgency::Planned,
        72,
        "Galina Orlova",
        "+377 93 00 00 05",
        "Avenue Princesse Grace 14",
        Some([7.4355, 43.7478]),
        0.0,
    ),
    (
        RequestKind::Transport,
        Urgency::Normal,
        26,
        "Вера Михайловна",
        "+377 93 00 00 06",
        "Boulevard du Jardin Exotique 40",
        Some([7.4130, 43.7345]),
        0.0,
    ),
    (
        RequestKind::PsychologicalSupport,
        Urgency::Normal,
        24,
        "Семён Аркадьевич",
        "+377 93 00 00 07",
        "",
        None,
        0.0,
    ),
    (
        RequestKind::Groceries,
        Urgency::Normal,
        24,
        "Lucia Bianchi",
        "+377 93 00 00 08",
        "Rue Plati 5",
        Some([7.4177, 43.7358]),
        8.0,
    ),
    (
        RequestKind::Medicines,
        Urgency::Urgent,
        4,
        "Зинаида Фёдоровна",
        "+377 93 00 00 09",
        "Avenue de la Costa 3",
        Some([7.4245, 43.7400]),
        0.3,
    ),
    (
        RequestKind::Other,
        Urgency::Planned,
        96,
        "Hôpital Princesse Grace",
        "+377 97 98 99 00",
        "Avenue Pasteur 1",
        Some([7.4125, 43.7330]),
        12.0,
    ),
];

/// Seeds the demo at `now` (shifts run from an hour before to ten hours after). Nothing is
/// seeded when a headquarters already exists (returns `None`).
///
/// # Errors
/// Whatever the board refuses (for example positions off the roads of the loaded graphs).
pub async fn seed<S: Store>(
    board: &Board<S>,
    roads: &dyn Roads,
    now: Time,
) -> Result<Option<Seeded>, BoardError> {
    let who = Principal::local_admin();
    if !board.hqs(&who).await?.is_empty() {
        return Ok(None);
    }
    let hq = match board
        .create_hq(
            &who,
            now,
            NewHq {
                name: "Штаб Монако".into(),
                region: "MC".into(),
                location: [7.4246, 43.7384],
                timezone: Some("Europe/Monaco".into()),
            },
            None,
        )
        .await?
    {
        Created::New(h) => h,
        Created::Replayed(_) => return Ok(None),
    };
    let shift = Window {
        start: now.plus(-3600),
        end: now.plus(10 * 3600),
    };
    for (name, phone, mode, skills, position) in VOLUNTEERS {
        let nv = NewVolunteer {
            hq: hq.id,
            name: name.into(),
            phone: phone.into(),
            mode,
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            capacity_kg: None,
            capacity_bags: None,
            shifts: vec![shift],
            max_tasks: None,
            home: Some(position),
            position: Some(position),
            status: None,
        };
        board.create_volunteer(&who, now, nv, roads, None).await?;
    }
    for (kind, urgency, hours, name, phone, address, location, kg) in REQUESTS {
        let nr = NewRequest {
            hq: hq.id,
            kind,
            urgency,
            deadline: Some(now.plus(hours * 3600)),
            time_windows: vec![],
            service_min: None,
            load_kg: Some(kg),
            load_bags: Some(u32::from(kg > 0.0) + u32::from(kg > 5.0)),
            skills: vec![],
            notes: None,
            recipient: Recipient {
                name: name.into(),
                phone: phone.into(),
                address: address.into(),
            },
            location,
            address: None,
        };
        board
            .create_request(&who, now, nr, None, roads, None)
            .await?;
    }
    Ok(Some(Seeded {
        hq: hq.id,
        volunteers: VOLUNTEERS.len(),
        requests: REQUESTS.len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::board::{AnyRoads, MemoryStore, RequestQuery};

    #[test]
    fn seeding_makes_a_board_once() {
        let b = Board::new(MemoryStore::new());
        let now = Time(1_790_000_000);
        let s = pollster::block_on(seed(&b, &AnyRoads, now))
            .unwrap()
            .unwrap();
        assert_eq!((s.volunteers, s.requests), (8, 10));
        assert_eq!(pollster::block_on(seed(&b, &AnyRoads, now)).unwrap(), None);
        let q = RequestQuery {
            limit: 100,
            ..RequestQuery::default()
        };
        let all = pollster::block_on(b.requests(&Principal::local_admin(), q)).unwrap();
        assert_eq!(all.len(), 10);
    }
}
