//! The `p2pctl` binary: everything lives in the library; this only exits with its code.

fn main() {
    std::process::exit(p2pctl::run());
}
