//! Certificates of attendance: issued for a seat whose attendance was present (on the first
//! download, by the person or the host's organisers), verified by anyone with the code,
//! revoked by the host's organisers or by a corrected attendance, and signed as Open Badges
//! credentials with the installation's key ([`keys`]).

pub mod keys;

use crate::entities::{certificate, enrolment, organisation, person, session, workshop};
use crate::lookup::{load_event, load_workshop};
use crate::{Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::certificate::{Code, may_have, minutes};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Entries of one status list (the Bitstring Status List's minimum length, 16 KB of bits).
pub const STATUS_LIST_LENGTH: u32 = 131_072;
/// Certificates placed in one list before the next is started: a list stays sparse, so a
/// certificate's index tells little about when it was issued.
const PER_LIST: u64 = 100_000;

/// A skill as a certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedSkill {
    /// Dutch name.
    pub name_nl: String,
    /// English name.
    pub name_en: Option<String>,
    /// ESCO skill.
    pub esco_uri: Option<String>,
}

/// A certificate as it was issued.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// Id.
    pub id: Uuid,
    /// The seat it is for.
    pub enrolment_id: Uuid,
    /// Whose.
    pub person_id: Uuid,
    /// Which session.
    pub session_id: Uuid,
    /// Verification code.
    pub code: Code,
    /// Its status list.
    pub status_list: u32,
    /// Its bit in the list.
    pub status_index: u32,
    /// The name printed.
    pub person_name: String,
    /// The workshop.
    pub workshop_title: String,
    /// The week.
    pub event_name: String,
    /// The host organisation's name.
    pub host_organisation: String,
    /// The trainer.
    pub trainer: Option<String>,
    /// Session start.
    pub starts_at: DateTime<Utc>,
    /// Session end.
    pub ends_at: DateTime<Utc>,
    /// Study time in minutes.
    pub minutes: u32,
    /// Skills the workshop taught.
    pub skills: Vec<CertifiedSkill>,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why revoked.
    pub revoked_reason: Option<String>,
    /// The person's language, for the document.
    pub language: leerweek_domain::Language,
}

fn to_certificate(m: certificate::Model, language: leerweek_domain::Language) -> Certificate {
    Certificate {
        id: m.id,
        enrolment_id: m.enrolment_id,
        person_id: m.person_id,
        session_id: m.session_id,
        code: Code::parse(&m.code).unwrap_or_else(|_| Code::from_random(0)),
        status_list: m.status_list.max(1) as u32,
        status_index: m.status_index.max(0) as u32,
        person_name: m.person_name,
        workshop_title: m.workshop_title,
        event_name: m.event_name,
        host_organisation: m.host_organisation,
        trainer: m.trainer,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        minutes: m.minutes.max(0) as u32,
        skills: serde_json::from_str(&m.skills).unwrap_or_default(),
        issued_at: m.issued_at,
        revoked_at: m.revoked_at,
        revoked_reason: m.revoked_reason,
        language,
    }
}

