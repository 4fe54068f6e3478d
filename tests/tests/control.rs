//! The `control` adapter: liveness, readiness and Prometheus `/metrics` counting a request made
//! through a REST adapter of the same capability.

use naftiko_runtime::control::{Metrics, Readiness};
use naftiko_runtime::reqwest;
use naftiko_tests::{Upstream, serve};
use std::time::Duration;

mod spec {
    naftiko_runtime::naftiko_capability!("specs/control.yaml");
}
use spec::{Upstreams, control_plane, orders, orders_rest};

#[tokio::test]
async fn health_readiness_and_metrics() {
    assert_eq!(control_plane::ADDRESS, "127.0.0.1:18391");
    let readiness = Readiness::new(["upstream", "REST"]);
    let metrics = Metrics::new();
    let control = serve(control_plane::router(readiness.clone(), &metrics)).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", control.url())).send();

    assert_eq!(get("/health/live").await.expect("live").status(), 200);
    // Not ready before the adapters are bound.
    assert_eq!(get("/health/ready").await.expect("ready").status(), 503);

    let upstream = Upstream::start().await;
    readiness.mark("upstream");
    assert_eq!(get("/health/ready").await.expect("ready").status(), 503);
    let rest = serve(
        metrics.layer(
            "orders-rest",
            orders_rest::router(Upstreams {
                orders: orders::Client::builder()
                    .base_uri(upstream.url())
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("client"),
            }),
        ),
    )
    .await;
    readiness.mark("REST");
    assert_eq!(get("/health/ready").await.expect("ready").status(), 200);

    for _ in 0..3 {
        let r = http
            .get(format!("{}/orders", rest.url()))
            .send()
            .await
            .expect("orders");
        assert_eq!(r.status(), 200);
    }
    assert_eq!(upstream.count(), 3);

    let text = get("/metrics")
        .await
        .expect("metrics")
        .text()
        .await
        .expect("body");
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text");
    let count = |name: &str| {
        scrape.samples.iter().find(|s| {
            s.metric == name
                && s.labels.get("adapter") == Some("orders-rest")
                && s.labels.get("operation") == Some("/orders")
                && s.labels.get("status") == Some("200")
        })
    };
    let requests =
        count("naftiko_requests_total").unwrap_or_else(|| panic!("no counter in:\n{text}"));
    assert!(
        // OpenMetrics declares the family `naftiko_requests` (`# TYPE naftiko_requests counter`)
        // and its sample `naftiko_requests_total`, which this parser leaves untyped.
        matches!(
            requests.value,
            prometheus_parse::Value::Counter(n) | prometheus_parse::Value::Untyped(n) if n == 3.0
        ),
        "{requests:?}"
    );
    let hist = count("naftiko_request_duration_seconds")
        .unwrap_or_else(|| panic!("no histogram in:\n{text}"));
    match &hist.value {
        prometheus_parse::Value::Histogram(buckets) => {
            let inf = buckets
                .iter()
                .find(|b| b.less_than.is_infinite())
                .expect("+Inf bucket");
            assert_eq!(inf.count, 3.0);
        }
        other => panic!("expected a histogram, got {other:?}"),
    }
}

#[test]
fn the_specs_observability_names_its_collector_and_sampling() {
    let o = control_plane::OBSERVABILITY;
    assert!(o.enabled);
    assert_eq!(o.sampling, 0.5);
    let env = |v: &str| (v == "OTLP_HOST").then(|| "collector.internal".to_string());
    assert_eq!(
        o.endpoint(env),
        Ok(Some("http://collector.internal:4318".to_string()))
    );
    assert_eq!(
        o.endpoint(|_| None),
        Err("environment variable `OTLP_HOST` (in the OTLP endpoint) is not set".to_string())
    );
    // A provider exporting there (nothing is sent until spans are recorded).
    let provider = o
        .provider("orders", 64, env)
        .expect("built")
        .expect("a provider");
    let _ = provider.shutdown();
    let off = naftiko_runtime::trace::Observability {
        enabled: false,
        ..o
    };
    assert!(off.provider("orders", 64, env).expect("built").is_none());
}

#[tokio::test]
async fn logs_answer_503_until_the_server_installs_a_log_control() {
    let control = serve(control_plane::router(
        Readiness::new(["x"]),
        &Metrics::new(),
    ))
    .await;
    let r = reqwest::get(format!("{}/logs", control.url()))
        .await
        .expect("logs");
    // This test binary installs no LogControl: the spec asked for /logs, so it says why not.
    assert_eq!(r.status(), 503);
    let body = r.text().await.expect("body");
    assert!(body.contains("LogControl"), "{body}");
}
