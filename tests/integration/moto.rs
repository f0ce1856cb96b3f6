//! The harness of the live-path tests: a private `moto_server` per test, seeded by
//! `tests/live/seed.py` (the one builder of AWS test state; [`scenario`] builds its input), the binary run against it with an environment that reaches nothing else,
//! and a small HTTP proxy that records every operation sent, can deny one account and can inject
//! faults (throttling, error statuses, resets, slow and truncated answers; see [`Fault`]).
//!
//! Needs `moto_server` (moto 5.x) and boto3: in `.venv-test/` (scripts/python-env), else on PATH.

pub mod scenario;

use crate::common::{Run, root};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTALL: &str =
    "scripts/python-env installs it into .venv-test/ (moto[server] 5.x; brings boto3)";

/// A free port on 127.0.0.1 (bound, read and released: nothing listens on it afterwards).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().unwrap().port()
}

/// One `moto_server` on 127.0.0.1, killed when dropped (also while a failing test unwinds), and
/// the [`Proxy`] the binary reaches it through.
pub struct Moto {
    child: Child,
    pub port: u16,
    /// Holds the server's log and the binary's empty AWS config directory.
    dir: tempfile::TempDir,
    proxy: Option<Proxy>,
}

impl Moto {
    /// Starts a server on a free port and waits until it answers.
    pub fn start() -> Moto {
        let Some(exe) = crate::common::tool("moto_server") else {
            panic!("`moto_server` is not on PATH; the live-path tests need it: {INSTALL}");
        };
        // Another process may take the free port between our probe and moto's bind: try again.
        let mut log = String::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let log_file = std::fs::File::create(dir.path().join("moto_server.log")).unwrap();
            let child = Command::new(&exe)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().unwrap())
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", exe.display()));
            let mut moto = Moto {
                child,
                port,
                dir,
                proxy: None,
            };
            if moto.wait_until_ready(Duration::from_secs(60)) {
                moto.proxy = Some(Proxy::start(moto.addr()));
                return moto;
            }
            moto.stop();
            log = std::fs::read_to_string(moto.dir.path().join("moto_server.log"))
                .unwrap_or_default();
        }
        panic!("moto_server did not come up on 127.0.0.1; its log:\n{log}");
    }

    fn wait_until_ready(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.child.try_wait().ok().flatten().is_some() {
                return false;
            }
            if http_get(self.port, "/moto-api/").is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Runs `tests/live/seed.py` with `scenario` and returns what it printed (seeded key ids and
    /// secrets, the organization's account ids).
    pub fn seed(&self, scenario: &Value) -> Value {
        let script = root().join("tests/live/seed.py");
        let mut python = Command::new(crate::common::python());
        python.arg(&script).arg(self.url());
        let output = crate::common::with_stdin(python, &scenario.to_string());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "seeding moto failed{}:\n{stderr}",
            if stderr.contains("No module named") {
                format!(" ({INSTALL})")
            } else {
                String::new()
            }
        );
        serde_json::from_slice(&output.stdout).expect("seed.py prints JSON")
    }

    /// The proxy every run of [`Moto::smce_guard`] goes through.
    pub fn proxy(&self) -> &Proxy {
        self.proxy.as_ref().expect("started with the server")
    }

    /// Runs the binary in `dir` against this server, through its [`Proxy`].
    pub fn smce_guard<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        smce_guard_aws(dir, &self.proxy().url(), self.dir.path(), args)
    }

    /// [`Moto::smce_guard`] with changes to the environment (see [`smce_guard_env`]).
    pub fn smce_guard_env<I, S>(&self, dir: &Path, changes: &[(&str, Option<&str>)], args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        smce_guard_env(dir, &self.proxy().url(), self.dir.path(), changes, args)
    }

    /// Runs the binary in `dir` against this server directly, with moto's answers unrepaired.
    pub fn smce_guard_unproxied<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        smce_guard_aws(dir, &self.url(), self.dir.path(), args)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `smce-guard` in `dir` with an AWS environment that reaches `endpoint` and nothing else:
/// moto's `testing` credentials, no shared config or credentials files (`scratch` holds none), no
/// instance metadata, no proxies.
pub fn smce_guard_aws<I, S>(dir: &Path, endpoint: &str, scratch: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    smce_guard_env(dir, endpoint, scratch, &[], args)
}

