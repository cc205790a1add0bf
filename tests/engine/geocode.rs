//! `engine::geocode` on the real extracts: stored addresses asked back in several forms
//! (as stored, words reordered, abbreviated, transliterated to Latin, with one typo),
//! the index against a linear scan, unknown addresses, places against an independent
//! count and a brute-force bounding-box filter.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "test code"
)]

use std::collections::BTreeMap;

use engine::geocode::{Gazetteer, GeocodeMatch, HouseMatch, MAX_PLACES_LIMIT, MatchKind};
use engine::osm::{FOOT, OsmAddress, PlaceKind, parse_population, read_network_and_gazetteer};
use engine::types::{LonLat, haversine_m};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

pub(crate) fn gazetteer(name: &str) -> Option<Gazetteer> {
    let path = support::osm(name)?;
    let (_, osm) = read_network_and_gazetteer(&path, &FOOT, &|_| {}).unwrap();
    Some(Gazetteer::from_osm(&osm))
}

/// Ways of asking for a stored address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Form {
    AsStored,
    Reordered,
    Abbreviated,
    Latin,
    Typo,
}

/// Russian street types and their hotline abbreviations.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("улица", "ул."),
    ("переулок", "пер."),
    ("проспект", "пр-т"),
    ("площадь", "пл."),
    ("бульвар", "б-р"),
    ("набережная", "наб."),
    ("шоссе", "ш."),
    ("проезд", "пр-д"),
    ("Street", "St"),
    ("Road", "Rd"),
    ("Boulevard", "Bd"),
    ("Avenue", "Av."),
];

/// Russian → Latin by BGN/PCGN (the form on signs and in English texts), diacritics of
/// Latin letters dropped.
fn to_latin(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap();
        let t = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' => "e",
            'ё' => "yo",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'ä' | 'á' | 'à' | 'â' | 'å' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'ö' | 'ó' | 'ô' => "o",
            'ü' | 'ú' | 'û' => "u",
            'í' | 'î' | 'ï' => "i",
            'ç' => "c",
            'ñ' => "n",
            _ => {
                out.push(c);
                continue;
            }
        };
        if c.is_uppercase() {
            let mut it = t.chars();
            if let Some(f) = it.next() {
                out.extend(f.to_uppercase());
                out.extend(it);
            }
        } else {
            out.push_str(t);
        }
    }
    out
}

/// One letter of the longest word (5 letters or more) changed, dropped or doubled.
fn typo(s: &str, rng: &mut Pcg64) -> Option<String> {
    let words: Vec<&str> = s.split(' ').collect();
    let (w, word) = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.chars().count() >= 5 && w.chars().all(char::is_alphabetic))
        .max_by_key(|(i, w)| (w.chars().count(), usize::MAX - i))?;
    let mut chars: Vec<char> = word.chars().collect();
    let at = rng.random_range(1..chars.len() - 1);
    match rng.random_range(0..3) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        _ => {
            let c = chars[at];
            chars[at] = if c.is_ascii() {
                if c == 'e' { 'a' } else { 'e' }
            } else if c == 'о' {
                'а'
            } else {
                'о'
            };
        }
    }
    let changed: String = chars.into_iter().collect();
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    out[w] = changed;
    Some(out.join(" "))
}

/// The query for an address in a form; `None` when the form does not apply.
pub(crate) fn query(a: &OsmAddress, form: Form, rng: &mut Pcg64) -> Option<String> {
    let name = if a.street.is_empty() {
        &a.place
    } else {
        &a.street
    };
    let number = &a.housenumber;
    Some(match form {
        Form::AsStored => format!("{name} {number}"),
        Form::Reordered => {
            let mut words: Vec<&str> = name.split_whitespace().collect();
            if words.len() < 2 {
                return None;
            }
            words.rotate_left(1);
            format!("{number}, {}", words.join(" "))
        }
        Form::Abbreviated => {
            let (full, short) = ABBREVIATIONS.iter().find(|(f, _)| {
                name.split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case(f) || w.to_lowercase() == *f)
            })?;
            let abbreviated: Vec<String> = name
                .split_whitespace()
                .map(|w| {
                    if w.eq_ignore_ascii_case(full) || w.to_lowercase() == *full {
                        (*short).to_owned()
                    } else {
                        w.to_owned()
                    }
                })
                .collect();
            format!("{}, д. {number}", abbreviated.join(" "))
        }
        Form::Latin => {
            let latin = to_latin(name);
            if latin == *name {
                return None;
            }
            format!("{latin} {}", to_latin(number))
        }
        Form::Typo => format!("{} {number}", typo(name, rng)?),
    })
}