/// The certificate of an enrolment: the one issued before, or a new one. Only the person
/// themself and the host's organisers (and admins) may have it; only an attended seat gives
/// one (`NotAttended`).
pub async fn for_enrolment(
    store: &Store,
    actor: &Actor,
    enrolment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Certificate> {
    let c = store.conn();
    let e = enrolment::Entity::find_by_id(enrolment_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let s = session::Entity::find_by_id(e.session_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let w = load_workshop(c, s.workshop_id).await?.ok_or(StoreError::NotFound("enrolment"))?.workshop;
    if e.person_id != actor.person_id && !actor.may_manage_workshop(w.host_organisation_id) {
        return Err(StoreError::NotFound("enrolment"));
    }
    let p = person::Entity::find_by_id(e.person_id).one(c).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let language = mapping::language(&p.language);
    if let Some(m) = valid_of(c, enrolment_id).await? {
        return Ok(to_certificate(m, language));
    }
    may_have(e.attendance.as_deref().map(mapping::attendance))?;
    let txn = store.write().await?;
    // Issued meanwhile by another request: that one. Attendance corrected meanwhile: none.
    if let Some(m) = valid_of(&*txn, enrolment_id).await? {
        return Ok(to_certificate(m, language));
    }
    let now_marked = enrolment::Entity::find_by_id(enrolment_id).one(&*txn).await?.and_then(|e| e.attendance);
    may_have(now_marked.as_deref().map(mapping::attendance))?;
    let event = load_event(&*txn, w.event_id).await?.ok_or(StoreError::NotFound("enrolment"))?.event;
    let host = organisation::Entity::find_by_id(w.host_organisation_id).one(&*txn).await?;
    let skills: Vec<CertifiedSkill> = crate::skills::of_workshops(&*txn, &[w.id])
        .await?
        .remove(&w.id)
        .unwrap_or_default()
        .into_iter()
        .map(|s| CertifiedSkill { name_nl: s.name_nl, name_en: s.name_en, esco_uri: s.esco_uri })
        .collect();
    let list = 1 + (certificate::Entity::find().count(&*txn).await? / PER_LIST) as i32;
    // A random free place in the list (the Bitstring Status List's advice: an index that
    // follows the order of issue would tell when a certificate was issued). A list is kept at
    // most ~76 % full, so a free place is found in a few indexed looks.
    let index = loop {
        let i = (rand::random::<u32>() % STATUS_LIST_LENGTH) as i32;
        let taken = certificate::Entity::find()
            .filter(certificate::Column::StatusList.eq(list))
            .filter(certificate::Column::StatusIndex.eq(i))
            .count(&*txn)
            .await?;
        if taken == 0 {
            break i;
        }
    };
    let m = certificate::ActiveModel {
        id: Set(Uuid::now_v7()),
        enrolment_id: Set(enrolment_id),
        person_id: Set(e.person_id),
        session_id: Set(s.id),
        code: Set(Code::from_random(rand::random::<u64>()).as_str().to_owned()),
        status_list: Set(list),
        status_index: Set(index),
        person_name: Set(p.name.clone()),
        workshop_title: Set(w.title.clone()),
        event_name: Set(event.name.clone()),
        host_organisation: Set(host.map(|h| h.name).unwrap_or_default()),
        trainer: Set(w.trainer.clone()),
        starts_at: Set(s.starts_at),
        ends_at: Set(s.ends_at),
        minutes: Set(e.credited_minutes.unwrap_or_else(|| minutes(s.starts_at, s.ends_at).min(i32::MAX as u32) as i32)),
        skills: Set(serde_json::to_string(&skills).unwrap_or_else(|_| "[]".into())),
        issued_at: Set(now),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&*txn)
    .await;
    let m = match m {
        Ok(m) => m,
        // Another server issued it between our look and our insert (PostgreSQL): theirs.
        Err(e) => {
            let e = StoreError::from(e);
            drop(txn);
            if matches!(e, StoreError::Conflict(_))
                && let Some(m) = valid_of(store.conn(), enrolment_id).await?
            {
                return Ok(to_certificate(m, language));
            }
            return Err(e);
        }
    };
    audit::record(&*txn, Some(actor.person_id), "certificate.issue", ("certificate", m.id), None::<&()>, Some(&m), now)
        .await?;
    txn.commit().await?;
    tracing::info!(certificate = %m.id, enrolment = %enrolment_id, "certificate issued");
    Ok(to_certificate(m, language))
}

async fn valid_of(c: &impl ConnectionTrait, enrolment_id: Uuid) -> Result<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::EnrolmentId.eq(enrolment_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .one(c)
        .await?)
}

/// The host's view of a session: the session's host, checked against the actor.
async fn hosted_session(c: &impl ConnectionTrait, actor: &Actor, session_id: Uuid) -> Result<session::Model> {
    let s = session::Entity::find_by_id(session_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let w = load_workshop(c, s.workshop_id).await?.ok_or(StoreError::NotFound("session"))?.workshop;
    let e = load_event(c, w.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("session"));
    }
    if !actor.may_manage_workshop(w.host_organisation_id) {
        return Err(StoreError::Forbidden);
    }
    Ok(s)
}

/// Every certificate issued for a session, revoked ones too, by name (the host's organisers,
/// admins).
pub async fn of_session(store: &Store, actor: &Actor, session_id: Uuid) -> Result<Vec<Certificate>> {
    hosted_session(store.conn(), actor, session_id).await?;
    let mut out: Vec<Certificate> = certificate::Entity::find()
        .filter(certificate::Column::SessionId.eq(session_id))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|m| to_certificate(m, leerweek_domain::Language::Nl))
        .collect();
    out.sort_by(|a, b| a.person_name.cmp(&b.person_name).then(a.issued_at.cmp(&b.issued_at)));
    Ok(out)
}

/// The valid certificates of everyone recorded present at a session, issued where not yet
/// (the host's organisers, admins; for printing them all), by name.
pub async fn issue_for_session(
    store: &Store,
    actor: &Actor,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Certificate>> {
    hosted_session(store.conn(), actor, session_id).await?;
    let present: Vec<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Attendance.eq(leerweek_domain::attendance::Attendance::Present.as_str()))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let mut out = Vec::with_capacity(present.len());
    for e in present {
        out.push(for_enrolment(store, actor, e, now).await?);
    }
    out.sort_by(|a, b| a.person_name.cmp(&b.person_name));
    Ok(out)
}

/// A certificate by its code, for anyone (public verification); `None`: no such code.
pub async fn by_code(store: &Store, code: &Code) -> Result<Option<Certificate>> {
    let m = certificate::Entity::find().filter(certificate::Column::Code.eq(code.as_str())).one(store.conn()).await?;
    Ok(m.map(|m| to_certificate(m, leerweek_domain::Language::Nl)))
}

/// Revoke a certificate (the host's organisers, admins): the verification page and the status
/// list say so from now on. Revoking a revoked one changes nothing.
pub async fn revoke(
    store: &Store,
    actor: &Actor,
    code: &Code,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Certificate> {
    let txn = store.write().await?;
    let m = certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code.as_str()))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("certificate"))?;
    let s = session::Entity::find_by_id(m.session_id).one(&*txn).await?.ok_or(StoreError::NotFound("certificate"))?;
    let host = workshop::Entity::find_by_id(s.workshop_id)
        .one(&*txn)
        .await?
        .map(|w| w.host_organisation_id)
        .ok_or(StoreError::NotFound("certificate"))?;
    if !actor.may_manage_workshop(host) {
        return Err(if m.person_id == actor.person_id {
            StoreError::Forbidden
        } else {
            StoreError::NotFound("certificate")
        });
    }
    if m.revoked_at.is_some() {
        return Ok(to_certificate(m, leerweek_domain::Language::Nl));
    }
    let before = m.clone();
    let mut am: certificate::ActiveModel = m.into();
    am.revoked_at = Set(Some(now));
    am.revoked_by = Set(Some(actor.person_id));
    am.revoked_reason = Set(reason);
    let after = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "certificate.revoke",
        ("certificate", after.id),
        Some(&before),
        Some(&after),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(to_certificate(after, leerweek_domain::Language::Nl))
}

