//! SIGINT, SIGTERM and SIGHUP, told apart: each stops the run with its own exit code.
//!
//! Each signal gets two signal-hook actions, run in the order they were registered: the first
//! stores the signal's number in a shared atomic, the second writes a byte to a pipe (the
//! self-pipe pattern). A thread of its own, `nebulk-signals`, sleeps reading the pipe; woken, it
//! reads which signal came and hands it on. A plain pipe, not `signal_hook::iterator`, which
//! waits on a socket pair: nebulk opens no socket at all (the README's "No network" guarantee).
//! Registering a pipe still costs one `send` that fails with ENOTSOCK: signal-hook tries it to
//! learn whether the file is a socket.

use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::{flag, low_level::pipe};

/// The signals handled.
const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];

/// How often the thread looks for a signal when it cannot sleep on the pipe (a registration or
/// a read of the pipe failed, which does not happen in practice).
const POLL: Duration = Duration::from_millis(50);

/// Starts the `nebulk-signals` thread, which calls `then` with the number of the first of
/// SIGINT, SIGTERM or SIGHUP the process gets; `then` is expected to end the process. The
/// thread registers the signals itself and says when it has: when it cannot be started, nothing
/// is registered and the signals keep their default action (ending the process) rather than
/// being caught with no one to act on them. An error is for a warning: whatever signals could
/// be registered are handled all the same.
pub fn handle(then: fn(i32)) -> io::Result<()> {
    let (registered, outcome) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("nebulk-signals".into())
        .spawn(move || {
            let caught = Arc::new(AtomicUsize::new(0));
            let (registration, wake) = register(&caught);
            let _ = registered.send(registration);
            watch(&caught, wake, then)
        })?;
    outcome
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the signal thread ended")))
}

/// Registers each signal's two actions, flag first, then pipe. Gives back how that went (an
/// error for a warning) and the pipe's reading end: `None` when some caught signal would write no
/// byte to it, and the thread must poll the flag instead of sleeping on the pipe.
fn register(caught: &Arc<AtomicUsize>) -> (io::Result<()>, Option<io::PipeReader>) {
    let mut problem = None;
    let (mut reader, writer) = match io::pipe() {
        Ok((reader, writer)) => (Some(reader), Some(writer)),
        Err(e) => {
            problem = Some(e);
            (None, None)
        }
    };
    for signal in SIGNALS {
        if let Err(e) = flag::register_usize(signal, Arc::clone(caught), number(signal)) {
            // This signal and those after it keep their default action.
            problem = Some(e);
            break;
        }
        let woken = writer
            .as_ref()
            .map(|w| w.try_clone().and_then(|w| pipe::register(signal, w)));
        if let Some(Err(e)) = woken {
            problem = Some(e);
            reader = None;
        }
    }
    (problem.map_or(Ok(()), Err), reader)
}

fn number(signal: i32) -> usize {
    usize::try_from(signal).unwrap_or(0)
}

/// Waits for a signal (sleeping on the pipe, or polling without one), then calls `then`.
fn watch(caught: &AtomicUsize, mut wake: Option<io::PipeReader>, then: fn(i32)) {
    let mut bytes = [0u8; 64];
    loop {
        match wake.as_mut().map(|pipe| pipe.read(&mut bytes)) {
            Some(Ok(n)) if n > 0 => {}
            Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            // End of file or an error: nothing more will come through the pipe.
            Some(_) => wake = None,
            None => std::thread::sleep(POLL),
        }
        // The flag was set before the byte was written: a wake-up finds it.
        let signal = caught.load(Ordering::SeqCst);
        if signal != 0 {
            then(i32::try_from(signal).unwrap_or(SIGINT));
        }
    }
}
