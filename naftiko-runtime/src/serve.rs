//! Running generated adapters: listeners with `TCP_NODELAY`, graceful shutdown.

use axum::serve::ListenerExt;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
pub use tokio_util::sync::CancellationToken;

/// Binds a listener, with an error that says which address is busy.
pub async fn bind(addr: &str, what: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (the port is already in use; choose another address)"
        } else {
            ""
        };
        std::io::Error::new(
            e.kind(),
            format!("cannot listen for {what} on {addr}: {e}{hint}"),
        )
    })
}

/// Serves a router until `shutdown` completes, then drains in-flight requests.
pub async fn http(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Without TCP_NODELAY small replies wait for delayed ACKs (~40 ms each).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
