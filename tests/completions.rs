//! Shell completions, the man page and the example CI files: generated from
//! (or checked against) the real command-line definition.

use std::path::PathBuf;
use std::process::Command as Process;

use assert_cmd::Command;
use clap::Parser;
use dxlint::cli::args::{Cli, Command as Sub};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {:?}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_for_every_shell() {
    let bash = stdout(&["completions", "bash"]);
    assert!(bash.contains("_dxlint()"));
    assert!(bash.contains("complete -F _dxlint"));
    for word in [
        "check",
        "baseline",
        "lsp",
        "--baseline",
        "--fix",
        "--diff",
        "html",
    ] {
        assert!(bash.contains(word), "bash completions lack {word}");
    }
    // The script is valid bash.
    if let Ok(status) = Process::new("bash").args(["-n", "-c", &bash]).status() {
        assert!(status.success(), "bash -n rejected the completions");
    }
    let zsh = stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef dxlint"));
    assert!(zsh.contains("--baseline"));
    let fish = stdout(&["completions", "fish"]);
    assert!(fish.contains("complete -c dxlint"));
    assert!(fish.contains("baseline"));
    let ps = stdout(&["completions", "powershell"]);
    assert!(ps.contains("Register-ArgumentCompleter"));
    assert!(ps.contains("dxlint"));
}

#[test]
fn man_page_covers_every_subcommand() {
    let man = stdout(&["man"]);
    assert!(man.contains(".TH dxlint 1"));
    assert!(man.contains(".SH NAME"));
    assert!(man.contains(".SH SUBCOMMANDS"));
    for sub in [
        "check",
        "rules",
        "explain",
        "lookup",
        "baseline",
        "lsp",
        "completions",
    ] {
        assert!(
            man.contains(&format!(".SH \"DXLINT {}\"", sub.to_uppercase())),
            "no section for {sub}"
        );
    }
    assert!(man.contains("\\-\\-baseline"), "options are listed");
    // groff renders it without warnings, when installed.
    if let Ok(out) = Process::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(man.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
    } else {
        println!("groff not installed: man page rendering not checked");
    }
}

/// The `dxlint ...` command lines of a YAML file's `run:` or `entry:` keys.
fn commands(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix(key))
        .map(str::trim)
        .filter(|c| c.starts_with("dxlint "))
        .map(str::to_string)
        .collect()
}

fn parse(command: &str, files: &[&str]) -> Cli {
    let mut words: Vec<&str> = command.split_whitespace().collect();
    words.extend_from_slice(files);
    Cli::try_parse_from(&words).unwrap_or_else(|e| panic!("`{command}` does not parse: {e}"))
}

#[test]
fn example_workflow_runs_dxlint_and_uploads_sarif() {
    let text = std::fs::read_to_string(root().join("examples/github-workflow.yml")).unwrap();
    let runs = commands(&text, "run:");
    assert_eq!(
        runs,
        ["dxlint check --format sarif -o dxlint.sarif exports/*.csv"]
    );
    let Sub::Check(args) = parse(&runs[0], &[]).command else {
        panic!("not a check");
    };
    assert_eq!(args.format, Some(dxlint::report::Format::Sarif));
    assert_eq!(args.output, Some(PathBuf::from("dxlint.sarif")));
    assert!(text.contains("uses: github/codeql-action/upload-sarif@"));
    assert!(text.contains("sarif_file: dxlint.sarif"));
    assert!(text.contains("security-events: write"));
    assert!(text.contains("cargo install"));
    assert!(text.contains("if: always()"));
}

#[test]
fn pre_commit_hooks_parse_as_dxlint_commands() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entries = commands(&text, "entry:");
    assert_eq!(entries.len(), 2, "{entries:?}");
    for (entry, fix) in entries.iter().zip([false, true]) {
        // pre-commit appends the staged file names.
        let Sub::Check(args) = parse(entry, &["a.csv", "b.tsv"]).command else {
            panic!("not a check: {entry}");
        };
        assert_eq!(args.fix, fix, "{entry}");
        assert_eq!(args.files.len(), 2);
    }
    for id in ["- id: dxlint\n", "- id: dxlint-fix\n"] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("language: rust"));
}
