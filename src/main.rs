//! The page's entry point (wasm). Natively it only explains how to build it.

#[cfg(target_arch = "wasm32")]
fn main() {
    engagement_report_web::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "The browser app is built with `trunk build --release --offline` (see scripts/web-serve.sh); engine {}.",
        engagement_engine::VERSION
    );
}
