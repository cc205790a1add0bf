//! VRPLIB VRPTW with an explicit travel-time matrix, as the ORTEC grocery-delivery instances
//! of the EURO Meets NeurIPS 2022 competition: `KEY : value` headers (`DIMENSION`, `CAPACITY`,
//! `EDGE_WEIGHT_TYPE : EXPLICIT`, `EDGE_WEIGHT_FORMAT : FULL_MATRIX`), then
//! `EDGE_WEIGHT_SECTION` (the full asymmetric matrix, row = from, integer seconds, values may
//! wrap lines), `NODE_COORD_SECTION`, `DEMAND_SECTION`, `DEPOT_SECTION` (node 1),
//! `SERVICE_TIME_SECTION`, `TIME_WINDOW_SECTION` (`id earliest latest`) and `EOF`.
//!
//! Node ids count from 1 and id `k` is matrix row `k − 1`; the depot must be node 1. A job's
//! id is its matrix row (`1..n`), as in ORTEC's `.sol` files. The model: durations =
//! distances = the matrix (the triangle inequality is not assumed anywhere), windows bound the
//! start of service, the depot's window is every vehicle's shift, cost = total driving
//! duration ([`Objective::DistanceOnly`], [`Convention::Model`]). The fleet is unlimited
//! (the `VEHICLES` header is ignored, as the competition's checker ignores it): one vehicle
//! per customer, which is never binding since every route serves at least one customer.

use super::text::{self, numbers};
use super::{Convention, Format, Instance, IoError, Site, benchmark_problem, fleet};
use crate::vrp::{Job, Load, Matrix, Objective, Place, SkillSet, TimeWindow};

/// Largest time value accepted (seconds; below the model's `UNREACHABLE`).
const MAX_TIME: u64 = (u32::MAX - 1) as u64;

/// `true` when a VRPLIB text has an explicit matrix (this reader's variant).
pub(super) fn is_explicit(input: &str) -> bool {
    let head: String = input.chars().take(4096).collect::<String>().to_uppercase();
    head.contains("EDGE_WEIGHT_SECTION")
        || head
            .lines()
            .any(|l| l.starts_with("EDGE_WEIGHT_TYPE") && l.contains("EXPLICIT"))
}

/// Which section the parser is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Header,
    Weights,
    Coords,
    Demands,
    Depots,
    Service,
    Windows,
    End,
}

/// One node's fields, filled section by section.
#[derive(Clone, Copy, Debug, Default)]
struct Node {
    coord: Option<(f64, f64)>,
    demand: Option<i32>,
    service: Option<u32>,
    window: Option<(u32, u32)>,
}

/// The parser's state.
struct Parser {
    name: String,
    dimension: Option<usize>,
    capacity: Option<i32>,
    weights: Vec<u32>,
    nodes: Vec<Node>,
    depots: Vec<u64>,
    seen: Vec<Section>,
}

/// A node id (1-based) as an index into the nodes, checked against `DIMENSION`.
fn node_index(line: usize, id: f64, nodes: usize) -> Result<usize, IoError> {
    let id = text::whole(line, "node id", id, u64::from(u32::MAX))?;
    if id == 0 || id > nodes as u64 {
        return Err(IoError::UnknownId { line, id });
    }
    usize::try_from(id - 1).map_err(|_| IoError::UnknownId { line, id })
}

/// A whole non-negative number of seconds.
fn seconds(line: usize, what: &'static str, v: f64) -> Result<u32, IoError> {
    let s = text::whole(line, what, v, MAX_TIME)?;
    u32::try_from(s).map_err(|_| IoError::OutOfRange {
        line,
        what,
        value: v,
    })
}

impl Parser {
    fn header(&mut self, line: usize, l: &str) -> Result<(), IoError> {
        let (key, value) = l
            .split_once(':')
            .ok_or_else(|| text::syntax(line, "`KEY : value`", l))?;
        let value = value.trim();
        match key.trim().to_ascii_uppercase().as_str() {
            "NAME" => self.name = value.to_string(),
            "TYPE" => text::require("TYPE", value, &["VRPTW", "CVRP"])?,
            "EDGE_WEIGHT_TYPE" => text::require("EDGE_WEIGHT_TYPE", value, &["EXPLICIT"])?,
            "EDGE_WEIGHT_FORMAT" => text::require("EDGE_WEIGHT_FORMAT", value, &["FULL_MATRIX"])?,
            "DIMENSION" => self.dimension = Some(text::dimension(line, value)?),
            "CAPACITY" => {
                let [q] = numbers::<1>(line, value, "a capacity")?;
                self.capacity = Some(text::non_negative_amount(line, "CAPACITY", q)?);
            }
            _ => {}
        }
        Ok(())
    }

