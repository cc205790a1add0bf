//! Best-known-solution files: SINTEF (`Route k : id id …`, ids as in the instance) and
//! CVRPLIB `.sol` (`Route #k: c c …`, customers numbered `file id − 1`; a `Cost` line).

use std::collections::HashMap;
use std::path::Path;

use super::text;
use super::{Instance, IoError};
use crate::vrp::{Solution, StopKind, check};

impl Instance {
    /// Reads a solution file of this instance (SINTEF or CVRPLIB `.sol`, told apart by the
    /// `#` after `Route`) into a [`Solution`]: route `k` is driven by vehicle `k − 1`, the
    /// schedule is the earliest one from the shift start, totals are recomputed
    /// ([`check::build_solution`]). Tasks on no route are listed unassigned.
    ///
    /// # Errors
    /// [`IoError::Read`], [`IoError::Syntax`] for a malformed line, [`IoError::UnknownId`] for
    /// an id that is no task of the instance, [`IoError::TooMany`] for more routes than
    /// vehicles, [`IoError::Missing`] when there is no route line.
    pub fn read_solution(&self, path: &Path) -> Result<Solution, IoError> {
        let text = std::fs::read_to_string(path).map_err(|source| IoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.parse_solution(&text)
    }

    /// As [`Instance::read_solution`], from the file's text.
    ///
    /// # Errors
    /// As [`Instance::read_solution`].
    pub fn parse_solution(&self, input: &str) -> Result<Solution, IoError> {
        let p = &self.problem;
        let mut task_of: HashMap<u64, StopKind> = HashMap::new();
        for (i, j) in p.jobs.iter().enumerate() {
            task_of.insert(j.id, StopKind::Job(i));
        }
        for (i, s) in p.shipments.iter().enumerate() {
            task_of.insert(s.pickup_id, StopKind::Pickup(i));
            task_of.insert(s.delivery_id, StopKind::Delivery(i));
        }
        let mut routes = Vec::new();
        for (line, l) in text::lines(input) {
            let Some(rest) = l.strip_prefix("Route").or_else(|| l.strip_prefix("ROUTE")) else {
                continue;
            };
            let cvrplib = rest.trim_start().starts_with('#');
            let (_, ids) = rest
                .split_once(':')
                .ok_or_else(|| text::syntax(line, "`Route k : ids`", l))?;
            let mut stops = Vec::new();
            for field in ids.split_whitespace() {
                let n = text::id(line, field, "a customer id")?;
                let id = if cvrplib { n + 1 } else { n };
                stops.push(*task_of.get(&id).ok_or(IoError::UnknownId { line, id: n })?);
            }
            if stops.is_empty() {
                continue;
            }
            if routes.len() == p.vehicles.len() {
                return Err(IoError::TooMany {
                    what: "routes",
                    count: routes.len() as u64 + 1,
                    limit: p.vehicles.len() as u64,
                });
            }
            routes.push((routes.len(), stops));
        }
        if routes.is_empty() {
            return Err(IoError::Missing {
                what: "route lines",
            });
        }
        Ok(check::build_solution(p, &routes))
    }
}
