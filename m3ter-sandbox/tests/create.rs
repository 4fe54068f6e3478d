//! Create, recalculate and retrieve: what is echoed, what is validated, what is isolated.

mod common;

use common::*;
use m3ter_sandbox::SANDBOX_USER_ID;
use serde_json::{Value, json};

#[tokio::test]
async fn create_echoes_the_request_and_leaves_nulls_out() {
    let client = start(LONG, 10).await;
    let request = all_params_body();
    let job = client.create("org-1", request.clone()).await;
    assert!(is_uuid_shaped(&id_of(&job)), "{job}");
    assert_eq!(job["version"], 1);
    assert_eq!(job["type"], "CREATE");
    assert_eq!(job["status"], "PENDING");
    assert_eq!(job["total"], 1);
    assert_eq!(job["pending"], 1);
    assert_eq!(job["createdBy"], SANDBOX_USER_ID);
    assert_eq!(job["lastModifiedBy"], SANDBOX_USER_ID);
    assert!(is_uuid_shaped(SANDBOX_USER_ID));
    let created = job["dtCreated"].as_str().expect("dtCreated");
    assert!(is_rfc3339(created) && created.ends_with('Z'), "{created}");
    assert_eq!(job["dtLastModified"], job["dtCreated"]);
    for (key, value) in request.as_object().expect("object") {
        if key != "version" {
            assert_eq!(&job[key], value, "{key} is not echoed");
        }
    }
    assert!(job.get("billIds").is_none());

    // `{}`: only the defaults and server-side fields appear, and no field is null.
    let bare = client.create("org-1", json!({})).await;
    let mut keys: Vec<&str> = bare
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "createdBy",
            "dtCreated",
            "dtLastModified",
            "id",
            "lastModifiedBy",
            "pending",
            "status",
            "timezone",
            "total",
            "type",
            "version"
        ]
    );
    assert_eq!(bare["timezone"], "UTC");
    assert_eq!(bare["total"], 1);
    assert_ne!(bare["id"], job["id"]);

    // Explicit nulls count as absent; unknown fields are ignored.
    let nulls = client
        .create(
            "org-1",
            json!({"accountIds": null, "billDate": null, "targetCurrency": null,
                   "currencyConversions": [{"from": "GBP", "to": "USD", "multiplier": null}],
                   "somethingNew": {"nested": true}, "timezone": "Europe/London"}),
        )
        .await;
    assert!(!contains_null(&nulls), "{nulls}");
    assert!(nulls.get("accountIds").is_none() && nulls.get("somethingNew").is_none());
    assert_eq!(
        nulls["currencyConversions"],
        json!([{"from": "GBP", "to": "USD"}])
    );
    assert_eq!(nulls["timezone"], "Europe/London");

    // `total` counts the accounts; a retrieve returns the same object.
    let accounts: Vec<String> = (0..7).map(|n| format!("account-{n}")).collect();
    let job = client
        .create("org-1", json!({"accountIds": accounts}))
        .await;
    assert_eq!(
        (job["total"].as_u64(), job["pending"].as_u64()),
        (Some(7), Some(7))
    );
    let (status, fetched) = client
        .get(&format!("/organizations/org-1/billjobs/{}", id_of(&job)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetched, job);
}

