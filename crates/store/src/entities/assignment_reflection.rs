//! Row of `assignment_reflections`: a participant's reflection on a klus done.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assignment_reflections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub selection_id: Uuid,
    pub person_id: Uuid,
    pub learned: String,
    pub will_do: String,
    pub shared_with_manager: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
