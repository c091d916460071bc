//! Transport limits of the real `leerweek serve` (the binary, as a child process): clients that
//! send their headers or body a byte at a time, or never, are cut off after the configured
//! timeouts while other clients are served; 10,000 idle connections do not exhaust the server.
//! SQLite is enough here: these tests are about connections, not about the database.

use leerweek_testkit::ServerProcess;
use leerweek_testkit::process::serve_command;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A `leerweek serve` child on a fresh SQLite database, with an administrator's token.
struct Server {
    process: ServerProcess,
    addr: SocketAddr,
    base: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Start with the given header and body timeouts (seconds); the port is the kernel's choice
    /// (testkit's `ServerProcess` reads the address the server prints once it listens).
    async fn start(header_read_timeout_secs: u64, body_read_timeout_secs: u64) -> Server {
        let exe = env!("CARGO_BIN_EXE_leerweek");
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}?mode=rwc", dir.path().join("limits.db").display());
        let admin = Command::new(exe)
            .args(["admin", "create", "--email", "beheer@limits.example", "--name", "Beheer"])
            .env("LEERWEEK__DATABASE__URL", &db)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run leerweek admin create");
        assert!(admin.status.success(), "leerweek admin create: {}", String::from_utf8_lossy(&admin.stderr));
        let token = String::from_utf8(admin.stdout).unwrap().lines().last().unwrap().trim().to_owned();
        assert!(token.starts_with("lw_"), "no token printed: {token}");
        let mut command = serve_command(exe);
        command
            .env("LEERWEEK__DATABASE__URL", &db)
            .env("LEERWEEK__MAIL__TRANSPORT", "file")
            .env("LEERWEEK__MAIL__FILE_DIR", dir.path().join("mail"))
            .env("LEERWEEK__SERVER__HEADER_READ_TIMEOUT_SECS", header_read_timeout_secs.to_string())
            .env("LEERWEEK__SERVER__BODY_READ_TIMEOUT_SECS", body_read_timeout_secs.to_string())
            .env("RUST_LOG", "warn")
            // One malloc arena: steadier memory figures for the leak check.
            .env("MALLOC_ARENA_MAX", "1")
            .stderr(std::process::Stdio::inherit());
        let process = ServerProcess::start(command, Duration::from_secs(60)).await.expect("leerweek serve");
        assert!(
            process.base.starts_with("http://127.0.0.1:"),
            "unexpected address of leerweek serve: {}",
            process.base
        );
        // The start-up's health check has hung up; let the server notice before counting its descriptors.
        let mut fds = process.open_fds();
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let now = process.open_fds();
            if now == fds {
                break;
            }
            fds = now;
        }
        Server { addr: process.addr, base: process.base.clone(), process, token, _dir: dir }
    }

    /// Whether the child is still running.
    fn alive(&mut self) -> bool {
        self.process.alive()
    }

    /// Resident memory in MiB.
    fn rss_mib(&self) -> f64 {
        self.process.rss_mib()
    }

    /// Open file descriptors of the server (its sockets among them).
    fn open_fds(&self) -> usize {
        self.process.open_fds()
    }
}

/// The time of one request on a fresh connection; panics unless it answers 200.
async fn timed_get(base: &str, path: &str, token: Option<&str>) -> Duration {
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let started = Instant::now();
    let mut req = client.get(format!("{base}{path}")).timeout(Duration::from_secs(10));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(res.status(), 200, "GET {path}");
    res.bytes().await.unwrap();
    started.elapsed()
}

/// Read until the server closes the connection (or resets it); the time that took.
async fn until_closed(mut reader: impl AsyncReadExt + Unpin, started: Instant, limit: Duration) -> (Duration, Vec<u8>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), reader.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (started.elapsed(), got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept the connection open for {:?}", started.elapsed()),
        }
    }
}

