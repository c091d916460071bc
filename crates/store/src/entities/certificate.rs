//! Row of `certificates`: a certificate of attendance as it was issued.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub person_id: Uuid,
    pub session_id: Uuid,
    pub code: String,
    pub status_list: i32,
    pub status_index: i32,
    pub person_name: String,
    pub workshop_title: String,
    pub event_name: String,
    pub host_organisation: String,
    pub trainer: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub minutes: i32,
    /// JSON: `[{"name_nl", "name_en", "esco_uri"}]`.
    pub skills: String,
    pub issued_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub revoked_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
