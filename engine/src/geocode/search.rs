//! Forward search and place listing: the query is read into house-number candidates and
//! name tokens, name groups are found through the word index and scored (module docs of
//! [`super`] give the formulas).

use std::collections::HashMap;

use super::index::word_similarity;
use super::normalize::{self, HouseKey, Token, weight};
use super::{
    Gazetteer, GeocodeError, GeocodeMatch, Group, HouseMatch, MAX_CANDIDATES, MAX_LIMIT,
    MAX_PLACES_LIMIT, MAX_QUERY_BYTES, MAX_QUERY_TOKENS, MatchKind, MatchedParts, Place,
};
use crate::osm::OsmPlace;
use crate::types::{LonLat, haversine_m};

/// Most house-number candidates tried per query.
const MAX_HOUSE_CANDIDATES: usize = 4;
/// Lowest match score `s` an answer may have.
const MIN_SCORE: f64 = 0.5;
/// Credit of a query word that names some locality of the extract.
const LOCALITY_CREDIT: f64 = 0.7;
/// Two answers with the same label closer than this are one.
const SAME_PLACE_M: f64 = 100.0;

/// A query token, or a house number read from several.
#[derive(Clone, Debug)]
enum Item {
    Tok(Token),
    House(HouseKey),
}

/// Reads a query into items; checks its size.
fn parse(query: &str) -> Result<Vec<Item>, GeocodeError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(GeocodeError::QueryTooLong {
            len: query.len(),
            max: MAX_QUERY_BYTES,
        });
    }
    let tokens = normalize::tokens(query, MAX_QUERY_TOKENS + 1);
    if tokens.len() > MAX_QUERY_TOKENS {
        return Err(GeocodeError::TooManyTokens {
            max: MAX_QUERY_TOKENS,
        });
    }
    let mut items = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Number(n) => {
                let mut full = n.clone();
                i += 1;
                loop {
                    match (tokens.get(i), tokens.get(i + 1)) {
                        (Some(Token::PartMarker(m)), Some(Token::Number(x))) => {
                            full.push(*m);
                            full.push_str(x);
                            i += 2;
                        }
                        // A suffix (`21 А`, `21А кА`), up to a comma.
                        (Some(Token::Word(w)), _)
                            if w.len() <= 2 || ["bis", "ter", "quater"].contains(&w.as_str()) =>
                        {
                            full.push_str(w);
                            i += 1;
                            // `11 B 9`: a number after a letter suffix continues it.
                            if let Some(Token::Number(x)) = tokens.get(i) {
                                full.push_str(x);
                                i += 1;
                            }
                        }
                        _ => break,
                    }
                }
                match HouseKey::from_full(full.clone()) {
                    Some(k) => items.push(Item::House(k)),
                    None => items.push(Item::Tok(Token::Word(full))),
                }
            }
            Token::HouseMarker | Token::Break => i += 1,
            Token::PartMarker(m) => {
                items.push(Item::Tok(Token::Word(m.to_string())));
                i += 1;
            }
            t => {
                items.push(Item::Tok(t.clone()));
                i += 1;
            }
        }
    }
    Ok(items)
}

/// One reading of a query: the house number (if any) and the weighted name tokens.
struct Split {
    house: Option<HouseKey>,
    tokens: Vec<(Token, f64)>,
    /// Tokens that were numbers: in a reading without a house they must match exactly.
    numbers: Vec<usize>,
    /// The query in lower case.
    text: String,
}

fn splits(items: &[Item], text: &str) -> Vec<Split> {
    let houses: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| matches!(it, Item::House(_)))
        .map(|(i, _)| i)
        .take(MAX_HOUSE_CANDIDATES)
        .collect();
    let reading = |house_at: Option<usize>| {
        let mut s = Split {
            house: None,
            tokens: Vec::new(),
            numbers: Vec::new(),
            text: text.to_lowercase(),
        };
        for (i, it) in items.iter().enumerate() {
            match it {
                Item::House(k) if Some(i) == house_at => s.house = Some(k.clone()),
                Item::House(k) => {
                    s.numbers.push(s.tokens.len());
                    s.tokens.push((Token::Word(k.full.clone()), 1.0));
                }
                Item::Tok(t) => {
                    let w = weight(t);
                    if w > 0.0 {
                        s.tokens.push((t.clone(), w));
                    }
                }
            }
        }
        s
    };
    let mut out: Vec<Split> = houses.iter().map(|&h| reading(Some(h))).collect();
    out.push(reading(None));
    out
}

