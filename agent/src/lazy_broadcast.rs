//! A broadcast channel whose ring is allocated on the first subscription: a tokio
//! broadcast channel fills every slot of its ring when it is made, and a node that nobody
//! follows or watches should not keep rings it never uses.

use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

#[derive(Debug)]
pub struct LazyBroadcast<T> {
    cell: Arc<OnceLock<broadcast::Sender<T>>>,
    capacity: usize,
}

impl<T> Clone for LazyBroadcast<T> {
    fn clone(&self) -> Self {
        Self {
            cell: self.cell.clone(),
            capacity: self.capacity,
        }
    }
}

impl<T: Clone> LazyBroadcast<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            cell: Arc::new(OnceLock::new()),
            capacity: capacity.max(1),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<T> {
        self.cell
            .get_or_init(|| broadcast::Sender::new(self.capacity))
            .subscribe()
    }

    pub fn receiver_count(&self) -> usize {
        self.cell.get().map_or(0, broadcast::Sender::receiver_count)
    }

    /// Sends to the receivers there are (none: the value is dropped).
    pub fn send(&self, value: T) {
        if let Some(tx) = self.cell.get() {
            let _ = tx.send(value);
        }
    }

    /// Sends only if someone listens, building the value only then.
    pub fn send_with(&self, value: impl FnOnce() -> T) {
        if self.receiver_count() > 0 {
            self.send(value());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_kept_before_the_first_subscriber() {
        let b: LazyBroadcast<u32> = LazyBroadcast::new(4);
        b.send(1);
        assert_eq!(b.receiver_count(), 0);
        let mut rx = b.clone().subscribe();
        b.send(2);
        b.send_with(|| 3);
        assert_eq!(rx.try_recv().ok(), Some(2));
        assert_eq!(rx.try_recv().ok(), Some(3));
        drop(rx);
        let mut built = false;
        b.send_with(|| {
            built = true;
            4
        });
        assert!(!built, "no receiver: the value is not even built");
    }
}