/// Send `bytes` one at a time, `every` apart, until the server closes the connection; the time that took.
async fn drip(stream: TcpStream, bytes: Vec<u8>, every: Duration, limit: Duration) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let (reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        for b in bytes.iter().cycle() {
            if writer.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(every).await;
        }
    });
    let closed = until_closed(reader, started, limit).await;
    writing.abort();
    closed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_clients_are_cut_off_while_others_are_served() {
    leerweek_api::sso::install_crypto_provider();
    let (header_timeout, body_timeout) = (Duration::from_secs(2), Duration::from_secs(3));
    let server = Server::start(header_timeout.as_secs(), body_timeout.as_secs()).await;
    let limit = Duration::from_secs(15);
    let addr = server.addr;

    let mut clients = tokio::task::JoinSet::new();
    // Connect and say nothing.
    for _ in 0..50 {
        clients.spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            ("silent", until_closed(stream, Instant::now(), limit).await)
        });
    }
    // Headers one byte every 300 ms, never finished.
    for _ in 0..50 {
        clients.spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let headers =
                b"GET /health HTTP/1.1\r\nHost: limits\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .to_vec();
            ("slow headers", drip(stream, headers, Duration::from_millis(300), limit).await)
        });
    }
    // Complete headers, then a body one byte every 300 ms.
    for _ in 0..10 {
        let token = server.token.clone();
        clients.spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST /api/v1/organisations HTTP/1.1\r\nHost: limits\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            (
                "slow body",
                drip(stream, b"{\"name\": \"aaaaaaaaaaaaaaaaaaaa".to_vec(), Duration::from_millis(300), limit).await,
            )
        });
    }

    // Meanwhile everyone else is served at once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut served = Vec::new();
    for _ in 0..10 {
        served.push(timed_get(&server.base, "/health", None).await);
        served.push(timed_get(&server.base, "/api/v1/me", Some(&server.token)).await);
    }
    let slowest_served = served.iter().max().unwrap();
    assert!(*slowest_served < Duration::from_secs(1), "a normal request took {slowest_served:?} beside slow clients");

    let mut slowest_cut = Duration::ZERO;
    while let Some(res) = clients.join_next().await {
        let (kind, (after, answer)) = res.unwrap();
        let deadline = if kind == "slow body" { body_timeout } else { header_timeout };
        assert!(after >= deadline - Duration::from_millis(300), "{kind}: cut off after {after:?}, before its timeout");
        assert!(after < deadline + Duration::from_secs(3), "{kind}: cut off only after {after:?}");
        let answer = String::from_utf8_lossy(&answer);
        if kind == "slow body" {
            // A body that is too slow gets a problem, not just a closed connection.
            assert!(answer.starts_with("HTTP/1.1 408"), "{kind}: {answer}");
            assert!(
                answer.contains("application/problem+json") && answer.contains("/errors/request-timeout"),
                "{answer}"
            );
        } else {
            assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{kind}: {answer}");
        }
        slowest_cut = slowest_cut.max(after);
    }
    eprintln!(
        "slow-loris: 110 slow clients cut off after at most {slowest_cut:?}; slowest of 20 normal requests meanwhile {slowest_served:?}"
    );
}

/// Raise this process's open-files limit to at least `want` (the hard limit too, if we may).
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
fn raise_open_files_limit(want: u64) {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if (lim.rlim_cur as u64) >= want {
        return;
    }
    let hard = (lim.rlim_max as u64).max(want);
    let raised = libc::rlimit { rlim_cur: hard as libc::rlim_t, rlim_max: hard as libc::rlim_t };
    // SAFETY: as above. Raising the hard limit needs root (CI runs as root).
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0;
    assert!(
        ok,
        "this test needs {want} open files, the limit is {} (hard {}): run `ulimit -n {want}` first, or as root",
        lim.rlim_cur, lim.rlim_max
    );
}

