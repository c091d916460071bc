//! Who a bearer token belongs to, asked of the database as seldom as possible.
//!
//! Every request of an enrolment rush starts by checking its token, and in a rush nearly every
//! token is new to the process (each employee's first click). Checked tokens are remembered for
//! [`SignInCache::TTL`]; tokens not yet known are looked up together: while one lookup is on
//! its way to the database, the tokens asked meanwhile wait for the next, which asks for all of
//! them in one statement (as the enrolment writer commits many enrolments at once). At 64
//! concurrent readers on PostgreSQL that is one round trip for some tens of tokens instead of
//! one each.

use crate::entities::{api_token, person, person_role};
use crate::{Backend, Result, StoreError};
use chrono::{DateTime, Utc};
use leerweek_domain::Role;
use leerweek_domain::access::Actor;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Bearer tokens recently checked, so a rush of requests does not ask the database who each
/// one is. An entry lives [`SignInCache::TTL`]; every change to people, roles or tokens made
/// through this process empties the cache at once, so the TTL only bounds how long another
/// server process may take to notice such a change.
#[derive(Default)]
pub(crate) struct SignInCache {
    /// Each token's actor, and until when that answer may be believed.
    map: std::sync::RwLock<HashMap<String, (Actor, Instant)>>,
    /// Counts the emptyings, so that a lookup that began before one does not refill the cache
    /// with what it read before the change.
    generation: AtomicU64,
}

impl SignInCache {
    /// How long a checked token is believed.
    pub(crate) const TTL: Duration = Duration::from_secs(5);
    const MAX: usize = 100_000;

    pub(crate) fn get(&self, token_hash: &str) -> Option<Actor> {
        let map = self.map.read().ok()?;
        let (actor, until) = map.get(token_hash)?;
        (Instant::now() < *until).then(|| actor.clone())
    }

    /// The generation to pass to [`SignInCache::put`] for a lookup that begins now.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remember what a lookup begun at `generation` found, unless the cache was emptied since:
    /// for [`SignInCache::TTL`], or until the token expires if that comes first.
    pub(crate) fn put(&self, token_hash: String, found: Found, generation: u64) {
        let Found { actor, expires_at } = found;
        let mut until = Instant::now() + Self::TTL;
        if let Some(expires_at) = expires_at {
            let left = (expires_at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            until = until.min(Instant::now() + left);
        }
        if let Ok(mut map) = self.map.write() {
            if self.generation.load(Ordering::Acquire) != generation {
                return;
            }
            if map.len() >= Self::MAX {
                let now = Instant::now();
                map.retain(|_, (_, until)| now < *until);
                if map.len() >= Self::MAX {
                    map.clear();
                }
            }
            map.insert(token_hash, (actor, until));
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            map.clear();
        }
    }
}

/// What a lookup found for a live token: whose it is, and when it expires (if it does).
#[derive(Clone)]
pub(crate) struct Found {
    pub(crate) actor: Actor,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

/// One token to look up, and where its answer goes.
pub(crate) struct Ask {
    hash: String,
    answer: oneshot::Sender<std::result::Result<Option<Actor>, Failed>>,
}

/// Why a lookup together gave no answer.
#[derive(Clone)]
enum Failed {
    /// The database is unreachable or overloaded: every token asked meanwhile gets this answer
    /// (a 503) at once, instead of waiting for another attempt to time out in its turn.
    Unavailable(String),
    /// Anything else (not expected): each asks alone, so the error is its own.
    AskAlone,
}

/// Most tokens one lookup asks for.
const MOST: usize = 256;

/// Start the task that looks tokens up together; it ends when every sender is gone.
pub(crate) fn spawn(
    db: DatabaseConnection,
    backend: Backend,
    cache: Arc<SignInCache>,
    done: crate::background::Finished,
) -> mpsc::UnboundedSender<Ask> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let _done = done;
        lookups(db, backend, cache, rx).await;
    });
    tx
}

async fn lookups(
    db: DatabaseConnection,
    backend: Backend,
    cache: Arc<SignInCache>,
    mut rx: mpsc::UnboundedReceiver<Ask>,
) {
    let mut asks = Vec::with_capacity(MOST);
    while rx.recv_many(&mut asks, MOST).await > 0 {
        let generation = cache.generation();
        let mut waiting: HashMap<String, Vec<oneshot::Sender<_>>> = HashMap::with_capacity(asks.len());
        for ask in asks.drain(..) {
            waiting.entry(ask.hash).or_default().push(ask.answer);
        }
        let hashes: Vec<String> = waiting.keys().cloned().collect();
        match actors_of(&db, backend, &hashes).await {
            Ok(mut found) => {
                for (hash, answers) in waiting {
                    let found = found.remove(&hash);
                    let actor = found.as_ref().map(|f| f.actor.clone());
                    if let Some(found) = found {
                        cache.put(hash, found, generation);
                    }
                    for answer in answers {
                        let _ = answer.send(Ok(actor.clone()));
                    }
                }
            }
            Err(StoreError::Unavailable(text)) => {
                // Those who asked while this lookup waited for the database have waited as long
                // as a lookup of their own could: they get the same answer.
                while let Ok(ask) = rx.try_recv() {
                    waiting.entry(ask.hash).or_default().push(ask.answer);
                }
                tracing::debug!(error = %text, tokens = waiting.len(), "looking up tokens: the database is unavailable");
                for answer in waiting.into_values().flatten() {
                    let _ = answer.send(Err(Failed::Unavailable(text.clone())));
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, tokens = hashes.len(), "looking up tokens together failed; each asks alone");
                for answer in waiting.into_values().flatten() {
                    let _ = answer.send(Err(Failed::AskAlone));
                }
            }
        }
    }
}

