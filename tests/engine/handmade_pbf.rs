//! A tiny `.osm.pbf` writer for hand-made extracts (uncompressed blobs; plain nodes, and dense
//! nodes for tagged ones): enough to feed the reader hostile turn restriction relations
//! (`tests/engine/turns.rs`) and to give the fuzzer small seeds (`tests/fuzz`).

/// One element of a hand-made extract.
#[allow(dead_code, reason = "each including crate uses the variants it needs")]
pub(crate) enum Element<'a> {
    /// id, lon, lat (degrees).
    Node(i64, f64, f64),
    /// id, lon, lat (degrees), tags: written among the block's dense nodes.
    TaggedNode(i64, f64, f64, &'a [(&'a str, &'a str)]),
    /// id, node ids, tags.
    Way(i64, &'a [i64], &'a [(&'a str, &'a str)]),
    /// id, members (type 'n'/'w'/'r', id, role), tags.
    Relation(i64, &'a [(char, i64, &'a str)], &'a [(&'a str, &'a str)]),
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from(field << 3 | wire));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    key(out, field, 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn int_field(out: &mut Vec<u8>, field: u32, v: u64) {
    key(out, field, 0);
    varint(out, v);
}

fn packed(out: &mut Vec<u8>, field: u32, values: impl IntoIterator<Item = u64>) {
    let mut body = Vec::new();
    for v in values {
        varint(&mut body, v);
    }
    bytes_field(out, field, &body);
}

/// The string table: index of each string, 0 being "".
struct Strings(Vec<String>);

impl Strings {
    fn id(&mut self, s: &str) -> u64 {
        if let Some(i) = self.0.iter().position(|x| x == s) {
            return i as u64;
        }
        self.0.push(s.to_owned());
        self.0.len() as u64 - 1
    }
}

fn frame(out: &mut Vec<u8>, kind: &str, message: &[u8]) {
    let mut blob = Vec::new();
    bytes_field(&mut blob, 1, message); // raw
    int_field(&mut blob, 2, message.len() as u64); // raw_size
    let mut header = Vec::new();
    bytes_field(&mut header, 1, kind.as_bytes());
    int_field(&mut header, 3, blob.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
}

/// The bytes of an extract holding `elements` (one data block).
pub(crate) fn pbf(elements: &[Element<'_>]) -> Vec<u8> {
    let mut strings = Strings(vec![String::new()]);
    let mut nodes = Vec::new();
    let mut others = Vec::new();
    // Dense nodes: delta-coded ids and coordinates, tags as (key, value)… 0 per node.
    let (mut dense_ids, mut dense_lat, mut dense_lon, mut keys_vals) =
        (vec![], vec![], vec![], vec![]);
    let mut last = (0, 0, 0);
    let tags = |m: &mut Vec<u8>, strings: &mut Strings, t: &[(&str, &str)]| {
        packed(
            m,
            2,
            t.iter().map(|(k, _)| strings.id(k)).collect::<Vec<_>>(),
        );
        packed(
            m,
            3,
            t.iter().map(|(_, v)| strings.id(v)).collect::<Vec<_>>(),
        );
    };
    for e in elements {
        let mut m = Vec::new();
        match *e {
            Element::Node(id, lon, lat) => {
                int_field(&mut m, 1, zigzag(id));
                int_field(&mut m, 8, zigzag((lat * 1e7).round() as i64));
                int_field(&mut m, 9, zigzag((lon * 1e7).round() as i64));
                bytes_field(&mut nodes, 1, &m);
            }
            Element::TaggedNode(id, lon, lat, t) => {
                let (lat, lon) = ((lat * 1e7).round() as i64, (lon * 1e7).round() as i64);
                dense_ids.push(zigzag(id - last.0));
                dense_lat.push(zigzag(lat - last.1));
                dense_lon.push(zigzag(lon - last.2));
                last = (id, lat, lon);
                for (k, v) in t {
                    keys_vals.push(strings.id(k));
                    keys_vals.push(strings.id(v));
                }
                keys_vals.push(0);
            }
            Element::Way(id, refs, t) => {
                int_field(&mut m, 1, id as u64);
                tags(&mut m, &mut strings, t);
                let mut prev = 0;
                packed(
                    &mut m,
                    8,
                    refs.iter()
                        .map(|&r| {
                            let d = zigzag(r - prev);
                            prev = r;
                            d
                        })
                        .collect::<Vec<_>>(),
                );
                bytes_field(&mut others, 3, &m);
            }
            Element::Relation(id, members, t) => {
                int_field(&mut m, 1, id as u64);
                tags(&mut m, &mut strings, t);
                let roles: Vec<u64> = members.iter().map(|(_, _, r)| strings.id(r)).collect();
                packed(&mut m, 8, roles);
                let mut prev = 0;
                let ids: Vec<u64> = members
                    .iter()
                    .map(|&(_, id, _)| {
                        let d = zigzag(id - prev);
                        prev = id;
                        d
                    })
                    .collect();
                packed(&mut m, 9, ids);
                let types = members.iter().map(|(t, _, _)| match t {
                    'n' => 0,
                    'w' => 1,
                    _ => 2,
                });
                packed(&mut m, 10, types.collect::<Vec<_>>());
                bytes_field(&mut others, 4, &m);
            }
        }
    }
    let mut table = Vec::new();
    for s in &strings.0 {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    let mut block = Vec::new();
    bytes_field(&mut block, 1, &table);
    bytes_field(&mut block, 2, &nodes);
    if !dense_ids.is_empty() {
        let mut dense = Vec::new();
        packed(&mut dense, 1, dense_ids);
        packed(&mut dense, 8, dense_lat);
        packed(&mut dense, 9, dense_lon);
        packed(&mut dense, 10, keys_vals);
        let mut group = Vec::new();
        bytes_field(&mut group, 2, &dense);
        bytes_field(&mut block, 2, &group);
    }
    bytes_field(&mut block, 2, &others);
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6");
    let mut out = Vec::new();
    frame(&mut out, "OSMHeader", &header);
    frame(&mut out, "OSMData", &block);
    out
}
