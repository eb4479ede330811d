//! No process a command validator starts outlives its case (SPEC 7.5).
//!
//! A process group is not enough: `setsid`, a double fork or `nohup ... &` leave it, keep the
//! validator's output pipes open, and outlive the gate. So every validator runs under an
//! *anchor*: a process of the gate's own, forked before the validator, that makes itself a child
//! subreaper (`PR_SET_CHILD_SUBREAPER`). Every process the validator starts, however it
//! detaches, has the anchor as an ancestor, and when its parent dies it is adopted by the anchor,
//! never by init. The anchor reaps what it adopts, tells the gate the validator's pid and wait
//! status through a pipe, and exits only when it has no child left, so "the anchor has exited" is
//! proof that nothing of the case runs any more. To end a case the gate kills the validator's
//! group and then every child of the anchor, over and over (a killed parent's children are
//! adopted by the anchor in turn), until the anchor exits.
//!
//! This is the one place sealprobe uses `unsafe`: `Command::pre_exec`, and `fork`, `waitpid`,
//! `write`, `close_range` and `_exit` in the forked child, which runs between `fork` and `exec` of
//! a multi-threaded process and so may only make async-signal-safe calls. The anchor allocates
//! nothing, takes no lock and never returns into Rust code that could; everything else (finding
//! the anchor's children in `/proc`, killing them, the deadline) runs in the gate, in safe code.
//!
//! A PID namespace would do the same with one `unshare`, but needs privileges a CI container
//! rarely grants; the subreaper needs none (Linux 3.4 and later).
//!
//! [`Registry`]: the anchors and workspaces alive right now, so that SIGINT or SIGTERM of the
//! gate kills every case's processes and removes every workspace before the gate exits.
#![allow(unsafe_code)]

use std::collections::BTreeSet;
use std::io::{self, Read as _};
use std::os::fd::{AsFd as _, AsRawFd as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::process::{Pid, Signal};

/// How long the gate keeps killing a case's processes before it gives up on the anchor (a fork
/// bomb that outruns the sweep); the anchor is then killed and the case reported as escaped.
const SWEEP_LIMIT: Duration = Duration::from_secs(5);

/// A validator running under its anchor.
#[derive(Debug)]
pub struct Supervised {
    anchor: Child,
    /// The validator's pid, which also names its process group.
    validator: i32,
    /// The anchor's reports: the validator's wait status, when it ends.
    status: io::PipeReader,
    /// Set once the anchor has exited and been reaped.
    anchor_gone: bool,
}

/// How the validator ended, as the anchor saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this status.
    Exited(i32),
    /// A signal ended it.
    Signaled,
}

/// Decodes a raw `waitpid` status.
fn decode(status: i32) -> Ended {
    if status & 0x7f == 0 {
        Ended::Exited((status >> 8) & 0xff)
    } else {
        Ended::Signaled
    }
}

/// Starts `command` (program, arguments, working folder and standard streams set by the caller)
/// under an anchor. The validator is put in a process group of its own.
pub fn spawn(mut command: Command) -> io::Result<Supervised> {
    if stopping() {
        return Err(io::Error::from(io::ErrorKind::Interrupted));
    }
    let (mut reader, writer) = io::pipe()?;
    let report_fd = writer.as_raw_fd();
    // SAFETY: the closure runs in the forked child, between fork and exec, and calls only
    // async-signal-safe functions (prctl, fork, setpgid, write, close_range, close, waitpid,
    // _exit) on integers it owns; it allocates nothing and takes no lock. In the anchor it never
    // returns (it ends in `_exit`); in the validator it returns `Ok` and std goes on to `exec`.
    unsafe {
        command.pre_exec(move || anchor(report_fd));
    }
    // The anchor is in a group of its own too: a Ctrl-C on the terminal reaches the gate, which
    // ends every case itself, and never kills an anchor before its adoptees.
    command.process_group(0);
    let spawned = command.spawn();
    drop(writer);
    let anchor = spawned?;
    let mut pid = [0u8; 4];
    let validator = match reader.read_exact(&mut pid) {
        Ok(()) => i32::from_ne_bytes(pid),
        Err(e) => {
            let mut s = Supervised {
                anchor,
                validator: 0,
                status: reader,
                anchor_gone: false,
            };
            s.end();
            return Err(e);
        }
    };
    let s = Supervised {
        anchor,
        validator,
        status: reader,
        anchor_gone: false,
    };
    Registry::global().add_anchor(s.anchor.id());
    Ok(s)
}

