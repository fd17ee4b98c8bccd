//! Placeholder for the browser app (Leptos + Trunk), built in its own issue.
//! It links the engine so the workspace layout is final.

fn main() {
    println!(
        "The browser app is not built yet; use the `engagement-report` CLI (engine {}).",
        engagement_engine::VERSION
    );
}
