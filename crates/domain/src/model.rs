//! The small closed vocabularies of the domain, each with its stable wire/storage name.

use crate::validation::Invalid;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The allowed names, for error messages.
            pub const ALLOWED: &'static str = concat!($($text, " "),+);

            /// The stable name used on the wire and in storage.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parse a stable name.
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Invalid::NotOneOf { allowed: Self::ALLOWED.trim_end() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A person's preferred language; Dutch unless they chose English.
    Language { Nl => "nl", En => "en" }
);

vocabulary!(
    /// How a person holds a skill: one they have, or one they want to grow in.
    SkillKind { Have => "have", Want => "want" }
);

#[allow(clippy::derivable_impls)] // the macro cannot carry #[default]
impl Default for Language {
    fn default() -> Self {
        Language::Nl
    }
}

impl Language {
    /// Pick a language from an HTTP `Accept-Language` header: English only when asked for first.
    pub fn from_accept_language(header: &str) -> Self {
        let first = header.split(',').next().unwrap_or("").trim().to_ascii_lowercase();
        if first.starts_with("en") { Language::En } else { Language::Nl }
    }
}

vocabulary!(
    /// Life cycle of a development week.
    EventStatus { Draft => "draft", Published => "published", Closed => "closed", Archived => "archived" }
);

impl EventStatus {
    /// The status that follows in the life cycle, if any: draft → published → closed → archived.
    pub fn next(self) -> Option<Self> {
        match self {
            EventStatus::Draft => Some(EventStatus::Published),
            EventStatus::Published => Some(EventStatus::Closed),
            EventStatus::Closed => Some(EventStatus::Archived),
            EventStatus::Archived => None,
        }
    }
}

vocabulary!(
    /// Where a workshop takes place.
    WorkshopFormat { OnSite => "on_site", Online => "online", Hybrid => "hybrid" }
);

vocabulary!(
    /// Who may enrol in a workshop.
    AudienceKind {
        /// Everyone of every participating organisation.
        All => "all",
        /// Only the host organisation's people.
        HostOnly => "host_only",
        /// Only the listed organisations' people.
        Listed => "listed"
    }
);

vocabulary!(
    /// Whether a session or workshop still takes place.
    SessionStatus { Scheduled => "scheduled", Cancelled => "cancelled" }
);

vocabulary!(
    /// State of one enrolment.
    EnrolmentStatus {
        /// A seat.
        Confirmed => "confirmed",
        /// A place in the waiting list.
        Waitlisted => "waitlisted",
        /// Given up, declined or cancelled.
        Cancelled => "cancelled",
        /// A seat held until the person's manager approves it (see [`crate::approval`]).
        PendingApproval => "pending_approval"
    }
);

impl EnrolmentStatus {
    /// Confirmed, pending and waitlisted enrolments are active: they hold a seat or a place in
    /// the queue.
    pub fn is_active(self) -> bool {
        !matches!(self, EnrolmentStatus::Cancelled)
    }

    /// Whether it holds a seat (confirmed, or pending approval).
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrolmentStatus::Confirmed | EnrolmentStatus::PendingApproval)
    }
}

vocabulary!(
    /// Whether a seat waits for the manager's agreement: a week's policy, or a workshop's own.
    Approval {
        /// No approval: a seat is final at once (the default).
        None => "none",
        /// The person's manager approves each seat (without a manager: their organisation's organisers).
        Manager => "manager"
    }
);

vocabulary!(
    /// Where a manager's approval of an enrolment stands.
    ApprovalState {
        /// Asked; the seat is held until the deadline.
        Pending => "pending",
        /// Approved: the seat is final.
        Approved => "approved",
        /// Declined: the seat was released.
        Declined => "declined",
        /// Nobody decided before the deadline: the seat was released.
        Lapsed => "lapsed",
        /// The person cancelled before anyone decided.
        Withdrawn => "withdrawn"
    }
);

vocabulary!(
    /// How a week hands out its seats.
    Allocation {
        /// First come, first served while enrolment is open (the default).
        FirstCome => "first_come",
        /// People rank sessions while the window is open; a lottery in rounds then places
        /// everyone at once, and the seats left go first come, first served.
        Lottery => "lottery"
    }
);

#[allow(clippy::derivable_impls)] // the macro cannot carry #[default]
impl Default for Allocation {
    fn default() -> Self {
        Allocation::FirstCome
    }
}

vocabulary!(
    /// Attendance recorded for a confirmed enrolment (used from the attendance issue on).
    Attendance { Present => "present", Absent => "absent", Excused => "excused" }
);

vocabulary!(
    /// Roles beyond employee, which everyone is.
    Role {
        /// HR/P&O of a municipality: its workshops, sessions and hosted events.
        Organiser => "organiser",
        /// Read-only over the people they manage.
        Manager => "manager",
        /// Everything.
        Admin => "admin"
    }
);