/// One round: open `n` connections (every tenth after one kept-alive request, the rest never
/// speak), check that others are served quickly beside them, hang up. Returns
/// `(time to open, median, slowest, server RSS with them open)`.
async fn idle_round(server: &mut Server, n: usize, fds_start: usize) -> (Duration, Duration, Duration, f64) {
    let started = Instant::now();
    let mut idle = Vec::with_capacity(n);
    let mut opening = tokio::task::JoinSet::new();
    for i in 0..n {
        let addr = server.addr;
        opening.spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap_or_else(|e| panic!("connection {i}: {e}"));
            if i % 10 == 0 {
                stream.write_all(b"GET /health HTTP/1.1\r\nHost: limits\r\n\r\n").await.unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 1024];
                while !got.ends_with(b"}") {
                    let r = stream.read(&mut buf).await.unwrap();
                    assert!(r > 0, "connection {i} closed before its answer");
                    got.extend_from_slice(&buf[..r]);
                }
                assert!(got.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&got));
            }
            stream
        });
        // A few hundred connects in flight at once.
        if opening.len() >= 256 {
            idle.push(opening.join_next().await.unwrap().unwrap());
        }
    }
    while let Some(s) = opening.join_next().await {
        idle.push(s.unwrap());
    }
    let opened_in = started.elapsed();
    // The server has really accepted them all (not just the kernel's backlog).
    let wait = Instant::now();
    while server.open_fds() < fds_start + n && wait.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fds_busy = server.open_fds();
    assert!(fds_busy >= fds_start + n, "the server holds {fds_busy} descriptors, started with {fds_start}");

    // Still quick for everyone else: a plain and an authenticated request, each on a new connection.
    let mut times = Vec::new();
    for _ in 0..20 {
        times.push(timed_get(&server.base, "/health", None).await);
        times.push(timed_get(&server.base, "/api/v1/me", Some(&server.token)).await);
    }
    times.sort();
    let slowest = *times.last().unwrap();
    assert!(slowest < Duration::from_secs(1), "with {n} idle connections a request took {slowest:?}");
    let rss_busy = server.rss_mib();
    assert!(server.alive(), "the server died under {n} idle connections");

    // Hung up: the server lets go of every connection and still answers.
    drop(idle);
    let wait = Instant::now();
    while server.open_fds() > fds_start + 50 && wait.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fds_after = server.open_fds();
    assert!(fds_after <= fds_start + 50, "the server still holds {fds_after} descriptors (started with {fds_start})");
    timed_get(&server.base, "/api/v1/me", Some(&server.token)).await;
    assert!(server.alive());
    (opened_in, times[times.len() / 2], slowest, rss_busy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_idle_connections_do_not_exhaust_the_server() {
    const IDLE: usize = 10_000;
    const ROUNDS: usize = 6;
    leerweek_api::sso::install_crypto_provider();
    // The server child inherits this limit (and raises its own soft limit to the hard one).
    raise_open_files_limit(IDLE as u64 + 1024);
    // A long header timeout: the idle connections must stay open while we measure.
    let mut server = Server::start(300, 20).await;
    let rss_start = server.rss_mib();
    let fds_start = server.open_fds();
    let mut rss_after = Vec::new();
    for round in 1..=ROUNDS {
        let (opened_in, median, slowest, rss_busy) = idle_round(&mut server, IDLE, fds_start).await;
        rss_after.push(server.rss_mib());
        eprintln!(
            "idle connections, round {round}: {IDLE} opened in {opened_in:.1?}; beside them 40 requests on new \
             connections: median {median:.1?}, slowest {slowest:.1?}; server RSS {rss_busy:.0} MiB with them open, \
             {:.0} MiB after",
            rss_after[round - 1]
        );
        if round == 1 {
            // Generous: ~100 KiB per idle connection would already be worth knowing about.
            assert!(rss_busy - rss_start < 1024.0, "{IDLE} idle connections took {:.0} MiB", rss_busy - rss_start);
        }
    }
    // No leak: the allocator settles after a few rounds (the server runs with one malloc arena,
    // so the trend is readable); a leak of 1 KiB per connection would add 10 MiB every round.
    let late_growth = rss_after[ROUNDS - 1] - rss_after[ROUNDS - 3];
    eprintln!("idle connections: server RSS {rss_start:.0} MiB at start, then after each round {rss_after:.0?}");
    assert!(
        late_growth < 16.0,
        "server memory still grows by {late_growth:.0} MiB over the last two rounds: {rss_after:?}"
    );
}
