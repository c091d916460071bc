//! Row of `assignment_partners`: an organisation besides its own that may respond to a klus.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assignment_partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assignment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
