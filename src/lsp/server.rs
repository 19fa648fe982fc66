//! The message loop: documents, workers, requests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, HoverProviderCapability, InitializeParams, PositionEncodingKind,
    PublishDiagnosticsParams, SaveOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};

use super::Options;
use super::actions::{FIX_ALL, code_actions};
use super::analysis::{Analysis, analyze, problem};
use super::hover::hover;
use super::position::{Text, apply_change};
use super::setup::Setups;
use crate::config::FILE_NAME;

/// File extensions linted when the editor does not name a CSV language.
const EXTENSIONS: &[&str] = &["csv", "tsv", "psv", "txt", "dat", "pipe"];

/// Runs the server on stdin and stdout until the editor says `exit` (or
/// closes stdin). `Ok(true)` when a `shutdown` request came first, as the
/// protocol asks of a clean exit.
pub fn serve_stdio(options: Options) -> Result<bool, String> {
    let (connection, io) = Connection::stdio();
    let clean = serve(connection, options)?;
    io.join().map_err(|e| e.to_string())?;
    Ok(clean)
}

/// A finished lint.
struct Done {
    uri: Url,
    version: i32,
    result: Result<Option<(Analysis, Option<String>)>, String>,
}

struct Doc {
    text: String,
    version: i32,
    path: Option<PathBuf>,
    cancel: Arc<AtomicBool>,
    analysis: Option<Arc<Analysis>>,
}

struct Server {
    sender: Sender<Message>,
    done: Sender<Done>,
    docs: HashMap<Url, Doc>,
    setups: Arc<Setups>,
    root: Option<PathBuf>,
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL),
            ]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// Runs the server on `connection` until the editor says `exit`; `Ok(true)`
/// when `shutdown` came first.
pub fn serve(connection: Connection, options: Options) -> Result<bool, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize params: {e}"))?;
    #[allow(deprecated)]
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(init.root_uri.clone())
        .and_then(|u| u.to_file_path().ok());
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "dxlint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let (done_tx, done_rx): (Sender<Done>, Receiver<Done>) = crossbeam_channel::unbounded();
    let mut server = Server {
        sender: connection.sender.clone(),
        done: done_tx,
        docs: HashMap::new(),
        setups: Arc::new(Setups::new(options)),
        root,
    };
    loop {
        select! {
            recv(connection.receiver) -> msg => {
                let Ok(msg) = msg else { return Ok(false) };
                match msg {
                    Message::Request(req) => {
                        if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                            server.cancel_all();
                            return Ok(true);
                        }
                        server.request(req);
                    }
                    Message::Notification(n) => {
                        if n.method == "exit" {
                            server.cancel_all();
                            return Ok(false);
                        }
                        server.notification(n);
                    }
                    Message::Response(_) => {}
                }
            }
            recv(done_rx) -> done => {
                if let Ok(done) = done {
                    server.finished(done);
                }
            }
        }
    }
}

