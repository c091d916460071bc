//! The store's background tasks, handed to whoever connects ([`crate::Store::connect`]): the
//! enrolment writer (a thread of its own), the task that looks bearer tokens up together, and on
//! SQLite the checkpoints. Each runs until the last copy of the store is dropped; [`Background`]
//! lets the caller wait for that, so that a stopping server does not exit while the writer still
//! commits a batch.

use std::time::Duration;
use tokio::sync::oneshot;

/// The running background tasks of one store.
#[derive(Debug, Default)]
pub struct Background {
    tasks: Vec<(&'static str, oneshot::Receiver<()>)>,
}

/// Tells the [`Background`] that its task ended, when dropped (also when the task panicked).
#[derive(Debug)]
pub(crate) struct Finished(Option<oneshot::Sender<()>>);

impl Drop for Finished {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

impl Background {
    /// A new task named `name`: the task holds the returned [`Finished`] until it ends.
    pub(crate) fn task(&mut self, name: &'static str) -> Finished {
        let (tx, rx) = oneshot::channel();
        self.tasks.push((name, rx));
        Finished(Some(tx))
    }

    /// The tasks' names, in the order they were started.
    pub fn names(&self) -> Vec<&'static str> {
        self.tasks.iter().map(|(name, _)| *name).collect()
    }

    /// Wait until every task has ended (drop every copy of the store first), at most `within`.
    /// Returns the names of the tasks still running then (empty: all ended); those stay, so the
    /// caller may wait again.
    pub async fn finished(&mut self, within: Duration) -> Vec<&'static str> {
        let deadline = tokio::time::Instant::now() + within;
        let mut running = Vec::new();
        for (name, rx) in std::mem::take(&mut self.tasks) {
            let mut rx = rx;
            if tokio::time::timeout_at(deadline, &mut rx).await.is_err() {
                running.push(name);
                self.tasks.push((name, rx));
            }
        }
        running
    }
}
