//! The `sealprobe` binary: a thin shell over the library.

fn main() -> std::process::ExitCode {
    sealprobe::cli::run()
}
