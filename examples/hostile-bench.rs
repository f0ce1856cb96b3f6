//! Benchmark of the inputs a security review found quadratic (issue 11, "No quadratic corners"),
//! each at two sizes so that growth is visible: a ratio near 2 when the size doubles is linear.
//!
//! - `junit`: `check --format junit` on one account of N users, each with findings (the JSON
//!   report of the same run is timed beside it, as the floor);
//! - `lint`: `lint` of one policy of N unknown keys, in the github, json and human formats;
//! - `glob`: the deployer matcher (`permissions::within`) with an allow entry of C bytes against a
//!   recorded resource of R bytes (the review's 15 KB/1.5 MB and 30 KB/3 MB), and the worst case
//!   the matcher still judges: both at IAM's size limit;
//! - `sarif`: `check --format sarif` on one account of N users, with its peak resident memory
//!   (`VmHWM`), next to `--format json` on the same recording;
//! - `columns`: `check` of one account whose credential report has N extra columns (the
//!   duplicate-column check of issue 20);
//! - `waivers`: `check` of an account of 10,000 users whose policy has W waivers, each for one
//!   user's finding (waivers x findings, issue 20);
//! - `expiries`: `expiries --format json` of an account of U users (a key and a password each)
//!   whose policy has C contacts, with its peak resident memory: every credential names the
//!   contacts, so the output grows with U x C, the memory must not (issue 20);
//! - `conditions`: `check` of an account whose deployer holds N Allow statements on S3, each
//!   with 20 `IpAddress aws:SourceIp` ranges and 10 `StringLike aws:UserAgent` patterns, keys no
//!   recording knows (issue 19's evaluator tries their candidate values; an allow-list the size
//!   of GitHub's runner ranges is realistic).
//!
//! Every CLI run is a child process (this binary run as the CLI, as fleet-bench does).
//!
//! Run: `cargo run --release --locked --example hostile-bench` (README: Performance). Sizes can be
//! given: `--junit 20000,40000 --lint 10000,20000,40000,100000 --glob 15000:1500000,30000:3000000
//! --sarif 40000,80000 --columns 25000,50000,100000 --waivers 2500,5000,10000 --expiries
//! 1500:250,1500:1000,20000:0 --conditions 10,20,40,80`; an empty list (`--sarif ''`) skips a case. Data goes under
//! `target/hostile/`.

