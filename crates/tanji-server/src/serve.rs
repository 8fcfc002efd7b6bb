//! Serving the app on a TCP listener, over plain HTTP or TLS (rustls), with graceful shutdown: on the shutdown
//! signal the server stops accepting connections and lets requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use tokio::net::TcpListener;

/// How long requests in flight may take to finish after the shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A PEM certificate chain and private key for HTTPS.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub certificate: PathBuf,
    /// The private key.
    pub private_key: PathBuf,
}

/// Serves `app` on `listener` until `shutdown` completes, then drains.
pub async fn serve(
    app: Router,
    listener: TcpListener,
    tls: Option<TlsFiles>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => axum::serve(listener, service).with_graceful_shutdown(shutdown).await.context("serving HTTP"),
        Some(files) => {
            // rustls needs one process-wide crypto provider; installing it twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config =
                RustlsConfig::from_pem_file(&files.certificate, &files.private_key).await.with_context(|| {
                    format!(
                        "loading the TLS certificate {} and key {}\nhint: both must be PEM files",
                        files.certificate.display(),
                        files.private_key.display()
                    )
                })?;
            let handle = axum_server::Handle::new();
            let shutdown_handle = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                shutdown_handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
            });
            let listener = listener.into_std().context("preparing the listener for TLS")?;
            axum_server::from_tcp_rustls(listener, config)
                .context("preparing the TLS listener")?
                .handle(handle)
                .serve(service)
                .await
                .context("serving HTTPS")
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "listening for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "listening for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: no new connections; finishing requests in flight");
}