vocabulary!(
    /// What a queued mail is about (one template each).
    MailKind {
        /// A seat was confirmed.
        EnrolmentConfirmed => "enrolment_confirmed",
        /// A place on the waiting list.
        EnrolmentWaitlisted => "enrolment_waitlisted",
        /// Promoted from the waiting list to a seat.
        EnrolmentPromoted => "enrolment_promoted",
        /// The person cancelled (or an organiser cancelled for them).
        EnrolmentCancelled => "enrolment_cancelled",
        /// The organiser changed the session's time or place.
        SessionChanged => "session_changed",
        /// The organiser cancelled the session.
        SessionCancelled => "session_cancelled",
        /// A reminder before the session.
        SessionReminder => "session_reminder",
        /// A one-time sign-in link (`extra.link`).
        SignInLink => "sign_in_link",
        /// A request for feedback after an attended session (`extra.link`).
        FeedbackRequest => "feedback_request",
        /// An organiser's message to a session's participants (`extra.subject`, `extra.body`,
        /// `extra.sender`).
        SessionMessage => "session_message",
        /// A test mail an admin sends to themselves from the console.
        TestMail => "test_mail",
        /// What a lottery week's allocation gave the person: every ranked choice with its
        /// result (`extra.results`), a calendar part for each seat.
        AllocationResult => "allocation_result",
        /// A lottery week's window closes soon and the person has ranked nothing (`extra.link`,
        /// `extra.closes_at`).
        PreferencesReminder => "preferences_reminder",
        /// A seat held until the person's manager approves it: a tentative calendar invite
        /// (`extra.due_at`).
        EnrolmentPending => "enrolment_pending",
        /// To whoever decides: approve or decline someone's seat, with signed links
        /// (`extra.person_name`, `extra.due_at`).
        ApprovalRequest => "approval_request",
        /// The seat was declined (`extra.reason`) or nobody decided in time (`extra.lapsed`):
        /// the appointment is cancelled.
        ApprovalDeclined => "approval_declined",
        /// To a klus's contact person (and its poster): someone responded (`extra.assignment`,
        /// `extra.person_name`, `extra.person_organisation`).
        AssignmentResponse => "assignment_response",
        /// To a candidate: the poster invites them for a talk (`extra.message`).
        AssignmentInvited => "assignment_invited",
        /// To a candidate: the poster declined their response (`extra.message`).
        AssignmentDeclined => "assignment_declined",
        /// To a candidate: they were selected; their manager is asked to consent
        /// (`extra.due_at`).
        AssignmentSelected => "assignment_selected",
        /// To the candidate's manager (without one, their organisation's organisers): consent
        /// or not, with signed links (`extra.selection_id`, `extra.person_name`, `extra.due_at`).
        ConsentRequest => "consent_request",
        /// To the candidate and the poster (`extra.for_poster`): the manager consented; the
        /// selection is final.
        AssignmentConsented => "assignment_consented",
        /// To the candidate and the poster (`extra.for_poster`): the manager declined
        /// (`extra.reason`) or did not answer within five working days (`extra.lapsed`).
        AssignmentNotConsented => "assignment_not_consented",
        /// To a participant: the klus is done and in their portfolio; a reflection is welcome
        /// (`extra.selection_id`).
        AssignmentDone => "assignment_done",
        /// A saved search's weekly mail: new klussen that match (`extra.assignments`).
        AssignmentDigest => "assignment_digest",
        /// To the poster and the contact person (`extra.for_poster`): someone they invited or
        /// selected withdrew their response (`extra.person_name`, `extra.person_organisation`,
        /// `extra.was_selected`: a selection waiting for consent went with it).
        AssignmentWithdrawn => "assignment_withdrawn"
    }
);

vocabulary!(
    /// Where a queued mail stands.
    MailStatus {
        /// Waiting to be sent (or to be tried again).
        Pending => "pending",
        /// Handed to the mail server.
        Sent => "sent",
        /// Given up after the last attempt; an admin can put it back in the queue.
        Failed => "failed"
    }
);

vocabulary!(
    /// Where a klus (temporary assignment) stands: drafted, open for responses, closed to new
    /// responses, filled (every place taken, with consent), done.
    AssignmentState {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
        Filled => "filled",
        Done => "done"
    }
);

vocabulary!(
    /// Where the work of a klus is done.
    WorkPlace { OnSite => "on_site", Remote => "remote", Hybrid => "hybrid" }
);

vocabulary!(
    /// Who may respond to a klus: its own organisation, chosen partner organisations (and its
    /// own), or every organisation on the installation.
    AssignmentReach { Own => "own", Partners => "partners", All => "all" }
);

vocabulary!(
    /// Where a response to a klus stands: submitted, invited for a talk, selected (the
    /// candidate's manager is asked, see [`ConsentState`]), declined by the poster, withdrawn by
    /// the candidate.
    ResponseState {
        Submitted => "submitted",
        Invited => "invited",
        Selected => "selected",
        Declined => "declined",
        Withdrawn => "withdrawn"
    }
);

vocabulary!(
    /// A manager's consent to a selection for a klus.
    ConsentState {
        Pending => "pending",
        Approved => "approved",
        Declined => "declined",
        Lapsed => "lapsed",
        Withdrawn => "withdrawn"
    }
);