/// Similarity of a query token to a stored one.
fn tok_sim(q: &Token, e: &Token) -> f64 {
    match (q, e) {
        (Token::Type(a), Token::Type(b)) => f64::from(u8::from(a == b)),
        (Token::Word(a) | Token::Number(a), Token::Word(b) | Token::Number(b)) => {
            word_similarity(a, b)
        }
        _ => 0.0,
    }
}

/// How well a group's name matches a reading: the name score `ec` and, per query token,
/// its best similarity to the name.
struct NameScore {
    ec: f64,
    best: Vec<f64>,
}

fn score_name(name: &[Token], q: &[(Token, f64)]) -> NameScore {
    let (mut num, mut den) = (0.0, 0.0);
    let mut best = vec![0.0f64; q.len()];
    for e in name {
        let w = match e {
            Token::Type(_) => 0.1,
            t => weight(t),
        };
        let mut top = 0.0f64;
        for (i, (qt, _)) in q.iter().enumerate() {
            let s = tok_sim(qt, e);
            top = top.max(s);
            best[i] = best[i].max(s);
        }
        num += w * top;
        den += w;
    }
    NameScore {
        ec: if den > 0.0 { num / den } else { 0.0 },
        best,
    }
}

impl Gazetteer {
    /// Finds addresses, streets and places matching free text, best first (at most
    /// `limit`); nothing convincing gives an empty list. See the module docs for how the
    /// query is read and how [`GeocodeMatch::confidence`] is computed.
    ///
    /// # Errors
    /// [`GeocodeError::QueryTooLong`], [`GeocodeError::TooManyTokens`],
    /// [`GeocodeError::LimitTooLarge`] (above [`MAX_LIMIT`]).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<GeocodeMatch>, GeocodeError> {
        if limit > MAX_LIMIT {
            return Err(GeocodeError::LimitTooLarge {
                limit,
                max: MAX_LIMIT,
            });
        }
        let items = parse(query)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for split in splits(&items, query) {
            for (g, ns) in self.candidates(&split.tokens) {
                self.answers(&self.groups[g as usize], &ns, &split, &mut out);
            }
        }
        Ok(rank(out, limit))
    }

    /// The best [`MAX_CANDIDATES`] groups for the tokens, with their name scores.
    fn candidates(&self, q: &[(Token, f64)]) -> Vec<(u32, NameScore)> {
        let mut acc: HashMap<u32, f64> = HashMap::new();
        for (t, w) in q {
            let (Token::Word(word) | Token::Number(word)) = t else {
                continue;
            };
            let mut mine: HashMap<u32, f64> = HashMap::new();
            for (id, sim) in self.words.lookup(word) {
                for &g in self.words.postings(id) {
                    let e = mine.entry(g).or_default();
                    *e = e.max(sim * w);
                }
            }
            for (g, s) in mine {
                *acc.entry(g).or_default() += s;
            }
        }
        let mut ranked: Vec<(u32, f64)> = acc.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(MAX_CANDIDATES);
        ranked
            .into_iter()
            .map(|(g, _)| (g, score_name(&self.groups[g as usize].tokens, q)))
            .filter(|(_, ns)| ns.ec >= MIN_SCORE)
            .collect()
    }

    /// The match score `s` of a name score with the query tokens' credit from `extra`
    /// (the answer's city, place, postcode or locality).
    fn score(&self, ns: &NameScore, q: &[(Token, f64)], extra: &[&str]) -> f64 {
        let extra: Vec<Token> = extra
            .iter()
            .filter(|s| !s.is_empty())
            .flat_map(|s| normalize::tokens(s, 8))
            .collect();
        let (mut num, mut den) = (0.0, 0.0);
        for (i, (t, w)) in q.iter().enumerate() {
            let mut b = ns.best[i];
            for e in &extra {
                b = b.max(tok_sim(t, e));
            }
            if let Token::Word(s) | Token::Number(s) = t
                && self.locality_words.contains(s)
            {
                b = b.max(LOCALITY_CREDIT);
            }
            num += w * b;
            den += w;
        }
        let qc = if den > 0.0 { num / den } else { 1.0 };
        ns.ec * (0.4 + 0.6 * qc)
    }

    /// The answers a group gives to one reading of the query.
    fn answers(&self, group: &Group, ns: &NameScore, split: &Split, out: &mut Vec<GeocodeMatch>) {
        let q = &split.tokens;
        // A reading without a house number must account for every number exactly.
        if split.house.is_none() && split.numbers.iter().any(|&i| ns.best[i] < 1.0) {
            return;
        }
        let parts = |score: f64, house: HouseMatch| MatchedParts {
            name: group.name.clone(),
            housenumber: split.house.as_ref().map(|k| k.full.clone()),
            house,
            score,
        };
        if let Some(hk) = &split.house {
            let keyed = |same: &dyn Fn(&HouseKey) -> bool| -> Vec<usize> {
                group
                    .addresses
                    .iter()
                    .map(|&i| i as usize)
                    .filter(|&i| self.house_keys[i].iter().any(same))
                    .collect()
            };
            // Exact, else exact but for a corner number (`24/7с3` for `24с3`), else the
            // same leading number.
            let mut found = keyed(&|k| k.full == hk.full);
            if found.is_empty() {
                found = keyed(&|k| k.loose == hk.loose);
            }
            let (found, how, base, per) = match found {
                v if !v.is_empty() => (v, HouseMatch::Exact, 0.5, 0.5),
                _ => (
                    keyed(&|k| k.base == hk.base),
                    HouseMatch::SameNumber,
                    0.35,
                    0.4,
                ),
            };
            for &i in &found {
                let a = &self.addresses[i];
                let extra = [&a.city, &a.place, &a.postcode, &a.street, &a.housenumber];
                let s = self.score(ns, q, &extra.map(String::as_str));
                if s >= MIN_SCORE {
                    let mut m = self.house_match(i, Some(hk), group.name.clone(), s, how);
                    // A stored number that says more than asked (`8, 2nd floor`, `8,8a`)
                    // yields to one that says just that.
                    let keys = &self.house_keys[i];
                    let more = keys.len() > 1 || keys.iter().any(|k| k.more);
                    // Of two spellings of one street (`Landstrasse`, `Landstrassse`), the
                    // one typed wins.
                    let typed =
                        !a.street.is_empty() && split.text.contains(&a.street.to_lowercase());
                    m.confidence = base + per * s - if more { 0.01 } else { 0.0 }
                        + if typed { 0.001 } else { 0.0 };
                    out.push(m);
                }
            }
            if !found.is_empty() {
                return;
            }
        }
        let asked = split.house.is_some();
        // (base, per unit of score) of streets and of places.
        let (house, street, place) = if asked {
            (HouseMatch::NotFound, (0.25, 0.35), (0.2, 0.35))
        } else {
            (HouseMatch::NotAsked, (0.35, 0.55), (0.3, 0.5))
        };
        let street_conf = |s: f64| street.0 + street.1 * s;
        let place_conf = |s: f64| place.0 + place.1 * s;
        for &i in &group.streets {
            let st = &self.streets[i as usize];
            let s = self.score(ns, q, &[&st.locality]);
            if s >= MIN_SCORE {
                out.push(GeocodeMatch {
                    label: with_locality(st.names.display(), &st.locality),
                    location: st.location,
                    kind: MatchKind::Street,
                    street: Some(st.names.display().to_owned()),
                    housenumber: None,
                    place: None,
                    city: (!st.locality.is_empty()).then(|| st.locality.clone()),
                    postcode: None,
                    source: None,
                    matched: parts(s, house),
                    confidence: street_conf(s),
                });
            }
        }
        for &i in &group.places {
            let p = &self.places[i as usize];
            let s = self.score(ns, q, &[]);
            if s >= MIN_SCORE {
                out.push(GeocodeMatch {
                    label: format!("{} ({})", p.names.display(), p.kind.as_str()),
                    location: p.location,
                    kind: MatchKind::Place,
                    street: None,
                    housenumber: None,
                    place: Some(p.names.display().to_owned()),
                    city: None,
                    postcode: None,
                    source: Some(p.source),
                    matched: parts(s, house),
                    confidence: place_conf(s),
                });
            }
        }
        // A street known only from addresses: the centroid of its addresses.
        if group.streets.is_empty() && group.places.is_empty() && !group.addresses.is_empty() {
            let a = &self.addresses[group.addresses[0] as usize];
            let s = self.score(ns, q, &[&a.city]);
            if s >= MIN_SCORE {
                out.push(GeocodeMatch {
                    label: with_locality(&group.name, &a.city),
                    location: centroid(
                        group
                            .addresses
                            .iter()
                            .map(|&i| self.addresses[i as usize].location),
                    ),
                    kind: MatchKind::Street,
                    street: (!a.street.is_empty()).then(|| a.street.clone()),
                    housenumber: None,
                    place: (!a.place.is_empty()).then(|| a.place.clone()),
                    city: (!a.city.is_empty()).then(|| a.city.clone()),
                    postcode: None,
                    source: None,
                    matched: parts(s, house),
                    confidence: street_conf(s),
                });
            }
        }
    }

    /// Places inside `bbox` (`[min_lon, min_lat, max_lon, max_lat]`, degrees) whose names
    /// match `q` (fuzzy, as [`Gazetteer::search`]), at most `limit`. With `q`, best match
    /// first; without, biggest kind first, then by population (largest first) and name.
    ///
    /// # Errors
    /// [`GeocodeError::InvalidBbox`], [`GeocodeError::LimitTooLarge`] (above
    /// [`MAX_PLACES_LIMIT`]), and the query errors of [`Gazetteer::search`].
    pub fn places(
        &self,
        bbox: Option<[f64; 4]>,
        q: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Place>, GeocodeError> {
        if limit > MAX_PLACES_LIMIT {
            return Err(GeocodeError::LimitTooLarge {
                limit,
                max: MAX_PLACES_LIMIT,
            });
        }
        if let Some(b) = bbox {
            let ok = b.iter().all(|v| v.is_finite())
                && b[0] <= b[2]
                && b[1] <= b[3]
                && LonLat::new(b[0], b[1]).is_valid()
                && LonLat::new(b[2], b[3]).is_valid();
            if !ok {
                return Err(GeocodeError::InvalidBbox { bbox: b });
            }
        }
        let inside = |p: &OsmPlace| bbox.is_none_or(|b| in_bbox(p.location, b));
        let mut found: Vec<(f64, usize)> = match q {
            Some(text) => {
                let items = parse(text)?;
                let tokens: Vec<(Token, f64)> = items
                    .into_iter()
                    .filter_map(|it| match it {
                        Item::House(k) => Some((Token::Word(k.full), 1.0)),
                        Item::Tok(t) => Some((t.clone(), weight(&t))).filter(|(_, w)| *w > 0.0),
                    })
                    .collect();
                let mut best: HashMap<usize, f64> = HashMap::new();
                for (g, ns) in self.candidates(&tokens) {
                    let s = self.score(&ns, &tokens, &[]);
                    for &i in &self.groups[g as usize].places {
                        let e = best.entry(i as usize).or_default();
                        *e = e.max(s);
                    }
                }
                best.into_iter()
                    .filter(|&(i, s)| s >= MIN_SCORE && inside(&self.places[i]))
                    .map(|(i, s)| (s, i))
                    .collect()
            }
            None => (0..self.places.len())
                .filter(|&i| inside(&self.places[i]))
                .map(|i| (1.0, i))
                .collect(),
        };
        found.sort_by(|a, b| {
            let (pa, pb) = (&self.places[a.1], &self.places[b.1]);
            b.0.total_cmp(&a.0)
                .then(pa.kind.cmp(&pb.kind))
                .then(pb.population.cmp(&pa.population))
                .then(pa.names.display().cmp(pb.names.display()))
                .then(a.1.cmp(&b.1))
        });
        Ok(found
            .into_iter()
            .take(limit)
            .map(|(_, i)| place_of(&self.places[i]))
            .collect())
    }
}

