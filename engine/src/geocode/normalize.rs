//! Text normalisation shared by the stored names and the queries, so that both sides meet
//! in one form whatever the script, case, abbreviation or transliteration.
//!
//! A word becomes a **skeleton**: lower-case ASCII letters and digits. Cyrillic is
//! transliterated by a fixed table (`я` → `ya`, `ц` → `ts`, `ё` → `e`, soft and hard signs
//! dropped), every other character by [`deunicode`] (diacritics folded: `é` → `e`,
//! `ä` → `a`, `ß` → `ss`). The Latin result is then *squashed* so that the common
//! romanisations of one Russian name agree: `shch`/`sch` → `sh`, `kh` → `h`, `zh` → `z`,
//! `ts`/`tz`/`tc` → `c`, `j`/`y` → `i`, `w` → `v`, `q` → `k`, and runs of one letter
//! collapse (`ii` → `i`). So `Мясницкая`, `Myasnitskaya`, `Miasnitskaia` and `Mjasnickaja`
//! all read `miasnickaia`. The squash is lossy on purpose: both sides lose the same
//! information, and the rare names it merges are told apart by the rest of the address.
//!
//! Street-type words (`улица`/`ул`/`ulitsa`/`street`, `проспект`/`пр-т`/`просп`,
//! `переулок`/`пер`, `шоссе`/`ш`, `набережная`/`наб`, `площадь`/`пл`, `бульвар`/`б-р`,
//! `проезд`, `rue`, `avenue`, `road`, `straße`, ...) become a [`Token::Type`] of their class,
//! so an abbreviation equals its full form and the type weighs little in a match.
//!
//! House numbers become a [`HouseKey`]: `20с1`, `20 стр 1`, `20 s1` and `д. 20, строение 1`
//! all read `20s1`; `12к1` and `12 корп. 1` read `12k1`; `12/3`, `12A` and `12а` read
//! `12/3`, `12a`, `12a`.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Longest skeleton kept (longer words are cut).
pub(crate) const MAX_WORD: usize = 48;

/// One normalised token of a name or a query.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Token {
    /// An ordinary word (or a number inside a name), as its skeleton.
    Word(String),
    /// A street-type word, as its class.
    Type(u8),
    /// A house-number marker (`д`, `дом`, `№`, `no`): dropped from names.
    HouseMarker,
    /// A building-part marker: `k` (корпус) or `s` (строение).
    PartMarker(char),
    /// A token starting with a digit (a house number or part of one), normalised.
    Number(String),
    /// A comma or semicolon: ends a house number.
    Break,
}

/// Street-type words, grouped by class (each group's words are synonyms).
const TYPE_WORDS: &[&[&str]] = &[
    &["улица", "ул", "ulitsa", "ulica", "ul", "street", "st"],
    &[
        "проспект",
        "просп",
        "пр-т",
        "пр-кт",
        "пркт",
        "пр",
        "prospekt",
        "prosp",
        "pr-t",
        "avenue",
        "av",
        "ave",
        "avinguda",
        "av.",
    ],
    &["переулок", "пер", "pereulok", "per", "lane", "ln"],
    &["шоссе", "ш", "shosse", "sh", "highway"],
    &[
        "набережная",
        "наб",
        "naberezhnaya",
        "nab",
        "embankment",
        "quai",
        "quay",
    ],
    &[
        "площадь",
        "пл",
        "ploshchad",
        "pl",
        "square",
        "place",
        "platz",
        "plaza",
        "placa",
    ],
    &[
        "бульвар",
        "б-р",
        "бул",
        "bulvar",
        "boulevard",
        "bd",
        "blvd",
        "bvd",
    ],
    &["проезд", "пр-д", "proezd", "passage"],
    &["тупик", "tupik"],
    &["аллея", "alleya", "alley", "allee"],
    &["road", "rd"],
    &["rue"],
    &["chemin"],
    &["strasse", "straße", "str"],
    &["weg"],
    &["gasse"],
    &["carrer", "calle"],
    &["drive", "dr"],
];

