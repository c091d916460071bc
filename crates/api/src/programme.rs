//! The programme of an event, shared among its readers for a moment.
//!
//! The programme is the busiest read of an enrolment rush: everyone keeps reloading the week's
//! sessions with their seat counts, while those counts change many times a second. Reading the
//! event, its workshops, sessions and quotas for every request (and rendering hundreds of
//! sessions to JSON) would make each read cost as much as an enrolment. So the part of the
//! programme that is the same for every viewer is read once and rendered once, and shared:
//!
//! - a snapshot is served while it is younger than [`MAX_AGE`] (500 ms, counted from the moment
//!   its reading began), so seat counts are never staler than that; after [`REFRESH_AFTER`]
//!   (250 ms) the next request reads a new one while the others are still served the current
//!   one, so under load no reader waits for a refresh;
//! - a change of the week's shape made through this process (an event, workshop or session
//!   created, changed, published or cancelled) drops every snapshot at once
//!   ([`ProgrammeCache::invalidate`]); made through another server copy, it shows within
//!   [`MAX_AGE`];
//! - what differs per viewer is applied per request on top of the snapshot: whether they may see
//!   the week, the filters, and the seats of sessions with per-organisation quotas (rendered per
//!   request; the rest are rendered once). The unfiltered programme of a week without quotas is
//!   one pre-rendered body (also gzipped), with an `ETag` for `If-None-Match` → `304`.
//!
//! Nothing that decides an enrolment reads this cache: enrolments lock and read the session row.

use crate::problem::ApiError;
use crate::routes::events::EventInfoDto;
use crate::routes::programme::ProgrammeItemDto;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_store::Store;
use leerweek_store::programme::{self, ProgrammeData, ProgrammeFilter};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Longest a snapshot is served, from the moment its reading began.
pub const MAX_AGE: Duration = Duration::from_millis(500);
/// Age after which the next request reads a new snapshot.
pub const REFRESH_AFTER: Duration = Duration::from_millis(250);

/// The shared programme snapshots, one per event.
#[derive(Default)]
pub struct ProgrammeCache {
    generation: AtomicU64,
    slots: Mutex<HashMap<Uuid, Slot>>,
}

#[derive(Default, Clone)]
struct Slot {
    current: Option<Arc<Snapshot>>,
    refresh: Arc<tokio::sync::Mutex<()>>,
}

/// One read of an event's programme, rendered.
struct Snapshot {
    began: Instant,
    generation: u64,
    /// `None`: no such event.
    data: Option<ProgrammeData>,
    names: HashMap<Uuid, String>,
    /// `{"event":…,"sessions":[` of the body.
    head: Bytes,
    /// Each entry rendered, where its seats are the same for every viewer (no quotas).
    items: Vec<Option<Bytes>>,
    /// The whole unfiltered body, when no session has quotas.
    full: Option<Full>,
}

struct Full {
    body: Bytes,
    gzip: Option<Bytes>,
    etag: String,
}

impl Snapshot {
    fn fresh(&self, generation: u64, age: Duration) -> bool {
        self.generation == generation && self.began.elapsed() < age
    }
}

impl ProgrammeCache {
    /// Drop every snapshot: the shape of a week changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn slot(&self, event_id: Uuid) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(event_id).or_default().clone()
    }

    fn store_snapshot(&self, event_id: Uuid, s: Arc<Snapshot>) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.entry(event_id).or_default();
        if slot.current.as_ref().is_none_or(|c| c.began < s.began) {
            slot.current = Some(s);
        }
        // Forget weeks nobody read for a while, so the map cannot grow without bound.
        slots.retain(|_, v| v.current.as_ref().is_none_or(|c| c.began.elapsed() < Duration::from_secs(60)));
    }

    async fn snapshot(&self, store: &Store, event_id: Uuid) -> Result<Arc<Snapshot>, ApiError> {
        let generation = self.generation.load(Ordering::SeqCst);
        let slot = self.slot(event_id);
        if let Some(s) = &slot.current {
            if s.fresh(generation, REFRESH_AFTER) {
                return Ok(s.clone());
            }
            if s.fresh(generation, MAX_AGE) {
                // Young enough: one request refreshes, the others keep being served.
                let Ok(_refreshing) = slot.refresh.try_lock() else { return Ok(s.clone()) };
                let new = Arc::new(build(store, generation, event_id).await?);
                self.store_snapshot(event_id, new.clone());
                return Ok(new);
            }
        }
        // Too old or none: wait for the refresh under way (and take it, when it is young enough),
        // or make one.
        let _refreshing = slot.refresh.lock().await;
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(s) = self.slot(event_id).current
            && s.fresh(generation, MAX_AGE)
        {
            return Ok(s);
        }
        let new = Arc::new(build(store, generation, event_id).await?);
        self.store_snapshot(event_id, new.clone());
        Ok(new)
    }

    /// The programme response for `actor`: `200` with JSON (gzipped when accepted and
    /// unfiltered), `304` when `If-None-Match` names the current body, `404` when the week does
    /// not exist or is not theirs to see.
    pub async fn respond(
        &self,
        store: &Store,
        actor: &Actor,
        event_id: Uuid,
        f: &ProgrammeFilter,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) -> Result<Response, ApiError> {
        let snap = self.snapshot(store, event_id).await?;
        let data = match &snap.data {
            Some(d) if d.visible_to(actor) => d,
            _ => return Err(leerweek_store::StoreError::NotFound("event").into()),
        };
        if f.is_empty()
            && let Some(full) = &snap.full
        {
            let gzip = accepts_gzip(headers).then_some(full.gzip.as_ref()).flatten();
            let etag = if gzip.is_some() { format!("\"{}-gz\"", full.etag) } else { format!("\"{}\"", full.etag) };
            return Ok(answer(headers, gzip.unwrap_or(&full.body).clone(), etag, gzip.is_some()));
        }
        let tz = data.event.time_zone;
        let mut body = Vec::with_capacity(snap.head.len() + 600 * snap.items.len());
        body.extend_from_slice(&snap.head);
        let mut first = true;
        for (e, rendered) in data.entries.iter().zip(&snap.items) {
            if !f.matches(e, tz) {
                continue;
            }
            let seats_left = e.seats_left(actor.organisation_id, now);
            if f.available && seats_left == 0 {
                continue;
            }
            if !first {
                body.push(b',');
            }
            first = false;
            match rendered {
                Some(b) => body.extend_from_slice(b),
                None => serde_json::to_writer(&mut body, &ProgrammeItemDto::of(e, seats_left, &snap.names))
                    .map_err(rendering)?,
            }
        }
        body.extend_from_slice(b"]}");
        let etag = format!("\"{}\"", hash(&body));
        Ok(answer(headers, Bytes::from(body), etag, false))
    }
}