/// `true` when `p` lies in `[min_lon, min_lat, max_lon, max_lat]` (edges included).
pub(crate) fn in_bbox(p: LonLat, b: [f64; 4]) -> bool {
    (b[0]..=b[2]).contains(&p.lon) && (b[1]..=b[3]).contains(&p.lat)
}

fn place_of(p: &OsmPlace) -> Place {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Place {
        name: p.names.display().to_owned(),
        name_ru: opt(&p.names.name_ru),
        name_en: opt(&p.names.name_en),
        kind: p.kind,
        population: p.population,
        location: p.location,
        source: p.source,
    }
}

fn with_locality(name: &str, locality: &str) -> String {
    if locality.is_empty() || locality == name {
        name.to_owned()
    } else {
        format!("{name}, {locality}")
    }
}

fn centroid(points: impl Iterator<Item = LonLat>) -> LonLat {
    let (mut lon, mut lat, mut n) = (0.0, 0.0, 0.0);
    for p in points {
        lon += p.lon;
        lat += p.lat;
        n += 1.0;
    }
    if n > 0.0 {
        LonLat::new(lon / n, lat / n)
    } else {
        LonLat::default()
    }
}

/// Best first (confidence, then houses before streets before places, then label and
/// position for a stable order); one answer per label and spot; at most `limit`.
fn rank(mut all: Vec<GeocodeMatch>, limit: usize) -> Vec<GeocodeMatch> {
    all.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.label.cmp(&b.label))
            .then(a.location.lon.total_cmp(&b.location.lon))
            .then(a.location.lat.total_cmp(&b.location.lat))
    });
    let mut out: Vec<GeocodeMatch> = Vec::new();
    for m in all {
        let dup = out.iter().any(|o| {
            o.kind == m.kind
                && o.label == m.label
                && haversine_m(o.location, m.location) < SAME_PLACE_M
        });
        if !dup {
            out.push(m);
            if out.len() == limit {
                break;
            }
        }
    }
    out
}
