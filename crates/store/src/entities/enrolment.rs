//! Row of `enrolments`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub person_id: Uuid,
    pub event_id: Uuid,
    pub status: String,
    pub waitlist_seq: Option<i64>,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<Uuid>,
    pub attendance: Option<String>,
    pub reminder_queued_at: Option<DateTimeUtc>,
    pub check_in_code: Option<String>,
    pub attendance_marked_at: Option<DateTimeUtc>,
    pub attendance_marked_by: Option<Uuid>,
    pub checked_in_at: Option<DateTimeUtc>,
    /// Secret (hashed): never serialized, not even into a person's own export.
    #[serde(skip_serializing)]
    pub feedback_token_hash: Option<String>,
    pub feedback_requested_at: Option<DateTimeUtc>,
    pub organisation_id: Option<Uuid>,
    pub org_unit_id: Option<Uuid>,
    pub credited_minutes: Option<i32>,
    /// Manager approval: `pending` (holding the seat), `approved`, `declined`, `lapsed`,
    /// `withdrawn`; `None` where none was asked.
    pub approval: Option<String>,
    pub approval_due_at: Option<DateTimeUtc>,
    pub approval_decided_at: Option<DateTimeUtc>,
    pub approval_decided_by: Option<Uuid>,
    pub approval_reason: Option<String>,
    /// What the week's lottery gave (`None` where the row is not the lottery's): which choice
    /// (from 1), in which round, a `seat` or a `waiting` place with its position then.
    pub allocation_rank: Option<i32>,
    pub allocation_round: Option<i32>,
    pub allocation_position: Option<i32>,
    pub allocation_placed: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
