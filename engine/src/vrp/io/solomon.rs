//! Solomon / Gehring & Homberger VRPTW text format.

use std::collections::HashSet;

use super::text::{self, numbers};
use super::{
    Convention, EUCLID_SCALE, Format, Instance, IoError, TwRow, check_locations, default_objective,
    euclid_matrix, fleet, fleet_header, tw_place, tw_window,
};
use crate::vrp::{Job, Load, SkillSet};

/// Parses a Solomon/Homberger file (the first row after the header is the depot).
pub(super) fn parse(default_name: &str, input: &str) -> Result<Instance, IoError> {
    let mut lines = text::lines(input).peekable();
    let name = match lines.peek() {
        Some((_, l)) if !l.to_ascii_uppercase().contains("VEHICLE") => l.to_string(),
        _ => default_name.to_string(),
    };
    lines
        .by_ref()
        .find(|(_, l)| l.to_ascii_uppercase().starts_with("VEHICLE"))
        .ok_or(IoError::Missing {
            what: "VEHICLE section",
        })?;
    // `NUMBER CAPACITY` header, then the two values.
    let (line, fleet_line) = lines
        .by_ref()
        .find(|(_, l)| !l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .ok_or(IoError::Missing {
            what: "vehicle number and capacity",
        })?;
    let [count, capacity] = numbers::<2>(line, fleet_line, "vehicle number and capacity")?;
    let (count, capacity) = fleet_header(line, count, capacity)?;
    lines
        .by_ref()
        .find(|(_, l)| l.to_ascii_uppercase().starts_with("CUSTOMER"))
        .ok_or(IoError::Missing {
            what: "CUSTOMER section",
        })?;
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    // Column titles (`CUST NO. XCOORD. …`) precede the rows.
    let lines = lines.skip_while(|(_, l)| !l.starts_with(|c: char| c.is_ascii_digit()));
    for (line, l) in lines {
        let [id, x, y, demand, ready, due, service] =
            numbers::<7>(line, l, "customer row of 7 numbers")?;
        let id = text::whole(line, "customer number", id, u64::from(u32::MAX))?;
        if !seen.insert(id) {
            return Err(IoError::DuplicateId { line, id });
        }
        check_locations(rows.len() + 1)?;
        let demand = text::non_negative_amount(line, "demand", demand)?;
        let site = super::Site {
            id,
            x,
            y,
            ready,
            due,
            service,
        };
        rows.push(TwRow { line, site, demand });
    }
    let Some(depot) = rows.first() else {
        return Err(IoError::Missing { what: "depot row" });
    };
    let scale = EUCLID_SCALE;
    let shift = tw_window(depot, scale)?;
    let jobs = rows
        .iter()
        .enumerate()
        .skip(1)
        .map(|(location, row)| {
            Ok(Job {
                id: row.site.id,
                place: tw_place(row, location, scale)?,
                delivery: Load::single(row.demand),
                pickup: Load::ZERO,
                skills: SkillSet(0),
                priority: 0,
            })
        })
        .collect::<Result<Vec<_>, IoError>>()?;
    let sites: Vec<_> = rows.iter().map(|r| r.site).collect();
    let convention = Convention::EuclidDouble { scale };
    let matrix = euclid_matrix(&sites, convention)?;
    Ok(Instance {
        name,
        format: Format::Solomon,
        problem: super::benchmark_problem(
            jobs,
            fleet(count, capacity, shift),
            matrix,
            default_objective(Format::Solomon),
        ),
        convention,
        sites,
    })
}
