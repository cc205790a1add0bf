//! Li & Lim PDPTW text format: `K Q speed`, then `id x y demand ready due service pickup
//! delivery` rows, the first being the depot.
//!
//! The `speed` field is ignored: under the published convention travel time = distance (many
//! files carry `0` there).

use std::collections::HashMap;

use super::text::{self, numbers};
use super::{
    Convention, EUCLID_SCALE, Format, Instance, IoError, Problem, TwRow, check_locations,
    default_objective, euclid_matrix, fleet, fleet_header, tw_place, tw_window,
};
use crate::vrp::{Load, Shipment, SkillSet};

/// Parses a Li & Lim file.
pub(super) fn parse(name: &str, input: &str) -> Result<Instance, IoError> {
    let mut lines = text::lines(input);
    let (line, header) = lines.next().ok_or(IoError::Missing {
        what: "header `K Q speed`",
    })?;
    let [count, capacity, _speed] = numbers::<3>(line, header, "header `K Q speed`")?;
    let (count, capacity) = fleet_header(line, count, capacity)?;
    let mut rows = Vec::new();
    let mut links = Vec::new();
    let mut index = HashMap::new();
    for (line, l) in lines {
        let [id, x, y, demand, ready, due, service, pickup, delivery] =
            numbers::<9>(line, l, "task row of 9 numbers")?;
        let id = text::whole(line, "task id", id, u64::from(u32::MAX))?;
        let pickup = text::whole(line, "pickup id", pickup, u64::from(u32::MAX))?;
        let delivery = text::whole(line, "delivery id", delivery, u64::from(u32::MAX))?;
        check_locations(rows.len() + 1)?;
        if index.insert(id, rows.len()).is_some() {
            return Err(IoError::DuplicateId { line, id });
        }
        let demand = text::amount(line, "demand", demand)?;
        rows.push(TwRow {
            line,
            site: super::Site {
                id,
                x,
                y,
                ready,
                due,
                service,
            },
            demand,
        });
        links.push((pickup, delivery));
    }
    let Some(depot) = rows.first() else {
        return Err(IoError::Missing { what: "depot row" });
    };
    let scale = EUCLID_SCALE;
    let shift = tw_window(depot, scale)?;
    let mut shipments = Vec::new();
    let mut paired = vec![false; rows.len()];
    for (p, (row, &(pickup, delivery))) in rows.iter().zip(&links).enumerate().skip(1) {
        let line = row.line;
        let unpaired = IoError::Unpaired {
            line,
            id: row.site.id,
        };
        match (pickup, delivery) {
            (0, 0) => return Err(unpaired),
            (0, delivery) => {
                let d = *index
                    .get(&delivery)
                    .ok_or(IoError::UnknownId { line, id: delivery })?;
                let consistent = d != 0
                    && links[d] == (row.site.id, 0)
                    && rows[d].demand.checked_neg() == Some(row.demand)
                    && row.demand >= 0;
                if !consistent {
                    return Err(unpaired);
                }
                paired[p] = true;
                paired[d] = true;
                shipments.push(Shipment {
                    pickup_id: row.site.id,
                    delivery_id: delivery,
                    pickup: tw_place(row, p, scale)?,
                    delivery: tw_place(&rows[d], d, scale)?,
                    amount: Load::single(row.demand),
                    skills: SkillSet(0),
                    priority: 0,
                });
            }
            (_, 0) => {}
            _ => return Err(unpaired),
        }
    }
    if let Some(lost) = (1..rows.len()).find(|&i| !paired[i]) {
        return Err(IoError::Unpaired {
            line: rows[lost].line,
            id: rows[lost].site.id,
        });
    }
    let sites: Vec<_> = rows.iter().map(|r| r.site).collect();
    let convention = Convention::EuclidDouble { scale };
    let matrix = euclid_matrix(&sites, convention)?;
    Ok(Instance {
        name: name.to_string(),
        format: Format::LiLim,
        problem: Problem {
            jobs: Vec::new(),
            shipments,
            vehicles: fleet(count, capacity, shift),
            matrices: vec![matrix],
            skill_names: Vec::new(),
            objective: default_objective(Format::LiLim),
        },
        convention,
        sites,
    })
}