#[tokio::test]
async fn create_validates_every_field() {
    let client = start(LONG, 1_000).await;
    let too_many: Vec<String> = (0..101).map(|n| n.to_string()).collect();
    let conversions: Vec<Value> = (0..251).map(|_| json!({"from": "A", "to": "B"})).collect();
    let rejected: Vec<(Value, &str)> = vec![
        (
            json!({"accountIds": []}),
            "accountIds must contain between 1 and 100 items",
        ),
        (
            json!({"accountIds": too_many}),
            "accountIds must contain between 1 and 100 items",
        ),
        (
            json!({"accountIds": "a"}),
            "accountIds must be an array of strings",
        ),
        (
            json!({"accountIds": {"a": 1}}),
            "accountIds must be an array of strings",
        ),
        (
            json!({"accountIds": ["a", 7]}),
            "accountIds[1] must be a string",
        ),
        (
            json!({"targetCurrency": "US"}),
            "targetCurrency must be exactly 3 characters long",
        ),
        (
            json!({"targetCurrency": "USDX"}),
            "targetCurrency must be exactly 3 characters long",
        ),
        (
            json!({"targetCurrency": ""}),
            "targetCurrency must be exactly 3 characters long",
        ),
        (
            json!({"targetCurrency": 840}),
            "targetCurrency must be a string",
        ),
        (
            json!({"currencyConversions": conversions}),
            "currencyConversions must contain at most 250 items",
        ),
        (
            json!({"currencyConversions": {"from": "A"}}),
            "currencyConversions must be an array of objects",
        ),
        (
            json!({"currencyConversions": ["EUR"]}),
            "currencyConversions[0] must be an object",
        ),
        (
            json!({"currencyConversions": [{"to": "USD"}]}),
            "currencyConversions[0].from is required",
        ),
        (
            json!({"currencyConversions": [{"from": "A", "to": "B"}, {"from": "EUR"}]}),
            "currencyConversions[1].to is required",
        ),
        (
            json!({"currencyConversions": [{"from": "", "to": "USD"}]}),
            "currencyConversions[0].from must be a non-empty string",
        ),
        (
            json!({"currencyConversions": [{"from": "EUR", "to": 1}]}),
            "currencyConversions[0].to must be a non-empty string",
        ),
        (
            json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 0}]}),
            "currencyConversions[0].multiplier must be a number greater than 0",
        ),
        (
            json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": -1.5}]}),
            "currencyConversions[0].multiplier must be a number greater than 0",
        ),
        (
            json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": "1.1"}]}),
            "currencyConversions[0].multiplier must be a number greater than 0",
        ),
        (
            json!({"billingFrequency": "HOURLY"}),
            "billingFrequency must be one of DAILY, WEEKLY, MONTHLY, ANNUALLY, AD_HOC",
        ),
        (
            json!({"billingFrequency": "monthly"}),
            "billingFrequency must be one of",
        ),
        (
            json!({"billingFrequency": 1}),
            "billingFrequency must be a string",
        ),
        (
            json!({"billFrequencyInterval": 1.5}),
            "billFrequencyInterval must be an integer",
        ),
        (
            json!({"billFrequencyInterval": "3"}),
            "billFrequencyInterval must be an integer",
        ),
        (
            json!({"billFrequencyInterval": 2_147_483_648_i64}),
            "billFrequencyInterval must be an integer between -2147483648 and 2147483647",
        ),
        (json!({"timezone": 0}), "timezone must be a string"),
        (json!({"timezone": ""}), "timezone must not be empty"),
        (json!({"version": "1"}), "version must be an integer"),
        (json!({"version": 1.0}), "version must be an integer"),
        (
            json!({"version": 9_223_372_036_854_775_808_u64}),
            "version must be an integer",
        ),
    ];
    let date_fields = [
        "billDate",
        "dayEpoch",
        "dueDate",
        "externalInvoiceDate",
        "lastDateInBillingPeriod",
        "monthEpoch",
        "weekEpoch",
        "yearEpoch",
    ];
    let bad_dates = [
        json!("2024-02-30"),
        json!("2023-02-29"),
        json!("2024-13-01"),
        json!("2024-00-10"),
        json!("2024-04-31"),
        json!("2024-2-01"),
        json!("20240201"),
        json!("2024-02-01T00:00:00Z"),
        json!("2024/02/01"),
        json!("２０２４-02-01"),
        json!(20240201),
    ];
    let mut cases = rejected;
    for field in date_fields {
        for date in &bad_dates {
            cases.push((json!({ field: date }), field));
        }
    }
    for (body, expected) in &cases {
        let (status, reply) = client.post("/organizations/o/billjobs", body).await;
        assert_eq!(status, 400, "{body} was accepted: {reply}");
        assert!(
            message(&reply).starts_with(expected),
            "{body}: message {:?} does not start with {expected:?}",
            message(&reply)
        );
    }

    let accepted = [
        json!({"billDate": "2024-02-29", "dueDate": "2000-02-29", "yearEpoch": "1900-01-01"}),
        json!({"accountIds": (0..100).map(|n| n.to_string()).collect::<Vec<_>>()}),
        json!({"currencyConversions": (0..250).map(|_| json!({"from": "A", "to": "B", "multiplier": 1e-9})).collect::<Vec<_>>()}),
        json!({"currencyConversions": []}),
        json!({"targetCurrency": "€€€", "billingFrequency": "AD_HOC"}),
        json!({"billFrequencyInterval": -2_147_483_648_i64, "version": -1}),
    ];
    for body in accepted {
        let (status, reply) = client.post("/organizations/o/billjobs", &body).await;
        assert_eq!(status, 200, "{body} was refused: {reply}");
    }
}

