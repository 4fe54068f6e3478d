//! How a sandbox behaves: [`SandboxConfig`] and the limits it defaults to.

use std::fmt;
use std::time::Duration;

/// Largest accepted request body, in bytes (1 MiB); larger bodies get 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// `pageSize` used by list when the request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 10;

/// Largest `pageSize` m3ter accepts for BillJobs.
pub const MAX_PAGE_SIZE: usize = 100;

/// The user every sandbox job is created and modified by (`createdBy`, `lastModifiedBy`).
pub const SANDBOX_USER_ID: &str = "5a4db0c5-0000-4000-8000-00000000b111";

/// Default [`SandboxConfig::step`]: 2 s in each active state.
pub const DEFAULT_STEP: Duration = Duration::from_secs(2);

/// Default [`SandboxConfig::max_running`], m3ter's documented limit.
pub const DEFAULT_MAX_RUNNING: usize = 10;

/// Default [`SandboxConfig::job_ttl`]: finished jobs are kept for an hour.
pub const DEFAULT_JOB_TTL: Duration = Duration::from_secs(3_600);

/// Default [`SandboxConfig::max_jobs_per_org`].
pub const DEFAULT_MAX_JOBS_PER_ORG: usize = 10_000;

/// Default [`SandboxConfig::max_logged_target_chars`].
pub const DEFAULT_MAX_LOGGED_TARGET_CHARS: usize = 128;

/// Default [`SandboxConfig::token_lifetime`]: m3ter's `expires_in` of 18 000 s.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(18_000);

/// An OAuth client: id and secret. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub id: String,
    pub secret: String,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// How a sandbox behaves. Build it with [`SandboxConfig::new`] and struct update syntax:
///
/// ```
/// # use std::time::Duration;
/// let config = m3ter_sandbox::SandboxConfig {
///     step: Duration::from_millis(100),
///     ..m3ter_sandbox::SandboxConfig::new("token")
/// };
/// assert_eq!(config.max_running, 10);
/// ```
#[derive(Clone)]
pub struct SandboxConfig {
    /// The bearer token clients must present. Never logged nor echoed.
    pub token: String,
    /// Time a job spends in each of `PENDING`, `INITIALIZING` and `RUNNING`.
    pub step: Duration,
    /// Most jobs one org may have in an active state; one more gets 429 (m3ter: 10).
    pub max_running: usize,
    /// How long a finished job (`COMPLETE` or `CANCELLED`) stays retrievable and listed,
    /// counted from the moment it finished. Zero removes finished jobs at once.
    pub job_ttl: Duration,
    /// Most jobs, active or finished, one org may hold. When an org is full, a create or
    /// recalculate evicts its oldest finished job; with none finished it gets 429.
    pub max_jobs_per_org: usize,
    /// The OAuth client `POST /oauth/token` accepts (m3ter's access key id and API secret);
    /// `None` refuses every token request, leaving [`SandboxConfig::token`] the only way in.
    pub client: Option<OAuthClient>,
    /// How long a token from `POST /oauth/token` is valid (m3ter: 18 000 s, five hours);
    /// an expired one gets 403, as m3ter answers.
    pub token_lifetime: Duration,
    /// Request targets (path and query) longer than this many characters are cut short in
    /// the request log, which then says how long they were.
    pub max_logged_target_chars: usize,
}

impl SandboxConfig {
    /// A configuration with m3ter's limit of 10 active jobs, a 2 s step, finished jobs kept
    /// for an hour and at most 10 000 jobs per org.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            step: DEFAULT_STEP,
            max_running: DEFAULT_MAX_RUNNING,
            job_ttl: DEFAULT_JOB_TTL,
            max_jobs_per_org: DEFAULT_MAX_JOBS_PER_ORG,
            max_logged_target_chars: DEFAULT_MAX_LOGGED_TARGET_CHARS,
            client: None,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

// Hand-written so that `{:?}` never prints the token.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("token", &"<redacted>")
            .field("step", &self.step)
            .field("max_running", &self.max_running)
            .field("job_ttl", &self.job_ttl)
            .field("max_jobs_per_org", &self.max_jobs_per_org)
            .field("max_logged_target_chars", &self.max_logged_target_chars)
            .field("client", &self.client)
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}