// A benchmark reports on stdout; that is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use smce_guard::engine::permissions::within;
use smce_guard::observe::document::{Patterns, Statement};
use smce_guard::policy::model::Grant;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() -> std::process::ExitCode {
    if std::env::var_os("SMCE_BENCH_CHILD").is_some() {
        let code = smce_guard::cli::main();
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .unwrap_or("VmHWM: 0 kB");
        eprintln!("peak {}", peak.trim_start_matches("VmHWM:").trim());
        return code;
    }
    let mut junit = vec![20_000, 40_000];
    let mut lint = vec![10_000, 20_000, 40_000, 100_000];
    let mut glob = vec![(15_000, 1_500_000), (30_000, 3_000_000)];
    let mut sarif = vec![40_000, 80_000];
    let mut columns = vec![25_000, 50_000, 100_000];
    let mut waivers = vec![2_500, 5_000, 10_000];
    let mut expiries = vec![
        (1_500, 250),
        (1_500, 500),
        (1_500, 1_000),
        (20_000, 0),
        (40_000, 0),
    ];
    let mut conditions = vec![10, 20, 40, 80];
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = |v: &str| -> Vec<usize> {
        v.split(',')
            .filter(|s| !s.is_empty())
            .map(|n| n.parse().expect("a list of sizes: N[,N...]"))
            .collect()
    };
    let pairs = |v: &str| -> Vec<(usize, usize)> {
        v.split(',')
            .filter(|s| !s.is_empty())
            .map(|p| {
                let (a, b) = p.split_once(':').expect("a list of pairs: A:B[,A:B...]");
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect()
    };
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("--junit", Some(v)) => junit = list(v),
            ("--lint", Some(v)) => lint = list(v),
            ("--sarif", Some(v)) => sarif = list(v),
            ("--columns", Some(v)) => columns = list(v),
            ("--waivers", Some(v)) => waivers = list(v),
            ("--expiries", Some(v)) => expiries = pairs(v),
            ("--glob", Some(v)) => glob = pairs(v),
            ("--conditions", Some(v)) => conditions = list(v),
            _ => panic!(
                "usage: hostile-bench [--junit N,..] [--lint N,..] [--glob C:R,..] [--sarif N,..] \
                 [--columns N,..] [--waivers W,..] [--expiries U:C,..] [--conditions N,..]"
            ),
        }
    }
    let root = PathBuf::from("target/hostile");
    for &n in &junit {
        let dir = account(&root, n);
        let (json, _) = child(&["check", "--format", "json"], &dir, 1);
        let (time, _) = child(&["check", "--format", "junit"], &dir, 1);
        println!(
            "junit  {n:>7} users       check --format junit {:>8.2} s   (json {:.2} s)",
            time.as_secs_f64(),
            json.as_secs_f64()
        );
    }
    for &n in &lint {
        let file = unknown_keys(&root, n);
        let mut line = format!("lint   {n:>7} unknown keys");
        for format in ["github", "json", "human"] {
            let mut command = Command::new(std::env::current_exe().unwrap());
            command.env("SMCE_BENCH_CHILD", "1");
            command.args(["lint", "--color", "never", "--format", format]);
            command.arg(&file).stdout(std::process::Stdio::null());
            let start = Instant::now();
            let out = command.output().unwrap();
            let time = start.elapsed();
            assert_eq!(out.status.code(), Some(2), "lint fails the file");
            let _ = write!(line, "   {format} {:>7.2} s", time.as_secs_f64());
        }
        println!("{line}");
    }
    for &(cover, resource) in &glob {
        let (time, covered) = matcher(cover, resource);
        println!(
            "glob   {cover:>7} B entry / {resource:>8} B resource {:>10.4} s   (covered: {covered})",
            time.as_secs_f64()
        );
    }
    if !glob.is_empty() {
        // The worst the matcher still judges: an entry and a resource both at the size limit, the
        // entry shaped to make the greedy walk backtrack the most (a run it fails at the end of,
        // tried at every position).
        for limit in [5_120, 10_240] {
            let cover = format!("*{}b", "a".repeat(limit / 2));
            let resource = "a".repeat(limit);
            let (time, covered) = judge(&cover, &resource);
            println!(
                "glob   {limit:>7} B entry / {limit:>8} B resource {:>10.4} s   (covered: {covered}; worst case within the limit)",
                time.as_secs_f64()
            );
        }
    }
    for &n in &sarif {
        let dir = account(&root, n);
        let (json, json_peak) = child(&["check", "--format", "json"], &dir, 1);
        let (time, peak) = child(&["check", "--format", "sarif"], &dir, 1);
        let bytes = std::fs::metadata(dir.join("fixtures/hub/authorization-details.json"))
            .map_or(0, |m| m.len());
        println!(
            "sarif  {n:>7} users ({:>4} MB recorded)  {:>6.2} s  peak RSS {:>8.1} MB   (json {:.2} s, {:.1} MB)",
            bytes / 1_000_000,
            time.as_secs_f64(),
            peak as f64 / 1024.0,
            json.as_secs_f64(),
            json_peak as f64 / 1024.0,
        );
    }
    for &n in &columns {
        let dir = wide_report(&root, n);
        let bytes = std::fs::metadata(dir.join("fixtures/hub/credential-report.csv"))
            .map_or(0, |m| m.len());
        let (time, _) = child(&["check", "--format", "json"], &dir, 1);
        println!(
            "columns {n:>6} extra columns ({:>5} KB report)  check {:>8.2} s",
            bytes / 1000,
            time.as_secs_f64()
        );
    }
    for &w in &waivers {
        let dir = waived(&root, WAIVED_USERS, w);
        let bytes = std::fs::metadata(dir.join("fixtures/hub/authorization-details.json"))
            .map_or(0, |m| m.len());
        let (time, _) = child(&["check", "--format", "json"], &dir, 1);
        println!(
            "waivers {w:>6} waivers over {WAIVED_USERS} users ({:>3} MB recorded)  check {:>8.2} s",
            bytes / 1_000_000,
            time.as_secs_f64()
        );
    }
    for &(users, contacts) in &expiries {
        let dir = contacted(&root, users, contacts);
        let bytes = std::fs::metadata(dir.join("fixtures/hub/authorization-details.json"))
            .map_or(0, |m| m.len());
        let (time, peak) = child(&["expiries", "--format", "json"], &dir, 0);
        println!(
            "expiries {users:>6} users ({:>3} MB recorded) x {contacts:>5} contacts  {:>7.2} s  peak RSS {:>8.1} MB",
            bytes / 1_000_000,
            time.as_secs_f64(),
            peak as f64 / 1024.0
        );
    }
    for &n in &conditions {
        let dir = conditioned(&root, n);
        let (time, peak) = child(&["check", "--format", "json"], &dir, 1);
        println!(
            "conditions {n:>4} statements x (20 ranges + 10 patterns)  check {:>7.3} s  peak RSS {:>6.1} MB",
            time.as_secs_f64(),
            peak as f64 / 1024.0
        );
    }
    std::process::ExitCode::SUCCESS
}

