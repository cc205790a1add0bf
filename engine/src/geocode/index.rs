//! The inverted index of name words: skeleton → the name groups that use it, with a
//! trigram index and a sorted word list to find the words a query word may mean (typos,
//! prefixes).
//!
//! A query word finds its exact word by hash; words sharing enough padded trigrams
//! (`$word$`) with it are verified by Damerau–Levenshtein distance (Damerau 1964, bounded
//! by the word's length: 1 edit up to 5 letters, 2 up to 9, 3 beyond); words it is a prefix
//! of (4 letters or more) are found by binary search in the sorted list. Each lookup is
//! capped ([`MAX_FUZZY`], [`MAX_PREFIX`]), so a query word costs at most one pass over the
//! postings of its trigrams.

use std::collections::HashMap;

use super::normalize::Token;

/// Most fuzzy candidates verified per query word.
const MAX_FUZZY: usize = 200;
/// Most prefix completions per query word.
const MAX_PREFIX: usize = 32;

/// Similarity in `0..=1` of a query word `q` to a stored word `w` (both skeletons):
/// 1 when equal; 0.8 for a single letter that starts `w` (an initial: `Б.` for
/// `Большой`); 0.75 for a prefix of 4 letters or more; for typos within the bounded edit
/// distance `d`, `1 − 1.6·d / max_len` capped at 0.92; else 0. Numbers match only exactly.
pub(crate) fn word_similarity(q: &str, w: &str) -> f64 {
    if q == w {
        return 1.0;
    }
    let digits = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    if digits(q) || digits(w) || q.is_empty() || w.is_empty() {
        return 0.0;
    }
    if q.len() == 1 {
        return if w.starts_with(q) { 0.8 } else { 0.0 };
    }
    if q.len() >= 4 && w.starts_with(q) {
        return 0.75;
    }
    let max_len = q.len().max(w.len());
    let bound = max_edits(max_len);
    if bound == 0 || q.len().abs_diff(w.len()) > bound {
        return 0.0;
    }
    let d = strsim::damerau_levenshtein(q, w);
    if d > bound {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "word lengths are small")]
    let sim = 1.0 - 1.6 * d as f64 / max_len as f64;
    sim.clamp(0.0, 0.92)
}

/// Edits allowed between words of this length.
fn max_edits(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        6..=9 => 2,
        _ => 3,
    }
}

fn trigrams(word: &str) -> impl Iterator<Item = [u8; 3]> + '_ {
    let b = word.as_bytes();
    let n = b.len();
    (0..n).map(move |i| {
        let at = |j: usize| if j == 0 || j > n { b'$' } else { b[j - 1] };
        [at(i), at(i + 1), at(i + 2)]
    })
}

/// Words of the stored names and where they occur.
#[derive(Debug, Default)]
pub(crate) struct WordIndex {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    /// Word ids in the order of their words.
    sorted: Vec<u32>,
    trigrams: HashMap<[u8; 3], Vec<u32>>,
    /// Word id → ids of the groups whose name has the word (sorted, distinct).
    postings: Vec<Vec<u32>>,
}

impl WordIndex {
    /// Indexes the words of every group's tokens (`groups[g]` = tokens of group `g`).
    pub(crate) fn build<'a>(groups: impl Iterator<Item = &'a [Token]>) -> Self {
        let mut ix = Self::default();
        for (g, tokens) in groups.enumerate() {
            let g = u32::try_from(g).expect("fewer than u32::MAX name groups");
            for t in tokens {
                let Token::Word(w) = t else { continue };
                let id = match ix.ids.get(w) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(ix.words.len()).expect("fewer than u32::MAX words");
                        ix.ids.insert(w.clone(), id);
                        ix.words.push(w.clone());
                        ix.postings.push(Vec::new());
                        id
                    }
                };
                let p = &mut ix.postings[id as usize];
                if p.last() != Some(&g) {
                    p.push(g);
                }
            }
        }
        for (id, w) in ix.words.iter().enumerate() {
            let id = u32::try_from(id).expect("fewer than u32::MAX words");
            for t in trigrams(w) {
                let list = ix.trigrams.entry(t).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        ix.sorted = (0..ix.words.len())
            .map(|i| u32::try_from(i).expect("fewer than u32::MAX words"))
            .collect();
        ix.sorted
            .sort_by(|&a, &b| ix.words[a as usize].cmp(&ix.words[b as usize]));
        ix
    }

    /// The groups whose names contain `word`.
    pub(crate) fn postings(&self, word: u32) -> &[u32] {
        self.postings.get(word as usize).map_or(&[], Vec::as_slice)
    }

    /// Stored words the query word `q` may mean, with their [`word_similarity`].
    pub(crate) fn lookup(&self, q: &str) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = Vec::new();
        if let Some(&id) = self.ids.get(q) {
            out.push((id, 1.0));
        }
        if q.len() < 3 || q.starts_with(|c: char| c.is_ascii_digit()) {
            return out;
        }
        // Prefix completions.
        let start = self
            .sorted
            .partition_point(|&id| self.words[id as usize].as_str() < q);
        if q.len() >= 4 {
            for &id in self.sorted[start..].iter().take(MAX_PREFIX) {
                if !self.words[id as usize].starts_with(q) {
                    break;
                }
                if !out.iter().any(|&(o, _)| o == id) {
                    out.push((id, word_similarity(q, &self.words[id as usize])));
                }
            }
        }
        // Typos: words sharing enough trigrams.
        let bound = max_edits(q.len() + 1);
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for t in trigrams(q) {
            for &id in self.trigrams.get(&t).map_or(&[][..], Vec::as_slice) {
                *shared.entry(id).or_default() += 1;
            }
        }
        // An edit changes at most three trigrams.
        let need = u32::try_from(q.len().saturating_sub(3 * bound).max(1)).unwrap_or(u32::MAX);
        let mut cands: Vec<(u32, u32)> = shared.into_iter().filter(|&(_, c)| c >= need).collect();
        cands.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (id, _) in cands.into_iter().take(MAX_FUZZY) {
            if out.iter().any(|&(o, _)| o == id) {
                continue;
            }
            let sim = word_similarity(q, &self.words[id as usize]);
            if sim > 0.0 {
                out.push((id, sim));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(words: &[&str]) -> WordIndex {
        let groups: Vec<Vec<Token>> = words
            .iter()
            .map(|w| vec![Token::Word((*w).to_owned())])
            .collect();
        WordIndex::build(groups.iter().map(Vec::as_slice))
    }

    #[test]
    fn exact_prefix_and_typo() {
        let ix = index(&["miasnickaia", "maroseika", "pokrovka", "miasnicki"]);
        let found = |q: &str| {
            let mut v: Vec<String> = ix
                .lookup(q)
                .into_iter()
                .map(|(id, _)| ix.words[id as usize].clone())
                .collect();
            v.sort();
            v
        };
        assert_eq!(found("miasnickaia"), ["miasnickaia", "miasnicki"]);
        assert!(found("miasnikaia").contains(&"miasnickaia".to_owned()));
        assert_eq!(found("maro"), ["maroseika"]);
        assert!(found("zzz").is_empty());
        assert!(found("").is_empty());
    }

    #[test]
    fn similarity_bounds() {
        assert_eq!(word_similarity("abc", "abc"), 1.0);
        assert_eq!(word_similarity("12", "13"), 0.0);
        assert_eq!(word_similarity("b", "bolshoi"), 0.8);
        assert!(word_similarity("miasnickaja", "miasnickaia") > 0.8);
        assert_eq!(word_similarity("abcdef", "uvwxyz"), 0.0);
    }
}