/// [`smce_guard_aws`] with changes to that environment: `(name, Some(value))` sets a variable,
/// `(name, None)` removes it.
pub fn smce_guard_env<I, S>(
    dir: &Path,
    endpoint: &str,
    scratch: &Path,
    changes: &[(&str, Option<&str>)],
    args: I,
) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = crate::common::command(dir, args);
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", scratch.join("no-such-aws/config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            scratch.join("no-such-aws/credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1");
    for (name, value) in changes {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    crate::common::execute(command)
}

/// A plain `GET` on 127.0.0.1: the status code, or `None` when nothing answers.
fn http_get(port: u16, path: &str) -> Option<u16> {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split(' ').nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The recording (and denying) proxy
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct ProxyState {
    /// Every operation the tool sent, as `service:Operation`, in arrival order.
    operations: Vec<String>,
    /// Temporary access key id → the account it acts in, learnt from AssumeRole responses.
    key_accounts: HashMap<String, String>,
    /// Secret access keys and session tokens AssumeRole handed out.
    secrets: Vec<String>,
    denied: HashSet<String>,
    /// The fault plan, first matching rule first.
    faults: Vec<FaultRule>,
    /// Each fault injected, as `service:Operation fault`, in arrival order.
    injected: Vec<String>,
    /// The `Policy` parameter (a session policy) of each AssumeRole, URL-decoded; `None` for one
    /// sent without.
    session_policies: Vec<Option<String>>,
}

/// What the proxy answers instead of moto's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An AWS query-protocol error: `status`, `<Code>`, `<Message>` (see [`Fault::THROTTLE`]).
    Error(u16, &'static str, &'static str),
    /// A bare status with an empty body and no AWS error code, as a load balancer may send.
    Status(u16),
    /// Closes the connection without answering (an orderly close: std cannot send a TCP RST).
    Reset,
    /// Writes the first bytes of a response head, then closes the connection.
    PartialHead,
    /// Waits this long, then forwards as usual (the tool should have given up by then).
    Slow(Duration),
    /// Forwards, then sends moto's head (and its Content-Length) with only half of the body and
    /// closes the connection.
    Truncated,
    /// Answers GenerateCredentialReport with `200`, `State` INPROGRESS.
    ReportInProgress,
}

impl Fault {
    /// IAM's throttling error: `400 Throttling: Rate exceeded`.
    pub const THROTTLE: Fault = Fault::Error(400, "Throttling", "Rate exceeded");
}

/// One rule of the fault plan: `times` requests (every one when `None`) of `operation`
/// (`service:Operation`) made for `account` (any when `None`) get `fault`.
struct FaultRule {
    operation: String,
    account: Option<String>,
    times: Option<u32>,
    fault: Fault,
}