/// `account(1)` with the deployer holding `n` conditioned Allow statements (see `conditions`).
fn conditioned(root: &Path, n: usize) -> PathBuf {
    let dir = root.join(format!("conditions-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    copy_account(&account(root, 1), &dir);
    let statements: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let ranges: Vec<String> = (0..20).map(|r| format!("10.{}.{r}.0/24", i % 250)).collect();
            let agents: Vec<String> = (0..10).map(|a| format!("*runner-{i}-{a}*")).collect();
            serde_json::json!({"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::hub-data-{i}/*"),
                "Condition": {"IpAddress": {"aws:SourceIp": ranges}, "StringLike": {"aws:UserAgent": agents}}})
        })
        .collect();
    let path = dir.join("fixtures/hub/authorization-details.json");
    let mut gaad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    gaad["UserDetailList"].as_array_mut().unwrap().push(serde_json::json!({
        "Path": "/", "UserName": "hub-continuous-deployer", "UserId": "AIDADEPLOYER00000001",
        "Arn": "arn:aws:iam::123456789012:user/hub-continuous-deployer",
        "CreateDate": "2026-01-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
        "UserPolicyList": [{"PolicyName": "eks-readonly", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
    }));
    std::fs::write(&path, gaad.to_string()).unwrap();
    dir
}

/// Runs the CLI with `args` on the account in `dir`, its report to /dev/null, expecting exit
/// `code`; its wall time and peak resident memory in kB.
fn child(args: &[&str], dir: &Path, code: i32) -> (Duration, u64) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.env("SMCE_BENCH_CHILD", "1");
    command.args(args);
    command.args(["--output", "/dev/null", "--fixtures"]);
    command.arg(dir.join("fixtures")).arg(dir.join("policies"));
    let start = Instant::now();
    let out = command.output().unwrap();
    let time = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (time, peak)
}

/// An allow entry of about `cover` bytes (wildcards throughout) against a recorded statement whose
/// one resource is about `resource` bytes.
fn matcher(cover: usize, resource: usize) -> (Duration, bool) {
    let cover = format!("arn:aws:s3:::{}*", "a?".repeat(cover / 2));
    let resource = format!("arn:aws:s3:::{}", "ab".repeat(resource / 2));
    judge(&cover, &resource)
}

fn judge(cover: &str, resource: &str) -> (Duration, bool) {
    let allow = [Grant {
        action: "s3:GetObject".into(),
        resource: cover.to_owned(),
    }];
    let statement = Statement {
        sid: None,
        allow: true,
        actions: Patterns::Only(vec!["s3:GetObject".into()]),
        resources: Patterns::Only(vec![resource.to_owned()]),
        conditions: Vec::new(),
    };
    let start = Instant::now();
    let covered = within(&statement, &allow);
    (start.elapsed(), covered)
}

/// A policy of `n` unknown keys at the top level (ten bytes a line: 100,000 keys are 1 MB).
fn unknown_keys(root: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(root).unwrap();
    let file = root.join(format!("unknown-{n}.yaml"));
    let mut text = String::from("account:\n  id: \"123456789012\"\n  name: hub\n");
    for i in 0..n {
        let _ = writeln!(text, "k{i:05x}: 0");
    }
    std::fs::write(&file, text).unwrap();
    file
}

/// The users of the `waivers` case's account.
const WAIVED_USERS: usize = 10_000;

/// `account(users)` whose policy has `waivers` waivers of `user.unmanaged`, one per user (the
/// first `waivers` users; any beyond the users match nothing).
fn waived(root: &Path, users: usize, waivers: usize) -> PathBuf {
    let dir = root.join(format!("waived-{users}-{waivers}"));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    copy_account(&account(root, users), &dir);
    let mut policy = std::fs::read_to_string(dir.join("policies/hub.yaml")).unwrap();
    policy.push_str("waivers:\n");
    for i in 0..waivers {
        let _ = write!(
            policy,
            "  - code: user.unmanaged\n    principal: engineer-{i:06}\n    reason: r\n    until: \"2099-01-01\"\n"
        );
    }
    std::fs::write(dir.join("policies/hub.yaml"), policy).unwrap();
    std::fs::write(dir.join("done"), "").unwrap();
    dir
}

