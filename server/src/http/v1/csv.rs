//! CSV export and all-or-nothing import of volunteers and requests.
//!
//! Exports (`GET /v1/volunteers.csv?hq=`, `GET /v1/requests.csv?hq=&status=`) write a
//! header row and one row per record the token may see. Imports
//! (`POST /v1/volunteers/import?hq=`, `POST /v1/requests/import?hq=`, `Content-Type:
//! text/csv`, a header row, UTF-8) check every row first; when any is wrong nothing is
//! stored and the answer is 422 with every row's errors (`row` counts the header as row 1);
//! else all rows are stored in one transaction (201). An export imports as is: the columns
//! an import does not take (identifiers, status, versions, times) are ignored.
//!
//! Volunteer columns: `id, hq, name, phone, mode, skills, capacity_kg, capacity_bags,
//! max_tasks, status, lon, lat, home_lon, home_lat, shifts, version, updated_at`; an import
//! needs `name, phone, mode`.
//!
//! Request columns: `id, hq, kind, urgency, deadline, status, service_min, load_kg,
//! load_bags, skills, notes, recipient_name, recipient_phone, address, lon, lat,
//! time_windows, volunteer, reason, version, updated_at`; an import needs `kind, urgency,
//! recipient_name, recipient_phone` and `lon, lat` for requests that need a trip.
//!
//! Lists in a cell are `;`-separated: skills `driver;medical`; windows
//! `start/end;start/end` in RFC 3339.

use std::collections::HashMap;
use std::str::FromStr;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::board::{
    BoardError, Imported, NewRequest, NewVolunteer, Recipient, RequestQuery, RowError, Time,
    VolunteerQuery, Window,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{V1Csv, V1Query};
use super::error::{ErrorAnswers, ErrorDetail, V1Error};
use super::pagination::all_pages;
use super::requests::parse_statuses;
use super::state::BoardState;

const VOLUNTEER_COLUMNS: [&str; 17] = [
    "id",
    "hq",
    "name",
    "phone",
    "mode",
    "skills",
    "capacity_kg",
    "capacity_bags",
    "max_tasks",
    "status",
    "lon",
    "lat",
    "home_lon",
    "home_lat",
    "shifts",
    "version",
    "updated_at",
];
const VOLUNTEER_IGNORED: [&str; 6] = [
    "id",
    "hq",
    "position_at",
    "version",
    "created_at",
    "updated_at",
];

const REQUEST_COLUMNS: [&str; 21] = [
    "id",
    "hq",
    "kind",
    "urgency",
    "deadline",
    "status",
    "service_min",
    "load_kg",
    "load_bags",
    "skills",
    "notes",
    "recipient_name",
    "recipient_phone",
    "address",
    "lon",
    "lat",
    "time_windows",
    "volunteer",
    "reason",
    "version",
    "updated_at",
];
const REQUEST_IGNORED: [&str; 8] = [
    "id",
    "hq",
    "status",
    "volunteer",
    "reason",
    "version",
    "created_at",
    "updated_at",
];

/// Which headquarters to export.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this headquarters (default: every one the token covers).
    pub hq: Option<i64>,
    /// Requests only: only these statuses, comma-separated.
    pub status: Option<String>,
}

/// Which headquarters to import into.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The headquarters every row belongs to.
    pub hq: i64,
}

/// What an import did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Rows stored (0 when any row was refused).
    pub imported: usize,
    /// Identifiers of the stored records, in row order.
    pub ids: Vec<i64>,
    /// Why rows were refused.
    pub errors: Vec<RowError>,
}

/// The answer to a refused import: the one error shape, with the report beside it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRefused {
    /// The error (`invalid_rows`).
    pub error: ErrorDetail,
    /// Always 0.
    pub imported: usize,
    /// Why each row was refused.
    pub errors: Vec<RowError>,
}

fn fmt_f64(x: f64) -> String {
    x.to_string()
}

fn fmt_windows(w: &[Window]) -> String {
    w.iter()
        .map(|w| format!("{}/{}", w.start, w.end))
        .collect::<Vec<_>>()
        .join(";")
}

fn csv_answer(name: &str, rows: Vec<Vec<String>>, columns: &[&str]) -> Result<Response, V1Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |_| {
        V1Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    };
    w.write_record(columns).map_err(fail)?;
    for r in rows {
        w.write_record(&r).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|_| {
        V1Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    })?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Volunteers as CSV.
