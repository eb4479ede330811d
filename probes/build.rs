//! Build script of the `sealprobe` package (`build = "probes/build.rs"` in Cargo.toml). The
//! static probe cases under `probes/` are compiled into the library (`include_dir!`), which does
//! not tell cargo about the files it reads; this tells cargo to rebuild when anything below
//! `probes/` changes, so a new or edited case is never left out of a build.
fn main() {
    println!("cargo:rerun-if-changed=probes");
}
