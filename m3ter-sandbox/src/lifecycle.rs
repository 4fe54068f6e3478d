//! The lifecycle model: a job's status, version, `pending` count and last modification
//! are a pure function of its age (and of when it was cancelled, if it was).

use serde::Serialize;
use std::time::Duration;

/// `BillJobStatus` in m3ter's OpenAPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Status {
    Pending,
    Initializing,
    Running,
    Complete,
    Cancelled,
}

impl Status {
    const ALL: [Status; 5] = [
        Status::Pending,
        Status::Initializing,
        Status::Running,
        Status::Complete,
        Status::Cancelled,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Initializing => "INITIALIZING",
            Status::Running => "RUNNING",
            Status::Complete => "COMPLETE",
            Status::Cancelled => "CANCELLED",
        }
    }

    /// Case-insensitive, like the `active` filter.
    pub(crate) fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }

    /// Active states count towards the concurrency limit and may be cancelled; the others
    /// are final, and expire after the configured time to live.
    pub(crate) fn is_active(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Initializing | Status::Running
        )
    }
}

/// `BillJobType` in m3ter's OpenAPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum JobType {
    Create,
    Recalculate,
}

/// Phases a job walks through when nobody cancels it, in order.
const PHASES: [Status; 4] = [
    Status::Pending,
    Status::Initializing,
    Status::Running,
    Status::Complete,
];

/// Number of active phases: a job that nobody cancels completes this many steps after it
/// was created.
pub(crate) const ACTIVE_STEPS: u32 = 3;

/// The index into [`PHASES`] of a job of this age.
fn phase_at(step: Duration, age: Duration) -> usize {
    if step.is_zero() {
        return PHASES.len() - 1;
    }
    let steps = age.as_nanos() / step.as_nanos();
    usize::try_from(steps).map_or(PHASES.len() - 1, |n| n.min(PHASES.len() - 1))
}

/// `pending` in a given phase: everything until work starts, half while running.
fn pending_in(phase: usize, total: usize) -> usize {
    match PHASES.get(phase) {
        Some(Status::Running) => total - total / 2,
        Some(Status::Complete) => 0,
        _ => total,
    }
}

/// What a job looks like at one moment of its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) status: Status,
    pub(crate) version: u64,
    /// Age of the job at its last modification (its `dtLastModified`).
    pub(crate) modified_at_age: Duration,
    pub(crate) pending: usize,
}

/// The whole lifecycle as a pure function of the job's age, so that every read,
/// whatever its timing, agrees with every other. `cancelled_at_age` is the age at which
/// the job was cancelled, if it was.
pub(crate) fn lifecycle(
    step: Duration,
    total: usize,
    age: Duration,
    cancelled_at_age: Option<Duration>,
) -> Snapshot {
    match cancelled_at_age {
        Some(at) => {
            let phase = phase_at(step, at);
            Snapshot {
                status: Status::Cancelled,
                version: phase as u64 + 2,
                modified_at_age: at,
                pending: pending_in(phase, total),
            }
        }
        None => {
            let phase = phase_at(step, age);
            Snapshot {
                status: PHASES[phase],
                version: phase as u64 + 1,
                // `phase` is at most 3, so the cast cannot truncate.
                modified_at_age: step.saturating_mul(phase as u32),
                pending: pending_in(phase, total),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_model_is_a_pure_function_of_age() {
        let step = Duration::from_millis(100);
        let ms = Duration::from_millis;
        let at = |age, cancelled| lifecycle(step, 5, age, cancelled);
        let expect = |status, version, modified: u64, pending| Snapshot {
            status,
            version,
            modified_at_age: ms(modified),
            pending,
        };
        assert_eq!(at(ms(0), None), expect(Status::Pending, 1, 0, 5));
        assert_eq!(at(ms(99), None), expect(Status::Pending, 1, 0, 5));
        assert_eq!(at(ms(100), None), expect(Status::Initializing, 2, 100, 5));
        assert_eq!(at(ms(250), None), expect(Status::Running, 3, 200, 3));
        assert_eq!(at(ms(300), None), expect(Status::Complete, 4, 300, 0));
        assert_eq!(at(Duration::MAX, None), expect(Status::Complete, 4, 300, 0));
        // Cancelled: frozen at the moment of cancellation, one version past its phase.
        assert_eq!(at(ms(0), Some(ms(0))), expect(Status::Cancelled, 2, 0, 5));
        assert_eq!(
            at(ms(9_999), Some(ms(150))),
            expect(Status::Cancelled, 3, 150, 5)
        );
        assert_eq!(
            at(ms(9_999), Some(ms(250))),
            expect(Status::Cancelled, 4, 250, 3)
        );
        // Degenerate steps do not panic: zero completes at once, huge never moves.
        let zero = lifecycle(Duration::ZERO, 1, ms(0), None);
        assert_eq!((zero.status, zero.version), (Status::Complete, 4));
        // Exactly one (huge) step old: the first transition, stamped without overflow.
        let huge = lifecycle(Duration::MAX, 1, Duration::MAX, None);
        assert_eq!(
            (huge.status, huge.modified_at_age),
            (Status::Initializing, Duration::MAX)
        );
        let huge = lifecycle(Duration::MAX, 1, ms(5), None);
        assert_eq!(huge.status, Status::Pending);
        // A job completes exactly ACTIVE_STEPS steps after creation.
        let done = step.saturating_mul(ACTIVE_STEPS);
        assert_eq!(at(done - ms(1), None).status, Status::Running);
        assert_eq!(at(done, None).status, Status::Complete);
    }

    #[test]
    fn statuses_parse_case_insensitively() {
        assert_eq!(Status::parse("pending"), Some(Status::Pending));
        assert_eq!(Status::parse("CANCELLED"), Some(Status::Cancelled));
        assert_eq!(Status::parse("FAILED"), None);
        assert!(Status::Running.is_active() && !Status::Complete.is_active());
    }
}