/// The forked child's side. It forks the validator (which returns from here and is exec'd),
/// and stays as the anchor: a subreaper that reports the validator's pid and status and reaps
/// until no descendant is left.
fn anchor(report: libc::c_int) -> io::Result<()> {
    // SAFETY (all calls in this function): async-signal-safe libc calls on plain integers, in a
    // single-threaded child between fork and exec; see `spawn`.
    unsafe {
        if libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        let validator = libc::fork();
        if validator < 0 {
            return Err(io::Error::last_os_error());
        }
        if validator == 0 {
            // The validator: a process group of its own, then std's exec.
            libc::setpgid(0, 0);
            return Ok(());
        }
        write_all(report, &validator.to_ne_bytes());
        // Hold nothing of the case open: the output pipes (so they end when the validator's
        // side ends), standard input, and std's exec-error pipe (so `spawn` returns).
        close_all_but(report);
        loop {
            let mut status: libc::c_int = 0;
            let reaped = libc::waitpid(-1, &mut status, 0);
            if reaped == validator {
                write_all(report, &status.to_ne_bytes());
            } else if reaped < 0 {
                if *libc::__errno_location() == libc::EINTR {
                    continue;
                }
                // ECHILD: no child left, and so no descendant (they would be ours).
                break;
            }
        }
        libc::_exit(0)
    }
}

/// `write` until done or failed (the gate may be gone; then there is no one to tell).
///
/// # Safety
/// Async-signal-safe; `fd` is the anchor's report pipe.
unsafe fn write_all(fd: libc::c_int, bytes: &[u8]) {
    let mut at = 0;
    while at < bytes.len() {
        // SAFETY: the pointer and length describe the live slice `bytes[at..]`.
        let n = unsafe { libc::write(fd, bytes[at..].as_ptr().cast(), bytes.len() - at) };
        if n > 0 {
            at += n as usize;
        } else if n < 0 && unsafe { *libc::__errno_location() } == libc::EINTR {
            continue;
        } else {
            return;
        }
    }
}

/// Closes every descriptor but `keep`.
///
/// # Safety
/// Async-signal-safe; only for the anchor, which uses no descriptor but `keep` afterwards.
unsafe fn close_all_but(keep: libc::c_int) {
    let ranges: [(libc::c_uint, libc::c_uint); 2] = [
        (0, (keep as libc::c_uint).saturating_sub(1)),
        ((keep as libc::c_uint).saturating_add(1), libc::c_uint::MAX),
    ];
    for (first, last) in ranges {
        if first > last || (first == 0 && keep == 0) {
            continue;
        }
        // SAFETY: close_range takes plain integers.
        let done = unsafe { libc::syscall(libc::SYS_close_range, first, last, 0) } == 0;
        if !done {
            // Kernels before 5.9: close one by one, up to a bound no case reaches.
            for fd in first..last.min(65_536) {
                // SAFETY: closing a descriptor number; EBADF for unused ones is fine.
                unsafe { libc::close(fd as libc::c_int) };
            }
        }
    }
}

impl Supervised {
    /// The validator's pid.
    pub fn validator_pid(&self) -> i32 {
        self.validator
    }

    /// The parent's ends of the standard output and error pipes (the validator inherited them
    /// from the anchor, which closed its own copies).
    pub fn take_pipes(
        &mut self,
    ) -> (
        Option<std::process::ChildStdout>,
        Option<std::process::ChildStderr>,
    ) {
        (self.anchor.stdout.take(), self.anchor.stderr.take())
    }

