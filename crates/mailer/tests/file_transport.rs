//! The outbox worker with the file transport, on a real SQLite database.

use chrono::{Duration, Utc};
use leerweek_domain::event::EventSchedule;
use leerweek_domain::session::{Capacity, Location, TimeRange};
use leerweek_domain::text::{Description, EmailAddress, Name, ShortText, Theme, Title};
use leerweek_domain::{AudienceKind, EventStatus, Language, MailStatus, WorkshopFormat};
use leerweek_mailer::{MailerConfig, Transport, run_once};
use leerweek_store::events::NewEvent;
use leerweek_store::sessions::{self, NewSession};
use leerweek_store::workshops::{self, NewWorkshop};
use leerweek_store::{Store, StoreOptions, enrolments, events, outbox, people};

async fn enrolled_store(dir: &std::path::Path) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.join("m.db").display());
    let (store, _background) = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let now = Utc::now();
    let (admin, token) = people::create_admin(
        &store,
        EmailAddress::parse("beheer@example.nl").unwrap(),
        Name::parse("Beheer").unwrap(),
        now,
    )
    .await
    .unwrap();
    let actor = people::authenticate(&store, &token).await.unwrap().unwrap();
    let org = people::create_organisation(&store, &actor, Name::parse("Enkhuizen").unwrap(), now).await.unwrap();
    let tz = chrono_tz::Europe::Amsterdam;
    let day = (now + Duration::days(7)).with_timezone(&tz).date_naive();
    let event = events::create_event(
        &store,
        &actor,
        NewEvent {
            name: Name::parse("Meester in je Werk-week").unwrap(),
            schedule: EventSchedule::new(
                day,
                day + Duration::days(4),
                tz,
                now - Duration::hours(1),
                now + Duration::days(6),
            )
            .unwrap(),
            cancellation_deadline_hours: 24,
            max_enrolments_per_person: None,
            organisation_ids: vec![org.id, admin.organisation_id],
            lead_organisation_id: None,
            reminder_hours_before: 24,
            no_show_policy: Default::default(),
            allocation: Default::default(),
            max_preferences: leerweek_domain::event::DEFAULT_MAX_PREFERENCES,
            approval: leerweek_domain::Approval::None,
            approval_hours: 72,
        },
        now,
    )
    .await
    .unwrap();
    events::set_event_status(&store, &actor, event.id, EventStatus::Published, now).await.unwrap();
    let w = workshops::create_workshop(
        &store,
        &actor,
        event.id,
        NewWorkshop {
            title: Title::parse("Grip op stress").unwrap(),
            description: Description::parse("").unwrap(),
            theme: Theme::normalized("vitaliteit").unwrap(),
            host_organisation_id: org.id,
            trainer: None,
            language: Language::Nl,
            format: WorkshopFormat::OnSite,
            audience: AudienceKind::All,
            audience_organisation_ids: vec![],
            approval: None,
            skills: vec![],
        },
        now,
    )
    .await
    .unwrap();
    let start = day.and_hms_opt(10, 0, 0).unwrap().and_local_timezone(tz).unwrap().with_timezone(&Utc);
    let s = sessions::create_session(
        &store,
        &actor,
        w.workshop.id,
        NewSession {
            time: TimeRange::new(start, start + Duration::hours(2)).unwrap(),
            capacity: Capacity::parse(10).unwrap(),
            location: Location { venue: Some(ShortText::parse("Stadhuis").unwrap()), room: None, address: None },
            online_url: None,
            quotas: vec![],
            trainer_id: None,
        },
        now,
    )
    .await
    .unwrap();
    enrolments::enrol(&store, &actor, s.session.id, None, None, now).await.unwrap();
    store
}

#[tokio::test]
async fn a_confirmation_becomes_one_eml_file_with_a_stable_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = enrolled_store(dir.path()).await;
    let mail_dir = dir.path().join("mail");
    let cfg = MailerConfig { transport: Transport::File { dir: mail_dir.clone() }, ..Default::default() };
    assert_eq!(run_once(&store, &cfg, Utc::now()).await.unwrap(), 1);
    assert_eq!(run_once(&store, &cfg, Utc::now()).await.unwrap(), 0, "a sent row is not sent again");
    let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    let stem = files[0].file_stem().unwrap().to_str().unwrap();
    assert!(eml.contains(&format!("Message-ID: <{stem}@leerweek.localhost>")), "{eml}");
    assert!(eml.contains("Subject: Ingeschreven: Grip op stress"), "{eml}");
    assert!(eml.contains("<beheer@example.nl>"), "{eml}");
    assert!(eml.contains("text/calendar; charset=utf-8; method=REQUEST"), "{eml}");
    assert_eq!(outbox::count_with_status(&store, MailStatus::Sent).await.unwrap(), 1);
}

#[tokio::test]
async fn an_unwritable_mail_directory_backs_off_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = enrolled_store(dir.path()).await;
    // A file where the directory should be: every delivery fails.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "not a directory").unwrap();
    let cfg = MailerConfig { transport: Transport::File { dir: blocked.join("mail") }, ..Default::default() };
    assert_eq!(run_once(&store, &cfg, Utc::now()).await.unwrap(), 0);
    assert_eq!(outbox::count_with_status(&store, MailStatus::Pending).await.unwrap(), 1, "still queued");
    // Not due again right away: the backoff holds it.
    assert_eq!(run_once(&store, &cfg, Utc::now()).await.unwrap(), 0);
    let fixed = MailerConfig { transport: Transport::File { dir: dir.path().join("mail") }, ..Default::default() };
    assert_eq!(run_once(&store, &fixed, Utc::now() + Duration::minutes(10)).await.unwrap(), 1);
}
