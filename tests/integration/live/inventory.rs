//! `inventory --live`: the account a policy covers is judged through the AWS API (moto), by the
//! same walk as `check --live`, and its cluster carries that verdict next to its credentials' age.

use super::{ROLE, Workspace, clean, days_from_now, policy};
use crate::infrastructure::copy;
use crate::moto::Moto;
use serde_json::Value;

#[test]
fn a_covered_account_is_judged_live_as_check_judges_it() {
    let moto = Moto::start();
    let id = "444055461661";
    moto.seed(&serde_json::json!({"accounts": [clean(id, "nasa-veda")]}));
    let ws = Workspace::new();
    ws.policy("nasa-veda", &policy(id, "nasa-veda", &["alice"]));
    let clusters = ws.path().join("infra/config/clusters");
    for name in ["nasa-veda", "leap"] {
        copy(
            &crate::common::data("infrastructure/config/clusters").join(name),
            &clusters.join(name),
        );
    }
    let now = days_from_now(1);
    let inventory = moto.smce_guard(
        ws.path(),
        [
            "inventory",
            "--infrastructure",
            "infra",
            "--live",
            "--role-name",
            ROLE,
            "--now",
            &now,
            "--format",
            "json",
        ],
    );
    let check = moto.smce_guard(
        ws.path(),
        [
            "check",
            "--live",
            "--role-name",
            ROLE,
            "--infrastructure",
            "infra",
            "--now",
            &now,
            "--format",
            "json",
        ],
    );
    let json = inventory.json();
    let veda = (json["clusters"].as_array().unwrap().iter())
        .find(|c| c["name"] == "nasa-veda")
        .unwrap();
    let check = check.json();
    let findings: Vec<&Value> = (check["findings"].as_array().unwrap().iter())
        .filter(|f| f["waived"] == false)
        .collect();
    let mut codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    // The moto key is newer than the sops file of March 2026: CI's credentials are stale.
    assert!(codes.contains(&"deployer.credentials-stale"), "{codes:?}");
    assert_eq!(veda["policy"]["verdict"], check["accounts"][0]["status"]);
    assert_eq!(veda["policy"]["codes"], serde_json::json!(codes));
    assert_eq!(
        veda["policy"]["errors"],
        findings.iter().filter(|f| f["severity"] == "error").count()
    );
    // Its credentials are long past 60 days at any instant after May 2026: exit 1.
    assert_eq!(veda["credentials"]["status"], "expired");
    assert_eq!(inventory.code, 1, "{}", inventory.stderr);
    assert_eq!(json["summary"]["not_covered"], 1);
}