/// An HTTP proxy in front of moto: it forwards every request (one per connection), records the
/// operation, answers `403 AccessDenied` for requests signed with credentials of a denied account,
/// injects the faults of its plan ([`Proxy::inject`]), and adds the `PolicyName` that AWS sends, and moto 5.2.1 leaves out, to each managed policy of
/// GetAccountAuthorizationDetails (see [`add_policy_names`]).
pub struct Proxy {
    pub port: u16,
    state: Arc<Mutex<ProxyState>>,
    stop: Arc<AtomicBool>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    pub fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(ProxyState::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let (state, upstream) = (state.clone(), upstream.clone());
                    std::thread::spawn(move || {
                        if let Err(error) = serve(client, &upstream, &state) {
                            state
                                .lock()
                                .unwrap()
                                .operations
                                .push(format!("proxy-error:{error}"));
                        }
                    });
                }
            })
        };
        Proxy {
            port,
            state,
            stop,
            accept: Some(accept),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// From now on, requests made with credentials that act in `account` are denied.
    pub fn deny(&self, account: &str) {
        self.state.lock().unwrap().denied.insert(account.to_owned());
    }

    /// From now on, the next `times` requests (every one when `None`) of `operation`
    /// (`service:Operation`) made for `account` (any account when `None`) get `fault` instead of
    /// moto's answer. A request's account is the one its temporary credentials act in (learnt from
    /// AssumeRole responses) or, for AssumeRole itself, the account of the role it asks for.
    pub fn inject(&self, operation: &str, account: Option<&str>, times: Option<u32>, fault: Fault) {
        self.state.lock().unwrap().faults.push(FaultRule {
            operation: operation.to_owned(),
            account: account.map(str::to_owned),
            times,
            fault,
        });
    }

    /// Empties the fault plan.
    pub fn clear_faults(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    /// The faults injected so far, as `service:Operation fault` (and forgets them).
    pub fn take_injected(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().unwrap().injected)
    }

    /// The operations recorded so far (and forgets them).
    pub fn take_operations(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().unwrap().operations)
    }

    /// The session policy of each AssumeRole sent so far, in arrival order (and forgets them).
    pub fn take_session_policies(&self) -> Vec<Option<String>> {
        std::mem::take(&mut self.state.lock().unwrap().session_policies)
    }

    /// Every secret access key and session token AssumeRole returned through this proxy.
    pub fn session_secrets(&self) -> Vec<String> {
        self.state.lock().unwrap().secrets.clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// One HTTP/1.1 message head: the start line and the header lines, without the blank line.
struct Head {
    start: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The head with `Connection: close` instead of whatever it said.
    fn closing(&self) -> Vec<u8> {
        let mut text = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            if !name.eq_ignore_ascii_case("connection") {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        text.push_str("Connection: close\r\n\r\n");
        text.into_bytes()
    }
}

fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Ok(Some(Head {
        start: start.trim_end().to_owned(),
        headers,
    }))
}

/// `service:Operation` of a request: the service from the SigV4 credential scope, the operation
/// from `X-Amz-Target` (JSON protocol), the form body's `Action` (query protocol) or the path of
/// the RPC v2 protocol.
fn operation(head: &Head, body: &[u8]) -> String {
    let scope = head
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .map(|c| c.split([',', ' ']).next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let service = scope.split('/').nth(3).unwrap_or("unsigned").to_owned();
    let name = if let Some(target) = head.header("x-amz-target") {
        target.rsplit('.').next().unwrap_or(target).to_owned()
    } else if let Some(action) = String::from_utf8_lossy(body)
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
    {
        action.to_owned()
    } else if let Some((_, op)) = head
        .start
        .split(' ')
        .nth(1)
        .unwrap_or("")
        .rsplit_once("/operation/")
    {
        op.to_owned()
    } else {
        format!("unknown({})", head.start)
    };
    format!("{service}:{name}")
}

/// A form parameter of a query-protocol request body, URL-decoded (`+` is a space).
fn form_parameter(body: &[u8], name: &str) -> Option<String> {
    let body = String::from_utf8_lossy(body);
    let value = body
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?;
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The account of the role an AssumeRole request asks for.
fn role_account(body: &[u8]) -> Option<String> {
    let body = String::from_utf8_lossy(body);
    let arn = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("RoleArn="))?
        .replace("%3A", ":")
        .replace("%3a", ":");
    arn.split(':').nth(4).map(str::to_owned)
}

fn access_key(head: &Head) -> Option<String> {
    let credential = head.header("authorization")?.split("Credential=").nth(1)?;
    Some(credential.split('/').next()?.to_owned())
}

/// The text of the first `<tag>...</tag>` in `xml`.
fn xml_field<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(&xml[start..end])
}

/// moto 5.2.1's GetAccountAuthorizationDetails lists managed policies without `PolicyName`, which
/// AWS always sends (and the live reader needs): adds it, as the last segment of the policy's ARN,
/// to each `Policies` member. `None` when there is nothing to add.
fn add_policy_names(xml: &str) -> Option<String> {
    let start = xml.find("<Policies>")?;
    let end = xml[start..].find("</Policies>")? + start;
    let section = &xml[start..end];
    if section.contains("<PolicyName>") || !section.contains("<member><Arn>") {
        return None;
    }
    let mut repaired = String::with_capacity(section.len() + 256);
    let mut rest = section;
    while let Some(at) = rest.find("<member><Arn>") {
        let arn_start = at + "<member><Arn>".len();
        let arn_end = rest[arn_start..].find("</Arn>")? + arn_start;
        let name = rest[arn_start..arn_end].rsplit('/').next()?;
        repaired.push_str(&rest[..at]);
        repaired.push_str(&format!("<member><PolicyName>{name}</PolicyName><Arn>"));
        rest = &rest[arn_start..];
    }
    repaired.push_str(rest);
    Some(format!("{}{repaired}{}", &xml[..start], &xml[end..]))
}

fn serve(client: TcpStream, upstream: &str, state: &Mutex<ProxyState>) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let Some(head) = read_head(&mut reader)? else {
        return Ok(());
    };
    if head
        .header("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        return Err(std::io::Error::other(
            "chunked request bodies are not handled",
        ));
    }
    let length: usize = head
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let op = operation(&head, &body);
    let (denied, fault) = {
        let mut state = state.lock().unwrap();
        state.operations.push(op.clone());
        if op == "sts:AssumeRole" {
            state.session_policies.push(form_parameter(&body, "Policy"));
        }
        let key_account = access_key(&head).and_then(|key| state.key_accounts.get(&key).cloned());
        // Only temporary credentials are denied; AssumeRole itself is not.
        let denied = key_account
            .as_ref()
            .is_some_and(|account| state.denied.contains(account));
        let account = key_account.or_else(|| {
            (op == "sts:AssumeRole")
                .then(|| role_account(&body))
                .flatten()
        });
        let fault = if denied {
            None
        } else {
            state
                .faults
                .iter_mut()
                .find(|rule| {
                    rule.operation == op
                        && rule.times != Some(0)
                        && (rule.account.is_none() || rule.account == account)
                })
                .map(|rule| {
                    rule.times = rule.times.map(|n| n - 1);
                    rule.fault
                })
        };
        if let Some(fault) = fault {
            state.injected.push(format!("{op} {fault:?}"));
        }
        (denied, fault)
    };
    let mut client = client;
    if denied {
        let xml = format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: {op} (denied by the test proxy)</Message></Error><RequestId>x</RequestId></ErrorResponse>"
        );
        write!(
            client,
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nx-amzn-RequestId: x\r\nConnection: close\r\n\r\n{xml}",
            xml.len()
        )?;
        client.flush()?;
        let _ = client.shutdown(Shutdown::Both);
        return Ok(());
    }
    let mut truncate = false;
    match fault {
        None => {}
        Some(Fault::Error(status, code, message)) => {
            let xml = format!(
                "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
            );
            return answer(client, status, "text/xml", &xml);
        }
        Some(Fault::Status(status)) => return answer(client, status, "text/plain", ""),
        Some(Fault::ReportInProgress) => {
            let xml = "<GenerateCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GenerateCredentialReportResult><State>INPROGRESS</State><Description>Report generation in progress</Description></GenerateCredentialReportResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GenerateCredentialReportResponse>";
            return answer(client, 200, "text/xml", xml);
        }
        Some(Fault::Reset) => {
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::PartialHead) => {
            client.write_all(b"HTTP/1.1 200 OK\r\nContent-Ty")?;
            client.flush()?;
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::Slow(delay)) => {
            std::thread::sleep(delay);
            // The tool gave up on this attempt long ago: its socket may be gone.
            let _ = forward(client, upstream, &op, &head, &body, state, false);
            return Ok(());
        }
        Some(Fault::Truncated) => truncate = true,
    }
    forward(client, upstream, &op, &head, &body, state, truncate)
}

