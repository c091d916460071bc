use super::*;
use chrono::{Duration, Utc};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn raw(org: Uuid) -> RawAssignment<'static> {
    RawAssignment {
        title: Some(" Projectondersteuning Omgevingswet "),
        description: Some("Help het team vergunningen."),
        organisation_id: Some(org),
        contact_person_id: Some(Uuid::now_v7()),
        hours_per_week: Some(8),
        starts_on: Some(day("2027-02-01")),
        ends_on: Some(day("2027-06-30")),
        place: Some("hybrid"),
        location: Some("Stadhuis Enkhuizen"),
        needs: Some(vec![(Uuid::now_v7(), true), (Uuid::now_v7(), false)]),
        places: Some(2),
        reach: Some("all"),
        closes_on: Some(day("2027-01-15")),
        ..Default::default()
    }
}

#[test]
fn a_whole_klus_is_checked_field_by_field() {
    let org = Uuid::now_v7();
    let k = parse(raw(org)).unwrap();
    assert_eq!(k.title, "Projectondersteuning Omgevingswet");
    assert_eq!((k.hours_per_week, k.places, k.place, k.reach), (8, 2, WorkPlace::Hybrid, AssignmentReach::All));
    let field = |r: RawAssignment<'static>| parse(r).unwrap_err();
    assert_eq!(field(RawAssignment { title: Some("  "), ..raw(org) }).field, "title");
    assert_eq!(field(RawAssignment { hours_per_week: Some(0), ..raw(org) }).problem, Invalid::TooSmall { min: 1 });
    assert_eq!(field(RawAssignment { hours_per_week: Some(41), ..raw(org) }).field, "hours_per_week");
    assert_eq!(field(RawAssignment { places: None, ..raw(org) }).problem, Invalid::Required);
    assert_eq!(field(RawAssignment { ends_on: None, ..raw(org) }).field, "ends_on");
    assert_eq!(field(RawAssignment { ends_on: Some(day("2027-01-01")), ..raw(org) }).field, "ends_on");
    assert_eq!(field(RawAssignment { closes_on: Some(day("2027-07-01")), ..raw(org) }).field, "closes_on");
    assert_eq!(field(RawAssignment { place: Some("thuis"), ..raw(org) }).field, "place");
    let s = Uuid::now_v7();
    assert_eq!(
        field(RawAssignment { needs: Some(vec![(s, true), (s, false)]), ..raw(org) }).field,
        "skills[1].skill_id"
    );
    assert_eq!(field(RawAssignment { reach: Some("partners"), ..raw(org) }).field, "partners");
    let e = field(RawAssignment { reach: Some("partners"), partners: Some(vec![org]), ..raw(org) });
    assert_eq!((e.field.as_str(), e.problem), ("partners[0]", Invalid::AlsoIn { other: "organisation_id" }));
    // "In overleg": no period at all.
    let k = parse(RawAssignment { starts_on: None, ends_on: None, ..raw(org) }).unwrap();
    assert_eq!(k.period, None);
    assert_eq!(total_hours(8, k.period), None);
    // Partners given with another reach are dropped.
    let k = parse(RawAssignment { partners: Some(vec![Uuid::now_v7()]), ..raw(org) }).unwrap();
    assert!(k.partners.is_empty());
}

