//! The Web Worker's entry point (wasm): the engine runs here, off the page's
//! thread. Natively it does nothing.

/// Remembers a failed allocation, so an out-of-memory stop is explained.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: engagement_report_web::worker::RecordingAllocator =
    engagement_report_web::worker::RecordingAllocator;

#[cfg(target_arch = "wasm32")]
fn main() {
    engagement_report_web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("the worker runs only in the browser");
}
