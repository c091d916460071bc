//! The Klussenbank (issue 27): temporary assignments ("klussen") an organisation posts for one
//! of its units, the responses of employees of the organisations it admits, the selections
//! the candidate's manager consents to, the participants' reflections, and each person's
//! choices (findable for posters, a saved search mailed weekly).
//!
//! - `assignments`: the klus; `state` draft → open → closed/filled → done.
//! - `assignment_skills`: what it asks for, required or nice to have.
//! - `assignment_partners`: with `reach = partners`, the organisations besides its own.
//! - `assignment_responses`: one per person per klus, with a motivation.
//! - `assignment_response_skills`: the skills a respondent says they bring.
//! - `assignment_selections`: a selection waiting for, or given, the manager's consent. It keeps
//!   the candidate's organisation, so the figures stay right when the person is erased.
//! - `assignment_reflections`: a participant's reflection once the klus is done.
//! - `klus_profiles`: a person's findability and saved search.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("assignments"))
                .col(pk("id"))
                .col(uuid("organisation_id", true))
                .col(uuid("org_unit_id", false))
                .col(uuid("contact_person_id", false))
                .col(uuid("created_by", false))
                .col(text("title", true))
                .col(text("description", true))
                .col(int("hours_per_week", true))
                .col(ColumnDef::new(id("starts_on")).date().null())
                .col(ColumnDef::new(id("ends_on")).date().null())
                .col(text("place", true))
                .col(text("location", false))
                .col(int("places", true))
                .col(text("reach", true))
                .col(date("closes_on"))
                .col(text("state", true))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .col(instant("opened_at", false))
                .col(instant("filled_at", false))
                .col(instant("done_at", false))
                .foreign_key(&mut fk("assignments", "organisation_id", "organisations", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("assignments", "org_unit_id", "org_units", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("assignments", "contact_person_id", "people", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("assignments", "created_by", "people", ForeignKeyAction::SetNull))
                .check(check("ck_assignments_title", "length(title) BETWEEN 1 AND 120"))
                .check(check("ck_assignments_description", "length(description) <= 5000"))
                .check(check("ck_assignments_location", "location IS NULL OR length(location) BETWEEN 1 AND 200"))
                .check(check("ck_assignments_hours", "hours_per_week BETWEEN 1 AND 40"))
                .check(check("ck_assignments_places", "places BETWEEN 1 AND 20"))
                .check(check(
                    "ck_assignments_period",
                    "(starts_on IS NULL AND ends_on IS NULL) OR (starts_on IS NOT NULL AND ends_on IS NOT NULL AND ends_on >= starts_on)",
                ))
                .check(check("ck_assignments_place", "place IN ('on_site', 'remote', 'hybrid')"))
                .check(check("ck_assignments_reach", "reach IN ('own', 'partners', 'all')"))
                .check(check("ck_assignments_state", "state IN ('draft', 'open', 'closed', 'filled', 'done')"))
                // A klus that was ever opened says when; a draft never was; done says when.
                .check(check("ck_assignments_opened", "(state = 'draft') = (opened_at IS NULL)"))
                .check(check("ck_assignments_done", "(state = 'done') = (done_at IS NOT NULL)"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignments", &["state", "closes_on"], false)).await?;
        m.create_index(index("assignments", &["organisation_id", "state"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("assignment_skills"))
                .col(uuid("assignment_id", true))
                .col(uuid("skill_id", true))
                .col(boolean("required"))
                .col(int("position", true))
                .primary_key(Index::create().col(id("assignment_id")).col(id("skill_id")))
                .foreign_key(&mut fk("assignment_skills", "assignment_id", "assignments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("assignment_skills", "skill_id", "skills", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignment_skills", &["skill_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("assignment_partners"))
                .col(uuid("assignment_id", true))
                .col(uuid("organisation_id", true))
                .primary_key(Index::create().col(id("assignment_id")).col(id("organisation_id")))
                .foreign_key(&mut fk("assignment_partners", "assignment_id", "assignments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk(
                    "assignment_partners",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignment_partners", &["organisation_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("assignment_responses"))
                .col(pk("id"))
                .col(uuid("assignment_id", true))
                .col(uuid("person_id", true))
                .col(text("motivation", true))
                .col(text("state", true))
                .col(text("message", false))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("assignment_responses", "assignment_id", "assignments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("assignment_responses", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_assignment_responses_motivation", "length(motivation) BETWEEN 1 AND 2000"))
                .check(check(
                    "ck_assignment_responses_message",
                    "message IS NULL OR length(message) BETWEEN 1 AND 2000",
                ))
                .check(check(
                    "ck_assignment_responses_state",
                    "state IN ('submitted', 'invited', 'selected', 'declined', 'withdrawn')",
                ))
                .to_owned(),
        )
        .await?;
        // One response per person per klus.
        m.create_index(index("assignment_responses", &["assignment_id", "person_id"], true)).await?;
        m.create_index(index("assignment_responses", &["person_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("assignment_response_skills"))
                .col(uuid("response_id", true))
                .col(uuid("skill_id", true))
                .primary_key(Index::create().col(id("response_id")).col(id("skill_id")))
                .foreign_key(&mut fk(
                    "assignment_response_skills",
                    "response_id",
                    "assignment_responses",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("assignment_response_skills", "skill_id", "skills", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignment_response_skills", &["skill_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("assignment_selections"))
                .col(pk("id"))
                .col(uuid("assignment_id", true))
                .col(uuid("response_id", false))
                .col(uuid("person_id", false))
                .col(uuid("organisation_id", true))
                .col(uuid("approver_id", false))
                .col(text("state", true))
                .col(instant("due_at", true))
                .col(instant("created_at", true))
                .col(instant("decided_at", false))
                .col(uuid("decided_by", false))
                .col(text("reason", false))
                .foreign_key(&mut fk(
                    "assignment_selections",
                    "assignment_id",
                    "assignments",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "assignment_selections",
                    "response_id",
                    "assignment_responses",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk("assignment_selections", "person_id", "people", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk(
                    "assignment_selections",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("assignment_selections", "approver_id", "people", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("assignment_selections", "decided_by", "people", ForeignKeyAction::SetNull))
                .check(check(
                    "ck_assignment_selections_state",
                    "state IN ('pending', 'approved', 'declined', 'lapsed', 'withdrawn')",
                ))
                .check(check("ck_assignment_selections_decided", "(state = 'pending') = (decided_at IS NULL)"))
                .check(check("ck_assignment_selections_reason", "reason IS NULL OR length(reason) BETWEEN 1 AND 500"))
                .check(check("ck_assignment_selections_due", "due_at > created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignment_selections", &["assignment_id", "state"], false)).await?;
        m.create_index(index("assignment_selections", &["state", "due_at"], false)).await?;
        m.create_index(index("assignment_selections", &["person_id"], false)).await?;
        // At most one selection of a response waits for consent or holds a place.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_assignment_selections_live ON assignment_selections (response_id) \
                 WHERE state IN ('pending', 'approved')",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(id("assignment_reflections"))
                .col(ColumnDef::new(id("selection_id")).uuid().not_null().primary_key())
                .col(uuid("person_id", true))
                .col(text("learned", true))
                .col(text("will_do", true))
                .col(boolean("shared_with_manager"))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk(
                    "assignment_reflections",
                    "selection_id",
                    "assignment_selections",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("assignment_reflections", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_assignment_reflections_length", "length(learned) <= 2000 AND length(will_do) <= 2000"))
                .check(check("ck_assignment_reflections_not_empty", "length(learned) > 0 OR length(will_do) > 0"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assignment_reflections", &["person_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("klus_profiles"))
                .col(ColumnDef::new(id("person_id")).uuid().not_null().primary_key())
                .col(boolean("findable"))
                .col(text("search", false))
                .col(boolean("search_weekly"))
                .col(instant("last_digest_at", false))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("klus_profiles", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_klus_profiles_search", "search IS NULL OR length(search) <= 4000"))
                .check(check("ck_klus_profiles_weekly", "NOT search_weekly OR search IS NOT NULL"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("klus_profiles", &["findable"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "klus_profiles",
            "assignment_reflections",
            "assignment_selections",
            "assignment_response_skills",
            "assignment_responses",
            "assignment_partners",
            "assignment_skills",
            "assignments",
        ] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