/// Read and render a snapshot; its age counts from before the first read.
async fn build(store: &Store, generation: u64, event_id: Uuid) -> Result<Snapshot, ApiError> {
    let began = Instant::now();
    let data = programme::programme_data(store, event_id).await?;
    let names: HashMap<Uuid, String> = match &data {
        Some(_) => {
            leerweek_store::people::list_organisations(store).await?.into_iter().map(|o| (o.id, o.name)).collect()
        }
        None => HashMap::new(),
    };
    let Some(d) = &data else {
        return Ok(Snapshot { began, generation, data, names, head: Bytes::new(), items: vec![], full: None });
    };
    let mut head = br#"{"event":"#.to_vec();
    serde_json::to_writer(&mut head, &EventInfoDto::from(d.event.clone())).map_err(rendering)?;
    head.extend_from_slice(br#","sessions":["#);
    let mut items = Vec::with_capacity(d.entries.len());
    for e in &d.entries {
        items.push(if e.quotas.is_empty() {
            let dto = ProgrammeItemDto::of(e, e.seats_left(Uuid::nil(), Utc::now()), &names);
            Some(Bytes::from(serde_json::to_vec(&dto).map_err(rendering)?))
        } else {
            None
        });
    }
    let full = if items.iter().all(Option::is_some) {
        let mut body = Vec::with_capacity(head.len() + items.iter().flatten().map(|b| b.len() + 1).sum::<usize>() + 2);
        body.extend_from_slice(&head);
        for (i, b) in items.iter().flatten().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(b);
        }
        body.extend_from_slice(b"]}");
        let etag = hash(&body);
        let gzip = gzip(&body);
        Some(Full { body: Bytes::from(body), gzip, etag })
    } else {
        None
    };
    Ok(Snapshot { began, generation, data, names, head: Bytes::from(head), items, full })
}

fn hash(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The body gzipped at zlib's default level (6). It is compressed once per snapshot and sent to
/// every reader, so a smaller body wins over a faster compression: on the rush week's programme
/// (600 sessions, 357 kB of JSON) level 1 took 1.0 ms for 33 kB, level 6 3.6 ms for 21 kB
/// (level 9: 5.2 ms, 20.6 kB). During a rush that is four compressions a second against
/// thousands of reads, each 12 kB shorter to write and to download.
fn gzip(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 8), flate2::Compression::default());
    enc.write_all(body).ok()?;
    enc.finish().ok().map(Bytes::from)
}

/// Whether the request accepts a gzip body (`Accept-Encoding: gzip`, not `gzip;q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok());
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && q.is_none_or(|q| q > 0.0)
        },
    )
}

/// `304` when `If-None-Match` names `etag`, else `200` with the body.
fn answer(headers: &HeaderMap, body: Bytes, etag: String, gzipped: bool) -> Response {
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    // Per viewer (quotas, access) and fresh every moment: browsers must ask again each time.
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache")),
        (header::VARY, HeaderValue::from_static("Accept-Encoding, Authorization, Cookie")),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let mut res =
        (common, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
    if gzipped {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    res
}

/// Rendering plain data to JSON does not fail; were it ever to, it is an internal error (500).
fn rendering(e: serde_json::Error) -> ApiError {
    ApiError::Internal(format!("rendering the programme: {e}"))
}