/// `account(users)` whose policy names `contacts` contacts.
fn contacted(root: &Path, users: usize, contacts: usize) -> PathBuf {
    let dir = root.join(format!("contacted-{users}-{contacts}"));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    copy_account(&account(root, users), &dir);
    let path = dir.join("policies/hub.yaml");
    let mut policy = std::fs::read_to_string(&path).unwrap();
    if contacts > 0 {
        let mut list = String::from("  contacts:\n");
        for i in 0..contacts {
            let _ = write!(
                list,
                "    - name: Contact {i}\n      email: contact-{i}@example.org\n"
            );
        }
        policy = policy.replace("  name: hub\n", &format!("  name: hub\n{list}"));
    }
    std::fs::write(&path, policy).unwrap();
    std::fs::write(dir.join("done"), "").unwrap();
    dir
}

/// One user's account whose credential report has `n` extra columns (each row as wide).
fn wide_report(root: &Path, n: usize) -> PathBuf {
    let dir = root.join(format!("columns-{n}"));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    copy_account(&account(root, 1), &dir);
    let path = dir.join("fixtures/hub/credential-report.csv");
    let report = std::fs::read_to_string(&path).unwrap();
    let mut wide = String::new();
    for (i, line) in report.lines().enumerate() {
        wide.push_str(line);
        for c in 0..n {
            if i == 0 {
                let _ = write!(wide, ",x{c:05x}");
            } else {
                wide.push(',');
            }
        }
        wide.push('\n');
    }
    std::fs::write(&path, wide).unwrap();
    std::fs::write(dir.join("done"), "").unwrap();
    dir
}

/// Copies the policy and recording of an account folder built by [`account`].
fn copy_account(from: &Path, to: &Path) {
    for sub in ["policies", "fixtures/hub"] {
        std::fs::create_dir_all(to.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(sub).join(entry.file_name())).unwrap();
        }
    }
}

/// One account of `n` users, none of them declared and each with an old key: findings per user.
fn account(root: &Path, n: usize) -> PathBuf {
    let dir = root.join(format!("account-{n}"));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let id = "123456789012";
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(
        dir.join("policies/hub.yaml"),
        format!(
            "account:\n  id: \"{id}\"\n  name: hub\nmembers:\n  - user: engineer-000000\n\
             deployer:\n  cluster: hub\nunmanaged_users: warning\n"
        ),
    )
    .unwrap();
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Main", "Effect": "Allow", "Action": ["eks:DescribeCluster", "s3:GetObject", "s3:ListBucket"], "Resource": ["*", "arn:aws:s3:::hub-data/*"]},
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    ]});
    let mut users = Vec::new();
    let mut keys = Vec::new();
    let mut report = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n",
    );
    let _ = writeln!(
        report,
        "<root_account>,arn:aws:iam::{id}:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    );
    for u in 0..n {
        let user = format!("engineer-{u:06}");
        users.push(serde_json::json!({
            "Path": "/", "UserName": user, "UserId": format!("AIDA{u:012}"), "Arn": format!("arn:aws:iam::{id}:user/{user}"),
            "CreateDate": "2026-01-01T00:00:00Z",
            "UserPolicyList": [{"PolicyName": "eks-readonly", "PolicyDocument": doc}],
            "GroupList": ["SMCE-ProjectAdmins"], "AttachedManagedPolicies": [], "Tags": []
        }));
        let _ = writeln!(
            report,
            "{user},arn:aws:iam::{id}:user/{user},2026-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2026-09-01T09:00:00+00:00,N/A,true,true,2026-09-01T09:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
        keys.push(serde_json::json!({"UserName": user, "AccessKeyId": format!("AKIA{u:016}"), "Status": "Active", "CreateDate": "2026-09-01T09:00:00Z"}));
    }
    let fixtures = dir.join("fixtures/hub");
    std::fs::create_dir_all(&fixtures).unwrap();
    let gaad = serde_json::json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [], "Policies": []});
    let write = |name: &str, text: String| std::fs::write(fixtures.join(name), text).unwrap();
    write(
        "authorization-details.json",
        serde_json::to_string_pretty(&gaad).unwrap(),
    );
    write("credential-report.csv", report);
    write(
        "access-keys.json",
        serde_json::to_string_pretty(&serde_json::json!({"AccessKeyMetadata": keys})).unwrap(),
    );
    write(
        "snapshot.json",
        format!(
            "{{\"account_id\":\"{id}\",\"captured_at\":\"2026-11-20T09:00:00Z\",\"source\":\"hostile-bench\"}}\n"
        ),
    );
    std::fs::write(dir.join("done"), "").unwrap();
    dir
}
