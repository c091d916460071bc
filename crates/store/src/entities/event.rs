//! Row of `events`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub time_zone: String,
    pub enrolment_opens_at: DateTimeUtc,
    pub enrolment_closes_at: DateTimeUtc,
    pub cancellation_deadline_hours: i32,
    pub max_enrolments_per_person: Option<i32>,
    pub status: String,
    pub reminder_hours_before: i32,
    pub no_show_policy: String,
    pub allocation: String,
    pub max_preferences: i32,
    pub allocated_at: Option<DateTimeUtc>,
    pub preferences_reminded_at: Option<DateTimeUtc>,
    /// `none` or `manager`: whether a seat waits for the manager's approval.
    pub approval: String,
    /// How long a manager has to decide.
    pub approval_hours: i32,
    /// When it was archived (retention counts from here); only an archived week has it.
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