    fn enter(&mut self, line: usize, l: &str) -> Result<Section, IoError> {
        let section = match l.to_ascii_uppercase().as_str() {
            "EDGE_WEIGHT_SECTION" => Section::Weights,
            "NODE_COORD_SECTION" => Section::Coords,
            "DEMAND_SECTION" => Section::Demands,
            "DEPOT_SECTION" => Section::Depots,
            "SERVICE_TIME_SECTION" => Section::Service,
            "TIME_WINDOW_SECTION" => Section::Windows,
            _ => {
                return Err(IoError::Unsupported {
                    what: "section",
                    value: l.to_string(),
                });
            }
        };
        if self.seen.contains(&section) {
            return Err(text::syntax(line, "each section once", l));
        }
        self.seen.push(section);
        let n = self.dimension.ok_or(IoError::Missing {
            what: "DIMENSION before the sections",
        })?;
        if self.nodes.is_empty() {
            self.nodes = vec![Node::default(); n];
            self.weights.reserve(n * n);
        }
        Ok(section)
    }

    fn row(&mut self, section: Section, line: usize, l: &str) -> Result<(), IoError> {
        let n = self.nodes.len();
        match section {
            Section::Header => self.header(line, l)?,
            Section::Weights => {
                for field in l.split_whitespace() {
                    if self.weights.len() == n * n {
                        return Err(IoError::CountMismatch {
                            what: "EDGE_WEIGHT_SECTION values",
                            declared: (n * n) as u64,
                            found: (n * n) as u64 + 1,
                        });
                    }
                    let v = field
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| text::syntax(line, "a travel time", l))?;
                    self.weights.push(seconds(line, "travel time", v)?);
                }
            }
            Section::Coords => {
                let [id, x, y] = numbers::<3>(line, l, "`id x y`")?;
                let i = node_index(line, id, n)?;
                if self.nodes[i].coord.replace((x, y)).is_some() {
                    return Err(IoError::DuplicateId {
                        line,
                        id: i as u64 + 1,
                    });
                }
            }
            Section::Demands => {
                let [id, d] = numbers::<2>(line, l, "`id demand`")?;
                let i = node_index(line, id, n)?;
                let d = text::non_negative_amount(line, "demand", d)?;
                if self.nodes[i].demand.replace(d).is_some() {
                    return Err(IoError::DuplicateId {
                        line,
                        id: i as u64 + 1,
                    });
                }
            }
            Section::Depots => {
                let [id] = numbers::<1>(line, l, "a depot id or -1")?;
                if id == -1.0 {
                    return Ok(());
                }
                let i = node_index(line, id, n)?;
                self.depots.push(i as u64 + 1);
            }
            Section::Service => {
                let [id, s] = numbers::<2>(line, l, "`id service`")?;
                let i = node_index(line, id, n)?;
                let s = seconds(line, "service time", s)?;
                if self.nodes[i].service.replace(s).is_some() {
                    return Err(IoError::DuplicateId {
                        line,
                        id: i as u64 + 1,
                    });
                }
            }
            Section::Windows => {
                let [id, a, b] = numbers::<3>(line, l, "`id earliest latest`")?;
                let i = node_index(line, id, n)?;
                let (a, b) = (
                    seconds(line, "window start", a)?,
                    seconds(line, "window end", b)?,
                );
                if b < a {
                    return Err(IoError::OutOfRange {
                        line,
                        what: "window end (before its start)",
                        value: b.into(),
                    });
                }
                if self.nodes[i].window.replace((a, b)).is_some() {
                    return Err(IoError::DuplicateId {
                        line,
                        id: i as u64 + 1,
                    });
                }
            }
            Section::End => {}
        }
        Ok(())
    }
}

