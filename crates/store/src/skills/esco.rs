//! ESCO skills an admin uploaded (the EU's classification publishes one CSV per language), to
//! search when adding a skill to the vocabulary.

use crate::entities::{esco_concept, skill};
use crate::search::{contains, pattern};
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::Language;
use leerweek_domain::access::Actor;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// One ESCO skill read from a file.
#[derive(Debug, Clone)]
pub struct EscoConcept {
    /// Its URI (checked: an ESCO skill address).
    pub uri: String,
    /// Preferred label in the file's language.
    pub label: String,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// Description, if any.
    pub description: Option<String>,
}

/// An ESCO skill found by a search.
#[derive(Debug, Clone)]
pub struct EscoMatch {
    /// URI.
    pub uri: String,
    /// Dutch label, if the Dutch file was uploaded.
    pub label_nl: Option<String>,
    /// English label, if the English file was uploaded.
    pub label_en: Option<String>,
    /// Description in Dutch or else English.
    pub description: Option<String>,
    /// The vocabulary's skill linked to it, if any.
    pub skill_id: Option<Uuid>,
}

/// What an upload did.
#[derive(Debug, Clone, Copy)]
pub struct EscoImported {
    /// Concepts read and stored.
    pub concepts: u64,
    /// ESCO skills known now (both languages).
    pub known: u64,
}

/// Store the concepts of one language's file (admins); labels of the other language stay.
pub async fn import(
    store: &Store,
    actor: &Actor,
    language: Language,
    concepts: Vec<EscoConcept>,
    now: DateTime<Utc>,
) -> Result<EscoImported> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    use esco_concept::Column as C;
    let (label, description, search) = match language {
        Language::Nl => (C::LabelNl, C::DescriptionNl, C::SearchNl),
        Language::En => (C::LabelEn, C::DescriptionEn, C::SearchEn),
    };
    let n = concepts.len() as u64;
    let txn = store.write().await?;
    // Eight parameters a row: 500 rows stay far below either backend's limit.
    for chunk in concepts.chunks(500) {
        let rows = chunk.iter().map(|c| {
            let words = std::iter::once(c.label.as_str()).chain(c.alt_labels.iter().map(String::as_str));
            let text = words.collect::<Vec<_>>().join(" | ").to_lowercase();
            let mut am = esco_concept::ActiveModel {
                uri: Set(c.uri.clone()),
                label_nl: Set(None),
                label_en: Set(None),
                description_nl: Set(None),
                description_en: Set(None),
                search_nl: Set(String::new()),
                search_en: Set(String::new()),
                updated_at: Set(now),
            };
            match language {
                Language::Nl => {
                    am.label_nl = Set(Some(c.label.clone()));
                    am.description_nl = Set(c.description.clone());
                    am.search_nl = Set(text);
                }
                Language::En => {
                    am.label_en = Set(Some(c.label.clone()));
                    am.description_en = Set(c.description.clone());
                    am.search_en = Set(text);
                }
            }
            am
        });
        esco_concept::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(C::Uri).update_columns([label, description, search, C::UpdatedAt]).to_owned(),
            )
            .exec(&*txn)
            .await?;
    }
    let known = esco_concept::Entity::find().count(&*txn).await?;
    let after = serde_json::json!({"language": language.as_str(), "concepts": n, "known": known});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "esco.import",
        ("installation", Uuid::nil()),
        None::<&()>,
        Some(&after),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(language = language.as_str(), concepts = n, known, "ESCO skills uploaded");
    Ok(EscoImported { concepts: n, known })
}

/// ESCO skills whose labels (preferred or alternative, either language) contain `q`, preferred
/// label first, at most `limit` (admins).
pub async fn search(store: &Store, actor: &Actor, q: &str, limit: u64) -> Result<Vec<EscoMatch>> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let Some(p) = pattern(Some(q)) else { return Ok(vec![]) };
    let limit = limit.clamp(1, 100);
    use esco_concept::Column as C;
    // Skills whose label holds the text come first, then those found by an alternative label.
    let in_label = Condition::any().add(contains(C::LabelNl, &p)).add(contains(C::LabelEn, &p));
    let mut found = esco_concept::Entity::find()
        .filter(in_label.clone())
        .order_by_asc(C::LabelNl)
        .order_by_asc(C::LabelEn)
        .limit(limit)
        .all(store.conn())
        .await?;
    if (found.len() as u64) < limit {
        let more = esco_concept::Entity::find()
            .filter(Condition::any().add(contains(C::SearchNl, &p)).add(contains(C::SearchEn, &p)))
            // Not `NOT in_label`: a label not uploaded (NULL) would make that unknown, not true.
            .filter(C::Uri.is_not_in(found.iter().map(|f| f.uri.clone())))
            .order_by_asc(C::LabelNl)
            .order_by_asc(C::LabelEn)
            .limit(limit - found.len() as u64)
            .all(store.conn())
            .await?;
        found.extend(more);
    }
    let linked: HashMap<String, Uuid> = skill::Entity::find()
        .filter(skill::Column::EscoUri.is_in(found.iter().map(|f| f.uri.clone())))
        .all(store.conn())
        .await?
        .into_iter()
        .filter_map(|s| s.esco_uri.map(|u| (u, s.id)))
        .collect();
    let out = found
        .into_iter()
        .map(|f| EscoMatch {
            skill_id: linked.get(&f.uri).copied(),
            description: f.description_nl.or(f.description_en),
            uri: f.uri,
            label_nl: f.label_nl,
            label_en: f.label_en,
        })
        .collect();
    Ok(out)
}
