//! Two independent pieces of work, on two threads where there are threads.

/// Runs `a` and `b` and returns both results. With the `parallel` feature
/// (native builds) `a` runs on a second thread while this one runs `b`;
/// without it (the browser's worker) they run in turn. A panic in `a` is
/// passed on as if `a` had run here.
pub(crate) fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    #[cfg(feature = "parallel")]
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
    #[cfg(not(feature = "parallel"))]
    {
        (a(), b())
    }
}
