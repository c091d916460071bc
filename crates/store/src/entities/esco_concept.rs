//! Row of `esco_concepts`: an ESCO skill from a file an admin uploaded, to search when adding
//! a skill.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "esco_concepts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub uri: String,
    pub label_nl: Option<String>,
    pub label_en: Option<String>,
    pub description_nl: Option<String>,
    pub description_en: Option<String>,
    /// Dutch label and alternative labels, lower case, for searching.
    pub search_nl: String,
    /// English label and alternative labels, lower case, for searching.
    pub search_en: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
