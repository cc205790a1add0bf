//! The dispatch board: headquarters, volunteers and requests, who may see and change what,
//! and every change kept as an event.
//!
//! - [`model`]: the records ([`Hq`], [`Volunteer`], [`Request`]) and what clients send to
//!   make or change them.
//! - [`lifecycle`]: `new → assigned → en_route → done`, or `cancelled` / `failed`.
//! - [`access`]: roles ([`Role`]) and the rules for each ([`Principal`]).
//! - [`event`]: the change log, one [`Event`] per change, with previous values.
//! - [`store`]: the [`Store`] trait (one transactional write, reads, tokens);
//!   [`MemoryStore`] implements it in memory; the server implements it over SQLite and
//!   PostgreSQL.
//! - [`LiveBoard`]: the roster with positions placed on the roads and the ranking's facts:
//!   "who can go now?" ([`crate::candidates`]) and coverage without a database read.
//! - [`Roster`]: volunteers and who holds what, in memory, kept current from the events.
//! - [`Board`]: every operation with its rules, over any store; time is passed in.
//! - position reports, alone or in batches ([`Board::report_positions`]: one read and one
//!   commit for many reports).
//! - [`import`]: many new volunteers or requests stored in one transaction, or none.
//! - road closures ([`crate::closures::Closure`]): made, listed and lifted by coordinators
//!   and admins, stored with their events like every record.
//! - [`plan`]: dispatch plans (open requests → volunteers' routes and calls) and their
//!   commit.
//!
//! Nothing here prints, logs or reads the clock: personal data leaves only in the records
//! returned to callers the rules allow.

pub mod access;
mod closures;
mod commands;
mod error;
pub mod event;
pub mod import;
pub mod lifecycle;
mod live;
mod memory;
pub mod model;
pub mod plan;
mod positions;
mod roads;
mod roster;
pub mod store;
mod time;
pub mod validate;

pub use access::{Denied, Principal, Role};
pub use commands::{Board, Created, MAX_PAGE};
pub use error::BoardError;
pub use event::{EntityKind, Event};
pub use import::{Imported, MAX_IMPORT_ROWS, RowError};
pub use live::{LiveBoard, task_facts};
pub use memory::MemoryStore;
pub use model::{
    Geocoded, Hq, Mode, NewHq, NewRequest, NewVolunteer, Point, Recipient, Request, RequestKind,
    RequestPatch, RequestStatus, Urgency, Volunteer, VolunteerPatch, VolunteerStatus, Window,
};
pub use positions::{PositionReport, PreparedPositions, ReportedBatch, ReportedPosition};
pub use roads::{AnyRoads, Roads};
pub use roster::Roster;
pub use store::{
    Applied, Change, EventQuery, IdempotencyKey, IdempotentReply, Record, RequestQuery, Store,
    StoreError, TokenRecord, VolunteerQuery, Write,
};
pub use time::{MAX_TIME, MIN_TIME, Time};

#[cfg(test)]
#[path = "board_tests.rs"]
mod tests;
