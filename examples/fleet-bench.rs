//! Benchmark at fleet scale: generates N accounts × M users of recorded state in the recording format,
//! then times `smce-guard check` on it next to the floor (only parsing the same JSON files into
//! `serde_json::Value` on every core), and reports the ratio and the check's peak memory: resident
//! (from the kernel, over the timed runs) and heap (from a counting allocator, in one more run that
//! is not timed), with the number of findings the heap has to hold.
//!
//! Run: `cargo run --release --locked --example fleet-bench -- --accounts 250,1000,4000 --users 50`
//! (README: Performance). The fleet is written under `target/fleet/` and reused between runs.

// A benchmark reports on stdout; that is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use rayon::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// The system allocator, counting live and peak heap bytes once `COUNTING` is set. Off, it costs
/// one relaxed load per call, so the timed runs are not slowed by it.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed unchanged to `System`, which upholds `GlobalAlloc`'s contract; the
// counters only observe sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        // SAFETY: the caller's layout is handed on as it came.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            // Saturating: a block allocated before counting began may be freed after.
            let _ = LIVE.fetch_update(Relaxed, Relaxed, |live| {
                Some(live.saturating_sub(layout.size()))
            });
        }
        // SAFETY: `ptr` came from `System.alloc` with this layout (through `alloc` above).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> std::process::ExitCode {
    // The measured child: this same binary run as the CLI (`smce_guard::cli::main`, exactly what
    // the `smce-guard` binary runs), reporting its own peak resident memory from the kernel and,
    // when asked, its peak heap from the counting allocator.
    if std::env::var_os("SMCE_BENCH_CHILD").is_some() {
        let heap = std::env::var_os("SMCE_BENCH_HEAP").is_some();
        COUNTING.store(heap, Relaxed);
        let code = smce_guard::cli::main();
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .unwrap_or("VmHWM: 0 kB");
        eprintln!("peak {}", peak.trim_start_matches("VmHWM:").trim());
        if heap {
            eprintln!("heap {} kB", PEAK.load(Relaxed) / 1024);
        }
        return code;
    }
    let mut accounts = vec![1000usize];
    let mut users = 50usize;
    let mut runs = 5usize;
    let mut clean = false;
    let mut dense = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.as_slice();
    while let Some(flag) = args.first() {
        // `--clean`: a fleet without drift, so what memory remains is the run's own, not findings.
        if flag == "--clean" {
            clean = true;
            args = &args[1..];
            continue;
        }
        // `--dense`: about twenty findings per account instead of about ten (issue 11's fleet).
        if flag == "--dense" {
            dense = true;
            args = &args[1..];
            continue;
        }
        let pair = &args[..args.len().min(2)];
        args = &args[pair.len()..];
        match (pair[0].as_str(), pair.get(1)) {
            ("--accounts", Some(v)) => {
                accounts = v
                    .split(',')
                    .map(|n| n.parse().expect("--accounts N[,N...]"))
                    .collect()
            }
            ("--users", Some(v)) => users = v.parse().expect("--users N"),
            ("--runs", Some(v)) => runs = v.parse().expect("--runs N"),
            _ => {
                panic!(
                    "usage: fleet-bench [--accounts N[,N...]] [--users M] [--runs R] [--clean] [--dense]"
                )
            }
        }
    }
    println!(
        "machine: {} cores; {runs} runs each, best and median wall time",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>8} {:>6} {:>9} {:>12} {:>12} {:>7} {:>12} {:>12} {:>12} {:>9}",
        "accounts",
        "users",
        "MB json",
        "floor best",
        "check best",
        "ratio",
        "check median",
        "peak RSS",
        "peak heap",
        "findings"
    );
    for n in accounts {
        let kind = match (clean, dense) {
            (true, _) => "-clean",
            (false, true) => "-dense",
            (false, false) => "",
        };
        let dir = PathBuf::from(format!("target/fleet/{n}x{users}{kind}"));
        if !dir.join("done").exists() {
            generate(&dir, n, users, clean, dense);
            std::fs::write(dir.join("done"), "").unwrap();
        }
        let json_files: Vec<PathBuf> = (0..n)
            .flat_map(|i| {
                let account = dir.join("fixtures").join(name(i));
                [
                    "authorization-details.json",
                    "access-keys.json",
                    "snapshot.json",
                ]
                .map(|f| account.join(f))
            })
            .collect();
        let bytes: u64 = json_files
            .iter()
            .map(|f| std::fs::metadata(f).unwrap().len())
            .sum();
        let floor = best_of(runs, || {
            let parsed: usize = json_files
                .par_iter()
                .map(|f| {
                    let data = std::fs::read(f).unwrap();
                    let value: serde_json::Value = serde_json::from_slice(&data).unwrap();
                    usize::from(value.is_object())
                })
                .sum();
            assert_eq!(parsed, json_files.len());
        });
        let expected = if clean { 0 } else { 1 };
        let mut peak_rss = 0;
        let check = best_of(runs, || {
            let stderr = check_child(&dir, Path::new("/dev/null"), false, expected);
            peak_rss = peak_rss.max(kilobytes(&stderr, "peak "));
        });
        // One more run, not timed, with the heap counted and the report kept to count findings.
        let report = dir.join("report.json");
        let stderr = check_child(&dir, &report, true, expected);
        let peak_heap = kilobytes(&stderr, "heap ");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let findings = report["findings"].as_array().map_or(0, Vec::len);
        println!(
            "{n:>8} {users:>6} {:>9.1} {:>10.3} s {:>10.3} s {:>6.2}x {:>10.3} s {:>9.1} MB {:>9.1} MB {findings:>9}",
            bytes as f64 / 1e6,
            floor.0.as_secs_f64(),
            check.0.as_secs_f64(),
            check.0.as_secs_f64() / floor.0.as_secs_f64(),
            check.1.as_secs_f64(),
            peak_rss as f64 / 1024.0,
            peak_heap as f64 / 1024.0,
        );
    }
    std::process::ExitCode::SUCCESS
}

