//! Request bodies: parsing them as JSON objects and validating every field m3ter
//! documents for create and recalculate. Messages name the offending field.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::time::is_calendar_date;
use crate::wire::{CurrencyConversion, JobSpec};

/// Bounds m3ter puts on `accountIds` and `billIds`.
const ID_LIST_MIN: usize = 1;
const ID_LIST_MAX: usize = 100;

/// Most `currencyConversions` one request may carry.
const MAX_CURRENCY_CONVERSIONS: usize = 250;

const BILLING_FREQUENCIES: [&str; 5] = ["DAILY", "WEEKLY", "MONTHLY", "ANNUALLY", "AD_HOC"];

/// Parses a request body as a JSON object; an empty body means `{}`, because SDKs may
/// send `Content-Length: 0`.
pub(crate) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::bad_request("request body must be a JSON object")),
        Err(error) => Err(ApiError::bad_request(format!(
            "request body is not valid JSON: {error}"
        ))),
    }
}

pub(crate) fn validate_create(fields: &Map<String, Value>) -> Result<JobSpec, ApiError> {
    // `version` is "not valid for create" per m3ter, but the SDKs send it: check its
    // type, then ignore it.
    optional_integer(fields, "version", i64::MIN, i64::MAX)?;
    Ok(JobSpec {
        account_ids: optional_id_list(fields, "accountIds")?,
        bill_ids: None,
        bill_date: optional_date(fields, "billDate")?,
        bill_frequency_interval: optional_integer(
            fields,
            "billFrequencyInterval",
            i32::MIN.into(),
            i32::MAX.into(),
        )?,
        billing_frequency: optional_billing_frequency(fields)?,
        currency_conversions: optional_currency_conversions(fields)?,
        day_epoch: optional_date(fields, "dayEpoch")?,
        due_date: optional_date(fields, "dueDate")?,
        external_invoice_date: optional_date(fields, "externalInvoiceDate")?,
        last_date_in_billing_period: optional_date(fields, "lastDateInBillingPeriod")?,
        month_epoch: optional_date(fields, "monthEpoch")?,
        target_currency: optional_target_currency(fields)?,
        timezone: Some(optional_timezone(fields)?.unwrap_or_else(|| "UTC".to_owned())),
        week_epoch: optional_date(fields, "weekEpoch")?,
        year_epoch: optional_date(fields, "yearEpoch")?,
    })
}

pub(crate) fn validate_recalculate(fields: &Map<String, Value>) -> Result<JobSpec, ApiError> {
    let bill_ids = optional_id_list(fields, "billIds")?
        .ok_or_else(|| ApiError::bad_request("billIds is required"))?;
    optional_integer(fields, "version", i64::MIN, i64::MAX)?;
    Ok(JobSpec {
        bill_ids: Some(bill_ids),
        ..JobSpec::default()
    })
}

/// A field's value; `null` counts as absent, as it does for m3ter's SDKs.
fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).filter(|value| !value.is_null())
}

fn optional_string(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match field(fields, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be a string"))),
    }
}

/// `accountIds` / `billIds`: 1–100 strings.
fn optional_id_list(
    fields: &Map<String, Value>,
    name: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(value) = field(fields, name) else {
        return Ok(None);
    };
    let Value::Array(items) = value else {
        return Err(ApiError::bad_request(format!(
            "{name} must be an array of strings"
        )));
    };
    if !(ID_LIST_MIN..=ID_LIST_MAX).contains(&items.len()) {
        return Err(ApiError::bad_request(format!(
            "{name} must contain between {ID_LIST_MIN} and {ID_LIST_MAX} items"
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::String(text) => Ok(text.clone()),
            _ => Err(ApiError::bad_request(format!(
                "{name}[{index}] must be a string"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn optional_integer(
    fields: &Map<String, Value>,
    name: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ApiError> {
    let Some(value) = field(fields, name) else {
        return Ok(None);
    };
    value
        .as_i64()
        .filter(|number| (min..=max).contains(number))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!("{name} must be an integer between {min} and {max}"))
        })
}

fn optional_date(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    let date = optional_string(fields, name)?;
    match date {
        Some(text) if !is_calendar_date(&text) => Err(ApiError::bad_request(format!(
            "{name} must be a calendar date in YYYY-MM-DD format"
        ))),
        other => Ok(other),
    }
}

fn optional_billing_frequency(
    fields: &Map<String, Value>,
) -> Result<Option<&'static str>, ApiError> {
    let Some(text) = optional_string(fields, "billingFrequency")? else {
        return Ok(None);
    };
    BILLING_FREQUENCIES
        .into_iter()
        .find(|known| *known == text)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "billingFrequency must be one of {}",
                BILLING_FREQUENCIES.join(", ")
            ))
        })
}

fn optional_target_currency(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match optional_string(fields, "targetCurrency")? {
        // OpenAPI lengths count characters, not bytes.
        Some(code) if code.chars().count() != 3 => Err(ApiError::bad_request(
            "targetCurrency must be exactly 3 characters long",
        )),
        other => Ok(other),
    }
}

fn optional_timezone(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match optional_string(fields, "timezone")? {
        Some(zone) if zone.is_empty() => Err(ApiError::bad_request("timezone must not be empty")),
        other => Ok(other),
    }
}

fn optional_currency_conversions(
    fields: &Map<String, Value>,
) -> Result<Option<Vec<CurrencyConversion>>, ApiError> {
    const NAME: &str = "currencyConversions";
    let Some(value) = field(fields, NAME) else {
        return Ok(None);
    };
    let Value::Array(items) = value else {
        return Err(ApiError::bad_request(format!(
            "{NAME} must be an array of objects"
        )));
    };
    if items.len() > MAX_CURRENCY_CONVERSIONS {
        return Err(ApiError::bad_request(format!(
            "{NAME} must contain at most {MAX_CURRENCY_CONVERSIONS} items"
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let Value::Object(conversion) = item else {
                return Err(ApiError::bad_request(format!(
                    "{NAME}[{index}] must be an object"
                )));
            };
            let currency = |key: &str| match field(conversion, key) {
                Some(Value::String(code)) if !code.is_empty() => Ok(code.clone()),
                None => Err(ApiError::bad_request(format!(
                    "{NAME}[{index}].{key} is required"
                ))),
                Some(_) => Err(ApiError::bad_request(format!(
                    "{NAME}[{index}].{key} must be a non-empty string"
                ))),
            };
            let from = currency("from")?;
            let to = currency("to")?;
            let multiplier = match field(conversion, "multiplier") {
                None => None,
                Some(Value::Number(number))
                    if number.as_f64().is_some_and(|m| m.is_finite() && m > 0.0) =>
                {
                    Some(number.clone())
                }
                Some(_) => {
                    return Err(ApiError::bad_request(format!(
                        "{NAME}[{index}].multiplier must be a number greater than 0"
                    )));
                }
            };
            Ok(CurrencyConversion {
                from,
                to,
                multiplier,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