/// House-number markers before the number.
const HOUSE_MARKERS: &[&str] = &[
    "д",
    "дом",
    "вл",
    "владение",
    "в",
    "d",
    "dom",
    "vl",
    "№",
    "no",
    "nr",
    "house",
];
/// Building-part markers after the number: корпус (`k`) and строение (`s`).
const PART_MARKERS: &[(&str, char)] = &[
    ("к", 'k'),
    ("корп", 'k'),
    ("корпус", 'k'),
    ("k", 'k'),
    ("korp", 'k'),
    ("korpus", 'k'),
    ("с", 's'),
    ("стр", 's'),
    ("строение", 's'),
    ("s", 's'),
    ("str", 's'),
    ("stroenie", 's'),
];

/// Skeleton → type class.
static TYPES: LazyLock<HashMap<String, u8>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (class, words) in TYPE_WORDS.iter().enumerate() {
        let class = u8::try_from(class).expect("fewer than 256 type classes");
        for w in *words {
            m.entry(skeleton(w)).or_insert(class);
        }
    }
    m
});

/// Lower-case Cyrillic letter → Latin.
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// Lower-case ASCII letters and digits of `word`: Cyrillic by [`cyrillic`], the rest by
/// `deunicode`.
fn latin(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(s) = cyrillic(c) {
            out.push_str(s);
        } else if !c.is_ascii()
            && let Some(s) = deunicode::deunicode_char(c)
        {
            out.extend(
                s.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        }
        if out.len() > 4 * MAX_WORD {
            break;
        }
    }
    out
}

/// The skeleton of one word (see the module docs).
pub(crate) fn skeleton(word: &str) -> String {
    let s = latin(word);
    let s = s
        .replace("shch", "sh")
        .replace("sch", "sh")
        .replace("tch", "ch")
        .replace("kh", "h")
        .replace("zh", "z")
        .replace("ts", "c")
        .replace("tz", "c")
        .replace("tc", "c");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'j' | 'y' => 'i',
            'w' => 'v',
            'q' => 'k',
            c => c,
        };
        if out.ends_with(c) && !c.is_ascii_digit() {
            continue;
        }
        out.push(c);
        if out.len() >= MAX_WORD {
            break;
        }
    }
    out
}

/// Splits text into raw pieces: runs of letters, digits, `-` and `/`; everything else
/// (spaces, punctuation, control characters) separates. A `№` is a piece of its own.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '/' | '№' | ',' | ';')))
        .flat_map(|p| p.split_inclusive([',', ';']))
        .flat_map(|p| match p.strip_suffix([',', ';']) {
            // `20,` → `20`, `,`.
            Some(rest) => [rest, ","],
            None => [p, ""],
        })
        .flat_map(|p| {
            // `№5` → `№`, `5`.
            match p.strip_prefix('№') {
                Some(rest) => [Some("№"), Some(rest)],
                None => [Some(p), None],
            }
        })
        .flatten()
        .map(|p| {
            if p == "," {
                p
            } else {
                p.trim_matches(|c| c == '-' || c == '/')
            }
        })
        .filter(|p| !p.is_empty())
}

/// Ordinal suffixes of Russian numerals (`1-я`, `2-й`, `3-е`).
const ORDINAL_SUFFIXES: &[&str] = &[
    "я", "й", "е", "ая", "ый", "ой", "ий", "го", "ya", "yi", "iy", "j", "y", "i", "e", "st", "nd",
    "rd", "th",
];

/// Normalises a house number (or a digit-led piece of a query): lower-case, Cyrillic letters
/// transliterated, separators other than `/` and `-` between digits dropped, part markers
/// (`к`, `корп`, `с`, `стр`, ...) as `k`/`s`. Letters before the first digit are markers
/// (`д`, `вл`, `№`) and dropped; after it, one or two letters are a suffix, and a longer
/// word that is no marker (a building's name: `14 Brewery Wharf`) ends the number, as does
/// a comma or semicolon (`8,8a` reads `8`).
pub(crate) fn number_piece(piece: &str) -> String {
    number_prefix(piece).0
}

/// [`number_piece`], and whether the number took the whole piece.
fn number_prefix(piece: &str) -> (String, bool) {
    let mut out = String::new();
    let mut letters = String::new();
    for c in piece.chars().flat_map(char::to_lowercase) {
        if c == ',' || c == ';' {
            return (out, false);
        }
        if c.is_alphabetic() {
            letters.push(c);
            continue;
        }
        if !suffix(&mut letters, &mut out) {
            return (out, false);
        }
        let joins = (c == '/' || c == '-') && out.ends_with(|d: char| d.is_ascii_digit());
        if c.is_ascii_digit() || joins {
            out.push(c);
        }
        if out.len() > MAX_WORD {
            break;
        }
    }
    let whole = suffix(&mut letters, &mut out);
    (out.trim_end_matches(['/', '-']).to_owned(), whole)
}

