use super::*;
use crate::osm::{ElementKind, OsmStreet};

fn addr(id: i64, lon: f64, lat: f64, street: &str, number: &str) -> OsmAddress {
    OsmAddress {
        source: OsmRef {
            kind: ElementKind::Node,
            id,
        },
        location: LonLat::new(lon, lat),
        housenumber: number.into(),
        street: street.into(),
        place: String::new(),
        city: "Москва".into(),
        postcode: "101000".into(),
    }
}

fn sample() -> Gazetteer {
    Gazetteer::from_osm(&sample_osm())
}

fn sample_osm() -> OsmGazetteer {
    let mut osm = OsmGazetteer::default();
    osm.addresses
        .push(addr(1, 37.636, 55.762, "Мясницкая улица", "20"));
    osm.addresses
        .push(addr(2, 37.637, 55.763, "Мясницкая улица", "22с1"));
    osm.addresses.push(addr(
        3,
        37.640,
        55.760,
        "Большой Златоустинский переулок",
        "5",
    ));
    osm.addresses
        .push(addr(4, 37.640, 55.760, "Мясницкий проезд", "2"));
    osm.streets.push(OsmStreet {
        way: 10,
        names: Names {
            name: "Мясницкая улица".into(),
            name_ru: String::new(),
            name_en: "Myasnitskaya Street".into(),
        },
        location: LonLat::new(37.635, 55.761),
        num_nodes: 5,
    });
    osm.places.push(OsmPlace {
        source: OsmRef {
            kind: ElementKind::Node,
            id: 99,
        },
        kind: crate::osm::PlaceKind::Village,
        names: Names {
            name: "Ельники".into(),
            ..Names::default()
        },
        population: Some(120),
        location: LonLat::new(37.7, 55.8),
    });
    osm
}

#[test]
fn exact_and_variant_forms_find_the_house() {
    let g = sample();
    for q in [
        "Мясницкая улица 20",
        "ул. Мясницкая, д. 20",
        "улица Мясницкая 20",
        "Мясницкая ул 20",
        "Myasnitskaya ulitsa 20",
        "Miasnitskaia 20",
        "мясницкая 20",
        "Москва, Мясницкая, 20",
        "Мясницкя 20",
    ] {
        let m = g.search(q, 5).unwrap();
        assert!(!m.is_empty(), "{q}");
        assert_eq!(m[0].kind, MatchKind::House, "{q}: {:?}", m[0]);
        assert_eq!(m[0].housenumber.as_deref(), Some("20"), "{q}");
        assert!(m[0].confidence > 0.75, "{q}: {}", m[0].confidence);
    }
    let m = g.search("Мясницкая 22 стр 1", 5).unwrap();
    assert_eq!(m[0].housenumber.as_deref(), Some("22с1"));
    assert_eq!(m[0].matched.house, HouseMatch::Exact);
    let m = g.search("Мясницкая 22", 5).unwrap();
    assert_eq!(m[0].matched.house, HouseMatch::SameNumber);
    let m = g.search("Б. Златоустинский пер., 5", 5).unwrap();
    assert_eq!(m[0].housenumber.as_deref(), Some("5"));
}

#[test]
fn street_place_and_nothing() {
    let g = sample();
    let m = g.search("Мясницкая улица", 5).unwrap();
    assert_eq!(m[0].kind, MatchKind::Street);
    assert!(m[0].confidence > 0.8);
    let m = g.search("Мясницкая улица 999", 5).unwrap();
    assert_eq!(m[0].kind, MatchKind::Street);
    assert!(m[0].confidence <= 0.6);
    let m = g.search("Ельники", 5).unwrap();
    assert_eq!(m[0].kind, MatchKind::Place);
    assert!(g.search("Тверская 5", 5).unwrap().is_empty());
    assert!(g.search("", 5).unwrap().is_empty());
    assert!(g.search("улица", 5).unwrap().is_empty());
}

#[test]
fn bounds_and_hostile_input() {
    let g = sample();
    assert!(matches!(
        g.search(&"a".repeat(MAX_QUERY_BYTES + 1), 5),
        Err(GeocodeError::QueryTooLong { .. })
    ));
    assert!(matches!(
        g.search(&"a ".repeat(100), 5),
        Err(GeocodeError::TooManyTokens { .. })
    ));
    assert!(matches!(
        g.search("x", MAX_LIMIT + 1),
        Err(GeocodeError::LimitTooLarge { .. })
    ));
    assert!(g.search("Мясницкая 20", 0).unwrap().is_empty());
    for q in [
        "\u{0}\u{1}\u{2}",
        "№№№",
        "-/-/",
        "20 20 20 20 20 20 20",
        "д д д к с",
    ] {
        assert!(g.search(q, 5).is_ok(), "{q}");
    }
}

#[test]
fn bytes_round_trip_and_damage() {
    let g = sample();
    let bytes = g.to_bytes();
    assert_eq!(Gazetteer::section_from_osm(&sample_osm()), bytes);
    let back = Gazetteer::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        assert!(Gazetteer::from_bytes(&bytes[..cut]).is_err());
    }
    let mut flipped = bytes.clone();
    for i in (0..flipped.len()).step_by(7) {
        flipped[i] ^= 0x5a;
        let _ = Gazetteer::from_bytes(&flipped);
        flipped[i] ^= 0x5a;
    }
    let bad = String::from_utf8(bytes)
        .unwrap()
        .replace("55.762", "555.762");
    assert!(Gazetteer::from_bytes(bad.as_bytes()).is_err());
}

#[test]
fn reverse_and_places() {
    let g = sample();
    let r = g.reverse(LonLat::new(37.6361, 55.7621)).unwrap();
    assert_eq!(r.address.housenumber.as_deref(), Some("20"));
    assert!(r.distance_m < 20.0);
    assert!(g.reverse(LonLat::new(f64::NAN, 0.0)).is_none());
    let all = g.places(None, None, 10).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].population, Some(120));
    assert!(
        g.places(Some([0.0, 0.0, 1.0, 1.0]), None, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(g.places(None, Some("Elniki"), 10).unwrap().len(), 1);
    assert!(g.places(Some([1.0, 0.0, 0.0, 1.0]), None, 10).is_err());
    assert!(g.places(Some([f64::NAN, 0.0, 0.0, 1.0]), None, 10).is_err());
}