/// Answers `client` with `status` and `body`, and closes the connection.
fn answer(
    mut client: TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Injected",
    };
    write!(
        client,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: x\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

/// Sends the request to moto and its answer (repaired, see [`add_policy_names`]) to `client`;
/// with `truncate`, only the first half of the answer's body.
fn forward(
    mut client: TcpStream,
    upstream: &str,
    op: &str,
    head: &Head,
    body: &[u8],
    state: &Mutex<ProxyState>,
    truncate: bool,
) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream)?;
    server.set_read_timeout(Some(Duration::from_secs(60)))?;
    server.write_all(&head.closing())?;
    server.write_all(body)?;
    server.flush()?;
    let mut response = BufReader::new(server);
    let reply_head = read_head(&mut response)?
        .ok_or_else(|| std::io::Error::other("moto closed the connection without answering"))?;
    let mut reply_head = reply_head;
    let mut reply_body = Vec::new();
    response.read_to_end(&mut reply_body)?;
    if op == "iam:GetAccountAuthorizationDetails" && reply_head.start.contains(" 200 ") {
        let text = String::from_utf8_lossy(&reply_body);
        if let Some(repaired) = add_policy_names(&text) {
            reply_body = repaired.into_bytes();
            reply_head
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("content-length"));
            reply_head
                .headers
                .push(("Content-Length".to_owned(), reply_body.len().to_string()));
        }
    }
    if op == "sts:AssumeRole" {
        let text = String::from_utf8_lossy(&reply_body);
        let key = xml_field(&text, "AccessKeyId");
        let account = xml_field(&text, "Arn").and_then(|arn| arn.split(':').nth(4));
        let mut state = state.lock().unwrap();
        if let (Some(key), Some(account)) = (key, account) {
            state
                .key_accounts
                .insert(key.to_owned(), account.to_owned());
        }
        for tag in ["SecretAccessKey", "SessionToken"] {
            if let Some(secret) = xml_field(&text, tag) {
                state.secrets.push(secret.to_owned());
            }
        }
    }
    if truncate {
        reply_body.truncate(reply_body.len() / 2);
    }
    client.write_all(&reply_head.closing())?;
    client.write_all(&reply_body)?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}
