//! The life of a request: which status may follow which.
//!
//! ```text
//! new ──assign──▶ assigned ──▶ en_route ──▶ done
//!  ▲  ◀─unassign─┘   │  ▲          │
//!  │                 │  └──────────┤ (back to assigned: the trip was put off)
//!  │                 ▼             ▼
//!  └──reopen── cancelled / failed (with a reason)
//! ```
//!
//! `done` is final. `cancelled` and `failed` may be reopened to `new` by a coordinator who
//! corrects a mistake; every step is an event, so nothing is lost by reopening.

use super::model::RequestStatus;

use RequestStatus::{Assigned, Cancelled, Done, EnRoute, Failed, New};

/// The statuses that may follow `from`.
#[must_use]
pub fn allowed_next(from: RequestStatus) -> &'static [RequestStatus] {
    match from {
        New => &[Assigned, Cancelled],
        Assigned => &[EnRoute, New, Cancelled, Failed],
        EnRoute => &[Done, Assigned, New, Cancelled, Failed],
        Done => &[],
        Cancelled | Failed => &[New],
    }
}

/// `true` when `to` may follow `from`.
#[must_use]
pub fn may_follow(from: RequestStatus, to: RequestStatus) -> bool {
    allowed_next(from).contains(&to)
}

/// `true` when moving to `to` needs a reason (`cancelled`, `failed`).
#[must_use]
pub fn needs_reason(to: RequestStatus) -> bool {
    matches!(to, Cancelled | Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_is_final_and_every_status_reaches_done_or_an_end() {
        assert!(allowed_next(Done).is_empty());
        for s in RequestStatus::ALL {
            // From every status, following allowed steps reaches `done` unless it is done.
            let mut seen = vec![s];
            let mut i = 0;
            while i < seen.len() {
                for &n in allowed_next(seen[i]) {
                    if !seen.contains(&n) {
                        seen.push(n);
                    }
                }
                i += 1;
            }
            assert!(seen.contains(&Done), "{s:?} cannot reach done");
        }
    }

    #[test]
    fn no_status_follows_itself() {
        for s in RequestStatus::ALL {
            assert!(!may_follow(s, s), "{s:?}");
        }
    }
}