#[test]
fn the_reach_admits_the_own_organisation_always() {
    let (own, partner, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    assert!(admits(AssignmentReach::Own, own, &[], own));
    assert!(!admits(AssignmentReach::Own, own, &[partner], partner));
    assert!(admits(AssignmentReach::Partners, own, &[partner], partner));
    assert!(!admits(AssignmentReach::Partners, own, &[partner], other));
    assert!(admits(AssignmentReach::All, own, &[], other));
}

#[test]
fn the_life_cycle_goes_forward_and_may_reopen() {
    use AssignmentState::*;
    for (a, b) in [(Draft, Open), (Open, Closed), (Closed, Open), (Open, Filled), (Filled, Done), (Closed, Done)] {
        assert_eq!(may_move(a, b), Ok(()), "{a} → {b}");
    }
    for (a, b) in [(Draft, Done), (Open, Done), (Done, Open), (Open, Draft), (Filled, Draft)] {
        assert_eq!(may_move(a, b), Err(AssignmentError::Transition { from: a, to: b }), "{a} → {b}");
    }
    assert!(!editable(Done) && editable(Filled));
}

#[test]
fn responses_come_while_open_until_the_closing_day_ends() {
    let closes = day("2027-01-15");
    assert_eq!(may_respond(AssignmentState::Open, closes, closes), Ok(()));
    assert_eq!(may_respond(AssignmentState::Open, closes, day("2027-01-16")), Err(AssignmentError::PastClosingDate));
    assert_eq!(may_respond(AssignmentState::Draft, closes, closes), Err(AssignmentError::NotOpen));
    assert_eq!(may_respond(AssignmentState::Closed, closes, closes), Err(AssignmentError::NotOpen));
}

#[test]
fn a_candidate_withdraws_until_the_selection_is_final() {
    use ResponseState as R;
    let open = AssignmentState::Open;
    assert_eq!(may_withdraw(open, R::Submitted, None), Ok(()));
    assert_eq!(may_withdraw(open, R::Selected, Some(ConsentState::Pending)), Ok(()));
    assert_eq!(may_withdraw(open, R::Selected, Some(ConsentState::Approved)), Err(AssignmentError::NotWithdrawable));
    assert_eq!(may_withdraw(open, R::Declined, None), Err(AssignmentError::NotWithdrawable));
    assert_eq!(may_withdraw(AssignmentState::Done, R::Submitted, None), Err(AssignmentError::NotWithdrawable));
}

#[test]
fn the_poster_invites_selects_within_the_places_and_declines() {
    use AssignmentState as A;
    use ResponseState as R;
    assert_eq!(may_choose(Choice::Invite, A::Open, R::Submitted, None, 0, 1), Ok(()));
    assert_eq!(
        may_choose(Choice::Invite, A::Open, R::Invited, None, 0, 1),
        Err(AssignmentError::ResponseState(R::Invited))
    );
    assert_eq!(may_choose(Choice::Select, A::Closed, R::Invited, None, 0, 1), Ok(()));
    assert_eq!(may_choose(Choice::Select, A::Open, R::Submitted, None, 1, 1), Err(AssignmentError::NoPlaceLeft));
    assert_eq!(may_choose(Choice::Select, A::Filled, R::Submitted, None, 0, 1), Err(AssignmentError::NoPlaceLeft));
    assert_eq!(
        may_choose(Choice::Select, A::Open, R::Selected, Some(ConsentState::Pending), 0, 2),
        Err(AssignmentError::ResponseState(R::Selected))
    );
    assert_eq!(may_choose(Choice::Select, A::Open, R::Selected, Some(ConsentState::Lapsed), 0, 2), Ok(()));
    assert_eq!(may_choose(Choice::Decline, A::Open, R::Selected, Some(ConsentState::Declined), 0, 2), Ok(()));
    assert_eq!(
        may_choose(Choice::Decline, A::Open, R::Selected, Some(ConsentState::Approved), 1, 2),
        Err(AssignmentError::ResponseState(R::Selected))
    );
    assert_eq!(may_choose(Choice::Invite, A::Draft, R::Submitted, None, 0, 1), Err(AssignmentError::NotChoosing));
    assert_eq!(may_choose(Choice::Select, A::Done, R::Submitted, None, 0, 1), Err(AssignmentError::NotChoosing));
}

#[test]
fn consent_is_given_once_within_its_time() {
    let now = Utc::now();
    let due = now + Duration::days(7);
    assert_eq!(may_consent(ConsentState::Pending, due, now), Ok(()));
    assert_eq!(may_consent(ConsentState::Pending, due, due), Err(AssignmentError::ConsentTooLate));
    assert_eq!(
        may_consent(ConsentState::Approved, due, now),
        Err(AssignmentError::ConsentNotPending(ConsentState::Approved))
    );
}

#[test]
fn a_motivation_is_required_and_bounded_a_message_is_not() {
    assert_eq!(message("motivation", Some("  "), true).unwrap_err().problem, Invalid::Empty);
    assert_eq!(message("message", Some("  "), false), Ok(None));
    assert_eq!(message("motivation", Some(" Ik ken de wet \u{7}"), true), Ok(Some("Ik ken de wet".into())));
    assert!(message("motivation", Some(&"x".repeat(MAX_MOTIVATION + 1)), true).is_err());
}

#[test]
fn total_hours_count_started_weeks() {
    assert_eq!(total_hours(8, Some((day("2027-02-01"), day("2027-02-07")))), Some(8));
    assert_eq!(total_hours(8, Some((day("2027-02-01"), day("2027-02-08")))), Some(16));
    assert_eq!(total_hours(4, Some((day("2027-02-01"), day("2027-02-01")))), Some(4));
}