#[utoipa::path(get, path = "/v1/volunteers.csv", tag = "csv", params(ExportQuery),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv", body = String), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn export_volunteers(
    auth: Auth,
    V1Query(q): V1Query<ExportQuery>,
) -> Result<Response, V1Error> {
    let base = VolunteerQuery {
        hqs: q.hq.map(|h| vec![h]),
        ..VolunteerQuery::default()
    };
    let all = all_pages(&auth, &base).await?;
    let rows = all
        .iter()
        .map(|v| {
            let (lon, lat) = split(v.position);
            let (hlon, hlat) = split(v.home);
            vec![
                v.id.to_string(),
                v.hq.to_string(),
                v.name.clone(),
                v.phone.clone(),
                v.mode.profile().to_owned(),
                v.skills.join(";"),
                fmt_f64(v.capacity_kg),
                v.capacity_bags.to_string(),
                v.max_tasks.to_string(),
                wire(&v.status),
                lon,
                lat,
                hlon,
                hlat,
                fmt_windows(&v.shifts),
                v.version.to_string(),
                v.updated_at.to_string(),
            ]
        })
        .collect();
    csv_answer("volunteers.csv", rows, &VOLUNTEER_COLUMNS)
}

fn split(p: Option<[f64; 2]>) -> (String, String) {
    p.map_or((String::new(), String::new()), |[x, y]| {
        (fmt_f64(x), fmt_f64(y))
    })
}

/// The wire name of an enum value (its JSON string).
fn wire<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Requests as CSV.
#[utoipa::path(get, path = "/v1/requests.csv", tag = "csv", params(ExportQuery),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv", body = String), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn export_requests(
    auth: Auth,
    V1Query(q): V1Query<ExportQuery>,
) -> Result<Response, V1Error> {
    let base = RequestQuery {
        hqs: q.hq.map(|h| vec![h]),
        statuses: parse_statuses(q.status.as_deref())?,
        ..RequestQuery::default()
    };
    let all = all_pages(&auth, &base).await?;
    let rows = all
        .iter()
        .map(|r| {
            let (lon, lat) = split(r.location);
            vec![
                r.id.to_string(),
                r.hq.to_string(),
                wire(&r.kind),
                wire(&r.urgency),
                r.deadline.to_string(),
                wire(&r.status),
                r.service_min.to_string(),
                fmt_f64(r.load_kg),
                r.load_bags.to_string(),
                r.skills.join(";"),
                r.notes.clone(),
                r.recipient.name.clone(),
                r.recipient.phone.clone(),
                r.recipient.address.clone(),
                lon,
                lat,
                fmt_windows(&r.time_windows),
                r.volunteer.map(|v| v.to_string()).unwrap_or_default(),
                r.reason.clone().unwrap_or_default(),
                r.version.to_string(),
                r.updated_at.to_string(),
            ]
        })
        .collect();
    csv_answer("requests.csv", rows, &REQUEST_COLUMNS)
}

/// One CSV row being read: its cells by column name, and the errors found so far.
struct Row<'a> {
    n: usize,
    cells: HashMap<&'a str, &'a str>,
    errors: Vec<RowError>,
}

