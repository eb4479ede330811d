//! `sealprobe scan` on a FIFO or standard input fed by a slow writer (issue #12, acceptance 3):
//! findings are reported while the writer is still writing, and the scan ends when it closes.
//!
//! Each wait has a hang guard ([`GUARD`]): a report that has not come by then, or a scan still
//! running then, fails the test. Nothing here measures speed.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Tree, bin};
use sealprobe::workspace::make_fifo;

const SECRET: &str = "cutover-key-7f3a9c2b1d4e5f60-Zk3pQ8vX2mN7tR4wY9bC";
const GUARD: Duration = Duration::from_secs(20);

/// `sealprobe scan` with its output piped, for the caller to add arguments and spawn.
fn scan() -> Command {
    let mut command = Command::new(bin());
    command
        .arg("scan")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Lines of the child's stdout as they come, on a channel.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Writes a line, the leak on line 2, then more than the scanner's context after it, a line at a
/// time with pauses, as a running job would, without closing.
fn write_leak_slowly(writer: &mut impl std::io::Write) {
    writeln!(writer, "starting the job").unwrap();
    writeln!(writer, "oops: token={SECRET}").unwrap();
    let filler = "step done, nothing to see here, moving on to the next step of the job\n";
    // More than twice the reach of the scanner `scan --secrets` builds: a window is scanned
    // once a reach of input has come after it, and a finding there is settled once no window
    // still to scan can reach back to it.
    let reach = sealprobe::leak::canary_scanner([SECRET]).unwrap().reach();
    for _ in 0..2 * reach / filler.len() + 50 {
        writer.write_all(filler.as_bytes()).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Feeds `writer` a leak and then log lines, slowly: the finding must be on stdout before the
/// writer closes. Returns every line of the report.
fn feed_slowly(mut writer: impl std::io::Write, child: &mut Child) -> Vec<String> {
    let lines = lines_of(child);
    write_leak_slowly(&mut writer);
    let first = lines
        .recv_timeout(GUARD)
        .expect("no finding reported while the writer was still open");
    assert!(first.contains(":2:") && first.contains("secret"), "{first}");
    // Still running: the writer has not closed.
    assert!(child.try_wait().unwrap().is_none(), "the scan ended early");
    writeln!(writer, "done").unwrap();
    drop(writer);
    let mut all = vec![first];
    while let Ok(line) = lines.recv_timeout(GUARD) {
        all.push(line);
        if all
            .last()
            .is_some_and(|l| l.starts_with("LEAK") || l.starts_with("CLEAN"))
        {
            break;
        }
    }
    all
}

fn wait(child: &mut Child) -> i32 {
    let (tx, rx) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        if rx.recv_timeout(GUARD).is_err() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    });
    let status = child.wait().unwrap();
    let _ = tx.send(());
    status.code().unwrap_or(-1)
}

#[test]
fn a_fifo_fed_slowly_is_reported_as_it_goes_and_ends_when_the_writer_closes() {
    let t = Tree::new();
    t.write("secrets.txt", format!("{SECRET}\n"));
    let fifo = t.base().join("log.fifo");
    make_fifo(&fifo).unwrap();
    // Opened for reading and writing, which never blocks: the writer exists before the scan
    // opens the FIFO, as a build job's log pipe does.
    let writer = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let mut child = scan()
        .arg("--secrets")
        .arg(t.path("secrets.txt"))
        .arg(&fifo)
        .spawn()
        .unwrap();
    let report = feed_slowly(writer, &mut child);
    assert_eq!(wait(&mut child), 1);
    assert_eq!(report.len(), 2, "{report:?}");
    assert!(report[1].starts_with("LEAK: 1 finding in "), "{report:?}");
    let text = report.join("\n");
    assert!(
        sealprobe::leak::canary_scanner([SECRET])
            .unwrap()
            .scan(text.as_bytes())
            .is_empty()
    );
}

#[test]
fn standard_input_fed_slowly_is_reported_as_it_goes() {
    let t = Tree::new();
    t.write("secrets.txt", format!("{SECRET}\n"));
    let mut child = scan()
        .args(["--format", "json", "--secrets"])
        .arg(t.path("secrets.txt"))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    // The JSON report's head and its first finding come before the input ends.
    let lines = lines_of(&mut child);
    let mut writer = stdin;
    write_leak_slowly(&mut writer);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|l: &String| l.contains("\"kind\": \"secret\""))
    {
        seen.push(
            lines
                .recv_timeout(GUARD)
                .expect("no finding reported while standard input was still open"),
        );
    }
    assert!(child.try_wait().unwrap().is_none(), "the scan ended early");
    drop(writer);
    while let Ok(line) = lines.recv_timeout(GUARD) {
        seen.push(line);
    }
    assert_eq!(wait(&mut child), 1);
    let report: serde_json::Value = serde_json::from_str(&seen.join("\n")).unwrap();
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(report["findings"][0]["line"], 2);
}

/// An input that cannot be read part-way through the inputs stops the scan with exit 2 and its
/// name on stderr; what was found before stays printed, but the report has no summary (and the
/// JSON report does not parse), so it cannot pass for the report of every input.
#[test]
fn an_unreadable_input_after_a_leak_leaves_a_report_without_its_summary() {
    let t = Tree::new();
    t.write("secrets.txt", format!("{SECRET}\n"));
    t.write("a.log", format!("first\ntoken={SECRET}\n"));
    let fifo = t.base().join("nobody.fifo");
    make_fifo(&fifo).unwrap();
    for format in ["human", "json"] {
        let mut child = scan()
            .args(["--format", format, "--secrets"])
            .arg(t.path("secrets.txt"))
            .arg(t.path("a.log"))
            .arg(&fifo)
            .spawn()
            .unwrap();
        let code = wait(&mut child);
        let out = child.wait_with_output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        );
        assert_eq!(code, 2, "{format}: {stdout}{stderr}");
        assert!(
            stderr.contains("nobody.fifo") && stderr.contains("no writer"),
            "{stderr}"
        );
        assert!(
            stdout.contains("a.log"),
            "{format}: the first input's finding: {stdout}"
        );
        assert!(
            !stdout.contains("LEAK") && !stdout.contains("CLEAN"),
            "{stdout}"
        );
        if format == "json" {
            assert!(
                serde_json::from_str::<serde_json::Value>(&stdout).is_err(),
                "{stdout}"
            );
        }
        let check = sealprobe::leak::canary_scanner([SECRET]).unwrap();
        assert!(
            check.scan(stdout.as_bytes()).is_empty() && check.scan(stderr.as_bytes()).is_empty()
        );
    }
}

/// Standard input that is an empty pipe is an empty input (`grep … | sealprobe scan` may rightly
/// scan nothing): clean, exit 0. Standard input that is a device (`< /dev/null`, a terminal) is
/// refused at once with exit 2, so a job that wired nothing in does not pass for a clean scan.
#[test]
fn empty_piped_input_is_clean_and_a_device_on_standard_input_is_refused() {
    let run = |stdin: Stdio| {
        let mut child = scan().stdin(stdin).spawn().unwrap();
        let code = wait(&mut child);
        let out = child.wait_with_output().unwrap();
        (
            code,
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, stdout, _) = run(Stdio::piped());
    assert_eq!(
        (code, stdout.as_str()),
        (
            0,
            "CLEAN: no secret or token found in 0 bytes (13 rules and 0 secrets looked for)\n"
        )
    );
    let (code, stdout, stderr) = run(Stdio::from(std::fs::File::open("/dev/null").unwrap()));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("standard input") && stderr.contains("device"),
        "{stderr}"
    );
}
