//! Work done on several threads while its results are used in order on the calling thread
//! ([`in_order`]): the exports are read while those read before are added to the tenant, and
//! read again while the lines of those before are written.

use std::collections::BTreeMap;
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

use anyhow::Result;

/// Runs `work` on each item of `items` on `threads` threads of its own, and hands the results,
/// in the items' order, to `use_result` on the calling thread as they come. A thread takes the
/// next item as soon as it is done with one, so that no thread waits for another's item (as a
/// batch would); no item is taken while `2 × threads` results wait to be used before it, so
/// that a slow item holds back a bounded number of results. Stops at the first error
/// `use_result` gives, and gives it; a panic in `work` stops the others and goes on up.
///
pub fn in_order<T, U>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> U + Sync,
    mut use_result: impl FnMut(U) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    U: Send,
{
    let threads = threads.clamp(1, items.len().max(1));
    let gate = Gate::new(2 * threads);
    std::thread::scope(|scope| {
        let (sender, received) = mpsc::channel::<(usize, U)>();
        for _ in 0..threads {
            let (sender, gate, work) = (sender.clone(), &gate, &work);
            scope.spawn(move || {
                let _stop = StopOnPanic(gate);
                while let Some(item) = gate
                    .take()
                    .and_then(|index| Some((index, items.get(index)?)))
                {
                    if sender.send((item.0, work(item.1))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut use_in_order = || -> Result<()> {
            let mut waiting = BTreeMap::new();
            let mut used = 0;
            for (index, result) in &received {
                waiting.insert(index, result);
                while let Some(result) = waiting.remove(&used) {
                    used += 1;
                    gate.used(used);
                    use_result(result)?;
                }
            }
            Ok(())
        };
        let outcome = use_in_order();
        // After an error, no more items are taken; the threads stop at their next send.
        gate.stop();
        drop(received);
        outcome
    })
}

/// Which item is taken next, and how many results have been used: items are taken in order,
/// each at most `window` items past the next result to use.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
    window: usize,
}

#[derive(Default)]
struct GateState {
    next: usize,
    used: usize,
    stopped: bool,
}

impl Gate {
    fn new(window: usize) -> Gate {
        Gate {
            state: Mutex::default(),
            moved: Condvar::new(),
            window,
        }
    }

    /// The next item to work on, once it is within the window; `None` once stopped.
    fn take(&self) -> Option<usize> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = self
            .moved
            .wait_while(state, |s| !s.stopped && s.next >= s.used + self.window)
            .unwrap_or_else(PoisonError::into_inner);
        if state.stopped {
            return None;
        }
        state.next += 1;
        Some(state.next - 1)
    }

    /// `used` results have been used.
    fn used(&self, used: usize) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .used = used;
        self.moved.notify_all();
    }

    /// No more items are to be taken.
    fn stop(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stopped = true;
        self.moved.notify_all();
    }
}

/// Stops the gate when the thread holding it panics, so that the other threads do not wait
/// for a result that will never be used.
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::in_order;

    #[test]
    fn results_come_in_order_and_the_first_error_stops_the_work() {
        let items: Vec<u32> = (0..100).collect();
        let mut seen = Vec::new();
        // Later items are quicker, so that they are done before earlier ones.
        let slow_first = |&n: &u32| {
            std::thread::sleep(Duration::from_micros(u64::from(100 - n) * 20));
            n * 2
        };
        in_order(&items, 3, slow_first, |n| {
            seen.push(n);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());

        let mut used = Vec::new();
        let error = in_order(
            &items,
            2,
            |&n| n,
            |n| {
                used.push(n);
                match n {
                    25 => anyhow::bail!("at 25"),
                    _ => Ok(()),
                }
            },
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "at 25");
        assert_eq!(used, (0..=25).collect::<Vec<_>>());
    }

    #[test]
    fn a_slow_item_holds_back_a_bounded_number_of_results() {
        let items: Vec<usize> = (0..50).collect();
        let taken = AtomicUsize::new(0);
        let taken_while_first_worked = AtomicUsize::new(0);
        in_order(
            &items,
            2,
            |&n| {
                taken.fetch_max(n, Ordering::SeqCst);
                if n == 0 {
                    std::thread::sleep(Duration::from_millis(100));
                    taken_while_first_worked.store(taken.load(Ordering::SeqCst), Ordering::SeqCst);
                }
            },
            |()| Ok(()),
        )
        .unwrap();
        // Two threads, a window of four: items 1 to 3 only, while item 0 is worked on.
        assert_eq!(taken_while_first_worked.load(Ordering::SeqCst), 3);
        assert_eq!(taken.load(Ordering::SeqCst), 49);
    }

    #[test]
    fn a_panic_in_the_work_goes_on_up_and_nothing_waits_for_it() {
        let items: Vec<u32> = (0..40).collect();
        let outcome = std::panic::catch_unwind(|| {
            in_order(
                &items,
                2,
                |&n| assert_ne!(n, 5, "item 5 fails"),
                |()| Ok(()),
            )
        });
        assert!(outcome.is_err());
    }
}