/// Parses an explicit-matrix VRPTW file (see the module docs).
pub(super) fn parse(default_name: &str, input: &str) -> Result<Instance, IoError> {
    let mut p = Parser {
        name: default_name.to_string(),
        dimension: None,
        capacity: None,
        weights: Vec::new(),
        nodes: Vec::new(),
        depots: Vec::new(),
        seen: Vec::new(),
    };
    let mut section = Section::Header;
    for (line, l) in text::lines(input) {
        let upper = l.to_ascii_uppercase();
        if upper.starts_with("EOF") {
            section = Section::End;
        } else if upper.ends_with("_SECTION") {
            section = p.enter(line, l)?;
        } else {
            p.row(section, line, l)?;
        }
    }
    let n = p.nodes.len();
    if p.seen.contains(&Section::Weights) && p.weights.len() != n * n {
        return Err(IoError::CountMismatch {
            what: "EDGE_WEIGHT_SECTION values",
            declared: (n * n) as u64,
            found: p.weights.len() as u64,
        });
    }
    for (what, s) in [
        ("EDGE_WEIGHT_SECTION", Section::Weights),
        ("DEMAND_SECTION", Section::Demands),
        ("SERVICE_TIME_SECTION", Section::Service),
        ("TIME_WINDOW_SECTION", Section::Windows),
    ] {
        if !p.seen.contains(&s) {
            return Err(IoError::Missing { what });
        }
    }
    let capacity = p.capacity.ok_or(IoError::Missing { what: "CAPACITY" })?;
    if p.depots.iter().any(|&d| d != 1) || p.depots.len() > 1 {
        return Err(IoError::Unsupported {
            what: "DEPOT_SECTION",
            value: format!("depots {:?} (only node 1 is supported)", p.depots),
        });
    }
    let mut sites = Vec::with_capacity(n);
    let mut jobs = Vec::with_capacity(n - 1);
    for (i, node) in p.nodes.iter().enumerate() {
        let missing = |what| IoError::Missing { what };
        let demand = node
            .demand
            .ok_or_else(|| missing("a DEMAND_SECTION row for every node"))?;
        let service = node
            .service
            .ok_or_else(|| missing("a SERVICE_TIME_SECTION row for every node"))?;
        let (a, b) = node
            .window
            .ok_or_else(|| missing("a TIME_WINDOW_SECTION row for every node"))?;
        let (x, y) = node.coord.unwrap_or((0.0, 0.0));
        sites.push(Site {
            id: i as u64 + 1,
            x,
            y,
            ready: f64::from(a),
            due: f64::from(b),
            service: f64::from(service),
        });
        if i == 0 {
            continue;
        }
        let location = super::location_of(i)?;
        jobs.push(Job {
            id: i as u64,
            place: Place {
                location,
                service,
                time_windows: vec![TimeWindow { start: a, end: b }],
            },
            delivery: Load::single(demand),
            pickup: Load::ZERO,
            skills: SkillSet(0),
            priority: 0,
        });
    }
    let depot = p.nodes.first().and_then(|d| d.window).unwrap_or((0, 0));
    let shift = TimeWindow {
        start: depot.0,
        end: depot.1,
    };
    let count = (jobs.len() as u64).clamp(1, super::MAX_VEHICLES);
    let matrix = Matrix {
        size: n,
        durations: p.weights.clone(),
        distances: p.weights,
        costs: None,
    };
    Ok(Instance {
        name: p.name,
        format: Format::Vrplib,
        problem: benchmark_problem(
            jobs,
            fleet(count, capacity, shift),
            matrix,
            Objective::DistanceOnly,
        ),
        convention: Convention::Model,
        sites,
    })
}

