//! The jobs in memory: creating, reading, cancelling and listing them, with the per-org
//! limits (active jobs, stored jobs) and the expiry of finished jobs.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::config::{SANDBOX_USER_ID, SandboxConfig};
use crate::error::ApiError;
use crate::lifecycle::{ACTIVE_STEPS, JobType, Snapshot, lifecycle};
use crate::log::shorten;
use crate::pagination::{ListParams, encode_cursor};
use crate::time::{format_rfc3339, wall_clock_millis};
use crate::wire::{BillJobView, JobSpec, PageView};

/// Longest org or job id written to the debug log, in characters.
const LOGGED_ID_CHARS: usize = 64;

/// A random version-4 UUID, hyphenated lowercase hex.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// One stored job. Its status is never stored: see [`lifecycle`].
struct Job {
    org: String,
    id: String,
    kind: JobType,
    spec: JobSpec,
    total: usize,
    created_at: Instant,
    /// Wall-clock creation time since the Unix epoch, truncated to milliseconds.
    created_wall: Duration,
    cancelled_at_age: Option<Duration>,
    /// When the job is to be forgotten: its end plus the time to live (`None`: never,
    /// when that instant is past what `Instant` can hold).
    expires_at: Option<Instant>,
}

impl Job {
    fn snapshot(&self, step: Duration, now: Instant) -> Snapshot {
        let age = now.saturating_duration_since(self.created_at);
        lifecycle(step, self.total, age, self.cancelled_at_age)
    }

    fn view(&self, step: Duration, now: Instant) -> BillJobView {
        let snapshot = self.snapshot(step, now);
        BillJobView {
            id: self.id.clone(),
            version: snapshot.version,
            spec: self.spec.clone(),
            status: snapshot.status,
            kind: self.kind,
            total: self.total,
            pending: snapshot.pending,
            dt_created: format_rfc3339(self.created_wall),
            dt_last_modified: format_rfc3339(
                self.created_wall.saturating_add(snapshot.modified_at_age),
            ),
            created_by: SANDBOX_USER_ID,
            last_modified_by: SANDBOX_USER_ID,
        }
    }
}

/// One org's jobs, by creation sequence number (so oldest first) and by id.
#[derive(Default)]
struct OrgJobs {
    seqs: BTreeSet<u64>,
    by_id: HashMap<String, u64>,
}

#[derive(Default)]
struct Store {
    /// Creation order across the whole sandbox; list cursors are built from it.
    next_seq: u64,
    jobs: HashMap<u64, Job>,
    orgs: HashMap<String, OrgJobs>,
    /// `(expires_at, seq)` of every job that will expire, soonest first.
    deadlines: BTreeSet<(Instant, u64)>,
}

impl Store {
    /// Forgets every job whose time to live is over. Each removal is a few map and set
    /// operations, so the sweep costs nothing while nothing expires.
    fn expire(&mut self, now: Instant) {
        while let Some(&(at, seq)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.remove(seq);
        }
    }

    fn remove(&mut self, seq: u64) {
        let Some(job) = self.jobs.remove(&seq) else {
            return;
        };
        if let Some(at) = job.expires_at {
            self.deadlines.remove(&(at, seq));
        }
        if let Some(org) = self.orgs.get_mut(&job.org) {
            org.seqs.remove(&seq);
            org.by_id.remove(&job.id);
            if org.seqs.is_empty() {
                self.orgs.remove(&job.org);
            }
        }
    }

    fn find(&self, org: &str, id: &str) -> Option<u64> {
        self.orgs.get(org)?.by_id.get(id).copied()
    }
}

/// Shared state behind the router.
pub(crate) struct Sandbox {
    pub(crate) token: Vec<u8>,
    pub(crate) client: Option<crate::config::OAuthClient>,
    pub(crate) token_lifetime: Duration,
    pub(crate) tokens: crate::oauth::Tokens,
    pub(crate) max_logged_target_chars: usize,
    step: Duration,
    max_running: usize,
    job_ttl: Duration,
    max_jobs_per_org: usize,
    store: Mutex<Store>,
}

