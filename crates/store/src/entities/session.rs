//! Row of `sessions`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub event_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub venue: Option<String>,
    pub room: Option<String>,
    pub address: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub confirmed_count: i32,
    pub waitlist_count: i32,
    pub waitlist_next: i64,
    pub status: String,
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub trainer_id: Option<Uuid>,
    pub attendance_closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
