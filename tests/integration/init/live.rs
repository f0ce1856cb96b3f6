//! `init --live` against moto: the policy written from a live read, checked live right after,
//! reports what the account holds, and `-v` names the live read, its requests and the keys it
//! found, never a secret.

use crate::common::findings;
use crate::moto::Moto;
use serde_json::json;

const ID: &str = "240000000001";
const DEPLOYER: &str = "hub-continuous-deployer";

#[test]
fn init_live_then_check_live_reports_the_account() {
    let moto = Moto::start();
    let grant = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": "eks:DescribeCluster",
        "Resource": format!("arn:aws:eks:us-west-2:{ID}:cluster/live-hub"),
    }]});
    let seeded = moto.seed(&json!({"accounts": [{
        "id": ID,
        "groups": [{"name": "SMCE-UserRestrictions"}],
        "users": [
            {"name": DEPLOYER, "groups": ["SMCE-UserRestrictions"],
             "inline": [{"name": "eks-readonly", "document": grant}],
             "keys": ["Active", "Active"]},
            {"name": "alice", "password": true},
        ],
        "password_policy": {"MinimumPasswordLength": 14, "MaxPasswordAge": 90},
    }]}));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    let live = ["--live", "--role-name", "smce-guard-reader"];
    let mut args = vec![
        "init",
        "--account-name",
        "live-hub",
        "--account-id",
        ID,
        "-v",
    ];
    args.extend(live);
    args.extend(["--out", "policies/live-hub.yaml"]);
    let run = moto.smce_guard(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = (run.stderr.lines())
        .find(|l| l.starts_with("init: read aws://live-hub"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        read.starts_with(&format!(
            "init: read aws://live-hub (account {ID}, read live, "
        )),
        "{read}"
    );
    assert!(
        read.ends_with(" AWS requests): 2 IAM users, MaxPasswordAge 90"),
        "{read}"
    );
    for key in seeded["keys"].as_array().unwrap() {
        let (id, secret) = (key["id"].as_str().unwrap(), key["secret"].as_str().unwrap());
        assert!(run.stderr.contains(id), "{id}:\n{}", run.stderr);
        let text = std::fs::read_to_string(dir.path().join("policies/live-hub.yaml")).unwrap();
        for (what, out) in [
            ("stderr", &run.stderr),
            ("stdout", &run.stdout),
            ("policy", &text),
        ] {
            assert!(!out.contains(secret), "{what} holds a secret");
        }
    }
    let mut args = vec!["check", "policies", "--format", "json"];
    args.extend(live);
    let check = moto.smce_guard(dir.path(), &args);
    assert_eq!(
        findings(&check),
        [
            "- warning policy.no-contacts -",
            "live-hub warning account.password-policy -",
            "live-hub warning deployer.key-count hub-continuous-deployer",
            "live-hub error deployer.restricted hub-continuous-deployer",
            "live-hub error user.unmanaged alice",
        ],
        "{}",
        check.stdout
    );
    assert_eq!(check.code, 1);
}
