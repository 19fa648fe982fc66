//! The `dxlint` binary: everything lives in the library's `cli` module.

fn main() {
    std::process::exit(dxlint::cli::main());
}
