//! What goes on the wire: the echoed request fields, `BillJobResponse` and the list page.

use serde::Serialize;
use serde_json::Number;

use crate::lifecycle::{JobType, Status};

/// The request fields a job echoes back; `None` fields are left out of responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) account_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bill_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bill_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bill_frequency_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) billing_frequency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) currency_conversions: Option<Vec<CurrencyConversion>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) day_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) external_invoice_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_date_in_billing_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) month_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) week_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) year_epoch: Option<String>,
}

/// `CurrencyConversion` in m3ter's OpenAPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CurrencyConversion {
    pub(crate) from: String,
    pub(crate) to: String,
    /// Kept as the client's JSON number so that it is echoed exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) multiplier: Option<Number>,
}

/// A `BillJobResponse` as sent on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BillJobView {
    pub(crate) id: String,
    pub(crate) version: u64,
    #[serde(flatten)]
    pub(crate) spec: JobSpec,
    pub(crate) status: Status,
    #[serde(rename = "type")]
    pub(crate) kind: JobType,
    pub(crate) total: usize,
    pub(crate) pending: usize,
    pub(crate) dt_created: String,
    pub(crate) dt_last_modified: String,
    pub(crate) created_by: &'static str,
    pub(crate) last_modified_by: &'static str,
}

/// A `PaginatedBillJobResponseData` as sent on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageView {
    pub(crate) data: Vec<BillJobView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}
