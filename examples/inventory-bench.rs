//! Benchmark of `smce-guard inventory`: the real 30 cluster folders of 2i2c's infrastructure
//! repository (`tests/data/infrastructure/`, with the repository's four SMCE policies and their
//! recordings), then synthetic checkouts of N clusters (two in three on AWS, each with a
//! sops-encrypted credentials file shaped like the real ones; one in three on GCP), with a policy
//! for one AWS cluster in ten and no recordings. Reports the best and median wall time of each,
//! and the time per cluster, which stays flat when the cost is linear. Then the same for `init
//! --infrastructure` (the estate's policies), into a fresh `--out-dir` each run: a policy for
//! every AWS cluster, linted and written one by one.
//!
//! Run: `cargo run --release --locked --example inventory-bench -- --clusters 250,500,1000,2000`
//! The checkouts are written under `target/inventory-bench/` and reused between runs.

// A benchmark reports on stdout; that is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The instant every run ages the credentials to.
const NOW: &str = "2026-08-21T00:00:00Z";

fn main() -> std::process::ExitCode {
    // The measured child: this same binary run as the CLI, exactly what `smce-guard` runs.
    if std::env::var_os("SMCE_BENCH_CHILD").is_some() {
        return smce_guard::cli::main();
    }
    let mut sizes = vec![250usize, 500, 1000, 2000];
    let mut runs = 7usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("--clusters", Some(v)) => {
                sizes = v
                    .split(',')
                    .map(|n| n.parse().expect("--clusters N[,N...]"))
                    .collect()
            }
            ("--runs", Some(v)) => runs = v.parse().expect("--runs N"),
            _ => panic!("usage: inventory-bench [--clusters N[,N...]] [--runs R]"),
        }
    }
    println!(
        "machine: {} cores; {runs} runs each, best and median wall time of `inventory --format json`",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>9} {:>9} {:>12} {:>12} {:>14}",
        "clusters", "MB files", "best", "median", "best/cluster"
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let real = root.join("tests/data/infrastructure");
    // The four SMCE policies: the legacy example's invented account has no cluster in the
    // checkout, a policy error (exit 2) that is not what this row measures.
    let smce = [
        "policies/disasters.yaml",
        "policies/maap.yaml",
        "policies/nasa-ghg-hub.yaml",
        "policies/nasa-veda.yaml",
    ];
    let (best, median) = time(
        runs,
        &root,
        &real,
        &[&smce[..], &["--fixtures", "fixtures"]].concat(),
    );
    report("30 real", &mb(&real), best, median, 30);
    for &n in &sizes {
        let dir = root.join(format!("target/inventory-bench/{n}"));
        if !dir.join("done").exists() {
            generate(&dir, n);
            std::fs::write(dir.join("done"), "").unwrap();
        }
        let infra = dir.join("infra");
        let (best, median) = time(runs, &dir, &infra, &["policies", "--fixtures", "fixtures"]);
        report(&n.to_string(), &mb(&infra), best, median, n);
    }
    println!(
        "\n`init --infrastructure DIR --out-dir NEW` (a policy for every AWS cluster, none there yet)"
    );
    println!(
        "{:>9} {:>9} {:>12} {:>12} {:>14}",
        "clusters", "policies", "best", "median", "best/policy"
    );
    let scratch = root.join("target/inventory-bench/init-out");
    let (best, median) = time_init(runs, &real, &scratch);
    report("30 real", "20", best, median, 20);
    for n in sizes {
        let infra = root.join(format!("target/inventory-bench/{n}/infra"));
        let aws = (0..n).filter(|i| i % 3 != 2).count();
        let (best, median) = time_init(runs, &infra, &scratch);
        report(&n.to_string(), &aws.to_string(), best, median, aws);
    }
    std::process::ExitCode::SUCCESS
}

