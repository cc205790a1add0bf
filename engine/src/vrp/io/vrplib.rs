//! VRPLIB / CVRPLIB CVRP format (TSPLIB style): `KEY : value` headers, then
//! `NODE_COORD_SECTION`, `DEMAND_SECTION`, `DEPOT_SECTION` and `EOF`. Only `EUC_2D` distances
//! and a single depot are supported.

use std::collections::HashMap;

use super::text::{self, numbers};
use super::{
    Convention, Format, Instance, IoError, Problem, Site, check_locations, default_objective,
    euclid_matrix, fleet,
};
use crate::vrp::{Job, Load, Location, Place, SkillSet, TimeWindow};

/// Which section the parser is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Coords,
    Demands,
    Depots,
    End,
}

/// Parses a CVRP file in VRPLIB form.
pub(super) fn parse(default_name: &str, input: &str) -> Result<Instance, IoError> {
    let mut name = default_name.to_string();
    let (mut dimension, mut capacity) = (None, None);
    let mut section = Section::Header;
    let mut sites: Vec<Site> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut demands: Vec<Option<i32>> = Vec::new();
    let mut depots = Vec::new();
    let (mut saw_coords, mut saw_demands) = (false, false);
    for (line, l) in text::lines(input) {
        let upper = l.to_ascii_uppercase();
        if upper.starts_with("EOF") {
            section = Section::End;
            continue;
        }
        if upper.ends_with("_SECTION") {
            section = match upper.as_str() {
                "NODE_COORD_SECTION" => Section::Coords,
                "DEMAND_SECTION" => Section::Demands,
                "DEPOT_SECTION" => Section::Depots,
                _ => {
                    return Err(IoError::Unsupported {
                        what: "section",
                        value: l.to_string(),
                    });
                }
            };
            if section == Section::Coords {
                saw_coords = true;
                let n = dimension.ok_or(IoError::Missing {
                    what: "DIMENSION before NODE_COORD_SECTION",
                })?;
                check_locations(n)?;
                sites.reserve(n);
                demands = vec![None; n];
            }
            saw_demands |= section == Section::Demands;
            continue;
        }
        match section {
            Section::Header => {
                let (key, value) = l
                    .split_once(':')
                    .ok_or_else(|| text::syntax(line, "`KEY : value`", l))?;
                let value = value.trim();
                match key.trim().to_ascii_uppercase().as_str() {
                    "NAME" => name = value.to_string(),
                    "TYPE" => text::require("TYPE", value, &["CVRP"])?,
                    "EDGE_WEIGHT_TYPE" => text::require("EDGE_WEIGHT_TYPE", value, &["EUC_2D"])?,
                    "DIMENSION" => dimension = Some(text::dimension(line, value)?),
                    "CAPACITY" => {
                        let [q] = numbers::<1>(line, value, "a capacity")?;
                        capacity = Some(text::non_negative_amount(line, "CAPACITY", q)?);
                    }
                    _ => {}
                }
            }
            Section::Coords => {
                let [id, x, y] = numbers::<3>(line, l, "`id x y`")?;
                let id = text::whole(line, "node id", id, u64::from(u32::MAX))?;
                if sites.len() == demands.len() {
                    return Err(IoError::CountMismatch {
                        what: "NODE_COORD_SECTION rows",
                        declared: demands.len() as u64,
                        found: sites.len() as u64 + 1,
                    });
                }
                if index.insert(id, sites.len()).is_some() {
                    return Err(IoError::DuplicateId { line, id });
                }
                sites.push(Site {
                    id,
                    x,
                    y,
                    ready: 0.0,
                    due: f64::INFINITY,
                    service: 0.0,
                });
            }
            Section::Demands => {
                let [id, d] = numbers::<2>(line, l, "`id demand`")?;
                let id = text::whole(line, "node id", id, u64::from(u32::MAX))?;
                let d = text::non_negative_amount(line, "demand", d)?;
                let i = *index.get(&id).ok_or(IoError::UnknownId { line, id })?;
                if demands[i].replace(d).is_some() {
                    return Err(IoError::DuplicateId { line, id });
                }
            }
            Section::Depots => {
                let [id] = numbers::<1>(line, l, "a depot id or -1")?;
                if id == -1.0 {
                    section = Section::End;
                    continue;
                }
                let id = text::whole(line, "depot id", id, u64::from(u32::MAX))?;
                let i = *index.get(&id).ok_or(IoError::UnknownId { line, id })?;
                depots.push(i);
            }
            Section::End => {}
        }
    }
    if !saw_coords {
        return Err(IoError::Missing {
            what: "NODE_COORD_SECTION",
        });
    }
    if !saw_demands {
        return Err(IoError::Missing {
            what: "DEMAND_SECTION",
        });
    }
    let capacity = capacity.ok_or(IoError::Missing { what: "CAPACITY" })?;
    if sites.len() != demands.len() {
        return Err(IoError::CountMismatch {
            what: "NODE_COORD_SECTION rows",
            declared: demands.len() as u64,
            found: sites.len() as u64,
        });
    }
    if depots.len() > 1 {
        return Err(IoError::Unsupported {
            what: "DEPOT_SECTION",
            value: format!("{} depots", depots.len()),
        });
    }
    let depot = depots.first().copied().unwrap_or(0);
    let mut jobs = Vec::with_capacity(sites.len());
    for (i, (site, demand)) in sites.iter().zip(&demands).enumerate() {
        let demand = demand.ok_or(IoError::Missing {
            what: "a DEMAND_SECTION row for every node",
        })?;
        if i == depot {
            continue;
        }
        let location = super::location_of(i)?;
        jobs.push(Job {
            id: site.id,
            place: Place {
                location,
                service: 0,
                time_windows: Vec::new(),
            },
            delivery: Load::single(demand),
            pickup: Load::ZERO,
            skills: SkillSet(0),
            priority: 0,
        });
    }
    let k = route_count_in_name(&name);
    let count = k
        .map_or(jobs.len() as u64, |k| k + 3u64.max(k.div_ceil(10)))
        .max(1);
    let depot = Location(u32::try_from(depot).map_err(|_| IoError::Missing { what: "depot" })?);
    let mut vehicles = fleet(count.min(super::MAX_VEHICLES), capacity, TimeWindow::ALWAYS);
    for v in &mut vehicles {
        v.start = Some(depot);
        v.end = Some(depot);
    }
    let convention = Convention::EuclidNint;
    let matrix = euclid_matrix(&sites, convention)?;
    Ok(Instance {
        name,
        format: Format::Vrplib,
        problem: Problem {
            jobs,
            shipments: Vec::new(),
            vehicles,
            matrices: vec![matrix],
            skill_names: Vec::new(),
            objective: default_objective(Format::Vrplib),
        },
        convention,
        sites,
    })
}

/// The minimum route count `k` of a CVRPLIB name such as `X-n101-k25`.
fn route_count_in_name(name: &str) -> Option<u64> {
    let tail = name.rsplit_once("-k")?.1;
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .ok()
        .filter(|&k| k > 0 && k <= super::MAX_VEHICLES)
}
