//! [`Roads`]: whether a point lies on (near) the road network of a mode; the board refuses
//! points at sea or far from every road.

use crate::dispatch::{DispatchError, Engine, Location};

use super::model::{Mode, Point};

/// Checks points against the road network.
pub trait Roads: Send + Sync {
    /// `Ok` when `p` is near a road of `mode`'s graph (or of any loaded graph when `mode`
    /// is `None` or has no graph); else why not.
    ///
    /// # Errors
    /// A message for people: how far the nearest road is, or that no graph is loaded.
    fn check(&self, mode: Option<Mode>, p: Point) -> Result<(), String>;
}

impl Roads for Engine {
    fn check(&self, mode: Option<Mode>, p: Point) -> Result<(), String> {
        let loc = Location::new(p[0], p[1]);
        let profiles: Vec<&str> = match mode.map(Mode::profile) {
            Some(m) if self.has_profile(m) => vec![m],
            _ => self.profiles(),
        };
        if profiles.is_empty() {
            return Err("no road graph is loaded".into());
        }
        let mut last = String::new();
        for profile in profiles {
            match self.snap(profile, loc) {
                Ok(_) => return Ok(()),
                Err(DispatchError::InvalidCoordinate { .. }) => {
                    return Err(format!("[{}, {}] is not a valid position", p[0], p[1]));
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(format!("no road near [{}, {}]: {last}", p[0], p[1]))
    }
}

/// Roads everywhere: every valid point passes (tests of the domain without a graph).
#[derive(Clone, Copy, Debug, Default)]
pub struct AnyRoads;

impl Roads for AnyRoads {
    fn check(&self, _: Option<Mode>, p: Point) -> Result<(), String> {
        if crate::types::LonLat::new(p[0], p[1]).is_valid() {
            Ok(())
        } else {
            Err(format!("[{}, {}] is not a valid position", p[0], p[1]))
        }
    }
}
