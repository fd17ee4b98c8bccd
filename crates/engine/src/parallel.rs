//! Two independent pieces of work, on two threads where there are threads.

/// Runs `a` and `b` and returns both results. With the `parallel` feature
/// on a native target, `a` runs on a second thread while this one runs `b`;
/// otherwise they run in turn. wasm32 always runs them in turn: its std
/// cannot spawn threads, and Cargo may unify the CLI's `parallel` into the
/// browser build of a workspace. A panic in `a` is passed on as if `a` had
/// run here.
pub(crate) fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        std::thread::scope(|scope| {
            let a = scope.spawn(a);
            let b = b();
            match a.join() {
                Ok(a) => (a, b),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    {
        (a(), b())
    }
}
