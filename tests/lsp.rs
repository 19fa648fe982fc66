//! The language server as an editor sees it: `dxlint lsp` runs as a child
//! process and the test speaks JSON-RPC to it over its stdin and stdout.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(120);

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Messages read while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    fn start(args: &[&str], cwd: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dxlint"))
            .arg("lsp")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dxlint lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut s = Server {
            child,
            stdin,
            rx,
            pending: VecDeque::new(),
            next_id: 1,
        };
        let root = format!("file://{}", cwd.display());
        let init = s.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "capabilities": {},
                "clientInfo": { "name": "dxlint-test" },
            }),
        );
        assert_eq!(init["serverInfo"]["name"], "dxlint");
        assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The first message (pending or new) that `pred` accepts.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if pred(&msg) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let resp = self.wait_for(|m| m["id"] == id && m.get("method").is_none());
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// The next publishDiagnostics for `uri` (with `version`, when given).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let msg = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "csv", "version": 1, "text": text } }),
        );
    }

    fn code_actions(&mut self, uri: &str, line: u32, character: u32) -> Vec<Value> {
        let pos = json!({ "line": line, "character": character });
        let r = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": pos, "end": pos },
                "context": { "diagnostics": [] },
            }),
        );
        r.as_array().unwrap().clone()
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({ "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } })
}

fn edit(sl: u32, sc: u32, ec: u32, text: &str) -> Value {
    json!({ "range": range(sl, sc, sl, ec), "newText": text })
}

/// The member id of C1 holds `é` (2 bytes, 1 UTF-16 unit) and `𝄞` (4 bytes,
/// 2 units), so byte and UTF-16 columns differ after it. C2's row repeats.
const CLAIMS: &str = "claim_id,member_id,claim_type,service_date,dx1,poa1,dx2,poa2,dx3,poa3\n\
C1,M\u{e9}\u{1d11e},outpatient,2025-11-04,Z53.2,Y,J06.9,N,,\n\
C2,M2,outpatient,2025-10-16,J45.909,Y,Z00.00,N,,\n\
C3,M3,outpatient,2025-10-20,\"m5450\",Y,K21.9,N,,\n\
C2,M2,outpatient,2025-10-16,J45.909,Y,Z00.00,N,,\n";

/// A scratch folder with no `dxlint.toml` above it but the test's own.
fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn by_rule<'a>(ds: &'a [Value], code: &str) -> &'a Value {
    ds.iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {ds:#?}"))
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect()
}

fn edits_of<'a>(action: &'a Value, uri: &str) -> &'a Vec<Value> {
    action["edit"]["changes"][uri].as_array().unwrap()
}