/// The actor of a token by its hash: from the cache, else looked up with the others asked now.
pub(crate) async fn actor_of(
    db: &DatabaseConnection,
    backend: Backend,
    cache: &SignInCache,
    queue: Option<&mpsc::UnboundedSender<Ask>>,
    hash: String,
) -> Result<Option<Actor>> {
    if let Some(actor) = cache.get(&hash) {
        return Ok(Some(actor));
    }
    if let Some(queue) = queue {
        let (answer, answered) = oneshot::channel();
        if queue.send(Ask { hash: hash.clone(), answer }).is_ok() {
            match answered.await {
                Ok(Ok(actor)) => return Ok(actor),
                Ok(Err(Failed::Unavailable(text))) => return Err(StoreError::Unavailable(text)),
                Ok(Err(Failed::AskAlone)) | Err(_) => {}
            }
        }
    }
    // No lookup task, or the lookup failed: ask alone, so the error is this request's own.
    let generation = cache.generation();
    let found = actors_of(db, backend, std::slice::from_ref(&hash)).await?.remove(&hash);
    let actor = found.as_ref().map(|f| f.actor.clone());
    if let Some(found) = found {
        cache.put(hash, found, generation);
    }
    Ok(actor)
}

/// The statement that finds the actors of the tokens with these hashes: token, person and roles.
pub(crate) fn lookup_query(list: Vec<String>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((api_token::Entity, api_token::Column::TokenHash))
        .column((api_token::Entity, api_token::Column::ExpiresAt))
        .column((person::Entity, person::Column::Id))
        .column((person::Entity, person::Column::OrganisationId))
        .expr_as(Expr::col((person_role::Entity, person_role::Column::Role)), Alias::new("role"))
        .from(api_token::Entity)
        .join(
            JoinType::InnerJoin,
            person::Entity,
            Expr::col((person::Entity, person::Column::Id)).equals((api_token::Entity, api_token::Column::PersonId)),
        )
        .join(
            JoinType::LeftJoin,
            person_role::Entity,
            Expr::col((person_role::Entity, person_role::Column::PersonId))
                .equals((person::Entity, person::Column::Id)),
        )
        .and_where(Expr::col((api_token::Entity, api_token::Column::TokenHash)).is_in(list))
        .and_where(Expr::col((api_token::Entity, api_token::Column::RevokedAt)).is_null())
        // People who left cannot sign in, even with a token an import did not revoke.
        .and_where(Expr::col((person::Entity, person::Column::LeftAt)).is_null())
        .to_owned()
}

/// The actors of the live tokens among `hashes` (not revoked, not expired), in one statement:
/// token, person and roles joined.
async fn actors_of(db: &DatabaseConnection, backend: Backend, hashes: &[String]) -> Result<HashMap<String, Found>> {
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    // On SQLite the list is padded to a power of two by repeating its last entry, so that the
    // few statement texts stay prepared in the connection's cache instead of being parsed anew.
    let to = if backend == Backend::Sqlite { hashes.len().next_power_of_two() } else { 0 };
    let list = crate::db::padded(hashes.to_vec(), to);
    let q = lookup_query(list);
    let mut found: HashMap<String, Found> = HashMap::new();
    let now = Utc::now();
    for row in db.query_all(&q).await? {
        let expires_at: Option<DateTime<Utc>> = row.try_get("", "expires_at")?;
        if expires_at.is_some_and(|at| at <= now) {
            continue;
        }
        let hash: String = row.try_get("", "token_hash")?;
        let person_id = row.try_get("", "id")?;
        let organisation_id = row.try_get("", "organisation_id")?;
        let actor = &mut found
            .entry(hash)
            .or_insert_with(|| Found { actor: Actor { person_id, organisation_id, roles: Vec::new() }, expires_at })
            .actor;
        if let Some(role) = row.try_get::<Option<String>>("", "role")?
            && let Ok(role) = Role::parse(&role)
            && !actor.roles.contains(&role)
        {
            actor.roles.push(role);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::{Found, SignInCache};
    use chrono::{Duration, Utc};
    use leerweek_domain::access::Actor;
    use uuid::Uuid;

    fn someone() -> Found {
        Found {
            actor: Actor { person_id: Uuid::now_v7(), organisation_id: Uuid::now_v7(), roles: Vec::new() },
            expires_at: None,
        }
    }

    /// A lookup that read the database before a change (a revoked token, a role taken away) must
    /// not put what it read into the cache after the change emptied it.
    #[test]
    fn a_lookup_begun_before_the_cache_was_emptied_is_not_remembered() {
        let cache = SignInCache::default();
        let before = cache.generation();
        cache.clear();
        cache.put("a".into(), someone(), before);
        assert!(cache.get("a").is_none(), "a lookup from before the change was remembered");
        cache.put("a".into(), someone(), cache.generation());
        assert!(cache.get("a").is_some(), "a lookup from after the change was not remembered");
    }

    /// A token that expires before the cache's time is up is believed only until it expires.
    #[test]
    fn a_remembered_token_is_not_believed_past_its_expiry() {
        let cache = SignInCache::default();
        let expired = Found { expires_at: Some(Utc::now() - Duration::seconds(1)), ..someone() };
        cache.put("gone".into(), expired, cache.generation());
        assert!(cache.get("gone").is_none(), "an expired token was believed");
        let later = Found { expires_at: Some(Utc::now() + Duration::hours(1)), ..someone() };
        cache.put("live".into(), later, cache.generation());
        assert!(cache.get("live").is_some(), "a live token was not remembered");
    }
}
