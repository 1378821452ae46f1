//! Work done in batches on rayon's threads while the results of the batch before are used, in
//! order, on a thread of their own ([`in_batches`]): the exports are read while those read
//! before are added to the tenant, and read again while the lines of those before are written.

use std::sync::mpsc;

use anyhow::Result;
use rayon::prelude::*;

/// Runs `work` on each item of `items`, `batch` items at a time on rayon's threads, and hands
/// each batch's results, in the items' order, to `use_results` on a thread of its own, while
/// the next batch is worked on. Stops at the first error `use_results` gives, and gives it. At
/// most three batches of results are held at once.
pub fn in_batches<T, U>(
    items: &[T],
    batch: usize,
    work: impl Fn(&T) -> U + Sync,
    mut use_results: impl FnMut(Vec<U>) -> Result<()> + Send,
) -> Result<()>
where
    T: Sync,
    U: Send,
{
    std::thread::scope(|scope| {
        let (results, received) = mpsc::sync_channel::<Vec<U>>(1);
        let user = scope.spawn(move || -> Result<()> {
            for batch in received {
                use_results(batch)?;
            }
            Ok(())
        });
        for chunk in items.chunks(batch.max(1)) {
            let done: Vec<U> = chunk.par_iter().map(&work).collect();
            // The user stopped at an error, which joining it gives.
            if results.send(done).is_err() {
                break;
            }
        }
        drop(results);
        user.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::in_batches;

    #[test]
    fn results_come_in_order_and_the_first_error_stops_the_work() {
        let items: Vec<u32> = (0..100).collect();
        let mut seen = Vec::new();
        in_batches(
            &items,
            7,
            |n| n * 2,
            |batch| {
                seen.extend(batch);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());

        let mut used = 0;
        let error = in_batches(
            &items,
            10,
            |&n| n,
            |batch| {
                used += 1;
                match batch.contains(&25) {
                    true => anyhow::bail!("at 25"),
                    false => Ok(()),
                }
            },
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "at 25");
        assert_eq!(used, 3);
    }
}