/// The top answer is the address: the same street (or place) and house number.
fn is_address(m: &GeocodeMatch, a: &OsmAddress) -> bool {
    let norm = |s: &str| s.to_lowercase().replace(' ', "");
    m.kind == MatchKind::House
        && norm(m.street.as_deref().unwrap_or("")) == norm(&a.street)
        && norm(m.place.as_deref().unwrap_or("")) == norm(&a.place)
        && m.housenumber.as_deref().map(norm) == Some(norm(&a.housenumber))
}

/// Per form: (asked, found as the top answer).
pub(crate) type Rates = BTreeMap<Form, (usize, usize)>;

/// Asks `n` random addresses of `g` back in every form.
pub(crate) fn sweep(g: &Gazetteer, extract: &str, n: usize, seed: u64, forms: &[Form]) -> Rates {
    let mut rng = Pcg64::seed_from_u64(seed);
    let addresses = g.addresses();
    let mut rates = Rates::new();
    if addresses.is_empty() {
        return rates;
    }
    let picks: Vec<usize> = if n >= addresses.len() {
        (0..addresses.len()).collect()
    } else {
        (0..n)
            .map(|_| rng.random_range(0..addresses.len()))
            .collect()
    };
    for i in picks {
        let a = &addresses[i];
        // House numbers led by a digit: `Flats 1–30` or `Cycle360` name no number to ask for.
        if !a.housenumber.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        for &form in forms {
            let Some(q) = query(a, form, &mut rng) else {
                continue;
            };
            let found = g.search(&q, 5).unwrap();
            let ok = found.first().is_some_and(|m| is_address(m, a));
            let r = rates.entry(form).or_default();
            r.0 += 1;
            r.1 += usize::from(ok);
            if !ok && matches!(form, Form::AsStored | Form::Reordered | Form::Abbreviated) {
                eprintln!(
                    "{extract}: {form:?} {q:?} -> {:?}",
                    found.first().map(|m| &m.label)
                );
            }
        }
    }
    eprintln!("{extract}: {rates:?}");
    rates
}

fn rate(r: &Rates, f: Form) -> f64 {
    r.get(&f)
        .map_or(1.0, |&(n, ok)| ok as f64 / n.max(1) as f64)
}

const ALL_FORMS: &[Form] = &[
    Form::AsStored,
    Form::Reordered,
    Form::Abbreviated,
    Form::Latin,
    Form::Typo,
];

/// Exact forms find every address; fuzzy forms at least the given rates.
fn check_extract(name: &str, n: usize, latin: f64, typo: f64) {
    let Some(g) = gazetteer(name) else { return };
    assert!(!g.addresses().is_empty(), "{name}: no addresses");
    let r = sweep(&g, name, n, 7, ALL_FORMS);
    for f in [Form::AsStored, Form::Reordered, Form::Abbreviated] {
        assert_eq!(rate(&r, f), 1.0, "{name} {f:?}: {r:?}");
    }
    assert!(rate(&r, Form::Latin) >= latin, "{name} Latin: {r:?}");
    assert!(rate(&r, Form::Typo) >= typo, "{name} typo: {r:?}");
}

#[test]
fn geocode_moscow_myasnitskaya_addresses() {
    check_extract("moscow-myasnitskaya-2020-07-20.osm.pbf", 200, 0.95, 0.8);
}

#[test]
fn geocode_moscow_ostankino_addresses() {
    check_extract("moscow-ostankino-2013.osm.pbf", 200, 0.95, 0.8);
}

#[test]
fn geocode_latin_extracts_addresses() {
    for name in [
        "monaco-2023-12-26.osm.pbf",
        "helsinki-centre-2019-04.osm.pbf",
        "isle-of-man-2020-03-13.osm.pbf",
        "liechtenstein-2015-07-27.osm.pbf",
        "north-bayreuth-2014.osm.pbf",
        "andorra-2020-05-01.osm.pbf",
    ] {
        check_extract(name, 150, 0.9, 0.75);
    }
}

