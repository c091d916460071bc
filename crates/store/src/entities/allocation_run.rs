//! Row of `allocation_runs`: one run of a week's preference lottery (dry or real).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "allocation_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    pub seed: i64,
    pub dry_run: bool,
    pub ran_at: DateTimeUtc,
    pub ran_by: Option<Uuid>,
    #[serde(skip_serializing)]
    pub input: Option<String>,
    pub summary: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