/// Whether the editor's document is a claims file dxlint should lint.
fn is_claims_document(uri: &Url, language_id: &str) -> bool {
    let lang = language_id.to_ascii_lowercase();
    if lang.contains("csv") || lang.contains("tsv") || lang.contains("psv") {
        return true;
    }
    Path::new(uri.path())
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

impl Server {
    fn send(&self, msg: impl Into<Message>) {
        let _ = self.sender.send(msg.into());
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        ));
    }

    fn cancel_all(&self) {
        for doc in self.docs.values() {
            doc.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Starts linting the document's current version on a worker thread,
    /// cancelling the run for an older version.
    fn lint(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        doc.cancel.store(true, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        doc.cancel = cancel.clone();
        let text = Text::new(Arc::from(doc.text.as_str()));
        let version = doc.version;
        let path = doc.path.clone();
        let folder = path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| self.root.clone());
        let setups = self.setups.clone();
        let done = self.done.clone();
        let uri = uri.clone();
        let spawned = std::thread::Builder::new()
            .name("dxlint-lint".to_string())
            .spawn(move || {
                let result = setups
                    .for_folder(folder.as_deref())
                    .map(|setup| analyze(version, text, path.as_deref(), setup, &cancel));
                let _ = done.send(Done {
                    uri,
                    version,
                    result,
                });
            });
        if let Err(e) = spawned {
            self.log(&format!("cannot start a lint thread: {e}"));
        }
    }

    fn log(&self, message: &str) {
        self.send(Notification::new(
            "window/logMessage".to_string(),
            serde_json::json!({ "type": 3, "message": message }),
        ));
    }

    fn finished(&mut self, done: Done) {
        let Some(doc) = self.docs.get_mut(&done.uri) else {
            return;
        };
        if doc.version != done.version {
            return;
        }
        match done.result {
            Ok(None) => {}
            Ok(Some((analysis, trouble))) => {
                let mut diagnostics: Vec<lsp_types::Diagnostic> =
                    analysis.findings.iter().map(|f| f.lsp.clone()).collect();
                if let Some(t) = trouble {
                    diagnostics.push(problem(
                        &analysis.text,
                        format!("dxlint cannot read this file as claims: {t}"),
                        DiagnosticSeverity::INFORMATION,
                    ));
                }
                doc.analysis = Some(Arc::new(analysis));
                self.publish(done.uri, diagnostics, Some(done.version));
            }
            Err(message) => {
                let text = Text::new(Arc::from(doc.text.as_str()));
                doc.analysis = None;
                let d = problem(&text, message, DiagnosticSeverity::ERROR);
                self.publish(done.uri, vec![d], Some(done.version));
            }
        }
    }

    /// The analysis of the document's current version, if it is done.
    fn current(&self, uri: &Url) -> Option<Arc<Analysis>> {
        let doc = self.docs.get(uri)?;
        doc.analysis
            .as_ref()
            .filter(|a| a.version == doc.version)
            .cloned()
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let doc = p.text_document;
                if !is_claims_document(&doc.uri, &doc.language_id) {
                    return;
                }
                let path = doc.uri.to_file_path().ok();
                self.docs.insert(
                    doc.uri.clone(),
                    Doc {
                        text: doc.text,
                        version: doc.version,
                        path,
                        cancel: Arc::new(AtomicBool::new(false)),
                        analysis: None,
                    },
                );
                self.lint(&doc.uri);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return;
                };
                for change in p.content_changes {
                    apply_change(&mut doc.text, change.range, &change.text);
                }
                doc.version = p.text_document.version;
                self.lint(&uri);
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let is_config = Path::new(uri.path())
                    .file_name()
                    .is_some_and(|f| f == FILE_NAME);
                if is_config {
                    self.setups.clear();
                    let all: Vec<Url> = self.docs.keys().cloned().collect();
                    for u in all {
                        self.lint(&u);
                    }
                } else if let Some(doc) = self.docs.get_mut(&uri) {
                    if let Some(text) = p.text {
                        doc.text = text;
                    }
                    self.lint(&uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(doc) = self.docs.remove(&p.text_document.uri) {
                    doc.cancel.store(true, Ordering::Relaxed);
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let response = match req.method.as_str() {
            HoverRequest::METHOD => {
                match serde_json::from_value::<lsp_types::HoverParams>(req.params) {
                    Ok(p) => {
                        let pos = p.text_document_position_params;
                        let result = self
                            .current(&pos.text_document.uri)
                            .and_then(|a| hover(&a, pos.position));
                        Response::new_ok(id, result)
                    }
                    Err(e) => invalid(id, e),
                }
            }
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp_types::CodeActionParams>(req.params) {
                    Ok(p) => {
                        let actions = self
                            .current(&p.text_document.uri)
                            .map(|a| code_actions(&a, &p))
                            .unwrap_or_default();
                        Response::new_ok(id, actions)
                    }
                    Err(e) => invalid(id, e),
                }
            }
            other => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("dxlint does not handle {other}"),
            ),
        };
        self.send(response);
    }
}

fn invalid(id: lsp_server::RequestId, e: serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}