impl Row<'_> {
    fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            row: self.n,
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The cell, trimmed; `None` when absent or empty.
    fn get(&self, field: &str) -> Option<&str> {
        self.cells
            .get(field)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    fn text(&mut self, field: &str) -> String {
        match self.get(field) {
            Some(s) => s.to_owned(),
            None => {
                self.err(field, "required");
                String::new()
            }
        }
    }

    fn parse<T: FromStr>(&mut self, field: &str) -> Option<T> {
        let s = self.get(field)?;
        match s.parse::<T>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.err(field, "not a number of the expected kind");
                None
            }
        }
    }

    /// An enum by its wire name.
    fn named<T: DeserializeOwned>(&mut self, field: &str, required: bool) -> Option<T> {
        let Some(s) = self.get(field) else {
            if required {
                self.err(field, "required");
            }
            return None;
        };
        match serde_json::from_value(serde_json::Value::String(s.to_owned())) {
            Ok(x) => Some(x),
            Err(_) => {
                self.err(field, format!("unknown value {s:?}"));
                None
            }
        }
    }

    fn list(&self, field: &str) -> Vec<String> {
        self.get(field)
            .map(|s| {
                s.split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn point(&mut self, lon: &str, lat: &str) -> Option<[f64; 2]> {
        match (self.parse::<f64>(lon), self.parse::<f64>(lat)) {
            (Some(x), Some(y)) => Some([x, y]),
            (None, None) => None,
            _ => {
                self.err(lon, format!("{lon} and {lat} go together"));
                None
            }
        }
    }

    fn time(&mut self, field: &str) -> Option<Time> {
        let s = self.get(field)?.to_owned();
        match Time::parse_rfc3339(&s) {
            Ok(t) => Some(t),
            Err(m) => {
                self.err(field, m);
                None
            }
        }
    }

    fn windows(&mut self, field: &str) -> Vec<Window> {
        let mut out = Vec::new();
        for part in self.list(field) {
            let parsed = part.split_once('/').and_then(|(a, b)| {
                Some(Window {
                    start: Time::parse_rfc3339(a.trim()).ok()?,
                    end: Time::parse_rfc3339(b.trim()).ok()?,
                })
            });
            match parsed {
                Some(w) => out.push(w),
                None => {
                    self.err(field, "windows are start/end in RFC 3339, ;-separated");
                    return Vec::new();
                }
            }
        }
        out
    }
}

/// Reads a CSV: every row through `read`, with the errors of the header and of each row.
fn read_rows<T>(
    text: &str,
    known: &[&str],
    ignored: &[&str],
    read: impl Fn(&mut Row<'_>) -> T,
) -> Result<Vec<(usize, T)>, Vec<RowError>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header_error = |m: String| {
        vec![RowError {
            row: 1,
            field: String::new(),
            message: m,
        }]
    };
    let headers = r
        .headers()
        .map_err(|e| header_error(format!("unreadable header row: {e}")))?
        .clone();
    let mut errors = Vec::new();
    for h in &headers {
        if !known.contains(&h) && !ignored.contains(&h) {
            errors.push(RowError {
                row: 1,
                field: h.chars().take(64).collect(),
                message: "unknown column".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let n = i + 2;
        if out.len() + errors.len() >= engine::board::MAX_IMPORT_ROWS {
            errors.push(RowError {
                row: n,
                field: String::new(),
                message: format!("more than {} rows", engine::board::MAX_IMPORT_ROWS),
            });
            break;
        }
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                errors.push(RowError {
                    row: n,
                    field: String::new(),
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let mut row = Row {
            n,
            cells: headers.iter().zip(rec.iter()).collect(),
            errors: Vec::new(),
        };
        let value = read(&mut row);
        if row.errors.is_empty() {
            out.push((n, value));
        } else {
            errors.extend(row.errors);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn read_volunteer(hq: i64, r: &mut Row<'_>) -> Option<NewVolunteer> {
    let name = r.text("name");
    let phone = r.text("phone");
    let mode = r.named("mode", true);
    let skills = r.list("skills");
    let capacity_kg = r.parse("capacity_kg");
    let capacity_bags = r.parse("capacity_bags");
    let max_tasks = r.parse("max_tasks");
    let status = r.named("status", false);
    let position = r.point("lon", "lat");
    let home = r.point("home_lon", "home_lat");
    let shifts = r.windows("shifts");
    Some(NewVolunteer {
        hq,
        name,
        phone,
        mode: mode?,
        skills,
        capacity_kg,
        capacity_bags,
        shifts,
        max_tasks,
        home,
        position,
        status,
    })
}

fn read_request(hq: i64, r: &mut Row<'_>) -> Option<NewRequest> {
    let kind = r.named("kind", true);
    let urgency = r.named("urgency", true);
    let deadline = r.time("deadline");
    let service_min = r.parse("service_min");
    let load_kg = r.parse("load_kg");
    let load_bags = r.parse("load_bags");
    let skills = r.list("skills");
    let notes = r.get("notes").map(str::to_owned);
    let recipient = Recipient {
        name: r.text("recipient_name"),
        phone: r.text("recipient_phone"),
        address: r.get("address").unwrap_or("").to_owned(),
    };
    let location = r.point("lon", "lat");
    let time_windows = r.windows("time_windows");
    Some(NewRequest {
        hq,
        kind: kind?,
        urgency: urgency?,
        deadline,
        time_windows,
        service_min,
        load_kg,
        load_bags,
        skills,
        notes,
        recipient,
        location,
        address: None,
    })
}

fn refused(errors: Vec<RowError>) -> Response {
    let body = ImportRefused {
        error: ErrorDetail {
            code: "invalid_rows".into(),
            message: format!("{} errors: nothing was imported", errors.len()),
            details: None,
        },
        imported: 0,
        errors,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

fn report<T>(imported: Imported<T>, id: impl Fn(&T) -> i64) -> Response {
    match imported {
        Imported::Refused(errors) => refused(errors),
        Imported::Stored(xs) => (
            StatusCode::CREATED,
            Json(ImportReport {
                imported: xs.len(),
                ids: xs.iter().map(id).collect(),
                errors: Vec::new(),
            }),
        )
            .into_response(),
    }
}

/// Rows read, with the rows that did not parse reported.
fn parsed<T>(
    rows: Result<Vec<(usize, Option<T>)>, Vec<RowError>>,
) -> Result<Vec<(usize, T)>, Vec<RowError>> {
    Ok(rows?
        .into_iter()
        .filter_map(|(n, x)| x.map(|x| (n, x)))
        .collect())
}

/// The volunteers of a CSV for headquarters `hq` (the columns of `GET /v1/volunteers.csv`),
/// or every row's errors.
///
/// # Errors
/// The errors of the header and of every row that does not parse.
pub fn volunteer_rows(hq: i64, text: &str) -> Result<Vec<(usize, NewVolunteer)>, Vec<RowError>> {
    parsed(read_rows(
        text,
        &VOLUNTEER_COLUMNS,
        &VOLUNTEER_IGNORED,
        |r| read_volunteer(hq, r),
    ))
}

/// The requests of a CSV for headquarters `hq` (the columns of `GET /v1/requests.csv`), or
/// every row's errors.
///
/// # Errors
/// The errors of the header and of every row that does not parse.
pub fn request_rows(hq: i64, text: &str) -> Result<Vec<(usize, NewRequest)>, Vec<RowError>> {
    parsed(read_rows(text, &REQUEST_COLUMNS, &REQUEST_IGNORED, |r| {
        read_request(hq, r)
    }))
}

/// Imports volunteers into a headquarters: all rows or none.
#[utoipa::path(post, path = "/v1/volunteers/import", tag = "csv", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Volunteer rows with a header row"),
    responses(ErrorAnswers,
              (status = 201, description = "Every row stored", body = ImportReport),
              (status = 422, description = "Nothing stored: the errors of each row", body = ImportRefused)),
    security(("bearer" = [])))]
pub async fn import_volunteers(
    auth: Auth,
    V1Query(q): V1Query<ImportQuery>,
    roads: RoadCheck,
    V1Csv(text): V1Csv,
) -> Result<Response, V1Error> {
    auth.who
        .may_manage_volunteers(q.hq)
        .map_err(BoardError::from)?;
    let rows = match volunteer_rows(q.hq, &text) {
        Ok(rows) => rows,
        Err(errors) => return Ok(refused(errors)),
    };
    let done = auth
        .board
        .board
        .import_volunteers(&auth.who, BoardState::now(), rows, &*roads.0)
        .await?;
    Ok(report(done, |x| x.id))
}

/// Imports requests into a headquarters: all rows or none.
#[utoipa::path(post, path = "/v1/requests/import", tag = "csv", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Request rows with a header row"),
    responses(ErrorAnswers,
              (status = 201, description = "Every row stored", body = ImportReport),
              (status = 422, description = "Nothing stored: the errors of each row", body = ImportRefused)),
    security(("bearer" = [])))]
pub async fn import_requests(
    auth: Auth,
    V1Query(q): V1Query<ImportQuery>,
    roads: RoadCheck,
    V1Csv(text): V1Csv,
) -> Result<Response, V1Error> {
    auth.who
        .may_create_request(q.hq)
        .map_err(BoardError::from)?;
    let rows = match request_rows(q.hq, &text) {
        Ok(rows) => rows,
        Err(errors) => return Ok(refused(errors)),
    };
    let done = auth
        .board
        .board
        .import_requests(&auth.who, BoardState::now(), rows, &*roads.0)
        .await?;
    Ok(report(done, |x| x.id))
}
