//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

const ABOUT: &str = "A fast linter for ICD-10-CM diagnosis codes on medical claims";

const LONG_ABOUT: &str = "\
A fast linter for ICD-10-CM diagnosis codes on medical claims.

dxlint checks every claim in CSV, TSV or pipe-delimited exports against the
ICD-10-CM code set in force on the claim's date of service, and reports
invalid, non-billable and out-of-date codes, missing 7th characters,
sequencing errors and data problems, at the exact row and cell.

Code sets: FY2025 and FY2026 (tabular XML) are built in. For other dates from
2015-10-01 to 2027-03-31, including FY2027 (in force since 2026-10-01),
validity and billability come from CMS's Medicare Code Editor timeline, also
built in; titles then come from the nearest built-in release, because no
FY2027 titles are built in. Load CMS's FY2027 release (order file or tabular
XML) with --codeset to check FY2027 claims with its titles and structure.";

#[derive(Parser, Debug)]
#[command(name = "dxlint", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Check claim files and report diagnostics
    Check(CheckArgs),
    /// List every rule with its code, severity, default state and source
    Rules(RulesArgs),
    /// Explain one rule: what it does, why, an example, the fix, references
    Explain {
        /// A rule code (DX103) or name (non-billable-code)
        rule: String,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Look up codes: title, billable status, parent, children, validity dates, notes
    Lookup(LookupArgs),
    /// Record today's findings as a baseline (JSON) for `check --baseline`
    Baseline(CheckArgs),
    /// Run the language server (LSP over stdio) for editors
    Lsp(LspArgs),
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

#[derive(Args, Debug, Default)]
pub struct LspArgs {
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Args, Debug, Default)]
pub struct PackArgs {
    /// Load a rule pack (TOML) in addition to the built-in packs; repeatable
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Use this config file instead of searching for dxlint.toml
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Ignore any dxlint.toml
    #[arg(long, global = true, conflicts_with = "config")]
    pub isolated: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Claim files (CSV, TSV, pipe-delimited; `.gz` read directly); `-` reads stdin
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,

    /// Output format [default: human on a terminal, short otherwise]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write the report to a file instead of stdout
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// When to use colours in the human format
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// In the human format, mask every cell of the shown row except the offending one [default when stdout is not a terminal]
    #[arg(long)]
    pub redact: bool,
    /// Show whole rows in the human format even when stdout is not a terminal
    #[arg(long, conflicts_with = "redact")]
    pub no_redact: bool,
    /// Exit with 1 when there are warnings, not only errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print no summary
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show no progress line (shown on a terminal's stderr for long runs
    /// whose report goes to a file)
    #[arg(long)]
    pub no_progress: bool,
    /// Print the column mapping chosen for each file (to stderr)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Threads that build and check claims (0: one per core, at most 8) [env: DXLINT_THREADS]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not report findings recorded in this baseline (from `dxlint baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Apply safe fixes (code case, dots, padding, byte-order mark) to the files, then check them
    #[arg(long)]
    pub fix: bool,
    /// Print the safe fixes as a unified diff instead of writing them (exit 1 if any)
    #[arg(long)]
    pub diff: bool,

    /// Rules or groups to run instead of the default set (codes, code prefixes, names, groups, ALL); comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition (e.g. rules off by default); comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Rules not to run; comma-separated
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Load an ICD-10-CM release at run time (CMS order file or tabular XML, e.g. FY2027); repeatable
    #[arg(long, value_name = "PATH")]
    pub codeset: Vec<PathBuf>,
    /// Member file(s) with birth dates and sexes, joined on the member id
    #[arg(long, value_name = "PATH")]
    pub members: Vec<PathBuf>,
    /// CMS's POA-exempt code list (tab-separated POAexemptCodes file) for the POA rules
    #[arg(long, value_name = "FILE")]
    pub poa_exempt: Option<PathBuf>,
    /// Claim type for files that do not say (inpatient, outpatient, professional)
    #[arg(long, value_name = "TYPE")]
    pub claim_type: Option<String>,
    /// Field delimiter (`,`, `tab`, `|`); detected from the header when absent
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Header of the claim id column
    #[arg(long, value_name = "HEADER")]
    pub claim_id_column: Option<String>,
    /// Header of the service date column
    #[arg(long, value_name = "HEADER")]
    pub service_date_column: Option<String>,
    /// Headers of the diagnosis columns in order (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "HEADERS")]
    pub dx_columns: Option<Vec<String>>,

    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print the rules as JSON
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the rules as a Markdown table (the README's rule list)
    #[arg(long)]
    pub markdown: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    /// Codes, dotted or not (E11.9, e119)
    #[arg(required = true)]
    pub codes: Vec<String>,
    /// Fiscal year whose release to show (default: the newest)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// Load an ICD-10-CM release at run time; repeatable
    #[arg(long, value_name = "PATH")]
    pub codeset: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
