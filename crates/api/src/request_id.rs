//! Request ids and the request's span. Every request has an id in `x-request-id`: the client's
//! own when it is sane, else a fresh UUID v7. Every response carries it back, the request's span
//! (and so every log line of the request) names it, and a 5xx problem quotes it as `request_id`,
//! so a person reporting a failure can point at its log lines.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use tower_http::request_id::{MakeRequestId, RequestId};
use uuid::Uuid;

/// The header that carries the id, both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id a client may give (a UUID has 36 characters, a W3C trace id 32).
pub const MAX_LEN: usize = 64;

/// What the span names as the route of a request that no route matched (the web app's files
/// and client-side routes, unknown API paths): one fixed text, whatever the path.
pub const UNMATCHED: &str = "(fallback)";

/// Whether a client's id is kept: 1–64 characters, each a letter, a digit or one of `-_.:`.
/// Anything else (control characters, spaces, quotes, other bytes) could forge or garble log
/// lines, or grow them without bound.
pub fn is_sane(id: &HeaderValue) -> bool {
    let b = id.as_bytes();
    !b.is_empty() && b.len() <= MAX_LEN && b.iter().all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
}

/// Drop a client's id that is not sane, or given more than once, so that a fresh one is made.
pub fn drop_insane(mut req: Request) -> Request {
    let mut given = req.headers().get_all(&HEADER).iter();
    let keep = matches!((given.next(), given.next()), (Some(id), None) if is_sane(id));
    if !keep {
        req.headers_mut().remove(&HEADER);
    }
    req
}

/// Makes UUID v7 ids: unique, and ordered by time, so ids sort as their requests came.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeRequestUuidV7;

impl MakeRequestId for MakeRequestUuidV7 {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let mut text = Uuid::encode_buffer();
        HeaderValue::from_str(Uuid::now_v7().hyphenated().encode_lower(&mut text)).ok().map(RequestId::new)
    }
}

/// The request's id, as set by the router's layers (none outside them).
pub fn of(req: &Request) -> Option<&str> {
    req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok())
}

/// The span of a request: the method, the route template (`/api/v1/sessions/{id}/enrolments`,
/// not the path with its ids, which would make every request a log series of its own) and the
/// request id. Never the query string: it can hold secrets (calendar-feed and sign-in tokens).
pub fn span(req: &Request) -> tracing::Span {
    let route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str);
    tracing::info_span!("request", method = %req.method(), route, request_id = of(req).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(ids: &[&[u8]]) -> Request {
        let mut req = Request::new(axum::body::Body::empty());
        for id in ids {
            req.headers_mut().append(&HEADER, HeaderValue::from_bytes(id).unwrap());
        }
        req
    }

    #[test]
    fn only_a_single_sane_id_is_kept() {
        let uuid = "0190c0de-0000-7000-8000-000000000000";
        assert_eq!(drop_insane(with(&[uuid.as_bytes()])).headers()[&HEADER], uuid);
        for kept in ["a", "req:42_b.c", "4bf92f3577b34da6a3ce929d0e0e4736", &"x".repeat(MAX_LEN)] {
            assert!(drop_insane(with(&[kept.as_bytes()])).headers().contains_key(&HEADER), "{kept}");
        }
        let long = "x".repeat(MAX_LEN + 1);
        for dropped in [&long, "", "a b", "a\tb", "a\"b", "<script>", "é"] {
            let req = drop_insane(with(&[dropped.as_bytes()]));
            assert!(!req.headers().contains_key(&HEADER), "{dropped:?} kept");
        }
        assert!(!drop_insane(with(&[b"a", b"b"])).headers().contains_key(&HEADER), "two ids");
        assert!(!drop_insane(with(&[b"\xff\xfe"])).headers().contains_key(&HEADER), "not UTF-8");
    }

    #[test]
    fn fresh_ids_are_uuids_v7_and_sane() {
        let req = Request::new(axum::body::Body::empty());
        let (a, b) =
            (MakeRequestUuidV7.make_request_id(&req).unwrap(), MakeRequestUuidV7.make_request_id(&req).unwrap());
        let a = Uuid::parse_str(a.header_value().to_str().unwrap()).unwrap();
        assert_eq!(a.get_version_num(), 7);
        assert_ne!(Some(a.to_string().as_str()), b.header_value().to_str().ok());
        assert!(is_sane(&HeaderValue::from_str(&a.to_string()).unwrap()));
    }
}
