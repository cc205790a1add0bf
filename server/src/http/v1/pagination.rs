//! Cursor pagination: lists answer `{"items": [...], "next_cursor": "..." | null}`. The
//! cursor is opaque to clients (hex of `after:<last id>`); `limit` is 1..=1000, default 100.

use engine::board::{
    BoardError, MAX_PAGE, Principal, Request, RequestQuery, Volunteer, VolunteerQuery,
};
use futures_util::future::BoxFuture;

use super::auth::Auth;
use super::state::BoardState;

use super::error::V1Error;

/// Records per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 100;

/// The cursor after the record with identifier `id`.
#[must_use]
pub fn cursor_after(id: i64) -> String {
    format!("after:{id}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The identifier a cursor continues after (`None`: from the start).
///
/// # Errors
/// 400 `invalid_cursor` for a cursor this API did not give.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<i64>, V1Error> {
    let Some(c) = cursor else { return Ok(None) };
    let bad = || V1Error::bad_request("invalid_cursor", "not a cursor this API gave");
    if c.len() % 2 != 0 || c.len() > 64 {
        return Err(bad());
    }
    let bytes: Option<Vec<u8>> = (0..c.len())
        .step_by(2)
        .map(|i| c.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let text = bytes
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    text.strip_prefix("after:")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .map(Some)
        .ok_or_else(bad)
}

/// The page size asked (default [`DEFAULT_LIMIT`]).
///
/// # Errors
/// 400 `invalid_query` outside 1..=1000.
pub fn limit(asked: Option<usize>) -> Result<usize, V1Error> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(V1Error::bad_request(
            "invalid_query",
            format!("limit must be 1..={MAX_PAGE}"),
        )),
    }
}

/// The next cursor of a page of `len` records of which the last has `last_id`: `None` when
/// the page was not full or `more` says nothing follows.
#[must_use]
pub fn next_cursor(len: usize, limit: usize, last_id: Option<i64>, more: bool) -> Option<String> {
    if len < limit || !more {
        return None;
    }
    last_id.map(cursor_after)
}

/// A list query the board answers page by page (volunteers, requests).
pub trait PagedQuery: Clone + Send + Sync + 'static {
    /// The records listed.
    type Item: Send;
    /// The same query for the page after `after_id`, of at most `limit` records.
    #[must_use]
    fn page(&self, after_id: Option<i64>, limit: usize) -> Self;
    /// A record's identifier (the order of pages).
    fn id(item: &Self::Item) -> i64;
    /// The records of this query that `who` may see.
    fn fetch<'a>(
        self,
        board: &'a BoardState,
        who: &'a Principal,
    ) -> BoxFuture<'a, Result<Vec<Self::Item>, BoardError>>;
}

impl PagedQuery for VolunteerQuery {
    type Item = Volunteer;
    fn page(&self, after_id: Option<i64>, limit: usize) -> Self {
        Self {
            after_id,
            limit,
            ..self.clone()
        }
    }
    fn id(item: &Volunteer) -> i64 {
        item.id
    }
    fn fetch<'a>(
        self,
        board: &'a BoardState,
        who: &'a Principal,
    ) -> BoxFuture<'a, Result<Vec<Volunteer>, BoardError>> {
        Box::pin(board.board.volunteers(who, self))
    }
}

impl PagedQuery for RequestQuery {
    type Item = Request;
    fn page(&self, after_id: Option<i64>, limit: usize) -> Self {
        Self {
            after_id,
            limit,
            ..self.clone()
        }
    }
    fn id(item: &Request) -> i64 {
        item.id
    }
    fn fetch<'a>(
        self,
        board: &'a BoardState,
        who: &'a Principal,
    ) -> BoxFuture<'a, Result<Vec<Request>, BoardError>> {
        Box::pin(board.board.requests(who, self))
    }
}

/// One page of `q` after `after`; when full, one more record is looked for so the last
/// page says `next_cursor: null`.
///
/// # Errors
/// What the board answers.
pub async fn paged<Q: PagedQuery>(
    auth: &Auth,
    q: &Q,
    after: Option<i64>,
    limit: usize,
) -> Result<(Vec<Q::Item>, Option<String>), V1Error> {
    let items = q.page(after, limit).fetch(&auth.board, &auth.who).await?;
    let last = items.last().map(Q::id);
    let more = match last {
        Some(l) if items.len() >= limit => !q
            .page(Some(l), 1)
            .fetch(&auth.board, &auth.who)
            .await?
            .is_empty(),
        _ => false,
    };
    let next = next_cursor(items.len(), limit, last, more);
    Ok((items, next))
}

/// Every record of `q`, page after page (exports).
///
/// # Errors
/// What the board answers.
pub async fn all_pages<Q: PagedQuery>(auth: &Auth, q: &Q) -> Result<Vec<Q::Item>, V1Error> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = q
            .page(after, MAX_PAGE)
            .fetch(&auth.board, &auth.who)
            .await?;
        let full = page.len() >= MAX_PAGE;
        after = page.last().map(Q::id);
        out.extend(page);
        if !full || after.is_none() {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        for id in [0, 1, 250, i64::MAX] {
            assert_eq!(decode_cursor(Some(&cursor_after(id))).unwrap(), Some(id));
        }
        for bad in ["", "zz", "6166746572", "abc", "61667465723a2d31"] {
            assert!(decode_cursor(Some(bad)).is_err(), "{bad}");
        }
    }
}