#[tokio::test]
async fn recalculate_validates_and_echoes_bill_ids() {
    let client = start(LONG, 100).await;
    let target = "/organizations/o/billjobs/recalculate";
    let too_many: Vec<String> = (0..101).map(|n| n.to_string()).collect();
    for (body, expected) in [
        (json!({}), "billIds is required"),
        (json!({"billIds": null}), "billIds is required"),
        (
            json!({"billIds": []}),
            "billIds must contain between 1 and 100 items",
        ),
        (
            json!({"billIds": too_many}),
            "billIds must contain between 1 and 100 items",
        ),
        (
            json!({"billIds": "bill-1"}),
            "billIds must be an array of strings",
        ),
        (json!({"billIds": [1]}), "billIds[0] must be a string"),
        (
            json!({"billIds": ["b"], "version": "2"}),
            "version must be an integer",
        ),
    ] {
        let (status, reply) = client.post(target, &body).await;
        assert_eq!(status, 400, "{body}");
        assert!(message(&reply).starts_with(expected), "{body}: {reply}");
    }
    let (status, job) = client
        .post(
            target,
            &json!({"billIds": ["bill-1", "bill-2"], "version": 1, "accountIds": ["ignored"]}),
        )
        .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["type"], "RECALCULATE");
    assert_eq!(job["status"], "PENDING");
    assert_eq!(job["version"], 1);
    assert_eq!(job["billIds"], json!(["bill-1", "bill-2"]));
    assert_eq!(
        (job["total"].as_u64(), job["pending"].as_u64()),
        (Some(2), Some(2))
    );
    assert!(job.get("accountIds").is_none() && job.get("timezone").is_none());
    assert!(!contains_null(&job));
}

#[tokio::test]
async fn unknown_ids_are_404_and_orgs_are_isolated() {
    let client = start(LONG, 10).await;
    let job = client.create("org-a", json!({})).await;
    let id = id_of(&job);
    let (status, _) = client
        .get(&format!("/organizations/org-a/billjobs/{id}"))
        .await;
    assert_eq!(status, 200);
    for target in [
        format!("/organizations/org-b/billjobs/{id}"),
        "/organizations/org-a/billjobs/missing".to_owned(),
    ] {
        let (status, reply) = client.get(&target).await;
        assert_eq!(status, 404, "{target}");
        let expected = format!(
            "BillJob {} not found",
            target.rsplit('/').next().unwrap_or("")
        );
        assert_eq!(message(&reply), expected);
    }
    let (status, reply) = client.cancel("org-b", &id).await;
    assert_eq!(status, 404);
    assert_eq!(message(&reply), format!("BillJob {id} not found"));
    let (status, page) = client.list("org-b", "").await;
    assert_eq!(status, 200);
    assert_eq!(page, json!({"data": []}));
    let (_, page) = client.list("org-a", "").await;
    assert_eq!(ids_of(&page), [id]);
}