/// Appends the letters seen after a number's digits (see [`number_piece`]); `false` when
/// they end the number.
fn suffix(letters: &mut String, out: &mut String) -> bool {
    let go_on = if letters.is_empty() || out.is_empty() {
        true
    } else if let Some(&(_, m)) = PART_MARKERS.iter().find(|(w, _)| *w == letters.as_str()) {
        out.push(m);
        true
    } else if letters.chars().count() <= 2 || ["bis", "ter", "quater"].contains(&letters.as_str()) {
        out.push_str(&latin(letters));
        true
    } else {
        false
    };
    letters.clear();
    go_on
}

/// The tokens of a text (a stored name or a query), in order; at most `max` of them.
pub(crate) fn tokens(text: &str, max: usize) -> Vec<Token> {
    let mut out = Vec::new();
    for piece in pieces(text) {
        if out.len() >= max {
            break;
        }
        if piece == "," {
            if !matches!(out.last(), None | Some(Token::Break)) {
                out.push(Token::Break);
            }
            continue;
        }
        let lower = piece.to_lowercase();
        if let Some(&class) = TYPES.get(&skeleton(&lower)).filter(|_| lower.contains('-')) {
            out.push(Token::Type(class));
            continue;
        }
        if piece.starts_with(|c: char| c.is_ascii_digit()) {
            // `1-я`: an ordinal, a word of a name.
            if let Some((num, suffix)) = lower.split_once('-')
                && ORDINAL_SUFFIXES.contains(&suffix)
                && num.chars().all(|c| c.is_ascii_digit())
            {
                out.push(Token::Word(num.to_owned()));
                continue;
            }
            out.push(Token::Number(number_piece(&lower)));
            continue;
        }
        // `к1`, `стр2`: a part marker glued to its number.
        let digits_at = lower.find(|c: char| c.is_ascii_digit());
        if let Some(i) = digits_at
            && let Some(&(_, m)) = PART_MARKERS.iter().find(|(w, _)| *w == &lower[..i])
        {
            out.push(Token::PartMarker(m));
            out.push(Token::Number(number_piece(&lower[i..])));
            continue;
        }
        // `вл2`, `д5`: a house marker glued to its number.
        if let Some(i) = digits_at
            && HOUSE_MARKERS.contains(&&lower[..i])
        {
            out.push(Token::HouseMarker);
            out.push(Token::Number(number_piece(&lower[i..])));
            continue;
        }
        for part in lower.split('-').filter(|p| !p.is_empty()) {
            if out.len() >= max {
                break;
            }
            out.push(word_token(part));
        }
    }
    out
}

fn word_token(part: &str) -> Token {
    if HOUSE_MARKERS.contains(&part) {
        return Token::HouseMarker;
    }
    if let Some(&(_, m)) = PART_MARKERS.iter().find(|(w, _)| *w == part) {
        return Token::PartMarker(m);
    }
    let s = skeleton(part);
    match TYPES.get(&s) {
        Some(&class) => Token::Type(class),
        None if s.starts_with(|c: char| c.is_ascii_digit()) => Token::Number(s),
        None => Token::Word(s),
    }
}

/// A normalised house number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct HouseKey {
    /// The whole number, e.g. `20s1`, `12k1`, `12/3`, `12a`.
    pub(crate) full: String,
    /// Its leading digits, e.g. `20`.
    pub(crate) base: String,
    /// The number without a corner part (`/7` of `24/7с3`), e.g. `24s3`.
    pub(crate) loose: String,
    /// The stored text says more than the number (`8, 2nd floor`, `14 Brewery Wharf`).
    pub(crate) more: bool,
}

impl HouseKey {
    /// The key of a stored `addr:housenumber`, `None` when it has no digit.
    pub(crate) fn parse(housenumber: &str) -> Option<Self> {
        let (full, whole) = number_prefix(housenumber);
        Self::from_full(full).map(|k| Self { more: !whole, ..k })
    }

    pub(crate) fn from_full(full: String) -> Option<Self> {
        let base: String = full.chars().take_while(char::is_ascii_digit).collect();
        let loose = match full.find('/') {
            Some(i) => {
                let rest = &full[i + 1..];
                let corner = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                format!("{}{}", &full[..i], &rest[corner..])
            }
            None => full.clone(),
        };
        (!base.is_empty()).then_some(Self {
            full,
            base,
            loose,
            more: false,
        })
    }
}

