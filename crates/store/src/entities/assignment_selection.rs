//! Row of `assignment_selections`: a selection and the manager's consent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assignment_selections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub response_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub organisation_id: Uuid,
    pub approver_id: Option<Uuid>,
    pub state: String,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