#[test]
fn geocode_named_streets_and_examples() {
    let Some(g) = gazetteer("moscow-myasnitskaya-2020-07-20.osm.pbf") else {
        return;
    };
    for q in [
        "Мясницкая улица",
        "ул. Мясницкая",
        "улица Мясницкая",
        "Myasnitskaya ulitsa",
        "Miasnitskaia",
    ] {
        let m = g.search(q, 3).unwrap();
        assert_eq!(
            m[0].street.as_deref(),
            Some("Мясницкая улица"),
            "{q}: {m:?}"
        );
        assert!(m[0].confidence > 0.7, "{q}: {m:?}");
    }
    let Some(g) = gazetteer("helsinki-centre-2019-04.osm.pbf") else {
        return;
    };
    let m = g.search("Mannerheimintie", 3).unwrap();
    assert_eq!(m[0].street.as_deref(), Some("Mannerheimintie"), "{m:?}");
    let Some(g) = gazetteer("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let m = g.search("Boulevard des Moulins", 3).unwrap();
    assert_eq!(
        m[0].street.as_deref(),
        Some("Boulevard des Moulins"),
        "{m:?}"
    );
}

/// Every address and street asked exactly is among the answers, as a linear scan finds it.
#[test]
fn geocode_index_misses_no_exact_match() {
    let Some(g) = gazetteer("moscow-myasnitskaya-2020-07-20.osm.pbf") else {
        return;
    };
    for a in g.addresses() {
        if a.street.is_empty() || !a.housenumber.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let q = format!("{} {}", a.street, a.housenumber);
        let found = g.search(&q, 100).unwrap();
        // Linear scan: every stored address with this street and number.
        let expected: Vec<&OsmAddress> = g
            .addresses()
            .iter()
            .filter(|b| b.street == a.street && b.housenumber == a.housenumber)
            .collect();
        for b in expected {
            assert!(
                found.iter().any(|m| m.matched.house == HouseMatch::Exact
                    && m.housenumber.as_deref() == Some(&b.housenumber)
                    && haversine_m(m.location, b.location) < 100.0),
                "{q}: {:?} missing",
                b.source
            );
        }
    }
    for s in g.streets() {
        let found = g.search(s.names.display(), 100).unwrap();
        assert!(
            found
                .iter()
                .any(|m| m.kind == MatchKind::Street && m.location == s.location),
            "{}: {found:?}",
            s.names.display()
        );
    }
}

#[test]
fn geocode_unknown_addresses_are_empty_or_unsure() {
    for name in [
        "moscow-myasnitskaya-2020-07-20.osm.pbf",
        "monaco-2023-12-26.osm.pbf",
    ] {
        let Some(g) = gazetteer(name) else { return };
        for q in [
            "Несуществующая улица 5",
            "Qwzrtplk Vxnmb 12",
            "Zzyzx Road 7",
            "улица Пушкина, дом Колотушкина",
        ] {
            let m = g.search(q, 5).unwrap();
            assert!(
                m.first()
                    .is_none_or(|m| m.kind != MatchKind::House && m.confidence < 0.65),
                "{name} {q}: {m:?}"
            );
        }
        // A real street with a number it does not have: the street, at most 0.6.
        let street = g.streets()[0].names.display().to_owned();
        let m = g.search(&format!("{street} 9999"), 5).unwrap();
        assert!(m.iter().all(|m| m.confidence <= 0.6), "{m:?}");
    }
}

#[test]
fn geocode_reverse_matches_linear_scan() {
    let Some(g) = gazetteer("north-bayreuth-2014.osm.pbf") else {
        return;
    };
    let mut rng = Pcg64::seed_from_u64(3);
    for _ in 0..300 {
        let at = LonLat::new(
            rng.random_range(11.48..11.61),
            rng.random_range(49.97..50.05),
        );
        let r = g.reverse(at).unwrap();
        let best = g
            .addresses()
            .iter()
            .map(|a| haversine_m(at, a.location))
            .fold(f64::INFINITY, f64::min);
        assert!(
            (r.distance_m - best).abs() < 0.5 + best * 1e-3,
            "{at:?}: {} vs {best}",
            r.distance_m
        );
    }
}

/// Places of each kind with a name, counted independently of the import code.
fn count_places(name: &str) -> BTreeMap<PlaceKind, usize> {
    use osmpbf::{Element, ElementReader};
    let path = support::osm(name).unwrap();
    let mut counts = BTreeMap::new();
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| {
            let (tags, closed): (Vec<(&str, &str)>, bool) = match &e {
                Element::Node(n) => (n.tags().collect(), true),
                Element::DenseNode(n) => (n.tags().collect(), true),
                Element::Way(w) => {
                    let r: Vec<i64> = w.refs().collect();
                    (w.tags().collect(), r.len() >= 4 && r.first() == r.last())
                }
                Element::Relation(_) => return,
            };
            let get = |k: &str| tags.iter().find(|(t, _)| *t == k).map(|(_, v)| *v);
            let named = ["name", "name:ru", "name:en"]
                .iter()
                .any(|k| get(k).is_some_and(|v| !v.trim().is_empty()));
            if let Some(kind) = get("place").and_then(PlaceKind::from_tag)
                && named
                && closed
            {
                *counts.entry(kind).or_default() += 1;
            }
        })
        .unwrap();
    counts
}

