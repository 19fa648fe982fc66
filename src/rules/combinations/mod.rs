//! Rules about codes that do not belong together on one claim. The
//! combination rules that are lists of codes live in `rules/external-causes.toml`.

pub mod excludes1_conflict;