/// The `Cost C` line of a solution file (ORTEC and CVRPLIB `.sol`), if any.
///
/// # Errors
/// [`IoError::Syntax`] when a `Cost` line does not hold a whole number.
pub fn stated_cost(input: &str) -> Result<Option<u64>, IoError> {
    for (line, l) in text::lines(input) {
        if let Some(rest) = l.strip_prefix("Cost").or_else(|| l.strip_prefix("COST")) {
            let v = rest.trim().trim_start_matches(':').trim();
            return text::id(line, v, "a whole cost").map(Some);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Instance, IoError};
    use crate::vrp::{Objective, TimeWindow};

    /// A depot and two customers; `d(1,2) + d(2,0)` breaks the triangle inequality.
    const GOOD: &str = "NAME : tiny\nTYPE : VRPTW\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n\
        EDGE_WEIGHT_FORMAT : FULL_MATRIX\nVEHICLES : 1\nCAPACITY : 10\nEDGE_WEIGHT_SECTION\n\
        0 5 9\n6 0 1\n2 1 0\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\nDEMAND_SECTION\n1 0\n2 4\n\
        3 6\nDEPOT_SECTION\n1\n-1\nSERVICE_TIME_SECTION\n1 0\n2 30\n3 40\nTIME_WINDOW_SECTION\n\
        1 0 1000\n2 10 100\n3 0 500\nEOF\n";

    fn parse(text: &str) -> Result<Instance, IoError> {
        Instance::parse("t", text, None)
    }

    #[test]
    fn reads_the_matrix_windows_and_an_unlimited_fleet() {
        let i = parse(GOOD).unwrap();
        assert_eq!(i.format, Format::Vrplib);
        assert_eq!(i.name, "tiny");
        let p = &i.problem;
        assert_eq!(p.objective, Objective::DistanceOnly);
        assert_eq!(p.matrices[0].durations, vec![0, 5, 9, 6, 0, 1, 2, 1, 0]);
        assert_eq!(p.matrices[0].distances, p.matrices[0].durations);
        assert_eq!(p.jobs.len(), 2);
        assert_eq!((p.jobs[0].id, p.jobs[1].id), (1, 2));
        assert_eq!(p.jobs[1].place.service, 40);
        assert_eq!(
            p.jobs[0].place.time_windows,
            vec![TimeWindow {
                start: 10,
                end: 100
            }]
        );
        // VEHICLES : 1 is ignored: one vehicle per customer.
        assert_eq!(p.vehicles.len(), 2);
        assert_eq!(
            p.vehicles[0].shift,
            TimeWindow {
                start: 0,
                end: 1000
            }
        );
        assert_eq!(p.vehicles[0].capacity.0[0], 10);
        assert!(p.validate().is_ok());
    }

    #[test]
    fn a_sol_file_checks_at_its_cost() {
        let i = parse(GOOD).unwrap();
        let s = i.parse_solution("Route 1 : 1 2\nCost 8\n").unwrap();
        let report = crate::vrp::check::check(&i.problem, &s).unwrap();
        assert_eq!(report.distance, 5 + 1 + 2);
        assert_eq!(
            super::stated_cost("Route 1 : 1 2\nCost 8\n").unwrap(),
            Some(8)
        );
        assert!(super::stated_cost("Cost x\n").is_err());
    }

    #[test]
    fn broken_files_are_clear_errors() {
        let cases: Vec<(String, &str)> = vec![
            (
                GOOD.replace("3 40\nTIME_WINDOW_SECTION", "3 40\nEOF"),
                "missing",
            ),
            (
                GOOD[..GOOD.find("2 1 0\n").unwrap()].to_string(),
                "EDGE_WEIGHT_SECTION values",
            ),
            (
                GOOD.replace("DIMENSION : 3", "DIMENSION : 4"),
                "EDGE_WEIGHT_SECTION values",
            ),
            (
                GOOD.replace("DIMENSION : 3", "DIMENSION : 2"),
                "EDGE_WEIGHT_SECTION values",
            ),
            (GOOD.replace("6 0 1", "6 0 x"), "expected a travel time"),
            (GOOD.replace("2 10 100", "2 -10 100"), "window start"),
            (GOOD.replace("2 10 100", "2 100 10"), "window end"),
            (GOOD.replace("6 0 1", "6 0 -1"), "travel time"),
            (GOOD.replace("2 30", "2 -30"), "service time"),
            (GOOD.replace("2 4\n", "2 -4\n"), "demand"),
            (GOOD.replace("3 0 500\n", ""), "TIME_WINDOW_SECTION row"),
            (GOOD.replace("3 0 500\n", "4 0 500\n"), "unknown id 4"),
            (GOOD.replace("3 0 500\n", "2 0 500\n"), "duplicate id 2"),
            (
                GOOD.replace("DEMAND_SECTION\n1 0\n2 4\n3 6\n", ""),
                "DEMAND_SECTION",
            ),
            (GOOD.replace("CAPACITY : 10\n", ""), "CAPACITY"),
            (GOOD.replace("DIMENSION : 3\n", ""), "DIMENSION"),
            (
                GOOD.replace("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n"),
                "only node 1",
            ),
            (
                GOOD.replace("FULL_MATRIX", "LOWER_ROW"),
                "EDGE_WEIGHT_FORMAT",
            ),
        ];
        for (text, want) in cases {
            let e = parse(&text).map(|_| ()).unwrap_err().to_string();
            assert!(e.contains(want), "{want:?} not in {e:?}");
        }
    }
}