/// Best and median of `runs` runs of the estate's `init` on `infra`, each into a new folder.
fn time_init(runs: usize, infra: &Path, scratch: &Path) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let _ = std::fs::remove_dir_all(scratch);
            std::fs::create_dir_all(scratch).unwrap();
            let mut command = Command::new(std::env::current_exe().unwrap());
            command
                .env("SMCE_BENCH_CHILD", "1")
                .current_dir(scratch)
                .args(["init", "--infrastructure"])
                .arg(infra)
                .args(["--out-dir", "policies"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let started = Instant::now();
            let output = command.output().unwrap();
            let took = started.elapsed();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            took
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn report(what: &str, second: &str, best: Duration, median: Duration, clusters: usize) {
    println!(
        "{what:>9} {second:>9} {:>9.1} ms {:>9.1} ms {:>11.1} µs",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e6 / clusters as f64,
    );
}

/// Best and median of `runs` runs of `inventory` on `infra`, run in `dir`.
fn time(runs: usize, dir: &Path, infra: &Path, extra: &[&str]) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut command = Command::new(std::env::current_exe().unwrap());
            command
                .env("SMCE_BENCH_CHILD", "1")
                .current_dir(dir)
                .args(["inventory", "--infrastructure"])
                .arg(infra)
                .args(["--now", NOW, "--format", "json"])
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let started = Instant::now();
            let output = command.output().unwrap();
            let took = started.elapsed();
            // Exit 1: credentials past their limit, as in the real estate.
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            took
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

/// The size of the files under `dir`, in MB.
fn mb(dir: &Path) -> String {
    format!("{:.2}", bytes(dir) as f64 / 1e6)
}

fn bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                total += std::fs::metadata(&path).unwrap().len();
            }
        }
    }
    total
}

/// `n` clusters under `dir/infra`, with a policy for every tenth AWS cluster in `dir/policies`.
fn generate(dir: &Path, n: usize) {
    let _ = std::fs::remove_dir_all(dir);
    let clusters = dir.join("infra/config/clusters");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::create_dir_all(dir.join("fixtures")).unwrap();
    for i in 0..n {
        let name = format!("hub-{i:05}");
        let folder = clusters.join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        let account = format!("{:012}", 100_000_000_000u64 + i as u64);
        let aws = i % 3 != 2;
        let mut file = format!("name: {name}\n");
        if aws {
            let _ = write!(
                file,
                "provider: aws\nprovider_url: https://{account}.signin.aws.amazon.com/console\naws:\n  account: {account}\n  key: enc-deployer-credentials.secret.json\n  clusterType: eks\n  clusterName: {name}\n  region: us-west-2\n  billing:\n    paid_by_us: false\n"
            );
        } else {
            let _ = write!(
                file,
                "provider: gcp\ngcp:\n  key: enc-deployer-credentials.secret.json\n  project: project-{i}\n  cluster: {name}-cluster\n  zone: us-central1\n"
            );
        }
        // Hubs, as the real files list them (the real files average 1.8 kB).
        file.push_str("support:\n  helm_chart_values_files:\n  - support.values.yaml\n  - enc-support.secret.values.yaml\nhubs:\n");
        for hub in ["staging", "prod"] {
            let _ = write!(
                file,
                "- name: {hub}\n  display_name: Hub {i} ({hub})\n  domain: {hub}.{name}.2i2c.cloud\n  helm_chart: basehub\n  helm_chart_values_files:\n  - common.values.yaml\n  - {hub}.values.yaml\n  - enc-{hub}.secret.values.yaml\n"
            );
        }
        std::fs::write(folder.join("cluster.yaml"), file).unwrap();
        let day = 1 + i % 28;
        let month = 1 + i % 12;
        let sops = format!(
            "{{\n    \"AccessKey\": {{\n        \"AccessKeyId\": \"ENC[AES256_GCM,data:{x},iv:{x},tag:{x},type:str]\",\n        \"SecretAccessKey\": \"ENC[AES256_GCM,data:{x}{x},iv:{x},tag:{x},type:str]\",\n        \"UserName\": \"ENC[AES256_GCM,data:{x},iv:{x},tag:{x},type:str]\"\n    }},\n    \"sops\": {{\n        \"gcp_kms\": [{{\"resource_id\": \"projects/p/locations/global/keyRings/sops-keys/cryptoKeys/similar-hubs\", \"created_at\": \"2026-{month:02}-{day:02}T10:00:00Z\", \"enc\": \"{x}{x}{x}\"}}],\n        \"lastmodified\": \"2026-{month:02}-{day:02}T10:00:00Z\",\n        \"mac\": \"ENC[AES256_GCM,data:{x}{x}{x},iv:{x},tag:{x},type:str]\",\n        \"unencrypted_suffix\": \"_unencrypted\",\n        \"version\": \"3.11.0\"\n    }}\n}}\n",
            x = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3"
        );
        std::fs::write(folder.join("enc-deployer-credentials.secret.json"), sops).unwrap();
        if aws && i % 10 == 0 {
            let policy = format!(
                "account:\n  id: \"{account}\"\n  name: {name}\ndeployer:\n  cluster: {name}\ncredentials:\n  max_age_days: 90\n"
            );
            std::fs::write(dir.join(format!("policies/{name}.yaml")), policy).unwrap();
        }
    }
}