#[test]
fn places_counts_population_and_bbox() {
    for (name, villages, hamlets) in [
        ("andorra-2020-05-01.osm.pbf", 33, 23),
        ("isle-of-man-2020-03-13.osm.pbf", 24, 56),
        ("north-bayreuth-2014.osm.pbf", 22, 48),
        ("liechtenstein-2015-07-27.osm.pbf", 0, 0),
    ] {
        let Some(g) = gazetteer(name) else { return };
        let all = g.places(None, None, MAX_PLACES_LIMIT).unwrap();
        let mut ours: BTreeMap<PlaceKind, usize> = BTreeMap::new();
        for p in &all {
            *ours.entry(p.kind).or_default() += 1;
        }
        assert_eq!(ours, count_places(name), "{name}");
        if villages > 0 {
            assert!(ours[&PlaceKind::Village] >= villages, "{name}: {ours:?}");
            assert!(ours[&PlaceKind::Hamlet] >= hamlets, "{name}: {ours:?}");
        }
        // Sorted: kinds biggest first, then population.
        assert!(all.windows(2).all(|w| w[0].kind <= w[1].kind));
        for p in g.all_places() {
            if let Some(n) = p.population {
                assert!(n < 10_000_000, "{name}: {p:?}");
            }
        }
        // The bounding-box filter against a linear scan.
        let mut rng = Pcg64::seed_from_u64(11);
        let (lo, hi) = all
            .iter()
            .fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
                (
                    [lo[0].min(p.location.lon), lo[1].min(p.location.lat)],
                    [hi[0].max(p.location.lon), hi[1].max(p.location.lat)],
                )
            });
        for _ in 0..50 {
            let (a, b) = (
                rng.random_range(lo[0]..=hi[0]),
                rng.random_range(lo[0]..=hi[0]),
            );
            let (c, d) = (
                rng.random_range(lo[1]..=hi[1]),
                rng.random_range(lo[1]..=hi[1]),
            );
            let bbox = [a.min(b), c.min(d), a.max(b), c.max(d)];
            let mut got: Vec<_> = g
                .places(Some(bbox), None, MAX_PLACES_LIMIT)
                .unwrap()
                .into_iter()
                .map(|p| p.source)
                .collect();
            let mut want: Vec<_> = g
                .all_places()
                .iter()
                .filter(|p| {
                    (bbox[0]..=bbox[2]).contains(&p.location.lon)
                        && (bbox[1]..=bbox[3]).contains(&p.location.lat)
                })
                .map(|p| p.source)
                .collect();
            got.sort_by_key(|s| (s.kind == engine::osm::ElementKind::Way, s.id));
            want.sort_by_key(|s| (s.kind == engine::osm::ElementKind::Way, s.id));
            assert_eq!(got, want, "{name} {bbox:?}");
        }
        // Every village is found by its name, in Latin letters too.
        for p in all.iter().filter(|p| p.kind == PlaceKind::Village) {
            let found = g.places(None, Some(&p.name), 10).unwrap();
            assert!(
                found.iter().any(|f| f.source == p.source),
                "{name}: {}",
                p.name
            );
            let found = g.places(None, Some(&to_latin(&p.name)), 10).unwrap();
            assert!(
                found.iter().any(|f| f.source == p.source),
                "{name}: {}",
                p.name
            );
        }
    }
    assert_eq!(parse_population("1 234"), Some(1234));
}

/// Every address of every extract, each form (release).
#[test]
#[ignore = "slow: every address of every extract; run in release by scripts/test.sh"]
fn geocode_every_address_sweep() {
    for name in support::EXTRACTS {
        let Some(g) = gazetteer(name) else { continue };
        let r = sweep(&g, name, usize::MAX, 1, ALL_FORMS);
        for f in [Form::AsStored, Form::Reordered, Form::Abbreviated] {
            assert_eq!(rate(&r, f), 1.0, "{name} {f:?}: {r:?}");
        }
        assert!(rate(&r, Form::Latin) >= 0.9, "{name}: {r:?}");
        assert!(rate(&r, Form::Typo) >= 0.75, "{name}: {r:?}");
    }
}

/// Damaged extracts give an error (or fewer records), never a panic, with the gazetteer on.
#[test]
fn gazetteer_read_of_damaged_extracts_does_not_panic() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let tmp = std::env::temp_dir().join(format!(
        "vmeste-geocode-damaged-{}.osm.pbf",
        std::process::id()
    ));
    let mut rng = Pcg64::seed_from_u64(5);
    for round in 0..12 {
        let mut b = bytes.clone();
        if round % 2 == 0 {
            b.truncate(rng.random_range(0..bytes.len()));
        } else {
            for _ in 0..20 {
                let i = rng.random_range(0..b.len());
                b[i] = rng.random();
            }
        }
        std::fs::write(&tmp, &b).unwrap();
        if let Ok((_, osm)) = read_network_and_gazetteer(&tmp, &FOOT, &|_| {}) {
            let g = Gazetteer::from_osm(&osm);
            assert!(g.addresses().iter().all(|a| a.location.is_valid()));
        }
    }
    std::fs::remove_file(&tmp).ok();
}