    /// Waits until the validator ends or `deadline` passes (`None`).
    pub fn wait_until(&mut self, deadline: Instant) -> Option<Ended> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let timeout = Timespec {
                tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(left.subsec_nanos()),
            };
            let mut fds = [PollFd::from_borrowed_fd(self.status.as_fd(), PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                Ok(0) => return None,
                Ok(_) => {
                    let mut status = [0u8; 4];
                    return match self.status.read_exact(&mut status) {
                        Ok(()) => Some(decode(i32::from_ne_bytes(status))),
                        // The anchor died without a report: the validator cannot be trusted
                        // to have answered.
                        Err(_) => Some(Ended::Signaled),
                    };
                }
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => return Some(Ended::Signaled),
            }
        }
    }

    /// Kills the validator's group, then every process left under the anchor until the anchor
    /// exits (nothing of the case is left). Returns how many processes were killed other than
    /// the validator itself.
    pub fn end(&mut self) -> usize {
        if self.validator > 0
            && let Some(pid) = Pid::from_raw(self.validator)
        {
            let _ = rustix::process::kill_process_group(pid, Signal::KILL);
        }
        let anchor = self.anchor.id();
        let mut killed: BTreeSet<u32> = BTreeSet::new();
        let started = Instant::now();
        loop {
            if self.anchor_exited() {
                break;
            }
            if started.elapsed() > SWEEP_LIMIT {
                // Give up on the anchor; what it still held goes to init. Counted as escaped.
                let _ = self.anchor.kill();
                let _ = self.anchor.wait();
                self.anchor_gone = true;
                killed.insert(0);
                break;
            }
            for child in children_of(anchor) {
                if child != self.validator as u32 {
                    killed.insert(child);
                }
                if let Some(pid) = i32::try_from(child).ok().and_then(Pid::from_raw) {
                    let _ = rustix::process::kill_process(pid, Signal::KILL);
                }
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        Registry::global().remove_anchor(anchor);
        killed.len()
    }

    fn anchor_exited(&mut self) -> bool {
        if self.anchor_gone {
            return true;
        }
        match self.anchor.try_wait() {
            Ok(Some(_)) | Err(_) => {
                self.anchor_gone = true;
                true
            }
            Ok(None) => false,
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        if !self.anchor_gone {
            self.end();
        }
    }
}

/// The live children of `pid` (not zombies): from `/proc/PID/task/PID/children` when the kernel
/// has it, else from every `/proc/N/stat`.
fn children_of(pid: u32) -> Vec<u32> {
    let listed = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"));
    let candidates: Vec<u32> = match listed {
        Ok(text) => text
            .split_ascii_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect(),
        Err(_) => all_pids()
            .into_iter()
            .filter(|p| stat_of(*p).is_some_and(|(_, ppid)| ppid == pid))
            .collect(),
    };
    candidates
        .into_iter()
        .filter(|p| stat_of(*p).is_some_and(|(state, ppid)| state != 'Z' && ppid == pid))
        .collect()
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The state and parent pid of a process, from `/proc/N/stat` (after the name, which may hold
/// spaces and parentheses, so read from the last `)`).
fn stat_of(pid: u32) -> Option<(char, u32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_ascii_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// A workspace listed in the [`Registry`] while this guard lives.
#[derive(Debug)]
pub struct Listed(PathBuf);

impl Listed {
    pub fn workspace(base: &Path) -> Listed {
        Registry::global().add_workspace(base);
        Listed(base.to_path_buf())
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        Registry::global().remove_workspace(&self.0);
    }
}

/// What the gate has running right now: the anchors of running command validators and the
/// case workspaces on disk. A SIGINT or SIGTERM of the gate ends them all ([`Registry::end_all`])
/// before it exits.
#[derive(Debug, Default)]
pub struct Registry {
    anchors: Mutex<BTreeSet<u32>>,
    workspaces: Mutex<BTreeSet<PathBuf>>,
}

impl Registry {
    pub fn global() -> &'static Registry {
        static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        REGISTRY.get_or_init(Registry::default)
    }

    fn add_anchor(&self, pid: u32) {
        if let Ok(mut a) = self.anchors.lock() {
            a.insert(pid);
        }
    }

    fn remove_anchor(&self, pid: u32) {
        if let Ok(mut a) = self.anchors.lock() {
            a.remove(&pid);
        }
    }

    /// A case workspace now on disk.
    fn add_workspace(&self, base: &Path) {
        if let Ok(mut w) = self.workspaces.lock() {
            w.insert(base.to_path_buf());
        }
    }

    /// A case workspace removed.
    fn remove_workspace(&self, base: &Path) {
        if let Ok(mut w) = self.workspaces.lock() {
            w.remove(base);
        }
    }

    /// Kills every process of every running case (each anchor's children, over and over, then
    /// the anchor) and removes every workspace. For the gate's own SIGINT and SIGTERM.
    pub fn end_all(&self) {
        let anchors: Vec<u32> = self
            .anchors
            .lock()
            .map(|a| a.iter().copied().collect())
            .unwrap_or_default();
        let started = Instant::now();
        loop {
            let mut left = false;
            for &anchor in &anchors {
                for child in children_of(anchor) {
                    left = true;
                    if let Some(pid) = i32::try_from(child).ok().and_then(Pid::from_raw) {
                        let _ = rustix::process::kill_process(pid, Signal::KILL);
                    }
                }
            }
            if !left || started.elapsed() > SWEEP_LIMIT {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        for &anchor in &anchors {
            if let Some(pid) = i32::try_from(anchor).ok().and_then(Pid::from_raw) {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
            }
        }
        let workspaces: Vec<PathBuf> = self
            .workspaces
            .lock()
            .map(|w| w.iter().cloned().collect())
            .unwrap_or_default();
        for w in workspaces {
            let _ = std::fs::remove_dir_all(w);
        }
    }
}

/// Set when the gate was told to stop (SIGINT, SIGTERM): no new case starts.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether the gate is stopping; the runner starts no case then.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Called when a run's cases are done: if a signal is being handled, the signal's thread ends
/// the process (after its cleanup, with its exit status), so this never returns then; the
/// run's remaining cases, which were cut short, are never reported as a verdict.
pub fn park_if_stopping() {
    while stopping() {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// On SIGINT or SIGTERM, the gate stops starting cases, kills every running case's processes,
/// removes every workspace, says so on stderr and exits with 128 + the signal's number (130,
/// 143), as a shell reports a process a signal ended. Installed once, by `sealprobe gate`.
pub fn install_signal_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("gate signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    STOPPING.store(true, Ordering::SeqCst);
                    let registry = Registry::global();
                    registry.end_all();
                    // A case that was starting as the flag was set registers just after.
                    std::thread::sleep(Duration::from_millis(50));
                    registry.end_all();
                    let _ = std::io::Write::write_all(
                        &mut std::io::stderr(),
                        b"sealprobe: stopped by a signal; every case's processes were killed and its workspace removed\n",
                    );
                    std::process::exit(128 + signal);
                }
            });
    });
}
