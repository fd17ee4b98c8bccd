//! How long members stay in each fast: the worker's `fast_retention` table
//! (SPEC §7.4), shown beside the fasts data set.

use leptos::prelude::*;

use super::dataset_download::DownloadDataSet;
use super::table::DataTable;

/// `fast_retention` in the table view, with what its columns mean.
#[component]
pub fn FastRetentionView() -> impl IntoView {
    view! {
        <div class="insight" id="fast-retention-view">
            <h3>"How long members stay in each fast"</h3>
            <p class="intro">
                "Over the whole history, not only this period: "
                <code>"members_ever"</code> " joined the fast at some time, "
                <code>"retention_rate"</code> " is the share of them still in it, "
                <code>"median_days_to_leave"</code> " is how long those who left typically stayed (empty when nobody left), and "
                <code>"members_in_other_fasts"</code> " also took part in another fast."
            </p>
            <DataTable view="fast_retention".to_string() table="fast_retention".to_string()
                sort_by=("fast_id".to_string(), false)/>
            <DownloadDataSet name="fast_retention"/>
        </div>
    }
}
