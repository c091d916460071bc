//! What a rush left in the database, read with the bench's own SQL: nothing overbooked, counters
//! that agree with a recount, and waiting lists numbered without gaps.

use crate::db;
use crate::fixtures::RushWeek;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashMap;

/// The outcome of [`check`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Checked {
    /// Sessions with more seats taken than they have.
    pub overbooked: usize,
    /// Sessions whose counters differ from a recount of the rows.
    pub miscounted: usize,
    /// Sessions whose waiting list is not numbered 1, 2, 3, … (a gap or a number given twice).
    pub gaps: usize,
    /// Seats filled / all seats.
    pub filled: f64,
}

/// Check the week after a rush (no one cancelled, so every waiting list must be numbered 1..n).
pub(crate) async fn check(conn: &DatabaseConnection, week: &RushWeek) -> anyhow::Result<Checked> {
    let sql = "SELECT s.capacity, s.confirmed_count, s.waitlist_count, \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'confirmed'), \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted'), \
           (SELECT COUNT(DISTINCT e.waitlist_seq) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted'), \
           (SELECT COALESCE(MIN(e.waitlist_seq), 1) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted'), \
           (SELECT COALESCE(MAX(e.waitlist_seq), 0) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') \
         FROM sessions s WHERE s.event_id = $1";
    let rows = conn.query_all_raw(db::statement(conn, sql, vec![week.event_id.into()])).await?;
    anyhow::ensure!(rows.len() == week.sessions.len(), "{} of {} sessions", rows.len(), week.sessions.len());
    let (mut c, mut taken, mut seats) = (Checked::default(), 0i64, 0i64);
    for r in rows {
        let (capacity, counter, waiting_counter, confirmed, waiting, distinct, first, last): (
            i32,
            i32,
            i32,
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = r.try_get_many_by_index()?;
        if confirmed > capacity as i64 {
            c.overbooked += 1;
        }
        if counter as i64 != confirmed || waiting_counter as i64 != waiting {
            c.miscounted += 1;
        }
        if distinct != waiting || (waiting > 0 && (first != 1 || last != waiting)) {
            c.gaps += 1;
        }
        taken += confirmed;
        seats += capacity as i64;
    }
    c.filled = taken as f64 / seats.max(1) as f64;
    Ok(c)
}

/// Sessions whose waiting-list places, as the answers told them to the people, are not 1..n
/// (`answered`: (session index, place) of every `waitlisted` answer).
pub(crate) fn gaps_in_answers(answered: &[(u32, u32)]) -> usize {
    let mut per_session: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(session, place) in answered {
        per_session.entry(session).or_default().push(place);
    }
    per_session
        .into_values()
        .filter(|places| {
            let mut places = places.clone();
            places.sort_unstable();
            places.iter().enumerate().any(|(i, &p)| p as usize != i + 1)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answered_places_must_be_one_to_n_per_session() {
        assert_eq!(gaps_in_answers(&[(0, 2), (0, 1), (1, 1), (0, 3)]), 0);
        assert_eq!(gaps_in_answers(&[(0, 1), (0, 3)]), 1, "a gap");
        assert_eq!(gaps_in_answers(&[(0, 1), (0, 1), (1, 2)]), 2, "a place given twice, and a list not from 1");
    }
}
