//! The rush's printed lines: one run ([`print`]) and the targets over all runs
//! ([`targets`]).

use super::RushFigure;

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}

/// One run: throughput and latency, soundness, CPU and mail, where the CPU went.
pub(super) fn print(f: &RushFigure) {
    let servers = if f.servers > 1 { format!(" ×{}", f.servers) } else { String::new() };
    println!(
        "{:<8} N={:<4} {:>7} people{servers}  {:>6.0} decisions/s  (seat {}, waiting {}, refused {}; answered again {}) in {:.1} s  p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  \
         errors {}  overbooked {}  miscounted {}  queue gaps {} (in answers {})  filled {:.1}%  peak RSS {:.1} MiB  baseline {:.0}/s  ratio {:.2}",
        f.backend,
        f.clients,
        f.people,
        f.per_sec(),
        f.confirmed,
        f.waitlisted,
        f.refused,
        f.again,
        f.elapsed.as_secs_f64(),
        f.pct(0.50),
        f.pct(0.95),
        f.pct(0.99),
        f.errors,
        f.checked.overbooked,
        f.checked.miscounted,
        f.checked.gaps,
        f.gaps_answered,
        f.checked.filled * 100.0,
        f.peak_rss_mib,
        f.baseline_per_sec,
        f.per_sec() / f.baseline_per_sec.max(1e-9),
    );
    let all_out = f.all_mail_out();
    println!(
        "{:<8}         server CPU a decision: {:.2} ms during the rush, {:.2} ms with its mails rendered, {:.2} ms with them delivered over SMTP too ({} of {} delivered{})",
        "",
        f.cpu_ms(),
        f.cpu_rendered_ms(),
        f.cpu_with_mail_ms(),
        f.mails + f.drained.0,
        f.mails_expected(),
        if all_out {
            format!(", the last {:.1} s after the rush", f.drained.1.as_secs_f64())
        } else {
            format!("; NOT ALL within {:.0} s, so the rest is not in the figures", f.drained.1.as_secs_f64())
        },
    );
    let per = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / f.decisions().max(1) as f64;
    let s = &f.split;
    println!(
        "{:<8}         CPU during the rush: {:.2} of 2 cores busy; a decision took {:.2} ms of Leerweek, {:.2} ms of PostgreSQL, \
         {:.2} ms of the bench's clients, {:.2} ms of the rest (mail sink, system)",
        "",
        s.cores_busy(),
        per(s.servers),
        per(s.postgres),
        per(s.bench),
        per(s.rest()),
    );
    for e in &f.error_samples {
        println!("         error: {e}");
    }
}

/// The targets over every run made.
pub(super) fn targets(all: &[RushFigure]) {
    println!();
    println!(
        "targets (issue 24): ≥ 2,000 decisions/s and p99 ≤ 50 ms (SQLite at N=50, PostgreSQL at N=64), ≤ 0.6 ms server CPU a decision \
         with its mails rendered on SQLite; 100,000 people within 1.5× of 20,000; CPU a decision +25% at most from the fewest to the most people; \
         two servers within 20% of one"
    );
    for f in all.iter().filter(|f| f.servers == 1) {
        let cpu = if f.backend == "sqlite" && !f.all_mail_out() {
            "  CPU with its mails not measured (not all delivered within --drain-secs)".to_owned()
        } else if f.backend == "sqlite" {
            format!(
                "  CPU {:.2} ms with mails rendered {} ({:.2} ms with them delivered too)",
                f.cpu_rendered_ms(),
                met(f.cpu_rendered_ms() <= 0.6),
                f.cpu_with_mail_ms()
            )
        } else {
            String::new()
        };
        println!(
            "  {:<8} N={:<3} {:>7} people  {:>6.0}/s {}  p99 {:.1} ms {}{cpu}",
            f.backend,
            f.clients,
            f.people,
            f.per_sec(),
            met(f.per_sec() >= 2000.0),
            f.pct(0.99),
            met(f.pct(0.99) <= 50.0),
        );
    }
    // Growth with the data: the fewest people against the most, same backend, clients, servers.
    for f in all.iter().filter(|f| f.servers == 1) {
        let most = all
            .iter()
            .filter(|g| g.backend == f.backend && g.clients == f.clients && g.servers == 1 && g.people > f.people)
            .max_by_key(|g| g.people);
        let fewest = all
            .iter()
            .filter(|g| g.backend == f.backend && g.clients == f.clients && g.servers == 1)
            .min_by_key(|g| g.people);
        let (Some(most), Some(fewest)) = (most, fewest) else { continue };
        if fewest.people != f.people {
            continue;
        }
        let growth = |a: f64, b: f64| (b / a.max(1e-9) - 1.0) * 100.0;
        let rush = growth(f.cpu_ms(), most.cpu_ms());
        // With the mails when both runs waited for them all, else the rush alone.
        let (what, a, b) = if f.all_mail_out() && most.all_mail_out() {
            ("with its mails", f.cpu_with_mail_ms(), most.cpu_with_mail_ms())
        } else {
            ("during the rush (mails not waited for)", f.cpu_ms(), most.cpu_ms())
        };
        println!(
            "  {:<8} N={:<3} CPU a decision from {} to {} people {what}: {a:.2} → {b:.2} ms ({:+.0}%) {}; during the rush {:.2} → {:.2} ms ({rush:+.0}%)",
            f.backend,
            f.clients,
            f.people,
            most.people,
            growth(a, b),
            met(growth(a, b) <= 25.0),
            f.cpu_ms(),
            most.cpu_ms(),
        );
        if f.people == 20_000 && most.people == 100_000 {
            println!(
                "  {:<8} N={:<3} 100,000 people within 1.5× of 20,000: {:.0}/s {}, p99 {:.1} ms {}, CPU {:.2} ms {}",
                f.backend,
                f.clients,
                most.per_sec(),
                met(most.per_sec() * 1.5 >= f.per_sec()),
                most.pct(0.99),
                met(most.pct(0.99) <= f.pct(0.99) * 1.5),
                b,
                met(b <= a * 1.5),
            );
        }
    }
    // Several servers on one database against one.
    for f in all.iter().filter(|f| f.servers > 1) {
        if let Some(one) = all
            .iter()
            .find(|g| g.backend == f.backend && g.clients == f.clients && g.people == f.people && g.servers == 1)
        {
            let share = f.per_sec() / one.per_sec().max(1e-9);
            println!(
                "  {:<8} N={:<3} {} servers on one database: {:.0}/s against one server's {:.0}/s ({:.0}%) {}; overbooked {}, miscounted {}, queue gaps {} {}",
                f.backend,
                f.clients,
                f.servers,
                f.per_sec(),
                one.per_sec(),
                share * 100.0,
                met(share >= 0.8),
                f.checked.overbooked,
                f.checked.miscounted,
                f.checked.gaps + f.gaps_answered,
                met(f.sound()),
            );
        }
    }
}
