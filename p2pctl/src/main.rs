fn main() {
    std::process::exit(p2pctl::run());
}