/// Runs `check --format json` on the fleet in `dir` as a child process and returns its stderr,
/// which carries its peak memory.
fn check_child(dir: &Path, output: &Path, count_heap: bool, expected: i32) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.env("SMCE_BENCH_CHILD", "1");
    if count_heap {
        command.env("SMCE_BENCH_HEAP", "1");
    }
    let out = command
        // Judged at the instant the fleet was recorded: its verdicts (and findings) do not
        // change with the day the benchmark runs.
        .args([
            "check",
            "--now",
            "2026-11-20T09:00:00Z",
            "--format",
            "json",
            "--output",
        ])
        .arg(output)
        .arg("--fixtures")
        .arg(dir.join("fixtures"))
        .arg(dir.join("policies"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(expected),
        "the fleet has drift unless --clean: {stderr}"
    );
    stderr
}

/// The kilobytes on the stderr line that starts with `prefix` (`peak 123 kB`).
fn kilobytes(stderr: &str, prefix: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The best and the median wall time of `runs` runs (after one warm-up run).
fn best_of(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn name(i: usize) -> String {
    format!("acct-{i:05}")
}

fn id(i: usize) -> String {
    format!("{:012}", 100_000_000_000 + i)
}

/// Writes `n` accounts of `m` users each: policies, authorization details with groups, inline and
/// managed policies, credential reports and access keys, with some drift in every account unless
/// `clean`: then every user is declared, the deployer holds only its one action and every
/// credential is fresh, so the check finds nothing. `dense` makes stale credentials, missing MFA
/// and forgotten admins about 2.5 times as common: about twenty findings per account, not ten.
fn generate(dir: &Path, n: usize, m: usize, clean: bool, dense: bool) {
    // One key in 25 (dense: 10) and one password in 30 (12) near or past expiry, one user in 45
    // (18) without MFA, one engineer in 40 (12) out of the admins group.
    let (key_in, password_in, mfa_in, group_in) = if dense {
        (10, 12, 18, 12)
    } else {
        (25, 30, 45, 40)
    };
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    (0..n).into_par_iter().for_each(|i| {
        let (name, id) = (name(i), id(i));
        // Every policy names its contacts, as lint asks (`policy.no-contacts`).
        let mut policy = format!("# yaml-language-server: $schema=../schemas/policy.schema.json\naccount:\n  id: \"{id}\"\n  name: {name}\n  contacts: [{{email: ops@example.org}}]\nmembers:\n");
        let declared = if clean { m.saturating_sub(1) } else { m.saturating_sub(3) };
        for u in 0..declared {
            let _ = writeln!(policy, "  - user: engineer-{u:03}");
        }
        let _ = write!(policy, "deployer:\n  cluster: {name}\nunmanaged_users: warning\n");
        std::fs::write(dir.join("policies").join(format!("{name}.yaml")), policy).unwrap();

        let cluster = format!("arn:aws:eks:us-west-2:{id}:cluster/{name}");
        let groups = ["SMCE-ProjectAdmins", "SMCE-UserRestrictions", "AccountDisabled", "data-readers", "billing"];
        let doc = |action: &str, resource: &str| serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Main", "Effect": "Allow", "Action": [action, "s3:GetObject", "s3:ListBucket"], "Resource": [resource, format!("arn:aws:s3:::{name}-data/*")]},
            {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]});
        let mut users = Vec::new();
        let mut report = String::from("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
        let _ = writeln!(report, "<root_account>,arn:aws:iam::{id}:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
        let mut keys = Vec::new();
        for u in 0..m {
            let user = match u {
                0 => "hub-continuous-deployer".to_owned(),
                u if u + 1 >= m && i % 4 == 0 && !clean => format!("contractor-{u:03}"),
                u => format!("engineer-{:03}", u - 1),
            };
                        let day = 1 + (i + u) % 28;
            let created = if (i + u) % key_in == 3 && !clean { format!("2026-09-{day:02}T09:00:00Z") } else { format!("2026-11-{:02}T09:00:00Z", 1 + (i + u) % 18) };
            let changed = if (i + u) % password_in == 5 && !clean { format!("2026-09-{day:02}T09:00:00+00:00") } else { format!("2026-11-{:02}T09:00:00+00:00", 1 + (i + u) % 18) };
            users.push(serde_json::json!({
                "Path": "/", "UserName": user, "UserId": format!("AIDA{i:08}{u:08}"), "Arn": format!("arn:aws:iam::{id}:user/{user}"),
                "CreateDate": "2026-01-01T00:00:00Z",
                "UserPolicyList": [{"PolicyName": "eks-readonly", "PolicyDocument": if clean && u == 0 {
                    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": cluster}]})
                } else { doc("eks:DescribeCluster", &cluster) }}],
                // Deployer in no SMCE group; engineers in the admins group (but for the forgotten).
                "GroupList": if u == 0 { vec![] } else if u % group_in == 7 && !clean { vec![groups[3], groups[4]] } else { vec![groups[0], groups[3 + u % 2]] },
                "AttachedManagedPolicies": if u == 0 { vec![] } else { vec![serde_json::json!({"PolicyName": format!("team-{}", u % 10), "PolicyArn": format!("arn:aws:iam::{id}:policy/team-{}", u % 10)})] },
                "Tags": []
            }));
            let password = u != 0;
            let _ = writeln!(report, "{user},arn:aws:iam::{id}:user/{user},2026-01-01T00:00:00+00:00,{password},2026-11-01T00:00:00+00:00,{},N/A,{},true,2026-09-{day:02}T09:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
                if password { changed } else { "N/A".into() }, clean || (i + u) % mfa_in != 11);
            keys.push(serde_json::json!({"UserName": user, "AccessKeyId": format!("AKIA{i:08}{u:08}"), "Status": "Active", "CreateDate": created}));
        }
        let group_list: Vec<_> = groups.iter().enumerate().map(|(g, group)| serde_json::json!({
            "Path": "/", "GroupName": group, "GroupId": format!("AGPA{i:08}{g:08}"), "Arn": format!("arn:aws:iam::{id}:group/{group}"), "CreateDate": "2026-01-01T00:00:00Z",
            "GroupPolicyList": [{"PolicyName": "inline", "PolicyDocument": doc("s3:PutObject", "*")}],
            "AttachedManagedPolicies": [{"PolicyName": "team-0", "PolicyArn": format!("arn:aws:iam::{id}:policy/team-0")}]
        })).collect();
        let policies: Vec<_> = (0..10).map(|p| serde_json::json!({
            "PolicyName": format!("team-{p}"), "PolicyId": format!("ANPA{i:08}{p:08}"), "Arn": format!("arn:aws:iam::{id}:policy/team-{p}"),
            "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 5, "IsAttachable": true,
            "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-02-01T00:00:00Z",
            "PolicyVersionList": [
                {"Document": doc("eks:ListClusters", "*"), "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2026-02-01T00:00:00Z"},
                {"Document": doc("eks:*", "*"), "VersionId": "v1", "IsDefaultVersion": false, "CreateDate": "2026-01-01T00:00:00Z"}
            ]
        })).collect();
        let account = dir.join("fixtures").join(&name);
        std::fs::create_dir_all(&account).unwrap();
        let gaad = serde_json::json!({"UserDetailList": users, "GroupDetailList": group_list, "RoleDetailList": [], "Policies": policies});
        std::fs::write(account.join("authorization-details.json"), serde_json::to_string_pretty(&gaad).unwrap()).unwrap();
        std::fs::write(account.join("credential-report.csv"), report).unwrap();
        std::fs::write(account.join("access-keys.json"), serde_json::to_string_pretty(&serde_json::json!({"AccessKeyMetadata": keys})).unwrap()).unwrap();
        std::fs::write(account.join("snapshot.json"), format!("{{\"account_id\":\"{id}\",\"captured_at\":\"2026-11-20T09:00:00Z\",\"source\":\"fleet-bench\"}}\n")).unwrap();
    });
}
