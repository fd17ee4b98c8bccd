//! The Web Worker's entry point (wasm): the engine runs here, off the page's
//! thread. Natively it does nothing.

#[cfg(target_arch = "wasm32")]
fn main() {
    engagement_report_web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("the worker runs only in the browser");
}
