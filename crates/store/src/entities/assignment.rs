//! Row of `assignments`: a klus (temporary assignment).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub org_unit_id: Option<Uuid>,
    pub contact_person_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub hours_per_week: i32,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub place: String,
    pub location: Option<String>,
    pub places: i32,
    pub reach: String,
    pub closes_on: Date,
    pub state: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub opened_at: Option<DateTimeUtc>,
    pub filled_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