/// The weight of a token in a match: words count fully, single letters and types little.
pub(crate) fn weight(t: &Token) -> f64 {
    match t {
        Token::Word(w) if w.len() <= 1 => 0.3,
        Token::Word(_) | Token::Number(_) => 1.0,
        Token::Type(_) => 0.3,
        Token::HouseMarker | Token::PartMarker(_) | Token::Break => 0.0,
    }
}

/// The tokens of a stored name: markers are read as the letters they are.
pub(crate) fn name_tokens(name: &str) -> Vec<Token> {
    tokens(name, 32)
        .into_iter()
        .filter(|t| *t != Token::Break)
        .map(|t| match t {
            Token::PartMarker(m) => Token::Word(m.to_string()),
            Token::HouseMarker => Token::Word("d".to_owned()),
            t => t,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisations_meet() {
        let k = skeleton("Мясницкая");
        for w in ["Myasnitskaya", "Miasnitskaia", "Mjasnickaja", "МЯСНИЦКАЯ"] {
            assert_eq!(skeleton(w), k, "{w}");
        }
        assert_eq!(skeleton("Ёлочная"), skeleton("Елочная"));
        assert_eq!(skeleton("Каретный"), skeleton("Karetnyy"));
        assert_eq!(skeleton("Каретный"), skeleton("Karetny"));
        assert_eq!(skeleton("Хохловский"), skeleton("Khokhlovskiy"));
        assert_eq!(skeleton("Щёлковское"), skeleton("Shchelkovskoe"));
        assert_eq!(skeleton("Boulevard"), "boulevard");
        assert_eq!(skeleton("Mäkelänkatu"), skeleton("Makelankatu"));
        assert_eq!(skeleton("Straße"), skeleton("strasse"));
    }

    #[test]
    fn types_and_abbreviations() {
        let t = |s: &str| tokens(s, 32);
        assert_eq!(
            t("ул. Мясницкая"),
            t("Мясницкая улица").into_iter().rev().collect::<Vec<_>>()
        );
        assert_eq!(t("пр-т Мира"), t("проспект Мира"));
        assert_eq!(t("просп. Мира"), t("проспект Мира"));
        assert_eq!(t("б-р Яна Райниса"), t("бульвар Яна Райниса"));
        assert_eq!(t("Myasnitskaya ulitsa"), t("Мясницкая улица"));
        assert_eq!(t("1-я Тверская-Ямская")[0], Token::Word("1".into()));
    }

    #[test]
    fn house_numbers() {
        let k = |s: &str| HouseKey::parse(s).map(|k| k.full);
        assert_eq!(k("20с1").as_deref(), Some("20s1"));
        assert_eq!(k("20 стр 1").as_deref(), Some("20s1"));
        assert_eq!(k("20 строение 1").as_deref(), Some("20s1"));
        assert_eq!(k("12к1").as_deref(), Some("12k1"));
        assert_eq!(k("12 корп. 1").as_deref(), Some("12k1"));
        assert_eq!(k("12/3").as_deref(), Some("12/3"));
        assert_eq!(k("12A").as_deref(), Some("12a"));
        assert_eq!(k("12а").as_deref(), Some("12a"));
        assert_eq!(k("д. 5").as_deref(), Some("5"));
        assert_eq!(k("abc"), None);
        assert_eq!(k("вл2").as_deref(), Some("2"));
        assert_eq!(k("3 с1А").as_deref(), Some("3s1a"));
        assert_eq!(k("14 Brewery Wharf").as_deref(), Some("14"));
        assert_eq!(k("8,8a").as_deref(), Some("8"));
        assert_eq!(k("1-12").as_deref(), Some("1-12"));
    }

    #[test]
    fn hostile_text_is_bounded() {
        let long = "а".repeat(100_000);
        assert!(skeleton(&long).len() <= MAX_WORD);
        let many = "x ".repeat(10_000);
        assert_eq!(tokens(&many, 16).len(), 16);
        assert!(tokens("\u{0}\u{7}\u{1b}[31m", 16).len() <= 2);
        assert!(tokens("", 16).is_empty());
        assert!(tokens("----////", 16).is_empty());
    }
}