/// Revoke the certificate of an enrolment whose attendance is no longer present (in the
/// caller's transaction).
pub(crate) async fn revoke_for_attendance(
    c: &impl ConnectionTrait,
    enrolment_id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedBy, Expr::value(by))
        .col_expr(certificate::Column::RevokedReason, Expr::value("attendance corrected"))
        .filter(certificate::Column::EnrolmentId.eq(enrolment_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// An erased or anonymised person's certificates: the name goes and each is revoked (it then
/// verifies as revoked, for an unknown person). In the caller's transaction.
pub(crate) async fn forget_person(
    c: &impl ConnectionTrait,
    person_id: Uuid,
    name: &str,
    why: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::PersonName, Expr::value(name))
        .filter(certificate::Column::PersonId.eq(person_id))
        .exec(c)
        .await?;
    certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedReason, Expr::value(why))
        .filter(certificate::Column::PersonId.eq(person_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// The certificates of an enrolment whose person retention anonymised: they pass to the
/// stand-in with the enrolment, lose the name and are revoked. In the caller's transaction.
pub(crate) async fn anonymise_enrolment(
    c: &impl ConnectionTrait,
    enrolment_id: Uuid,
    stand_in: Uuid,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::PersonId, Expr::value(stand_in))
        .col_expr(certificate::Column::PersonName, Expr::value(name))
        .col_expr(certificate::Column::RevokedBy, Expr::value(Option::<Uuid>::None))
        .filter(certificate::Column::EnrolmentId.eq(enrolment_id))
        .exec(c)
        .await?;
    certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedReason, Expr::value("anonymised after the retention period"))
        .filter(certificate::Column::EnrolmentId.eq(enrolment_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// The revoked entries of a status list (for its credential); `None` when no certificate is
/// in that list.
pub async fn revoked_in(store: &Store, list: u32) -> Result<Option<Vec<u32>>> {
    let rows = certificate::Entity::find()
        .filter(certificate::Column::StatusList.eq(list as i32))
        .order_by_asc(certificate::Column::StatusIndex)
        .all(store.conn())
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(rows.iter().filter(|r| r.revoked_at.is_some()).map(|r| r.status_index.max(0) as u32).collect()))
}
