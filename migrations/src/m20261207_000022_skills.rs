//! Skills (issue 26): the installation's shared vocabulary and who holds which.
//!
//! - `skills`: one row per skill, Dutch name required, English optional, optionally the same as
//!   an ESCO skill (`esco_uri`). `name_key` (the Dutch name lower case, spaces collapsed) is
//!   unique, and so is an ESCO address: two rows never mean one skill.
//! - `workshop_skills`: what a workshop teaches.
//! - `person_skills`: what a person has (`have`) or wants to grow in (`want`); one of the two per
//!   skill.
//! - `skill_assessments`: a person's dated self-rating of a skill, 1–5, at most one per day.
//! - `esco_concepts`: the ESCO skills an admin uploaded (one CSV per language), searched when
//!   adding a skill. Not part of the vocabulary until an admin adds one.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("skills"))
                .col(pk("id"))
                .col(text("name_nl", true))
                .col(text("name_en", false))
                .col(text("name_key", true))
                .col(text("description", true))
                .col(text("esco_uri", false))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .check(check("ck_skills_name_nl", "length(name_nl) BETWEEN 1 AND 100"))
                .check(check("ck_skills_name_en", "name_en IS NULL OR length(name_en) BETWEEN 1 AND 100"))
                .check(check("ck_skills_description", "length(description) <= 5000"))
                .check(check(
                    "ck_skills_esco_uri",
                    "esco_uri IS NULL OR esco_uri LIKE 'http://data.europa.eu/esco/skill/%'",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("skills", &["name_key"], true)).await?;
        m.create_index(index("skills", &["esco_uri"], true)).await?;

        m.create_table(
            Table::create()
                .table(id("workshop_skills"))
                .col(uuid("workshop_id", true))
                .col(uuid("skill_id", true))
                .primary_key(Index::create().col(id("workshop_id")).col(id("skill_id")))
                .foreign_key(&mut fk("workshop_skills", "workshop_id", "workshops", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("workshop_skills", "skill_id", "skills", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("workshop_skills", &["skill_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("person_skills"))
                .col(uuid("person_id", true))
                .col(uuid("skill_id", true))
                .col(text("kind", true))
                .col(instant("updated_at", true))
                .primary_key(Index::create().col(id("person_id")).col(id("skill_id")))
                .foreign_key(&mut fk("person_skills", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("person_skills", "skill_id", "skills", ForeignKeyAction::Cascade))
                .check(check("ck_person_skills_kind", "kind IN ('have', 'want')"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person_skills", &["skill_id", "kind"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("skill_assessments"))
                .col(uuid("person_id", true))
                .col(uuid("skill_id", true))
                .col(date("assessed_on"))
                .col(int("level", true))
                .col(instant("assessed_at", true))
                .primary_key(Index::create().col(id("person_id")).col(id("skill_id")).col(id("assessed_on")))
                .foreign_key(&mut fk("skill_assessments", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("skill_assessments", "skill_id", "skills", ForeignKeyAction::Cascade))
                .check(check("ck_skill_assessments_level", "level BETWEEN 1 AND 5"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("skill_assessments", &["skill_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("esco_concepts"))
                .col(ColumnDef::new(id("uri")).text().not_null().primary_key())
                .col(text("label_nl", false))
                .col(text("label_en", false))
                .col(text("description_nl", false))
                .col(text("description_en", false))
                .col(text("search_nl", true))
                .col(text("search_en", true))
                .col(instant("updated_at", true))
                .check(check("ck_esco_concepts_uri", "uri LIKE 'http://data.europa.eu/esco/skill/%'"))
                .check(check("ck_esco_concepts_label", "label_nl IS NOT NULL OR label_en IS NOT NULL"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["esco_concepts", "skill_assessments", "person_skills", "workshop_skills", "skills"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
