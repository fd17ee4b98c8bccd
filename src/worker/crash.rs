//! Telling the page why the engine stopped: a panic's message, or the
//! size of the allocation the browser refused.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{post, scope};
use crate::explain::out_of_memory_message;
use crate::protocol::Reply;

/// The size of this worker's WebAssembly memory. It grows as the engine
/// needs and never shrinks, so it is also the peak so far; a browser gives
/// wasm32 at most 4 GiB.
pub(super) fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65_536
}

/// The worker binary's global allocator: the system allocator, remembering
/// the size of the last request it could not serve. Rust aborts (a wasm
/// trap) when an allocation fails, with no hook on stable, so this is how
/// the worker can still tell the page that the browser's memory ran out
/// rather than just that it stopped.
pub struct RecordingAllocator;

/// The size of the last allocation that failed, or 0.
static FAILED_REQUEST: AtomicUsize = AtomicUsize::new(0);
/// Whether a crash was already reported to the page (by the panic hook).
static CRASH_REPORTED: AtomicBool = AtomicBool::new(false);

/// `p`, remembering `size` as the failed request when `p` is null.
fn noted(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        FAILED_REQUEST.store(size, Ordering::Relaxed);
    }
    p
}

// SAFETY: every call is forwarded unchanged to `System`; the wrapper only
// records the size of a failed request.
unsafe impl GlobalAlloc for RecordingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        noted(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Tells the page why the engine is about to stop, once.
fn report_crash(message: String) {
    if !CRASH_REPORTED.swap(true, Ordering::Relaxed) {
        post(&Reply::Crashed { message });
    }
}

/// Reports panics and failed allocations to the page before the wasm
/// instance stops, so its message says what happened.
pub(super) fn install_crash_reports() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        report_crash(format!(
            "the engine hit an internal error ({info}); load the bundle again"
        ));
    }));
    // A failed allocation aborts without a panic: the trap surfaces as an
    // uncaught error (or a rejected promise inside an async task).
    let on_trap = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        let requested = FAILED_REQUEST.load(Ordering::Relaxed);
        if requested > 0 {
            report_crash(out_of_memory_message(requested as u64, memory_bytes()));
        }
        if CRASH_REPORTED.load(Ordering::Relaxed) {
            // The page has the real reason; keep the generic error away.
            ev.prevent_default();
        }
    });
    let scope = scope();
    for kind in ["error", "unhandledrejection"] {
        let _ = scope.add_event_listener_with_callback(kind, on_trap.as_ref().unchecked_ref());
    }
    on_trap.forget();
}