impl Sandbox {
    pub(crate) fn new(config: SandboxConfig) -> Self {
        Self {
            token: config.token.into_bytes(),
            client: config.client,
            token_lifetime: config.token_lifetime,
            tokens: crate::oauth::Tokens::default(),
            max_logged_target_chars: config.max_logged_target_chars,
            step: config.step,
            max_running: config.max_running,
            job_ttl: config.job_ttl,
            max_jobs_per_org: config.max_jobs_per_org,
            store: Mutex::new(Store::default()),
        }
    }

    /// The store, with expired jobs already gone. The lock is never held across an
    /// await, and nothing inside it panics on input; should it be poisoned anyway, the
    /// data is still consistent enough for a sandbox.
    fn store(&self, now: Instant) -> MutexGuard<'_, Store> {
        let mut store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        store.expire(now);
        store
    }

    /// When a job created at `created_at` and left alone is to be forgotten.
    fn natural_expiry(&self, created_at: Instant) -> Option<Instant> {
        created_at
            .checked_add(self.step.checked_mul(ACTIVE_STEPS)?)?
            .checked_add(self.job_ttl)
    }

    pub(crate) fn insert(
        &self,
        org: &str,
        kind: JobType,
        spec: JobSpec,
        total: usize,
    ) -> Result<BillJobView, ApiError> {
        let now = Instant::now();
        let mut store = self.store(now);
        let active = store
            .orgs
            .get(org)
            .map_or(0, |jobs| self.count_active(&store, jobs, now));
        if active >= self.max_running {
            return Err(ApiError::too_many(format!(
                "Too many BillJobs running: at most {} may be active at once; \
                 retry when one of them has completed",
                self.max_running
            )));
        }
        self.make_room(&mut store, org, now)?;
        let seq = store.next_seq;
        store.next_seq += 1;
        let jobs = store.orgs.entry(org.to_owned()).or_default();
        let mut id = new_id();
        // A clash is astronomically unlikely, but cheap to rule out.
        while jobs.by_id.contains_key(&id) {
            id = new_id();
        }
        jobs.seqs.insert(seq);
        jobs.by_id.insert(id.clone(), seq);
        let job = Job {
            org: org.to_owned(),
            id,
            kind,
            spec,
            total,
            created_at: now,
            created_wall: wall_clock_millis(),
            cancelled_at_age: None,
            expires_at: self.natural_expiry(now),
        };
        let view = job.view(self.step, now);
        if let Some(at) = job.expires_at {
            store.deadlines.insert((at, seq));
        }
        store.jobs.insert(seq, job);
        tracing::debug!(
            org = %shorten(org, LOGGED_ID_CHARS),
            id = %view.id,
            kind = ?kind,
            "billjob created"
        );
        Ok(view)
    }

    /// Ensures `org` has room for one more job, evicting its oldest finished job if it is
    /// full. With every stored job still active there is nothing to evict: 429.
    fn make_room(&self, store: &mut Store, org: &str, now: Instant) -> Result<(), ApiError> {
        let Some(jobs) = store.orgs.get(org) else {
            return if self.max_jobs_per_org == 0 {
                Err(self.org_full())
            } else {
                Ok(())
            };
        };
        if jobs.seqs.len() < self.max_jobs_per_org {
            return Ok(());
        }
        // Oldest first; at most `max_running` jobs are active, so this stops early.
        let evictable: Vec<u64> = jobs
            .seqs
            .iter()
            .copied()
            .filter(|seq| {
                store
                    .jobs
                    .get(seq)
                    .is_some_and(|job| !job.snapshot(self.step, now).status.is_active())
            })
            .take(jobs.seqs.len() + 1 - self.max_jobs_per_org)
            .collect();
        if jobs.seqs.len() - evictable.len() >= self.max_jobs_per_org {
            return Err(self.org_full());
        }
        for seq in evictable {
            store.remove(seq);
        }
        Ok(())
    }

    fn org_full(&self) -> ApiError {
        ApiError::too_many(format!(
            "Too many BillJobs stored: an organization may hold at most {} and none of them \
             has finished; retry when one of them has completed",
            self.max_jobs_per_org
        ))
    }

    /// Active jobs of one org. Jobs are ordered oldest first and none is active once
    /// three steps old, so the scan walks back from the newest and stops there.
    fn count_active(&self, store: &Store, jobs: &OrgJobs, now: Instant) -> usize {
        let horizon = self.step.saturating_mul(ACTIVE_STEPS);
        jobs.seqs
            .iter()
            .rev()
            .filter_map(|seq| store.jobs.get(seq))
            .take_while(|job| now.saturating_duration_since(job.created_at) < horizon)
            .filter(|job| job.snapshot(self.step, now).status.is_active())
            .count()
    }

    pub(crate) fn retrieve(&self, org: &str, id: &str) -> Result<BillJobView, ApiError> {
        let now = Instant::now();
        let store = self.store(now);
        store
            .find(org, id)
            .and_then(|seq| store.jobs.get(&seq))
            .map(|job| job.view(self.step, now))
            .ok_or_else(|| ApiError::not_found(id))
    }

    pub(crate) fn cancel(&self, org: &str, id: &str) -> Result<BillJobView, ApiError> {
        let now = Instant::now();
        let mut store = self.store(now);
        let seq = store.find(org, id).ok_or_else(|| ApiError::not_found(id))?;
        let job = store
            .jobs
            .get_mut(&seq)
            .ok_or_else(|| ApiError::not_found(id))?;
        let status = job.snapshot(self.step, now).status;
        if !status.is_active() {
            return Err(ApiError::bad_request(format!(
                "BillJob {id} cannot be cancelled: it is {}",
                status.as_str()
            )));
        }
        job.cancelled_at_age = Some(now.saturating_duration_since(job.created_at));
        let view = job.view(self.step, now);
        // It finished now: its time to live starts now.
        let old = std::mem::replace(&mut job.expires_at, now.checked_add(self.job_ttl));
        let new = job.expires_at;
        if let Some(at) = old {
            store.deadlines.remove(&(at, seq));
        }
        if let Some(at) = new {
            store.deadlines.insert((at, seq));
        }
        tracing::debug!(
            org = %shorten(org, LOGGED_ID_CHARS),
            id = %shorten(id, LOGGED_ID_CHARS),
            from = status.as_str(),
            "billjob cancelled"
        );
        Ok(view)
    }

    pub(crate) fn list(&self, org: &str, params: &ListParams) -> PageView {
        let now = Instant::now();
        let store = self.store(now);
        let Some(jobs) = store.orgs.get(org) else {
            return PageView {
                data: Vec::new(),
                next_token: None,
            };
        };
        // Only jobs strictly older than the cursor, newest first.
        let mut matching = jobs
            .seqs
            .range((
                Bound::Unbounded,
                params.before_seq.map_or(Bound::Unbounded, Bound::Excluded),
            ))
            .rev()
            .filter_map(|seq| store.jobs.get(seq).map(|job| (*seq, job)))
            .filter(|(_, job)| params.accepts(job.snapshot(self.step, now).status));
        let page: Vec<(u64, &Job)> = matching.by_ref().take(params.page_size).collect();
        let next_token = match (matching.next(), page.last()) {
            (Some(_), Some((last, _))) => Some(encode_cursor(org, *last)),
            _ => None,
        };
        PageView {
            data: page
                .iter()
                .map(|(_, job)| job.view(self.step, now))
                .collect(),
            next_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let ids: HashSet<String> = (0..10_000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in &ids {
            let groups: Vec<&str> = id.split('-').collect();
            assert!(groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]), "{id}");
            assert!(
                id.bytes()
                    .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{id}"
            );
            assert_eq!(&id[14..15], "4");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
    }
}
