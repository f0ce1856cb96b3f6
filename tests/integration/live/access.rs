//! `access --live`: the same answer from the AWS API as from a recording. moto holds the deployer
//! with its `eks-readonly` grant and a group whose Deny applies only from an address range; the
//! live answer names the same statements, and `--context` decides the range.

use super::{ROLE, Workspace, policy};
use crate::moto::Moto;
use crate::moto::scenario::{DEPLOYER, account, deployer, document, seeded_user};
use serde_json::json;

#[test]
fn access_answers_live() {
    let moto = Moto::start();
    let id = "340000000001";
    let mut seeded = account(id, vec![deployer(id, "live")]);
    seeded["groups"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "ci-guard", "inline": [{
            "name": "NotFromTheOffice",
            "document": document(json!([{"Effect": "Deny", "Action": "eks:*", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}])),
        }]}));
    seeded_user(&mut seeded, DEPLOYER)["groups"] = json!(["ci-guard"]);
    moto.seed(&json!({"accounts": [seeded]}));
    let ws = Workspace::new();
    ws.policy("live", &policy(id, "live", &[]));
    let cluster = format!("arn:aws:eks:us-west-2:{id}:cluster/live");
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "access",
            "--live",
            "--role-name",
            ROLE,
            "--account",
            "live",
            "eks:DescribeCluster",
            &cluster,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        moto.smce_guard(ws.path(), args)
    };
    let run = ask(&[]);
    assert_eq!(run.code, 4, "{run:?}");
    let answer = run.json();
    assert_eq!(answer["decision"], "uncertain");
    assert_eq!(answer["depends_on"][0]["key"], "aws:SourceIp");
    let policies: Vec<&str> = answer["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["policy"].as_str().unwrap())
        .collect();
    assert_eq!(
        policies,
        [
            "inline policy `eks-readonly`",
            "group `ci-guard` inline policy `NotFromTheOffice`"
        ]
    );
    assert_eq!(
        answer["captured_at"],
        serde_json::Value::Null,
        "a live read has no capture instant"
    );
    assert_eq!(ask(&["--context", "aws:SourceIp=192.0.2.7"]).code, 0);
    assert_eq!(ask(&["--context", "aws:SourceIp=198.51.100.7"]).code, 1);
}
