//! Row of `workshops`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    pub title: String,
    pub description: String,
    pub theme: String,
    pub trainer: Option<String>,
    pub host_organisation_id: Uuid,
    pub language: String,
    pub format: String,
    pub audience: String,
    pub status: String,
    /// `none` or `manager`, overriding the week's; `None`: as the week.
    pub approval: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
