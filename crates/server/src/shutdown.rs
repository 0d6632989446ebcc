//! SIGTERM (Kubernetes asking politely) and SIGINT (Ctrl-C) feed one shutdown
//! token shared by the gRPC host, relays and consumers. The first signal
//! cancels the token so everything drains; a second one exits at once with
//! code 130.

use tokio_util::sync::CancellationToken;

/// Exit code on a second signal, as a shell reports an interrupted process.
pub const FORCED_EXIT_CODE: i32 = 130;

/// Installs the signal handlers (before returning, so no signal is missed)
/// and returns the token the first signal cancels. Call inside a tokio
/// runtime. The watching task lives as long as the process; if the handlers
/// cannot be installed the error is logged and only Ctrl-C is watched.
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let mut signals = Signals::install();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::select! {
            name = signals.next() => {
                tracing::info!(signal = name, "shutdown requested, draining; signal again to exit now");
                cancel.cancel();
            }
            // Cancelled by the program itself: a signal now is the second one.
            () = cancel.cancelled() => {}
        }
        let name = signals.next().await;
        tracing::warn!(signal = name, "second signal, exiting now");
        std::process::exit(FORCED_EXIT_CODE);
    });
    token
}

#[cfg(unix)]
struct Signals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
impl Signals {
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(stream) => Some(stream),
            Err(error) => {
                tracing::error!(%error, signal = name, "cannot watch signal");
                None
            }
        };
        Self {
            terminate: install(SignalKind::terminate(), "SIGTERM"),
            interrupt: install(SignalKind::interrupt(), "SIGINT"),
        }
    }

    async fn next(&mut self) -> &'static str {
        async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => futures::future::pending::<()>().await,
            }
        }
        if self.terminate.is_none() && self.interrupt.is_none() {
            let _ = tokio::signal::ctrl_c().await;
            return "SIGINT";
        }
        tokio::select! {
            () = recv(&mut self.terminate) => "SIGTERM",
            () = recv(&mut self.interrupt) => "SIGINT",
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> Self {
        Self
    }

    async fn next(&mut self) -> &'static str {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot watch ctrl-c");
            futures::future::pending::<()>().await;
        }
        "ctrl-c"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn first_sigterm_cancels_the_token() -> Result<(), Box<dyn std::error::Error>> {
        let token = shutdown_on_signals();
        assert!(!token.is_cancelled());
        let status = std::process::Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()?;
        assert!(status.success());
        tokio::time::timeout(std::time::Duration::from_secs(10), token.cancelled()).await?;
        Ok(())
    }
}