#[test]
fn diagnostics_hover_and_code_actions() {
    let dir = tempdir();
    let path = dir.path().join("claims.csv");
    std::fs::write(&path, CLAIMS).unwrap();
    let uri = uri(&path);
    let mut s = Server::start(&[], dir.path());
    s.open(&uri, CLAIMS);
    let ds = s.diagnostics(&uri, Some(1));
    assert_eq!(ds.len(), 2, "{ds:#?}");

    // Z53.2 starts at byte column 34 but UTF-16 character 30.
    let dx103 = by_rule(&ds, "DX103");
    assert_eq!(dx103["range"], range(1, 30, 1, 35));
    assert_eq!(dx103["severity"], 1);
    assert_eq!(dx103["source"], "dxlint");
    let message = dx103["message"].as_str().unwrap();
    assert!(
        message.starts_with("non-billable-code: Z53.2 is a header code, not billable"),
        "{message}"
    );
    assert!(message.contains("\nhelp: "), "{message}");
    assert_eq!(dx103["data"]["rule_name"], "non-billable-code");
    assert_eq!(dx103["data"]["claim_id"], "C1");
    assert_eq!(dx103["data"]["field"], "dx1");
    assert_eq!(dx103["data"]["code"]["canonical"], "Z53.2");

    let dx201 = by_rule(&ds, "DX201");
    assert_eq!(dx201["range"], range(2, 38, 2, 44));
    assert_eq!(dx201["severity"], 1);

    // Hover on the header code: title, status on the claim's date, children.
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 32 } }),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(
        md.starts_with("**Z53.2** Procedure and treatment not carried out"),
        "{md}"
    );
    assert!(
        md.contains("**Not billable** on 2025-11-04 (FY2026)"),
        "{md}"
    );
    assert!(md.contains("- `Z53.20` Procedure and treatment"), "{md}");
    assert_eq!(h["range"], range(1, 30, 1, 35));
    // A billable code says so; a cell that is not a diagnosis has no hover.
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 40 } }),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Billable on 2025-11-04 (FY2026)"),
        "{h}"
    );
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 12 } }),
    );
    assert!(h.is_null(), "{h}");

    // The header code: one action per billable child, each replacing the cell.
    let actions = s.code_actions(&uri, 1, 31);
    assert_eq!(
        titles(&actions)
            .iter()
            .map(|t| t.split(" (").next().unwrap())
            .collect::<Vec<_>>(),
        [
            "Replace Z53.2 with Z53.20",
            "Replace Z53.2 with Z53.21",
            "Replace Z53.2 with Z53.29"
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "DX103");
    assert_eq!(
        edits_of(&actions[0], &uri),
        &vec![edit(1, 30, 35, "Z53.20")]
    );

    // The first-listed-only code: swap with position 1, POA included, on
    // the claim's row and on the row that repeats it.
    let actions = s.code_actions(&uri, 2, 40);
    assert_eq!(
        titles(&actions),
        ["Move Z00.00 to the first position (swap with J45.909)"]
    );
    assert_eq!(actions[0]["isPreferred"], true);
    let swap = |line| {
        vec![
            edit(line, 28, 35, "Z00.00"),
            edit(line, 36, 37, "N"),
            edit(line, 38, 44, "J45.909"),
            edit(line, 45, 46, "Y"),
        ]
    };
    let mut want = swap(2);
    want.extend(swap(4));
    assert_eq!(edits_of(&actions[0], &uri), &want);

    // A lower-case dotless code inside quotes: canonical form, quotes kept;
    // and the fix-all action for the document.
    let actions = s.code_actions(&uri, 3, 30);
    assert_eq!(
        titles(&actions),
        [
            "Write m5450 as M54.50",
            "Fix all code spellings (case, dots, padding)"
        ]
    );
    assert_eq!(
        edits_of(&actions[0], &uri),
        &vec![edit(3, 29, 34, "M54.50")]
    );
    assert_eq!(actions[1]["kind"], "source.fixAll.dxlint");
    assert_eq!(
        edits_of(&actions[1], &uri),
        &vec![edit(3, 29, 34, "M54.50")]
    );
    // Asked for fix-all only, the server gives only that.
    let pos = json!({ "line": 0, "character": 0 });
    let only = s.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": pos, "end": pos },
            "context": { "diagnostics": [], "only": ["source.fixAll"] },
        }),
    );
    assert_eq!(
        titles(only.as_array().unwrap()),
        ["Fix all code spellings (case, dots, padding)"]
    );

    // An incremental edit: Z53.2 -> Z53.20 makes the header finding go away.
    s.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": range(1, 30, 1, 35), "text": "Z53.20" }],
        }),
    );
    let ds = s.diagnostics(&uri, Some(2));
    assert_eq!(
        ds.iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["DX201"]
    );
    // Closing clears the document's diagnostics.
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(s.diagnostics(&uri, None).is_empty());
    s.shutdown();
}

#[test]
fn config_is_found_from_the_documents_folder() {
    let dir = tempdir();
    let payer = dir.path().join("payer");
    std::fs::create_dir(&payer).unwrap();
    std::fs::write(
        payer.join("dxlint.toml"),
        "ignore = [\"non-billable-code\"]\n",
    )
    .unwrap();
    let inside = payer.join("claims.csv");
    let outside = dir.path().join("claims.csv");
    let mut s = Server::start(&[], dir.path());
    s.open(&uri(&inside), CLAIMS);
    s.open(&uri(&outside), CLAIMS);
    let codes = |ds: Vec<Value>| {
        let mut v: Vec<String> = ds
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(codes(s.diagnostics(&uri(&inside), Some(1))), ["DX201"]);
    assert_eq!(
        codes(s.diagnostics(&uri(&outside), Some(1))),
        ["DX103", "DX201"]
    );

    // A broken config is reported on the document, not by dying.
    std::fs::write(payer.join("dxlint.toml"), "ignore = [\"no-such-rule\"]\n").unwrap();
    s.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&payer.join("dxlint.toml")) } }),
    );
    let ds = s.diagnostics(&uri(&inside), None);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert!(
        ds[0]["message"]
            .as_str()
            .unwrap()
            .contains("`no-such-rule` in ignore names no rule"),
        "{ds:#?}"
    );
    s.shutdown();
}

#[test]
fn large_documents_do_not_block_and_stale_results_are_dropped() {
    let dir = tempdir();
    let small = uri(&dir.path().join("small.csv"));
    let big = uri(&dir.path().join("big.csv"));
    let mut s = Server::start(&["--isolated"], dir.path());
    s.open(&small, CLAIMS);
    s.diagnostics(&small, Some(1));

    // Many clean rows and one finding: slow to lint, small to publish.
    let mut text = String::from("claim_id,service_date,dx1,dx2\nB0,2025-11-04,E11.9,Z53.2\n");
    for i in 1..60_000 {
        text.push_str(&format!("B{i},2025-11-04,E11.9,I10\n"));
    }
    s.open(&big, &text);
    // The server answers while the big document is linted.
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": small }, "position": { "line": 1, "character": 32 } }),
    );
    assert!(h["contents"]["value"].as_str().unwrap().contains("Z53.2"));
    let early = s.pending.iter().any(|m| m["params"]["uri"] == big.as_str());
    assert!(!early, "the hover waited for the big lint");

    // Two quick edits: only the newest version's findings are published last.
    s.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": big, "version": 2 },
            "contentChanges": [{ "range": range(1, 20, 1, 25), "text": "Z53.21" }],
        }),
    );
    s.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": big, "version": 3 },
            "contentChanges": [{ "range": range(1, 20, 1, 26), "text": "Z5" }],
        }),
    );
    let ds = s.diagnostics(&big, Some(3));
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0]["code"], "DX101");
    assert_eq!(ds[0]["range"], range(1, 20, 1, 22));
    let is_big = |m: &Value| m["params"]["uri"] == big.as_str();
    // Whatever came before version 3 came in version order.
    let versions: Vec<i64> = s
        .pending
        .iter()
        .filter(|m| is_big(m))
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(versions.iter().all(|&v| v < 3), "{versions:?}");
    // Nothing older arrives after it (the hover's answer comes after any).
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": big }, "position": { "line": 1, "character": 21 } }),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("`Z5` is not an ICD-10-CM code"),
        "{h}"
    );
    std::thread::sleep(Duration::from_millis(300));
    let h = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": small }, "position": { "line": 1, "character": 32 } }),
    );
    assert!(!h.is_null());
    let after = s.pending.iter().filter(|m| is_big(m)).count();
    assert_eq!(
        after,
        versions.len(),
        "a stale result came after the newest"
    );
    s.shutdown();
}

#[test]
fn exit_without_shutdown_exits_with_1() {
    let dir = tempdir();
    let mut s = Server::start(&["--isolated"], dir.path());
    s.notify("exit", Value::Null);
    drop(s.stdin.take());
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
